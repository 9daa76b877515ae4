import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { z } from "zod";
import type { ConnectionRecord, ConnectionStore } from "../ports";
import { translatingSend } from "./dynamo-errors";
import { Expression } from "./dynamo-expression";
import type { CONNECTIONS_TABLE } from "./dynamo-tables";

export interface DynamoConnectionStoreOptions {
  client: DynamoDBClient;
  /** The Connections table (`Resource.Connections.name` on AWS); layout in `dynamo-tables.ts`. */
  tableName: string;
  now?: () => number;
}

const ConnectionItem = z.object({
  connectionId: z.string(),
  userId: z.string(),
  connectedAt: z.number(),
  expiresAt: z.number(),
});

const BY_USER: keyof typeof CONNECTIONS_TABLE.globalIndexes = "byUser";

/**
 * `ConnectionStore` on DynamoDB: one item per connection, found by user through the
 * `byUser` index.
 *
 * @remarks DynamoDB's TTL deletion is lazy (up to ~48 h late), so reads filter on
 * `expiresAt` themselves. `listByUser` reads a global index, which AWS updates within
 * about a second: a connection deleted a moment ago can still be listed, and is then
 * dropped again when `@connections` answers 410.
 */
export class DynamoConnectionStore implements ConnectionStore {
  readonly #send: DynamoDBDocumentClient["send"];
  readonly #table: string;
  readonly #now: () => number;

  constructor(options: DynamoConnectionStoreOptions) {
    this.#send = translatingSend(DynamoDBDocumentClient.from(options.client));
    this.#table = options.tableName;
    this.#now = options.now ?? Date.now;
  }

  #nowSeconds = () => Math.floor(this.#now() / 1000);

  async put(connection: ConnectionRecord): Promise<void> {
    await this.#send(new PutCommand({ TableName: this.#table, Item: ConnectionItem.parse(connection) }));
  }

  async get(connectionId: string): Promise<ConnectionRecord | undefined> {
    const { Item } = await this.#send(new GetCommand({ TableName: this.#table, Key: { connectionId }, ConsistentRead: true }));
    if (!Item) return undefined;
    const record = ConnectionItem.parse(Item);
    return record.expiresAt > this.#nowSeconds() ? record : undefined;
  }

  async delete(connectionId: string): Promise<void> {
    await this.#send(new DeleteCommand({ TableName: this.#table, Key: { connectionId } }));
  }

  async listByUser(userId: string): Promise<string[]> {
    const ids: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const e = new Expression();
      const { Items = [], LastEvaluatedKey } = await this.#send(
        new QueryCommand({
          TableName: this.#table,
          IndexName: BY_USER,
          KeyConditionExpression: `${e.name("userId")} = ${e.value(userId)}`,
          FilterExpression: `${e.name("expiresAt")} > ${e.value(this.#nowSeconds())}`,
          ProjectionExpression: e.name("connectionId"),
          ExclusiveStartKey: startKey,
          ...e.params(),
        }),
      );
      ids.push(...Items.map((item) => z.string().parse(item.connectionId)));
      startKey = LastEvaluatedKey;
    } while (startKey);
    return ids;
  }
}
