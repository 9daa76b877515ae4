import { join } from "node:path";
import { startRedisServer, type RedisServer } from "@ferry/core/testing/redis-server";

export { ensureRedisServer, freePort, type RedisServer } from "@ferry/core/testing/redis-server";

/**
 * The stack's private Redis: AOF on under `<dir>/redis`, so a restart (or a crash
 * of Redis itself) loses no job. `appendfsync always` trades throughput for
 * losing nothing even on `kill -9` of Redis.
 */
export function startPrivateRedis(dir: string, port?: number, appendfsync: "always" | "everysec" = "everysec"): Promise<RedisServer> {
  return startRedisServer({ dir: join(dir, "redis"), port, appendfsync });
}
