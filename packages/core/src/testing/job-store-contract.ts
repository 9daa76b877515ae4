import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { JobNotFoundError, StaleAttemptError, TransitionRejectedError } from "../errors";
import type { NewJob } from "../jobs/job";
import type { JobStore } from "../ports";

const newJob = (over: Partial<NewJob> = {}): NewJob => ({
  jobId: randomUUID(),
  owner: "alice",
  kind: "canary",
  input: { steps: 3, list: [], nested: { empty: {} } },
  now: Date.now(),
  ttlSeconds: 3600,
  ...over,
});

const progress = (n: number) =>
  ({ type: "progress_update", jobId: "", status: "processing", stage: "work", message: `at ${n}`, progress: n }) as const;

/**
 * The behaviour every `JobStore` adapter must show. Run it from each adapter's test
 * file with a factory that returns a fresh, empty store.
 */
export function runJobStoreContract(name: string, makeStore: () => Promise<JobStore> | JobStore) {
  describe(`JobStore contract: ${name}`, () => {
    it("creates a queued job and reads it back unchanged, arrays and empty objects included", async () => {
      const store = await makeStore();
      const job = newJob();
      const { job: created, created: isNew } = await store.create(job);
      expect(isNew).toBe(true);
      expect(created).toMatchObject({ status: "queued", lastSeq: 0, attempts: 0, owner: "alice", cancelRequested: false });
      const read = await store.get(job.jobId);
      expect(read?.input).toEqual(job.input);
      expect(read?.status).toBe("queued");
      expect(await store.get("no-such-job")).toBeUndefined();
    });

    it("returns the first job for a repeated idempotency key of the same owner only", async () => {
      const store = await makeStore();
      const first = await store.create(newJob({ idempotencyKey: "k1" }));
      const again = await store.create(newJob({ idempotencyKey: "k1" }));
      expect(again.created).toBe(false);
      expect(again.job.jobId).toBe(first.job.jobId);
      const otherOwner = await store.create(newJob({ idempotencyKey: "k1", owner: "bob" }));
      expect(otherOwner.created).toBe(true);
      expect(otherOwner.job.jobId).not.toBe(first.job.jobId);
    });

    it("numbers events 1, 2, 3… and applies each to the record", async () => {
      const store = await makeStore();
      const { jobId } = newJob();
      await store.create(newJob({ jobId }));
      const e1 = await store.append(jobId, { type: "job_queued", jobId, kind: "canary", message: "Queued", progress: 5 });
      const e2 = await store.append(jobId, { ...progress(40), jobId });
      const e3 = await store.append(jobId, { type: "job_output", jobId, delta: "hello " });
      const e4 = await store.append(jobId, { type: "job_output", jobId, delta: "world" });
      expect([e1.seq, e2.seq, e3.seq, e4.seq]).toEqual([1, 2, 3, 4]);
      expect(e2.timestamp).toBeGreaterThan(0);
      const job = await store.get(jobId);
      expect(job).toMatchObject({ progress: 40, stage: "work", message: "at 40", output: "hello world", lastSeq: 4 });
      const tail = await store.events(jobId, 2);
      expect(tail.map((e) => e.seq)).toEqual([3, 4]);
      expect(tail[0]).toEqual(e3);
      expect(await store.events(jobId, 4)).toEqual([]);
      expect((await store.events(jobId, 0, 2)).map((e) => e.seq)).toEqual([1, 2]);
    });

    it("gives concurrent appends distinct consecutive seqs", async () => {
      const store = await makeStore();
      const { jobId } = newJob();
      await store.create(newJob({ jobId }));
      const events = await Promise.all(Array.from({ length: 50 }, (_, i) => store.append(jobId, { ...progress(i), jobId })));
      expect(events.map((e) => e.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect((await store.events(jobId, 0)).map((e) => e.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    });

    it("lets exactly one of two racing terminal writes win", async () => {
      const store = await makeStore();
      const { jobId } = newJob();
      await store.create(newJob({ jobId }));
      await store.beginAttempt(jobId, { resume: false, now: Date.now() });
      const results = await Promise.allSettled([
        store.append(jobId, { type: "job_completed", jobId, result: { a: 1 } }, { expect: ["processing"] }),
        store.append(jobId, { type: "job_failed", jobId, error: "boom", code: "handler_error", attempts: 1 }, { expect: ["processing"] }),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
      expect(rejected.reason).toBeInstanceOf(TransitionRejectedError);
      const job = await store.get(jobId);
      expect(["completed", "failed"]).toContain(job?.status);
      expect(job?.lastSeq).toBe(1);
      expect(await store.events(jobId, 0)).toHaveLength(1);
    });

    it("keeps the result of a completed job", async () => {
      const store = await makeStore();
      const { jobId } = newJob();
      await store.create(newJob({ jobId }));
      await store.beginAttempt(jobId, { resume: false, now: Date.now() });
      await store.append(jobId, { type: "job_completed", jobId, result: { rows: [], total: 12.5 } }, { expect: ["processing"] });
      expect(await store.get(jobId)).toMatchObject({ status: "completed", progress: 100, result: { rows: [], total: 12.5 } });
    });

    it("counts attempts, resumes without counting, and refuses to restart a finished job", async () => {
      const store = await makeStore();
      const { jobId } = newJob();
      await store.create(newJob({ jobId }));
      expect((await store.beginAttempt(jobId, { resume: false, now: Date.now() })).attempts).toBe(1);
      expect((await store.beginAttempt(jobId, { resume: false, now: Date.now() })).attempts).toBe(2);
      const resumed = await store.beginAttempt(jobId, { resume: true, now: Date.now() });
      expect(resumed).toMatchObject({ attempts: 2, status: "processing" });
      await store.append(jobId, { type: "job_cancelled", jobId }, { expect: ["processing"] });
      await expect(store.beginAttempt(jobId, { resume: false, now: Date.now() })).rejects.toBeInstanceOf(TransitionRejectedError);
    });

    it("fences writes and checkpoints of a superseded attempt", async () => {
      const store = await makeStore();
      const { jobId } = newJob();
      await store.create(newJob({ jobId }));
      await store.beginAttempt(jobId, { resume: false, now: Date.now() });
      await store.saveCheckpoint(jobId, 1, { page: 3, done: [1, 2], empty: [] });
      expect((await store.get(jobId))?.checkpoint).toEqual({ page: 3, done: [1, 2], empty: [] });
      await store.beginAttempt(jobId, { resume: false, now: Date.now() });
      await expect(store.append(jobId, { ...progress(50), jobId }, { attempt: 1 })).rejects.toBeInstanceOf(StaleAttemptError);
      await expect(store.saveCheckpoint(jobId, 1, { page: 9 })).rejects.toBeInstanceOf(StaleAttemptError);
      await store.append(jobId, { ...progress(50), jobId }, { attempt: 2 });
      expect((await store.get(jobId))?.checkpoint).toEqual({ page: 3, done: [1, 2], empty: [] });
    });

    it("rejects a transition from the wrong status without touching the log", async () => {
      const store = await makeStore();
      const { jobId } = newJob();
      await store.create(newJob({ jobId }));
      await expect(
        store.append(jobId, { type: "job_completed", jobId, result: 1 }, { expect: ["processing"] }),
      ).rejects.toBeInstanceOf(TransitionRejectedError);
      expect(await store.events(jobId, 0)).toEqual([]);
      expect((await store.get(jobId))?.status).toBe("queued");
    });

    it("reports unknown jobs as not found", async () => {
      const store = await makeStore();
      await expect(store.append("nope", { ...progress(1), jobId: "nope" })).rejects.toBeInstanceOf(JobNotFoundError);
      await expect(store.events("nope", 0)).rejects.toBeInstanceOf(JobNotFoundError);
      await expect(store.beginAttempt("nope", { resume: false, now: Date.now() })).rejects.toBeInstanceOf(JobNotFoundError);
      expect(await store.requestCancel("nope")).toBeUndefined();
    });

    it("flags a cancel request on the record and in the control view", async () => {
      const store = await makeStore();
      const { jobId } = newJob();
      await store.create(newJob({ jobId }));
      expect(await store.control(jobId)).toEqual({ status: "queued", attempts: 0, cancelRequested: false });
      await store.beginAttempt(jobId, { resume: false, now: Date.now() });
      expect((await store.requestCancel(jobId))?.cancelRequested).toBe(true);
      expect((await store.get(jobId))?.cancelRequested).toBe(true);
      expect(await store.control(jobId)).toEqual({ status: "processing", attempts: 1, cancelRequested: true });
      expect(await store.control("no-such-job")).toBeUndefined();
    });

    it("pages through more jobs than one read of the index holds", async () => {
      const store = await makeStore();
      const owner = `many-${randomUUID()}`;
      const base = Date.now();
      for (let i = 0; i < 70; i++) await store.create(newJob({ owner, now: base + (i % 7) }));
      const seen = new Set<string>();
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.listByOwner(owner, { limit: 4, cursor });
        page.jobs.forEach((j) => seen.add(j.jobId));
        cursor = page.cursor;
        pages++;
      } while (cursor && pages < 50);
      expect(seen.size).toBe(70);
      expect(pages).toBe(18);
    });

    it("lists an owner's jobs newest first in pages that never overlap", async () => {
      const store = await makeStore();
      const owner = `owner-${randomUUID()}`;
      const base = Date.now();
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) {
        const job = newJob({ owner, now: base + (i < 5 ? i : 4) });
        ids.push(job.jobId);
        await store.create(job);
      }
      await store.create(newJob({ owner: "someone-else" }));
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listByOwner(owner, { limit: 3, cursor });
        expect(page.jobs.length).toBeLessThanOrEqual(3);
        seen.push(...page.jobs.map((j) => j.jobId));
        cursor = page.cursor;
      } while (cursor);
      expect(seen).toHaveLength(7);
      expect(new Set(seen)).toEqual(new Set(ids));
      const first = await store.listByOwner(owner, { limit: 10 });
      const created = first.jobs.map((j) => j.createdAt);
      expect(created).toEqual([...created].sort((a, b) => b - a));
      expect(first.cursor).toBeUndefined();
    });

    it("forgets a job after its TTL", async () => {
      const store = await makeStore();
      const job = newJob({ ttlSeconds: 1 });
      await store.create(job);
      expect(await store.get(job.jobId)).toBeDefined();
      await new Promise((r) => setTimeout(r, 2100));
      expect(await store.get(job.jobId)).toBeUndefined();
      expect((await store.listByOwner("alice", { limit: 100 })).jobs.map((j) => j.jobId)).not.toContain(job.jobId);
    });
  });
}
