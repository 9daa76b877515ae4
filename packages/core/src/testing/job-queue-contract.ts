import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { JobQueue, QueueMessage } from "../ports";

export interface JobQueueHarness {
  queue: JobQueue;
  /** The next message a consumer of `queueName` receives. */
  next(queueName: string, timeoutMs?: number): Promise<QueueMessage>;
  close(): Promise<void>;
}

/** The behaviour every `JobQueue` adapter must show, seen from a consumer. */
export function runJobQueueContract(name: string, makeHarness: () => Promise<JobQueueHarness>) {
  describe(`JobQueue contract: ${name}`, () => {
    it("delivers a message intact to a consumer of its queue only", async () => {
      const h = await makeHarness();
      try {
        const message = { jobId: randomUUID(), kind: "canary" };
        const other = { jobId: randomUUID(), kind: "ingest_pdf" };
        await h.queue.enqueue("analysis", message);
        await h.queue.enqueue("ingest", other);
        expect(await h.next("analysis")).toEqual(message);
        expect(await h.next("ingest")).toEqual(other);
      } finally {
        await h.close();
      }
    });

    it("carries the resume flag of a hand-over, even for a job id it has seen", async () => {
      const h = await makeHarness();
      try {
        const jobId = randomUUID();
        await h.queue.enqueue("analysis", { jobId, kind: "canary" });
        expect(await h.next("analysis")).toEqual({ jobId, kind: "canary" });
        await h.queue.enqueue("analysis", { jobId, kind: "canary", resume: true });
        expect(await h.next("analysis")).toEqual({ jobId, kind: "canary", resume: true });
      } finally {
        await h.close();
      }
    });

    it("holds a delayed message back until its delay has passed", async () => {
      const h = await makeHarness();
      try {
        const message = { jobId: randomUUID(), kind: "canary" };
        const sent = Date.now();
        await h.queue.enqueue("analysis", message, { delayMs: 400 });
        expect(await h.next("analysis", 5000)).toEqual(message);
        expect(Date.now() - sent).toBeGreaterThanOrEqual(350);
      } finally {
        await h.close();
      }
    });

    it("counts waiting messages when it can", async () => {
      const h = await makeHarness();
      try {
        if (!h.queue.waitingCount) return;
        const q = `count-${randomUUID().slice(0, 8)}`;
        expect(await h.queue.waitingCount(q)).toBe(0);
        await h.queue.enqueue(q, { jobId: randomUUID(), kind: "canary" });
        await h.queue.enqueue(q, { jobId: randomUUID(), kind: "canary" });
        expect(await h.queue.waitingCount(q)).toBe(2);
      } finally {
        await h.close();
      }
    });
  });
}
