import type { Redis } from "ioredis";
import type { RateDecision, RateLimiter } from "../ports";
import { RedisScript } from "./redis-script";

const TAKE = new RedisScript(`
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('PTTL', KEYS[1])}`);

/** `RateLimiter` on Redis: one counter per key and window, expiring with the window. */
export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = "ferry:",
  ) {}

  async take(key: string, limit: number, windowSeconds: number): Promise<RateDecision> {
    const [count, ttl] = (await TAKE.run(this.redis, [`${this.prefix}rate:${key}`], [windowSeconds * 1000])) as [number, number];
    return count <= limit ? { allowed: true, retryAfterMs: 0 } : { allowed: false, retryAfterMs: Math.max(0, ttl) };
  }
}
