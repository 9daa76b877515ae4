import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startRedisServer, type RedisServer } from "@ferry/core/testing/redis-server";

export { ensureRedisServer, freePort, type RedisServer } from "@ferry/core/testing/redis-server";

/**
 * The stack's private Redis: AOF on under `<dir>/redis`, so a restart (or a crash
 * of Redis itself) loses no job. `appendfsync always` trades throughput for
 * losing nothing even on `kill -9` of Redis.
 */
export async function startPrivateRedis(dir: string, port?: number, appendfsync: "always" | "everysec" = "everysec"): Promise<RedisServer> {
  const pidfile = join(dir, "redis", "redis.pid");
  await stopOrphan(pidfile);
  return startRedisServer({ dir: join(dir, "redis"), port, appendfsync, pidfile });
}

/**
 * A stack killed with SIGKILL leaves its redis-server running on the same AOF;
 * two servers on one AOF would corrupt it, so stop the old one first.
 */
async function stopOrphan(pidfile: string): Promise<void> {
  if (!existsSync(pidfile)) return;
  const pid = Number(readFileSync(pidfile, "utf8").trim());
  const cmdline = `/proc/${pid}/cmdline`;
  if (!pid || !existsSync(cmdline) || !readFileSync(cmdline, "utf8").includes("redis-server")) return;
  process.kill(pid, "SIGTERM");
  for (let i = 0; i < 100 && existsSync(cmdline); i++) await new Promise((r) => setTimeout(r, 50));
}
