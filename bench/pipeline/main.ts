/**
 * bench/pipeline — prints, in one run:
 *  1. canary jobs/s through the whole offline stack (WebSocket submit → handler →
 *     Redis → BullMQ → worker process → runJob → @connections → WebSocket) and
 *     through raw BullMQ on the same Redis, and their ratio;
 *  2. p50/p99 latency from a worker's progress call to the WebSocket client
 *     receiving it, at 1, 100 and 1,000 concurrent jobs.
 * Not part of `npm test`. Usage: npm run bench:pipeline [-- --jobs 2000]
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { startStack } from "@ferry/local/stack";
import { TestClient, type Frame } from "@ferry/local/testing/test-client";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const JOBS = arg("jobs", 2000);
const ONLY = process.argv.includes("--latency-only");
const CLIENTS = 4;
const WORKERS = arg("workers", 1);
const CONCURRENCY = 1000;
const now = () => performance.timeOrigin + performance.now();
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

// The bench submits thousands of jobs a minute per user; lift the per-user rate limit.
process.env.FERRY_SUBMITS_PER_MINUTE = "10000000";
const stack = await startStack({
  dir: mkdtempSync(join(tmpdir(), "ferry-bench-")),
  workers: WORKERS,
  logLevel: "error",
  workerEnv: {
    FERRY_WORKER_CONCURRENCY: String(CONCURRENCY),
    FERRY_LOG_LEVEL: "error",
  },
});
console.log(`bench/pipeline — Node ${process.version}, ${JOBS} jobs, worker concurrency ${CONCURRENCY}, ${WORKERS} worker process(es), ${(await import("node:os")).cpus().length} cores\n`);

async function clients(n: number, tag: string) {
  return Promise.all(Array.from({ length: n }, async (_, i) => TestClient.open(stack.outputs.websocketUrl, await stack.token(`${tag}-${i}`))));
}

/** Submits `jobs` canary jobs spread over the clients and waits for every job_completed. */
async function throughputStack(jobs: number): Promise<number> {
  const cs = await clients(CLIENTS, `tp${Date.now()}`);
  let done = 0;
  const finished = new Promise<void>((resolve) => {
    for (const c of cs) {
      c.ws.on("message", (d) => {
        if (String(d).includes('"type":"job_completed"') && ++done === jobs) resolve();
      });
    }
  });
  const t0 = now();
  for (let i = 0; i < jobs; i++) cs[i % CLIENTS]!.send({ action: "submit_job", kind: "canary", input: { steps: 1, stepMs: 0 } });
  await finished;
  const seconds = (now() - t0) / 1000;
  await Promise.all(cs.map((c) => c.close()));
  return jobs / seconds;
}

/** The same amount of work on raw BullMQ: add, process with one progress update, complete. */
async function throughputBullmq(jobs: number): Promise<number> {
  const connection = new Redis(stack.outputs.redisUrl, { maxRetriesPerRequest: null });
  const workerConn = new Redis(stack.outputs.redisUrl, { maxRetriesPerRequest: null });
  const name = `raw-${Date.now()}`;
  const queue = new Queue(name, { connection, prefix: "rawbench" });
  let done = 0;
  let resolve!: () => void;
  const finished = new Promise<void>((r) => (resolve = r));
  const worker = new Worker(
    name,
    async (job) => {
      await job.updateProgress(50);
      return { steps: 1 };
    },
    { connection: workerConn, prefix: "rawbench", concurrency: CONCURRENCY },
  );
  worker.on("completed", () => ++done === jobs && resolve());
  await worker.waitUntilReady();
  const t0 = now();
  for (let i = 0; i < jobs; i += 100) {
    await queue.addBulk(Array.from({ length: Math.min(100, jobs - i) }, () => ({ name: "canary", data: { steps: 1, stepMs: 0 } })));
  }
  await finished;
  const seconds = (now() - t0) / 1000;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();
  workerConn.disconnect();
  return jobs / seconds;
}

/** Progress-call-to-client latency with `concurrent` probe jobs running at once. */
async function latency(concurrent: number) {
  const [c] = await clients(1, `lat${concurrent}-${Date.now()}`);
  const samples: number[] = [];
  const trace: Array<[number, number]> = [];
  // Once every job has started and taken a step, the submit burst is over: "steady state".
  const steady: number[] = [];
  let steadyFrom = Infinity;
  let completed = 0;
  const steps = concurrent >= 1000 ? 6 : concurrent >= 100 ? 10 : 40;
  const finished = new Promise<void>((resolve) => {
    c!.ws.on("message", (d) => {
      const received = now();
      const f = JSON.parse(String(d)) as Frame;
      if (f.type === "progress_update") {
        const m = /@(\d+\.\d+)$/.exec(f.message);
        if (m) {
          samples.push(received - Number(m[1]));
          if (received > steadyFrom) steady.push(received - Number(m[1]));
          if (process.env.FERRY_BENCH_TRACE) trace.push([received, received - Number(m[1])]);
        }
      } else if (f.type === "job_completed" && ++completed === concurrent) resolve();
    });
  });
  // 350 ms steps stay under the 4-frames-per-second budget, so no report waits in the coalescer.
  // Start times spread over one step, as independent jobs would be; all run at once.
  for (let i = 0; i < concurrent; i++) {
    c!.send({ action: "submit_job", kind: "canary", input: { steps, stepMs: 350, probe: true } });
    if (concurrent > 1) await new Promise((r) => setTimeout(r, 350 / concurrent));
  }
  steadyFrom = now() + 1000;
  await finished;
  await c!.close();
  if (trace.length) {
    const t0 = trace[0]![0];
    const slow = trace.filter(([, l]) => l > 10).map(([t, l]) => `${((t - t0) / 1000).toFixed(2)}s:${l.toFixed(0)}`);
    console.log(`    slow (>10 ms) samples: ${slow.length} — ${slow.filter((_, i) => i % 6 === 0).join(" ")}`);
  }
  return {
    p50: pct(samples, 50),
    p99: pct(samples, 99),
    samples: samples.length,
    steady: { p50: pct(steady, 50), p99: pct(steady, 99), samples: steady.length },
  };
}

if (!ONLY) await benchThroughput();

async function benchThroughput() {
// Warm up both paths (JIT, connections, Lua script cache).
await throughputStack(200);
await throughputBullmq(200);

const stackRate = await throughputStack(JOBS);
const rawRate = await throughputBullmq(JOBS);
console.log("throughput (canary {steps:1, stepMs:0})");
console.log(`  whole offline stack   ${stackRate.toFixed(0).padStart(7)} jobs/s`);
console.log(`  raw BullMQ            ${rawRate.toFixed(0).padStart(7)} jobs/s`);
console.log(`  ratio                 ${(stackRate / rawRate).toFixed(2).padStart(7)} ×\n`);
}

console.log("latency: worker progress call → WebSocket client (ms); steady = after every job has started");
for (const n of (process.env.FERRY_BENCH_LEVELS ?? "1,100,1000").split(",").filter(Boolean).map(Number)) {
  const r = await latency(n);
  console.log(
    `  ${String(n).padStart(5)} concurrent jobs   all: p50 ${r.p50.toFixed(2).padStart(7)}  p99 ${r.p99.toFixed(2).padStart(7)} (${r.samples})` +
      `   steady: p50 ${r.steady.p50.toFixed(2).padStart(7)}  p99 ${r.steady.p99.toFixed(2).padStart(7)} (${r.steady.samples})`,
  );
}
await stack.stop();
process.exit(0);
