import { createHash } from "node:crypto";
import type { Redis } from "ioredis";

/**
 * A Lua script sent by SHA (EVALSHA) and loaded on first use or after a Redis
 * restart (NOSCRIPT), so the hot path does not ship the script text every call.
 */
export class RedisScript {
  readonly #sha: string;

  constructor(private readonly lua: string) {
    this.#sha = createHash("sha1").update(lua).digest("hex");
  }

  async run(redis: Redis, keys: string[], args: Array<string | number>): Promise<unknown> {
    try {
      return await redis.evalsha(this.#sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!String((error as Error)?.message).startsWith("NOSCRIPT")) throw error;
      return redis.eval(this.lua, keys.length, ...keys, ...args);
    }
  }
}
