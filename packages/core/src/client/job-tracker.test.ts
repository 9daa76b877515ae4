import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { toView } from "../jobs/job";
import type { JobEvent, JobView } from "../protocol";
import { memoryWorld } from "../testing/memory-world";
import { JobTracker, type JobState } from "./job-tracker";

const T0 = 1_700_000_000_000;

/** Builders for the events of job `j1` (or another id). */
const ev = {
  queued: (seq = 1, jobId = "j1"): JobEvent => ({
    type: "job_queued",
    jobId,
    seq,
    timestamp: T0 + seq,
    kind: "canary",
    message: "Canary: 3 steps",
    progress: 5,
    queuePosition: 2,
  }),
  progress: (seq: number, progress: number, extra: Partial<Extract<JobEvent, { type: "progress_update" }>> = {}): JobEvent => ({
    type: "progress_update",
    jobId: "j1",
    seq,
    timestamp: T0 + seq,
    status: "processing",
    stage: "step",
    message: `at ${progress}`,
    progress,
    ...extra,
  }),
  output: (seq: number, delta: string, jobId = "j1"): JobEvent => ({ type: "job_output", jobId, seq, timestamp: T0 + seq, delta }),
  completed: (seq: number, result: unknown = { ok: true }, jobId = "j1"): JobEvent => ({
    type: "job_completed",
    jobId,
    seq,
    timestamp: T0 + seq,
    result,
  }),
  failed: (seq: number): JobEvent => ({
    type: "job_failed",
    jobId: "j1",
    seq,
    timestamp: T0 + seq,
    error: "boom",
    code: "retries_exhausted",
    attempts: 3,
  }),
  cancelled: (seq: number): JobEvent => ({ type: "job_cancelled", jobId: "j1", seq, timestamp: T0 + seq }),
};

function view(overrides: Partial<JobView> = {}): JobView {
  return {
    jobId: "j1",
    kind: "canary",
    status: "processing",
    progress: 40,
    stage: "step",
    message: "Step 2 of 3",
    output: "step 1 done\n",
    attempts: 1,
    createdAt: T0,
    updatedAt: T0 + 10,
    lastSeq: 4,
    ...overrides,
  };
}

describe("JobTracker", () => {
  let tracker: JobTracker;
  let resyncs: Array<[string, number]>;

  beforeEach(() => {
    tracker = new JobTracker({ gapTimeoutMs: 1_000, maxGapTimeoutMs: 4_000 });
    resyncs = [];
    tracker.onResync((jobId, afterSeq) => resyncs.push([jobId, afterSeq]));
  });

  afterEach(() => {
    tracker.dispose();
    vi.useRealTimers();
  });

  describe("events in order", () => {
    it("builds the state from job_queued, progress, output and completion", () => {
      tracker.applyEvent(ev.queued());
      expect(tracker.get("j1")).toMatchObject({
        kind: "canary",
        status: "queued",
        progress: 5,
        stage: "queued",
        message: "Canary: 3 steps",
        queuePosition: 2,
        lastSeq: 1,
        terminal: false,
        createdAt: T0 + 1,
      });

      tracker.applyEvent(ev.progress(2, 20, { attempt: 1 }));
      expect(tracker.get("j1")).toMatchObject({ status: "processing", progress: 20, stage: "step", queuePosition: undefined, attempts: 1 });

      tracker.applyEvent(ev.output(3, "hello "));
      tracker.applyEvent(ev.output(4, "world"));
      expect(tracker.get("j1")!.output).toBe("hello world");

      tracker.applyEvent(ev.completed(5, { answer: 42 }));
      expect(tracker.get("j1")).toMatchObject({
        status: "completed",
        progress: 100,
        stage: "done",
        message: "Completed",
        result: { answer: 42 },
        output: "hello world",
        lastSeq: 5,
        updatedAt: T0 + 5,
        terminal: true,
      });
    });

    it("marks retries and failures", () => {
      tracker.applyEvent(ev.queued());
      tracker.applyEvent(ev.progress(2, 30, { status: "retrying", attempt: 2, message: "Retrying after an error" }));
      expect(tracker.get("j1")).toMatchObject({ status: "processing", retrying: true, attempts: 2 });
      tracker.applyEvent(ev.progress(3, 40));
      expect(tracker.get("j1")).toMatchObject({ retrying: false, attempts: 3 });
      tracker.applyEvent(ev.failed(4));
      expect(tracker.get("j1")).toMatchObject({
        status: "failed",
        error: "boom",
        errorCode: "retries_exhausted",
        message: "boom",
        attempts: 3,
        terminal: true,
        progress: 40,
      });
    });

    it("records a cancellation", () => {
      tracker.applyEvent(ev.queued());
      tracker.applyEvent(ev.cancelled(2));
      expect(tracker.get("j1")).toMatchObject({ status: "cancelled", message: "Cancelled", stage: "cancelled", terminal: true });
    });

    it("produces a new object per change and tells listeners in order", () => {
      const events: number[] = [];
      const jobs: JobState[] = [];
      tracker.onEvent((event) => events.push(event.seq));
      tracker.onJob((job) => jobs.push(job));
      tracker.applyEvent(ev.queued());
      const first = tracker.get("j1");
      tracker.applyEvent(ev.progress(2, 10));
      expect(tracker.get("j1")).not.toBe(first);
      expect(first!.progress).toBe(5);
      expect(events).toEqual([1, 2]);
      expect(jobs.map((j) => j.lastSeq)).toEqual([1, 2]);
    });
  });

  describe("de-duplication", () => {
    it("drops an event whose seq was already applied", () => {
      tracker.applyEvent(ev.queued());
      tracker.applyEvent(ev.output(2, "a"));
      expect(tracker.applyEvent(ev.output(2, "a"))).toBe(false);
      expect(tracker.applyEvent(ev.queued())).toBe(false);
      expect(tracker.get("j1")!.output).toBe("a");
      expect(tracker.duplicates).toBe(2);
    });

    it("drops a duplicate of an event still waiting in the buffer", () => {
      tracker.applyEvent(ev.queued());
      tracker.applyEvent(ev.output(3, "b"));
      tracker.applyEvent(ev.output(3, "b"));
      tracker.applyEvent(ev.output(2, "a"));
      expect(tracker.get("j1")!.output).toBe("ab");
      expect(tracker.duplicates).toBe(1);
    });
  });

  describe("out-of-order events", () => {
    it("buffers events after a gap and applies them once it is filled", () => {
      const seen: number[] = [];
      tracker.onEvent((event) => seen.push(event.seq));
      tracker.applyEvent(ev.queued());
      tracker.applyEvent(ev.output(4, "c"));
      tracker.applyEvent(ev.output(3, "b"));
      expect(tracker.get("j1")).toMatchObject({ lastSeq: 1, output: "", pendingEvents: 2 });
      tracker.applyEvent(ev.output(2, "a"));
      expect(tracker.get("j1")).toMatchObject({ lastSeq: 4, output: "abc", pendingEvents: 0 });
      expect(seen).toEqual([1, 2, 3, 4]);
    });

    it("applies a shuffled stream exactly like the ordered one", () => {
      const ordered = [ev.queued(), ev.progress(2, 20), ...Array.from({ length: 20 }, (_, i) => ev.output(i + 3, `${i},`)), ev.completed(23)];
      const reference = new JobTracker();
      ordered.forEach((e) => reference.applyEvent(e));
      // A deterministic shuffle with duplicates sprinkled in.
      const shuffled = [...ordered, ordered[5]!, ordered[0]!].sort((a, b) => ((a.seq * 7919) % 31) - ((b.seq * 7919) % 31));
      shuffled.forEach((e) => tracker.applyEvent(e));
      expect(tracker.get("j1")).toEqual(reference.get("j1"));
      reference.dispose();
    });

    it("does not show a job known only from events after a gap", () => {
      tracker.applyEvent(ev.output(3, "x", "j2"));
      expect(tracker.get("j2")).toBeUndefined();
      expect(tracker.list()).toEqual([]);
      expect(tracker.cursors()).toEqual([{ jobId: "j2", afterSeq: 0 }]);
    });
  });

  describe("gaps that persist", () => {
    it("asks for a replay after gapTimeoutMs, backing off while the gap stays open", () => {
      vi.useFakeTimers();
      tracker.applyEvent(ev.queued());
      tracker.applyEvent(ev.output(3, "b"));
      vi.advanceTimersByTime(999);
      expect(resyncs).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(resyncs).toEqual([["j1", 1]]);
      vi.advanceTimersByTime(1_999);
      expect(resyncs).toHaveLength(1);
      vi.advanceTimersByTime(1);
      expect(resyncs).toHaveLength(2);
      vi.advanceTimersByTime(4_000);
      expect(resyncs).toHaveLength(3);
      vi.advanceTimersByTime(4_000); // capped at maxGapTimeoutMs
      expect(resyncs).toHaveLength(4);
    });

    it("stops asking once the gap is filled, and starts afresh for a new gap", () => {
      vi.useFakeTimers();
      tracker.applyEvent(ev.queued());
      tracker.applyEvent(ev.output(3, "b"));
      vi.advanceTimersByTime(500);
      tracker.applyEvent(ev.output(2, "a"));
      vi.advanceTimersByTime(10_000);
      expect(resyncs).toEqual([]);
      tracker.applyEvent(ev.output(5, "d"));
      vi.advanceTimersByTime(1_000);
      expect(resyncs).toEqual([["j1", 3]]);
    });

    it("asks from seq 0 for a job it has never seen the start of", () => {
      vi.useFakeTimers();
      tracker.applyEvent(ev.output(7, "x", "j9"));
      vi.advanceTimersByTime(1_000);
      expect(resyncs).toEqual([["j9", 0]]);
    });

    it("drops an overflowing buffer and asks for a replay at once", () => {
      const small = new JobTracker({ maxBufferedEvents: 3 });
      const asked: Array<[string, number]> = [];
      small.onResync((id, after) => asked.push([id, after]));
      small.applyEvent(ev.queued());
      for (let seq = 3; seq <= 6; seq++) small.applyEvent(ev.output(seq, String(seq)));
      expect(asked).toEqual([["j1", 1]]);
      expect(small.get("j1")!.pendingEvents).toBe(1);
      small.dispose();
    });

    it("stops asking when told to, and starts afresh with the next event", () => {
      vi.useFakeTimers();
      tracker.applyEvent(ev.queued());
      tracker.applyEvent(ev.output(3, "b"));
      tracker.stopGapTimers();
      vi.advanceTimersByTime(10_000);
      expect(resyncs).toEqual([]);
      expect(tracker.get("j1")!.pendingEvents).toBe(1);
      tracker.applyEvent(ev.output(5, "d"));
      vi.advanceTimersByTime(1_000);
      expect(resyncs).toEqual([["j1", 1]]);
    });

    it("forgets the gap timer of a forgotten job", () => {
      vi.useFakeTimers();
      tracker.applyEvent(ev.queued());
      tracker.applyEvent(ev.output(3, "b"));
      tracker.forget("j1");
      vi.advanceTimersByTime(10_000);
      expect(resyncs).toEqual([]);
      expect(tracker.get("j1")).toBeUndefined();
    });
  });

  describe("snapshots", () => {
    it("replaces the state and continues with events after it", () => {
      tracker.applyView(view());
      expect(tracker.get("j1")).toMatchObject({ status: "processing", output: "step 1 done\n", lastSeq: 4, createdAt: T0 });
      tracker.applyEvent(ev.output(3, "stale"));
      tracker.applyEvent(ev.output(4, "stale"));
      tracker.applyEvent(ev.output(5, "step 2 done\n"));
      expect(tracker.get("j1")).toMatchObject({ output: "step 1 done\nstep 2 done\n", lastSeq: 5 });
    });

    it("applies job_snapshot frames at their seq", () => {
      tracker.apply({ type: "job_snapshot", jobId: "j1", seq: 4, timestamp: T0, job: view() });
      expect(tracker.get("j1")!.lastSeq).toBe(4);
    });

    it("ignores a snapshot older than what was applied, and accepts an equal one", () => {
      tracker.applyView(view());
      tracker.applyEvent(ev.output(5, "x"));
      expect(tracker.applyView(view({ lastSeq: 4, output: "old" }))).toBe(false);
      expect(tracker.get("j1")!.output).toBe("step 1 done\nx");
      expect(tracker.applyView(view({ lastSeq: 5, output: "step 1 done\nx", progress: 50 }))).toBe(true);
      expect(tracker.get("j1")!.progress).toBe(50);
    });

    it("fills a gap: buffered events after the snapshot apply, those before it are dropped", () => {
      tracker.applyEvent(ev.queued());
      tracker.applyEvent(ev.output(3, "dup"));
      tracker.applyEvent(ev.output(6, "!"));
      tracker.applyView(view({ lastSeq: 5, output: "abc" }));
      expect(tracker.get("j1")).toMatchObject({ output: "abc!", lastSeq: 6, pendingEvents: 0 });
    });

    it("takes every entry of a job_list", () => {
      tracker.apply({
        type: "job_list",
        timestamp: T0,
        jobs: [view({ jobId: "a", createdAt: T0 + 1 }), view({ jobId: "b", createdAt: T0 + 2, status: "completed", lastSeq: 9 })],
      });
      expect(tracker.list().map((j) => j.jobId)).toEqual(["b", "a"]);
      expect(tracker.get("b")!.terminal).toBe(true);
    });

    it("keeps the output and result a job_list entry leaves out, when it is at the same seq", () => {
      tracker.applyView(view({ status: "completed", lastSeq: 6, output: "all\n", result: { ok: 1 } }));
      tracker.apply({ type: "job_list", timestamp: T0, jobs: [view({ status: "completed", lastSeq: 6, output: undefined })] });
      expect(tracker.get("j1")).toMatchObject({ output: "all\n", result: { ok: 1 } });
      tracker.applyView(view({ status: "completed", lastSeq: 7, output: undefined }));
      expect(tracker.get("j1")).toMatchObject({ output: "", result: undefined });
    });

    it("keeps a snapshot's missing output as an empty string", () => {
      tracker.applyView(view({ output: undefined }));
      expect(tracker.get("j1")!.output).toBe("");
    });
  });

  describe("queries", () => {
    it("lists jobs newest first and returns the same array until something changes", () => {
      tracker.applyEvent(ev.queued(1, "old"));
      tracker.applyEvent({ ...ev.queued(1, "new"), timestamp: T0 + 100 });
      const list = tracker.list();
      expect(list.map((j) => j.jobId)).toEqual(["new", "old"]);
      expect(tracker.list()).toBe(list);
      tracker.applyEvent(ev.output(2, "x", "old"));
      expect(tracker.list()).not.toBe(list);
      expect(tracker.list()).toEqual([tracker.get("new"), tracker.get("old")]);
    });

    it("gives cursors for unfinished jobs only", () => {
      tracker.applyEvent(ev.queued(1, "done"));
      tracker.applyEvent(ev.completed(2, undefined, "done"));
      tracker.applyEvent(ev.queued(1, "running"));
      tracker.applyEvent(ev.output(2, "x", "running"));
      expect(tracker.cursors()).toEqual([{ jobId: "running", afterSeq: 2 }]);
    });

    it("notifies onChange for every change, including forget", () => {
      const changes = vi.fn();
      tracker.onChange(changes);
      tracker.applyEvent(ev.queued());
      tracker.forget("j1");
      expect(changes).toHaveBeenCalledTimes(2);
    });

    it("ignores frames that are not about jobs", () => {
      expect(tracker.apply({ type: "pong", timestamp: T0 })).toBe(false);
      expect(tracker.list()).toEqual([]);
    });

    it("keeps going when a listener throws", () => {
      const errors: unknown[] = [];
      const t = new JobTracker({ onListenerError: (e) => errors.push(e) });
      const after = vi.fn();
      t.onJob(() => {
        throw new Error("bad listener");
      });
      t.onJob(after);
      t.applyEvent(ev.queued());
      expect(after).toHaveBeenCalledOnce();
      expect(errors).toHaveLength(1);
      t.dispose();
    });
  });

  it("ends in the same state as the server's snapshot for a real canary run", async () => {
    const w = memoryWorld();
    const alice = await w.connect("alice");
    await alice.send({ action: "submit_job", kind: "canary", input: { steps: 5, stepMs: 2 }, requestId: "r1" });
    await w.work();
    const jobId = alice.ofType("job_queued")[0]!.jobId as string;
    // Deliver the frames reversed: everything but the last waits in the buffer.
    for (const frame of alice.received().reverse()) tracker.apply(frame as JobEvent);
    const record = (await w.store.get(jobId))!;
    const server = toView(record);
    const client = tracker.get(jobId)!;
    expect(client).toMatchObject({
      status: server.status,
      progress: server.progress,
      stage: server.stage,
      message: server.message,
      output: server.output,
      result: JSON.parse(JSON.stringify(server.result)),
      lastSeq: server.lastSeq,
      updatedAt: server.updatedAt,
      attempts: server.attempts,
    });
  });
});
