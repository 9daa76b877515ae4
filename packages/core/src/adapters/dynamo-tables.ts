/**
 * The two DynamoDB tables Ferry uses, described once: the SST infra builds them from
 * these constants (`new sst.aws.Dynamo("Jobs", JOBS_TABLE)` accepts them as they are),
 * the adapters address items through the key helpers below, and tests create the same
 * tables on dynalite with {@link createTableInput}.
 *
 * This module imports nothing, so `infra/` can import it without pulling in the SDK.
 * @module
 */

/** Attribute types as SST's `Dynamo` component spells them. */
export type KeyType = "string" | "number";

/** The shape SST's `sst.aws.Dynamo` takes, and all {@link createTableInput} needs. */
export interface TableDefinition {
  fields: Record<string, KeyType>;
  primaryIndex: { hashKey: string; rangeKey?: string };
  globalIndexes: Record<string, { hashKey: string; rangeKey?: string; projection: "all" | "keys-only" }>;
  /** Attribute holding the epoch-seconds expiry; DynamoDB deletes expired items lazily (within ~48 h). */
  ttl: string;
}

/**
 * `Connections`: one item per live WebSocket connection.
 *
 * - key `connectionId`;
 * - `byUser` (`userId`, `connectedAt`): all connections of a user, for fanning a job's events out;
 * - TTL `expiresAt`, epoch seconds (API Gateway closes every connection within 2 h).
 */
export const CONNECTIONS_TABLE = {
  fields: { connectionId: "string", userId: "string", connectedAt: "number" },
  primaryIndex: { hashKey: "connectionId" },
  globalIndexes: { byUser: { hashKey: "userId", rangeKey: "connectedAt", projection: "all" } },
  ttl: "expiresAt",
} as const satisfies TableDefinition;

/**
 * `Jobs`: a single table for jobs, their event logs, idempotency keys and rate-limit
 * counters, uploads, documents and conversations, each under its own `pk` prefix.
 *
 * | item | `pk` | `sk` | notes |
 * |---|---|---|---|
 * | job record | `job#<jobId>` | `job` | the only items with `owner` + `createdAt`, so `byOwner` is sparse |
 * | log event | `job#<jobId>` | `evt#<seq, zero-padded to 10>` | sorts before `job`, in `seq` order |
 * | idempotency key | `idem#<owner>#<key>` | `idem` | points at the first job created with that key |
 * | rate window | `rate#<key>#<windowSeconds>` | `rate` | one counter per key and window length |
 * | upload | `upload#<uploadId>` | `upload` | expires with the upload |
 * | document | `docs#<owner>` | `doc#<documentId>` | one partition per owner; no TTL |
 * | conversation | `conv#<owner>#<conversationId>` | `conv` | the kept turns as JSON; expiry renewed on each turn |
 *
 * Every item but documents carries `expiresAt` (epoch seconds). Uploads, documents and conversations keep
 * their fields in one JSON attribute, so their `owner`/`createdAt` never enter `byOwner`. Key parts that come from users are
 * URI-encoded, so a `#` inside an owner or a key cannot make two keys collide.
 * `byOwner` (`owner`, `createdAt`, projection all) lists an owner's jobs newest first.
 */
export const JOBS_TABLE = {
  fields: { pk: "string", sk: "string", owner: "string", createdAt: "number" },
  primaryIndex: { hashKey: "pk", rangeKey: "sk" },
  globalIndexes: { byOwner: { hashKey: "owner", rangeKey: "createdAt", projection: "all" } },
  ttl: "expiresAt",
} as const satisfies TableDefinition;

const part = (value: string) => encodeURIComponent(value);

/** Keys of the items in the Jobs table; the one place the layout above is spelled out in code. */
export const JobsKeys = {
  job: (jobId: string) => ({ pk: `job#${part(jobId)}`, sk: "job" }),
  event: (jobId: string, seq: number) => ({ pk: `job#${part(jobId)}`, sk: eventSortKey(seq) }),
  idempotency: (owner: string, key: string) => ({ pk: `idem#${part(owner)}#${part(key)}`, sk: "idem" }),
  rateWindow: (key: string, windowSeconds: number) => ({ pk: `rate#${part(key)}#${windowSeconds}`, sk: "rate" }),
  upload: (uploadId: string) => ({ pk: `upload#${part(uploadId)}`, sk: "upload" }),
  documents: (owner: string) => ({ pk: `docs#${part(owner)}` }),
  document: (owner: string, documentId: string) => ({ pk: `docs#${part(owner)}`, sk: `doc#${part(documentId)}` }),
  conversation: (owner: string, conversationId: string) => ({ pk: `conv#${part(owner)}#${part(conversationId)}`, sk: "conv" }),
} as const;

/** `evt#0000000042`: zero-padded so string order is numeric order. */
export function eventSortKey(seq: number): string {
  return `evt#${String(seq).padStart(10, "0")}`;
}

/**
 * Structurally the SDK's `CreateTableCommandInput` (declared here so this module stays
 * import-free); on-demand billing, as in the SST table.
 */
export interface CreateTableInput {
  TableName: string;
  BillingMode: "PAY_PER_REQUEST";
  AttributeDefinitions: Array<{ AttributeName: string; AttributeType: "S" | "N" }>;
  KeySchema: Array<{ AttributeName: string; KeyType: "HASH" | "RANGE" }>;
  GlobalSecondaryIndexes?: Array<{
    IndexName: string;
    KeySchema: Array<{ AttributeName: string; KeyType: "HASH" | "RANGE" }>;
    Projection: { ProjectionType: "ALL" | "KEYS_ONLY" };
  }>;
}

const keySchema = (index: { hashKey: string; rangeKey?: string }) => [
  { AttributeName: index.hashKey, KeyType: "HASH" as const },
  ...(index.rangeKey ? [{ AttributeName: index.rangeKey, KeyType: "RANGE" as const }] : []),
];

/** The `CreateTable` request for `table`, named `tableName` (tests and local setups). */
export function createTableInput(table: TableDefinition, tableName: string): CreateTableInput {
  const indexes = Object.entries(table.globalIndexes);
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: Object.entries(table.fields).map(([name, type]) => ({
      AttributeName: name,
      AttributeType: type === "string" ? "S" : "N",
    })),
    KeySchema: keySchema(table.primaryIndex),
    GlobalSecondaryIndexes: indexes.length
      ? indexes.map(([name, index]) => ({
          IndexName: name,
          KeySchema: keySchema(index),
          Projection: { ProjectionType: index.projection === "all" ? "ALL" : "KEYS_ONLY" },
        }))
      : undefined,
  };
}

/**
 * The `UpdateTimeToLive` request that turns on TTL for `table` (TTL is not part of
 * `CreateTable`). dynalite has no such operation; adapters filter expired items on read anyway.
 */
export function timeToLiveInput(table: TableDefinition, tableName: string) {
  return { TableName: tableName, TimeToLiveSpecification: { AttributeName: table.ttl, Enabled: true } };
}
