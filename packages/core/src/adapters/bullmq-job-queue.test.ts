import { randomUUID } from "node:crypto";
import type { Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runJobQueueContract } from "../testing/job-queue-contract";
import { quietLogger } from "../testing/memory-world";
import { startRedisServer, type RedisServer } from "../testing/redis-server";
import type { QueueMessage } from "../ports";
import { BullmqJobQueue, startBullmqWorker } from "./bullmq-job-queue";
import type { RunOutcome } from "../jobs/runner";

let server: RedisServer;
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server?.stop();
});

/** A consumer built on the same worker wrapper the stack uses. */
async function harness(outcome: (m: QueueMessage, n: number) => RunOutcome = () => ({ type: "completed" })) {
  const prefix = `t${randomUUID().slice(0, 8)}`;
  const redis = new Redis(server.url, { maxRetriesPerRequest: null });
  const queue = new BullmqJobQueue(redis, { prefix });
  const received = new Map<string, QueueMessage[]>();
  const waiters: Array<() => void> = [];
  const workers = new Map<string, Worker>();
  const conns: Redis[] = [];
  const deliveries = new Map<string, number>();
  const ensureWorker = async (name: string) => {
    if (workers.has(name)) return;
    const connection = new Redis(server.url, { maxRetriesPerRequest: null });
    conns.push(connection);
    const w = startBullmqWorker({
      queue: name,
      connection,
      prefix,
      logger: quietLogger,
      run: async (m) => {
        const n = (deliveries.get(m.jobId) ?? 0) + 1;
        deliveries.set(m.jobId, n);
        received.set(name, [...(received.get(name) ?? []), m]);
        waiters.splice(0).forEach((f) => f());
        return outcome(m, n);
      },
    });
    workers.set(name, w);
    await w.waitUntilReady();
  };
  return {
    queue,
    deliveries,
    async next(name: string, timeoutMs = 5000) {
      await ensureWorker(name);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = received.get(name)?.shift();
        if (m) return m;
        if (Date.now() > deadline) throw new Error(`nothing on ${name}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 50);
        });
      }
    },
    async close() {
      await Promise.all([...workers.values()].map((w) => w.close()));
      await queue.close();
      redis.disconnect();
      conns.forEach((c) => c.disconnect());
    },
  };
}

runJobQueueContract("bullmq", () => harness());

describe("BullMQ worker wrapper", () => {
  it("redelivers a retry after its delay and parks a final failure in the failed set", async () => {
    const h = await harness((m, n) =>
      m.kind === "flaky" && n === 1 ? { type: "retry", error: "try again", delayMs: 200 } : m.kind === "doomed" ? { type: "failed", error: "no" } : { type: "completed" },
    );
    try {
      const flaky = { jobId: randomUUID(), kind: "flaky" };
      await h.queue.enqueue("q", flaky);
      await h.next("q");
      const t = Date.now();
      await h.next("q");
      expect(Date.now() - t).toBeGreaterThanOrEqual(150);
      expect(h.deliveries.get(flaky.jobId)).toBe(2);
      const doomed = { jobId: randomUUID(), kind: "doomed" };
      await h.queue.enqueue("q", doomed);
      await h.next("q");
      const { Queue } = await import("bullmq");
      const redis = new Redis(server.url);
      const q = new Queue("q", { connection: redis, prefix: (h.queue as any).options.prefix });
      await expect.poll(() => q.getFailedCount(), { timeout: 5000 }).toBe(1);
      const [failed] = await q.getFailed();
      expect(failed?.failedReason).toBe("no");
      await q.close();
      redis.disconnect();
    } finally {
      await h.close();
    }
  });
});
