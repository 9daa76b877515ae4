import { describe, expect, it } from "vitest";
import { CONNECTIONS_TABLE, JOBS_TABLE } from "../../packages/core/src/adapters/dynamo-tables";

// infra/storage.ts builds both tables from these constants; this pins the key
// design the deployed tables (and their data) depend on, since changing a key
// of an existing DynamoDB table replaces the table.
describe("DynamoDB key design", () => {
  it("Connections: connectionId; byUser = userId + connectedAt; TTL expiresAt", () => {
    expect(CONNECTIONS_TABLE.primaryIndex).toEqual({ hashKey: "connectionId" });
    expect(CONNECTIONS_TABLE.globalIndexes.byUser).toMatchObject({ hashKey: "userId", rangeKey: "connectedAt" });
    expect(CONNECTIONS_TABLE.fields).toEqual({ connectionId: "string", userId: "string", connectedAt: "number" });
    expect(CONNECTIONS_TABLE.ttl).toBe("expiresAt");
  });

  it("Jobs: pk + sk; byOwner = owner + createdAt; TTL expiresAt", () => {
    expect(JOBS_TABLE.primaryIndex).toEqual({ hashKey: "pk", rangeKey: "sk" });
    expect(JOBS_TABLE.globalIndexes.byOwner).toMatchObject({ hashKey: "owner", rangeKey: "createdAt" });
    expect(JOBS_TABLE.fields).toEqual({ pk: "string", sk: "string", owner: "string", createdAt: "number" });
    expect(JOBS_TABLE.ttl).toBe("expiresAt");
  });

  it("declares only attributes an index uses (DynamoDB rejects the others)", () => {
    for (const table of [CONNECTIONS_TABLE, JOBS_TABLE]) {
      const used = new Set<string>([table.primaryIndex.hashKey]);
      if ("rangeKey" in table.primaryIndex) used.add(table.primaryIndex.rangeKey);
      for (const index of Object.values(table.globalIndexes)) {
        used.add(index.hashKey);
        if (index.rangeKey) used.add(index.rangeKey);
      }
      expect(new Set(Object.keys(table.fields))).toEqual(used);
      expect(Object.keys(table.fields)).not.toContain(table.ttl);
    }
  });
});
