import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { z } from "zod";
import type { ConversationStore, ConversationTurn } from "../ports";
import { checkAppendOptions, ConversationTurnSchema as Turn } from "./conversation-turn-records";
import { backoff, contention, isConditionalCheckFailed, MAX_WRITE_RACES, translatingSend } from "./dynamo-errors";
import { Expression } from "./dynamo-expression";
import { JobsKeys } from "./dynamo-tables";
import { expiresAtSeconds } from "../util/expiry";

export interface DynamoConversationStoreOptions {
  client: DynamoDBClient;
  /** The Jobs table (`Resource.Jobs.name`); conversations live beside the jobs under `conv#…`. */
  tableName: string;
  /** Epoch milliseconds; tests move it on to see conversations expire. */
  now?: () => number;
}

/**
 * Room left under DynamoDB's 400 KB item limit for the turns' JSON, keys and
 * attribute names included with margin. Ten turns of 20 KB answers fit easily; a
 * conversation that would not fit loses its oldest turns first.
 */
const MAX_TURNS_BYTES = 350 * 1024;

const Item = z.object({ data: z.string(), version: z.number(), expiresAt: z.number() });

/**
 * `ConversationStore` in the Jobs table: one item per owner and conversation
 * (`conv#<owner>#<conversationId>`) holding the kept turns as one JSON attribute.
 *
 * @remarks DynamoDB deletes expired items lazily (within about 48 h), so reads treat
 * an item past `expiresAt` as absent, and an append to it starts a new conversation.
 * An append is a read and a conditional put on the item's `version`: two appends
 * racing on one conversation both land, the loser of the race reading again.
 * The item carries no top-level `owner`/`createdAt`, so it stays out of `byOwner`.
 */
export class DynamoConversationStore implements ConversationStore {
  readonly #send: DynamoDBDocumentClient["send"];
  readonly #table: string;
  readonly #now: () => number;

  constructor(options: DynamoConversationStoreOptions) {
    this.#send = translatingSend(DynamoDBDocumentClient.from(options.client));
    this.#table = options.tableName;
    this.#now = options.now ?? Date.now;
  }

  async get(owner: string, conversationId: string): Promise<ConversationTurn[]> {
    return (await this.#read(owner, conversationId)).turns;
  }

  async append(owner: string, conversationId: string, turn: ConversationTurn, options: { keep: number; ttlSeconds: number }): Promise<void> {
    checkAppendOptions(options);
    for (let races = 0; races < MAX_WRITE_RACES; races++) {
      const current = await this.#read(owner, conversationId);
      const data = fitting([...current.turns, turn].slice(-options.keep));
      const e = new Expression();
      try {
        await this.#send(
          new PutCommand({
            TableName: this.#table,
            Item: {
              ...JobsKeys.conversation(owner, conversationId),
              data,
              version: current.version + 1,
              expiresAt: expiresAtSeconds(this.#now(), options.ttlSeconds),
            },
            ConditionExpression:
              current.version === 0 ? `attribute_not_exists(${e.name("pk")})` : `${e.name("version")} = ${e.value(current.version)}`,
            ...e.params(),
          }),
        );
        return;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
        await backoff(races);
      }
    }
    throw contention(`conversation ${conversationId}`);
  }

  /** The live turns and the item's version (0 when there is no item; an expired item keeps its version but no turns). */
  async #read(owner: string, conversationId: string): Promise<{ turns: ConversationTurn[]; version: number }> {
    const { Item: raw } = await this.#send(
      new GetCommand({ TableName: this.#table, Key: JobsKeys.conversation(owner, conversationId), ConsistentRead: true }),
    );
    if (!raw) return { turns: [], version: 0 };
    const item = Item.parse(raw);
    if (item.expiresAt * 1000 <= this.#now()) return { turns: [], version: item.version };
    return { turns: z.array(Turn).parse(JSON.parse(item.data)), version: item.version };
  }
}

/** The turns' JSON, without the oldest turns while it would not fit in an item (the newest always stays). */
function fitting(turns: ConversationTurn[]): string {
  let data = JSON.stringify(turns);
  while (turns.length > 1 && Buffer.byteLength(data) > MAX_TURNS_BYTES) {
    turns = turns.slice(1);
    data = JSON.stringify(turns);
  }
  return data;
}
