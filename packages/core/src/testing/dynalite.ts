import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
// @ts-expect-error -- dynalite ships no type declarations; its one export is typed below.
import dynaliteModule from "dynalite";
import { CONNECTIONS_TABLE, JOBS_TABLE, createTableInput, type TableDefinition } from "../adapters/dynamo-tables";

const startDynaliteServer = dynaliteModule as (options: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }) => Server;

export interface Dynalite {
  /** `http://127.0.0.1:<port>`, for clients built elsewhere (another process, the CLI). */
  endpoint: string;
  /** A real `DynamoDBClient` pointed at the server, with dummy credentials. */
  client: DynamoDBClient;
  /** A pair of tables created at start, for suites that can share one. */
  tables: { jobs: string; connections: string };
  /**
   * Creates a fresh pair of tables with unique names and waits until they are active,
   * so each store a contract test makes starts empty.
   */
  createTables(): Promise<{ jobs: string; connections: string }>;
  stop(): Promise<void>;
}

/**
 * Starts dynalite (a DynamoDB implementation on LevelDB, in memory) in-process on a
 * free loopback port. Tests run the real SDK against it; nothing about DynamoDB is mocked.
 *
 * @remarks What dynalite does not do, and how the adapters cope:
 * - no `TransactWriteItems`: the job store appends with an ordered pair of conditional
 *   writes instead (see `DynamoJobStore`), which real DynamoDB runs the same way;
 * - no `UpdateTimeToLive` and no TTL deletion: adapters filter expired items on every
 *   read, which real DynamoDB needs too since its TTL deletion is lazy;
 * - global indexes are updated synchronously, where AWS updates them within about a second.
 */
export async function startDynalite(): Promise<Dynalite> {
  const server = startDynaliteServer({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    // Port 0: the kernel picks a free port, with no window for another process to take it.
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 3,
  });

  const create = async (table: TableDefinition, name: string) => {
    await client.send(new CreateTableCommand(createTableInput(table, name)));
    for (let i = 0; i < 100; i++) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
      if (Table?.TableStatus === "ACTIVE") return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`dynalite table ${name} did not become active`);
  };

  const createTables = async () => {
    const suffix = randomUUID().slice(0, 8);
    const names = { jobs: `ferry-jobs-${suffix}`, connections: `ferry-connections-${suffix}` };
    await Promise.all([create(JOBS_TABLE, names.jobs), create(CONNECTIONS_TABLE, names.connections)]);
    return names;
  };

  const stop = async () => {
    client.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  try {
    return { endpoint, client, tables: await createTables(), createTables, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
