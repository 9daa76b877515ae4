import type { Redis } from "ioredis";
import type { ConnectionRecord, ConnectionStore } from "../ports";

/**
 * `ConnectionStore` on Redis: a hash per connection and, per user, a sorted set
 * scored by expiry so `listByUser` is one round trip that already skips expired ids.
 */
export class RedisConnectionStore implements ConnectionStore {
  readonly #prefix: string;

  constructor(
    private readonly redis: Redis,
    options: { prefix?: string; now?: () => number } = {},
  ) {
    this.#prefix = options.prefix ?? "ferry:";
    this.now = options.now ?? Date.now;
  }
  private readonly now: () => number;

  #conn = (id: string) => `${this.#prefix}conn:${id}`;
  #user = (userId: string) => `${this.#prefix}user:${userId}:conns`;

  async put(c: ConnectionRecord) {
    await this.redis
      .multi()
      .hset(this.#conn(c.connectionId), { userId: c.userId, connectedAt: String(c.connectedAt), expiresAt: String(c.expiresAt) })
      .expireat(this.#conn(c.connectionId), c.expiresAt)
      .zadd(this.#user(c.userId), c.expiresAt, c.connectionId)
      .zremrangebyscore(this.#user(c.userId), "-inf", Math.floor(this.now() / 1000))
      .expireat(this.#user(c.userId), c.expiresAt)
      .exec();
  }

  async get(connectionId: string) {
    const h = await this.redis.hgetall(this.#conn(connectionId));
    if (!h.userId) return undefined;
    const record = { connectionId, userId: h.userId, connectedAt: Number(h.connectedAt), expiresAt: Number(h.expiresAt) };
    return record.expiresAt * 1000 > this.now() ? record : undefined;
  }

  async delete(connectionId: string) {
    const userId = await this.redis.hget(this.#conn(connectionId), "userId");
    const tx = this.redis.multi().del(this.#conn(connectionId));
    if (userId) tx.zrem(this.#user(userId), connectionId);
    await tx.exec();
  }

  async listByUser(userId: string) {
    return this.redis.zrangebyscore(this.#user(userId), `(${Math.floor(this.now() / 1000)}`, "+inf");
  }
}
