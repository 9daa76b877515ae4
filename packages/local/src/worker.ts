/**
 * A local worker process: BullMQ consumers for every queue, each delivery run
 * through core's `runJob` — the same code the SQS Lambda workers run on AWS.
 * Started by the stack; a separate process so it can be killed mid-job.
 * @module
 */
import type { Worker } from "bullmq";
import { Redis } from "ioredis";
import { startBullmqWorker } from "@ferry/core/adapters/bullmq-job-queue";
import { runJob } from "@ferry/core/jobs";
import { createRuntime } from "@ferry/functions/runtime";

const env = process.env;
const runtime = await createRuntime(env);
const queues = runtime.runner.kinds.queues();
const workers: Worker[] = [];
const connections: Redis[] = [];
for (const queue of queues) {
  // BullMQ workers block on their connection, so each gets its own.
  const connection = new Redis(env.FERRY_REDIS_URL!, { maxRetriesPerRequest: null });
  connection.on("error", () => {});
  connections.push(connection);
  workers.push(
    startBullmqWorker({
      queue,
      connection,
      prefix: `${env.FERRY_KEY_PREFIX ?? "ferry:"}bull`,
      concurrency: Number(env.FERRY_WORKER_CONCURRENCY ?? 100),
      timeLimitMs: Number(env.FERRY_WORKER_TIME_LIMIT_MS ?? 15 * 60 * 1000),
      lockDurationMs: Number(env.FERRY_WORKER_LOCK_MS ?? 30_000),
      stalledIntervalMs: Number(env.FERRY_WORKER_STALLED_MS ?? 30_000),
      logger: runtime.logger,
      run: (message, deadline) => runJob(runtime.runner, message, deadline),
    }),
  );
}
await Promise.all(workers.map((w) => w.waitUntilReady()));
runtime.logger.info("worker ready", { pid: process.pid, queues });
process.send?.({ type: "ready", pid: process.pid });

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  const force = setTimeout(() => process.exit(0), 5_000);
  force.unref();
  await Promise.allSettled(workers.map((w) => w.close()));
  await runtime.close();
  for (const c of connections) c.disconnect();
  process.exit(0);
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.on("disconnect", stop);
