import { fork, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { signDevToken } from "@ferry/core/auth";
import { actionNames } from "@ferry/core/protocol";
import { devSecret } from "./dev-secret";
import { startGateway, type Gateway, type LambdaHandler, type RouteConfig } from "./gateway";
import { localDir, repoRoot } from "./paths";
import { freePort, startPrivateRedis, type RedisServer } from "./redis";
import { startS3rver } from "@ferry/core/testing/s3rver";
import { startS3VectorsEmulator } from "./s3vectors";
import { ensureVectorIndex } from "./vector-setup";

export interface StackOptions {
  /** State folder (Redis AOF, dev secret, outputs.json); default `.local/`. */
  dir?: string;
  /** WebSocket gateway port; 0 picks a free one. */
  gatewayPort?: number;
  /** Worker processes to start. */
  workers?: number;
  /** Start the dashboard's Vite dev server on this port (0 = free port); omit for none. */
  webPort?: number;
  /** Extra environment for worker processes (lock and stall timings in tests). */
  workerEnv?: Record<string, string>;
  /** Gateway timeouts, shortened in tests. */
  idleTimeoutMs?: number;
  maxConnectionMs?: number;
  /** Ports of s3rver and the S3 Vectors emulator; free ones when omitted. */
  s3Port?: number;
  s3VectorsPort?: number;
  /** Redis fsync policy; tests that kill Redis use `always`. */
  appendfsync?: "always" | "everysec";
  logLevel?: "debug" | "info" | "warn" | "error" | "silent";
  /** Where child processes' output goes. */
  onLog?: (source: string, line: string) => void;
}

export interface Outputs {
  websocketUrl: string;
  connectionsUrl: string;
  dashboardUrl?: string;
  redisUrl: string;
  /** s3rver, holding uploads (bucket `ferry-uploads`). */
  s3Url: string;
  /** The S3 Vectors emulator (bucket `ferry-vectors`, index `chunks`). */
  s3VectorsUrl: string;
  stage: string;
  /** A dev token for user `dev`, for the dashboard and quick tries. */
  devToken: string;
  tokenCommand: string;
  /** The folder `finops_analysis {source: {dataset}}` names files in (`FERRY_FOCUS_DIR`). */
  datasetsDir: string;
}

export interface WorkerHandle {
  process: ChildProcess;
  pid: number;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
}

export interface Stack {
  outputs: Outputs;
  gateway: Gateway;
  redis: RedisServer;
  workers: WorkerHandle[];
  /** Signs a dev token for any user. */
  token(userId: string): Promise<string>;
  startWorker(): Promise<WorkerHandle>;
  /** Restarts Redis on the same port and data folder (AOF replays). */
  restartRedis(mode?: "graceful" | "crash"): Promise<void>;
  stop(): Promise<void>;
}

const STAGE = "local";
const UPLOADS_BUCKET = "ferry-uploads";
const VECTOR_BUCKET = "ferry-vectors";
const VECTOR_INDEX = "chunks";

/**
 * Starts the offline stack: a private Redis, the API Gateway emulator running the
 * real handlers of `packages/functions` in this process, worker processes, and
 * optionally the dashboard. Writes `outputs.json` for tools and the dashboard.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const started: Array<() => Promise<unknown>> = [];
  try {
    return await launch(options, started);
  } catch (error) {
    // Leave nothing running behind a failed start (an orphaned Redis would hold the AOF).
    for (const stop of started.reverse()) await stop().catch(() => {});
    throw error;
  }
}

async function launch(options: StackOptions, started: Array<() => Promise<unknown>>): Promise<Stack> {
  const dir = options.dir ?? localDir();
  mkdirSync(dir, { recursive: true });
  const log = options.onLog ?? (() => {});
  const secret = devSecret(dir);
  let redis = await startPrivateRedis(dir, undefined, options.appendfsync);
  started.push(() => redis.stop());
  const s3 = await startS3rver({ buckets: [UPLOADS_BUCKET], dir: join(dir, "s3"), port: options.s3Port });
  started.push(() => s3.stop());
  const vectors = await startS3VectorsEmulator({ dir: join(dir, "s3vectors"), port: options.s3VectorsPort });
  started.push(() => vectors.stop());
  await ensureVectorIndex({ endpoint: vectors.url, vectorBucketName: VECTOR_BUCKET, indexName: VECTOR_INDEX, dimension: 1024 });

  const datasets = join(dir, "datasets");
  mkdirSync(datasets, { recursive: true });

  const gatewayPort = options.gatewayPort ?? 0;
  const port = gatewayPort === 0 ? await freePort() : gatewayPort;
  const connectionsUrl = `http://127.0.0.1:${port}/${STAGE}`;
  const env: Record<string, string> = {
    FERRY_REDIS_URL: redis.url,
    FERRY_CONNECTIONS_URL: connectionsUrl,
    FERRY_DEV_SECRET: secret,
    FERRY_KEY_PREFIX: "ferry:",
    FERRY_LOG_LEVEL: options.logLevel ?? "warn",
    FERRY_S3_URL: s3.url,
    FERRY_UPLOADS_BUCKET: UPLOADS_BUCKET,
    FERRY_S3VECTORS_URL: vectors.url,
    FERRY_VECTOR_BUCKET: VECTOR_BUCKET,
    FERRY_VECTOR_INDEX: VECTOR_INDEX,
    // FOCUS exports `finops_analysis {source: {dataset}}` may name; users drop files here.
    FERRY_FOCUS_DIR: datasets,
    AWS_REGION: process.env.AWS_REGION ?? "us-east-1",
    // The SDK refuses to sign without credentials; the emulator does not check them.
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? "local",
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? "local",
  };
  // The handlers build their runtime from the environment on first use, exactly as on Lambda.
  Object.assign(process.env, env);
  const gateway = await startGateway({
    port,
    stage: STAGE,
    routes: await routes(),
    authorizer: { handler: await handlerOf("authorizer"), identitySource: ["route.request.querystring.token"] },
    idleTimeoutMs: options.idleTimeoutMs,
    maxConnectionMs: options.maxConnectionMs,
    logger: { info: () => {}, warn: (...a) => log("gateway", a.map(String).join(" ")), error: (...a) => log("gateway", a.map(String).join(" ")) },
  });
  started.push(() => gateway.close());

  const workers: WorkerHandle[] = [];
  const startWorker = async (): Promise<WorkerHandle> => {
    const child = fork(join(repoRoot(), "packages/local/src/worker.ts"), [], {
      cwd: repoRoot(),
      env: { ...process.env, ...env, ...options.workerEnv, FERRY_REDIS_URL: redis.url },
      // FERRY_WORKER_NODE_ARGS lets benchmarks profile workers (e.g. "--cpu-prof").
      execArgv: ["--import", "tsx", ...(process.env.FERRY_WORKER_NODE_ARGS?.split(" ").filter(Boolean) ?? [])],
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    pipeLines(child, `worker ${child.pid}`, log);
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("worker did not become ready within 30 s")), 30_000);
      child.on("message", (m: { type?: string }) => {
        if (m?.type === "ready") {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`worker exited with ${code} before it was ready`));
      });
    });
    const handle = { process: child, pid: child.pid!, exited };
    started.push(async () => (child.kill("SIGTERM"), exited));
    workers.push(handle);
    exited.then(() => workers.splice(workers.indexOf(handle), 1));
    return handle;
  };
  await Promise.all(Array.from({ length: options.workers ?? 1 }, () => startWorker()));

  let web: ChildProcess | undefined;
  let dashboardUrl: string | undefined;
  const outputsFile = join(dir, "outputs.json");
  if (options.webPort !== undefined) {
    const webPort = options.webPort || (await freePort());
    dashboardUrl = `http://127.0.0.1:${webPort}/`;
    const vitePackage = createRequire(join(repoRoot(), "packages/web/package.json")).resolve("vite/package.json");
    const viteBin = join(dirname(vitePackage), (JSON.parse(readFileSync(vitePackage, "utf8")) as { bin: { vite: string } }).bin.vite);
    web = spawn(process.execPath, [viteBin, "--port", String(webPort), "--strictPort", "--host", "127.0.0.1"], {
      cwd: join(repoRoot(), "packages/web"),
      env: { ...process.env, FERRY_OUTPUTS_FILE: outputsFile },
      stdio: ["ignore", "pipe", "pipe"],
    });
    pipeLines(web, "web", log);
    const webProcess = web;
    started.push(async () => webProcess.kill("SIGTERM"));
  }

  const outputs: Outputs = {
    websocketUrl: gateway.websocketUrl,
    connectionsUrl: gateway.connectionsUrl,
    dashboardUrl,
    redisUrl: redis.url,
    s3Url: s3.url,
    s3VectorsUrl: vectors.url,
    stage: STAGE,
    devToken: await signDevToken(secret, "dev"),
    tokenCommand: "npm run token -- <userId>",
    datasetsDir: datasets,
  };
  writeFileSync(outputsFile, `${JSON.stringify(outputs, null, 2)}\n`);

  return {
    outputs,
    gateway,
    get redis() {
      return redis;
    },
    workers,
    token: (userId) => signDevToken(secret, userId),
    startWorker,
    async restartRedis(mode = "graceful") {
      await (mode === "crash" ? redis.kill() : redis.stop());
      redis = await startPrivateRedis(dir, redis.port, options.appendfsync);
    },
    async stop() {
      web?.kill("SIGTERM");
      await Promise.all(workers.slice().map((w) => (w.process.kill("SIGTERM"), w.exited)));
      await gateway.close();
      const { closeRuntime } = await import("@ferry/functions/runtime");
      await closeRuntime().catch(() => {});
      await Promise.allSettled([s3.stop(), vectors.stop()]);
      await redis.stop();
    },
  };
}

/** Hands a child's output to `log` line by line, tagged with its source. */
function pipeLines(child: ChildProcess, source: string, log: (source: string, line: string) => void) {
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on("data", (d) => String(d).split("\n").filter(Boolean).forEach((line) => log(source, line)));
  }
}

async function handlerOf(name: string): Promise<LambdaHandler> {
  const mod = (await import(`@ferry/functions/ws/${name}`)) as { handler: LambdaHandler };
  return mod.handler;
}

/** One route per action plus `$connect`, `$disconnect` and `$default`, as infra declares them on AWS. */
async function routes(): Promise<Record<string, RouteConfig>> {
  const files: Record<string, string> = { $connect: "connect", $disconnect: "disconnect", $default: "default" };
  for (const action of actionNames) files[action] = action.replace(/_/g, "-");
  const entries = await Promise.all(Object.entries(files).map(async ([route, file]) => [route, { handler: await handlerOf(file) }] as const));
  return Object.fromEntries(entries);
}
