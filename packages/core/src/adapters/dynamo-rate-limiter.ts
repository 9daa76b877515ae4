import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { z } from "zod";
import type { RateDecision, RateLimiter } from "../ports";
import { contention, isConditionalCheckFailed, MAX_WRITE_RACES, translatingSend } from "./dynamo-errors";
import { Expression } from "./dynamo-expression";
import { JobsKeys } from "./dynamo-tables";

export interface DynamoRateLimiterOptions {
  client: DynamoDBClient;
  /** The Jobs table, whose `rate#…` items hold the counters (`dynamo-tables.ts`). */
  tableName: string;
  now?: () => number;
}

const Window = z.object({ count: z.number(), endsAt: z.number() });

/**
 * `RateLimiter` on DynamoDB: one item per key and window length holding a count and
 * the end of the current window, which — as in the Redis adapter — starts at the
 * first request rather than on a clock boundary, so a refusal's `retryAfterMs` is the
 * time left in a full window.
 *
 * @remarks An update cannot both reset and increment, so `take` is two conditional
 * writes at most: count into the current window (`endsAt > now`); failing that, open a
 * new one (only if none is open, so two racers cannot both reset it); failing that,
 * another request opened it first, so count again. The common case is one write.
 */
export class DynamoRateLimiter implements RateLimiter {
  readonly #send: DynamoDBDocumentClient["send"];
  readonly #table: string;
  readonly #now: () => number;

  constructor(options: DynamoRateLimiterOptions) {
    this.#send = translatingSend(DynamoDBDocumentClient.from(options.client));
    this.#table = options.tableName;
    this.#now = options.now ?? Date.now;
  }

  async take(key: string, limit: number, windowSeconds: number): Promise<RateDecision> {
    const item = JobsKeys.rateWindow(key, windowSeconds);
    for (let races = 0; races < MAX_WRITE_RACES; races++) {
      const now = this.#now();
      const counted = await this.#countInOpenWindow(item, now);
      const window = counted ?? (await this.#openWindow(item, now, windowSeconds));
      if (!window) continue;
      return window.count <= limit ? { allowed: true, retryAfterMs: 0 } : { allowed: false, retryAfterMs: Math.max(0, window.endsAt - now) };
    }
    throw contention(`rate window ${key}`);
  }

  async #countInOpenWindow(key: { pk: string; sk: string }, now: number) {
    const e = new Expression();
    try {
      const { Attributes } = await this.#send(
        new UpdateCommand({
          TableName: this.#table,
          Key: key,
          UpdateExpression: `ADD ${e.name("count")} ${e.value(1)}`,
          ConditionExpression: `${e.name("endsAt")} > ${e.value(now)}`,
          ReturnValues: "ALL_NEW",
          ...e.params(),
        }),
      );
      return Window.parse(Attributes);
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }

  async #openWindow(key: { pk: string; sk: string }, now: number, windowSeconds: number) {
    const window = { count: 1, endsAt: now + windowSeconds * 1000 };
    const e = new Expression();
    try {
      await this.#send(
        new PutCommand({
          TableName: this.#table,
          Item: { ...key, ...window, expiresAt: Math.ceil(window.endsAt / 1000) + 60 },
          ConditionExpression: `attribute_not_exists(${e.name("pk")}) OR ${e.name("endsAt")} <= ${e.value(now)}`,
          ...e.params(),
        }),
      );
      return window;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }
}
