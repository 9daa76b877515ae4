import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";

/** Finds a free TCP port on loopback by binding port 0 and releasing it. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function hasRedisServer(): boolean {
  try {
    execFileSync("redis-server", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes sure `redis-server` is on PATH: installs Debian's package when running
 * as root, otherwise explains what to do. CI kills anything started by hand, so
 * every test run and `npm start` launches its own private server.
 */
export function ensureRedisServer(log: (line: string) => void = console.error): void {
  if (hasRedisServer()) return;
  if (process.getuid?.() !== 0) {
    throw new Error("redis-server is not installed and we are not root: run `sudo apt-get install -y redis-server` and try again");
  }
  log("redis-server not found; installing Debian's redis-server package…");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  try {
    execFileSync("apt-get", ["install", "-y", "-qq", "redis-server"], { stdio: "inherit", env });
  } catch {
    execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
    execFileSync("apt-get", ["install", "-y", "-qq", "redis-server"], { stdio: "inherit", env });
  }
  if (!hasRedisServer()) throw new Error("installing redis-server failed; see the apt-get output above");
}

export interface RedisServer {
  url: string;
  port: number;
  dir: string;
  process: ChildProcess;
  /** Stops the server (SIGTERM, so AOF is flushed) and waits for it to exit. */
  stop(): Promise<void>;
  /** SIGKILL: the crash case. */
  kill(): Promise<void>;
}

export interface RedisServerOptions {
  port?: number;
  /** Data directory; AOF persistence lives here. Defaults to a fresh temp dir. */
  dir?: string;
  /** `appendfsync always` makes a crash lose nothing; `everysec` is what production uses. */
  appendfsync?: "always" | "everysec" | "no";
  /** Where redis-server writes its pid, so a later start can stop an orphan left by a crash. */
  pidfile?: string;
}

/** Starts a private `redis-server` with AOF on a free port and waits until it answers PING. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  ensureRedisServer();
  const port = options.port ?? (await freePort());
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "ferry-redis-"));
  mkdirSync(dir, { recursive: true });
  const child = spawn(
    "redis-server",
    [
      "--port", String(port),
      "--bind", "127.0.0.1",
      "--dir", dir,
      "--appendonly", "yes",
      "--appendfsync", options.appendfsync ?? "everysec",
      "--save", "",
      "--protected-mode", "no",
      "--daemonize", "no",
      "--loglevel", "warning",
      ...(options.pidfile ? ["--pidfile", options.pidfile] : []),
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (d) => (stderr += String(d)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `redis://127.0.0.1:${port}`;
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on("error", () => {});
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await probe.connect();
      await probe.ping();
      break;
    } catch {
      probe.disconnect();
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill("SIGKILL");
        throw new Error(`redis-server did not start on port ${port}: ${stderr.trim()}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  probe.disconnect();
  const stopWith = (signal: NodeJS.Signals) => async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return { url, port, dir, process: child, stop: stopWith("SIGTERM"), kill: stopWith("SIGKILL") };
}
