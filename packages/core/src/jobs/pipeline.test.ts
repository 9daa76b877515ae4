import { describe, expect, it } from "vitest";
import { z } from "zod";
import { NonRetryableJobError } from "../errors";
import { memoryWorld } from "../testing/memory-world";
import { defineJobKind } from "./kinds";

const submit = (input: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  action: "submit_job",
  kind: "canary",
  input,
  requestId: "r1",
  ...extra,
});

function jobEvents(frames: Array<Record<string, any>>, jobId: string) {
  return frames.filter((f) => f.jobId === jobId && f.type !== "job_snapshot");
}

describe("a canary job through the pipeline", () => {
  it("goes job_queued → progress_update… → job_completed with increasing seq and progress", async () => {
    const w = memoryWorld();
    const alice = await w.connect("alice");
    await alice.send(submit({ steps: 4, stepMs: 5 }));
    const queued = alice.ofType("job_queued")[0]!;
    expect(queued).toMatchObject({ seq: 1, progress: 5, kind: "canary", requestId: "r1", queuePosition: 1 });
    expect(await w.work()).toEqual({ type: "completed" });
    const events = jobEvents(alice.received(), queued.jobId);
    const seqs = events.map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    const progress = events.filter((e) => "progress" in e).map((e) => e.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(events.at(-1)).toMatchObject({ type: "job_completed", result: { steps: 4, attempt: 1 } });
    expect(events.filter((e) => e.type === "job_output").map((e) => e.delta).join("")).toBe(
      "step 1 done\nstep 2 done\nstep 3 done\nstep 4 done\n",
    );
  });

  it("coalesces progress to about 4 frames a second and spaces output ≥ 50 ms", async () => {
    const w = memoryWorld();
    const alice = await w.connect("alice");
    await alice.send(submit({ steps: 60, stepMs: 10 }));
    const started = Date.now();
    await w.work();
    const seconds = (Date.now() - started) / 1000;
    const frames = alice.received();
    const progress = frames.filter((f) => f.type === "progress_update");
    expect(progress.length).toBeLessThanOrEqual(Math.ceil(seconds * 4) + 4);
    // No 1-second window holds more than 4 progress frames.
    for (let i = 4; i < progress.length; i++) {
      expect(progress[i]!.timestamp - progress[i - 4]!.timestamp).toBeGreaterThanOrEqual(990);
    }
    expect(progress.at(-1)?.progress).toBe(98);
    const outputs = frames.filter((f) => f.type === "job_output");
    for (let i = 1; i < outputs.length; i++) {
      expect(outputs[i]!.timestamp - outputs[i - 1]!.timestamp).toBeGreaterThanOrEqual(50);
    }
    expect(outputs.map((o) => o.delta).join("").split("\n").filter(Boolean)).toHaveLength(60);
  });

  it("drops a redelivered message for a finished job", async () => {
    const w = memoryWorld();
    const alice = await w.connect("alice");
    await alice.send(submit({ steps: 1, stepMs: 0 }));
    const message = await w.queue.take("analysis");
    await w.queue.enqueue("analysis", message);
    await w.queue.enqueue("analysis", message);
    expect(await w.work()).toEqual({ type: "completed" });
    expect(await w.work()).toMatchObject({ type: "dropped" });
    expect(alice.ofType("job_completed")).toHaveLength(1);
  });

  it("fails a job whose every allowed attempt died with its worker, instead of starting another", async () => {
    const w = memoryWorld();
    const alice = await w.connect("alice");
    await alice.send(submit({ steps: 1, stepMs: 0 }));
    const message = await w.queue.take("analysis");
    // Three deliveries whose workers died mid-job (OOM, killed): each began an attempt and never reported back.
    for (let i = 0; i < 3; i++) await w.store.beginAttempt(message.jobId, { resume: false, now: Date.now() });
    await w.queue.enqueue("analysis", message); // the queue's redelivery after the last crash
    expect(await w.work()).toMatchObject({ type: "failed" });
    const failed = alice.ofType("job_failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ code: "retries_exhausted", attempts: 3 });
    expect(failed[0]!.error).toMatch(/worker stopped/);
    expect((await w.store.get(message.jobId))?.attempts).toBe(3);
  });

  it("sends a result too big for one message by reference, with a URL signed afresh at every delivery", async () => {
    const stored = new Map<string, string>();
    let signatures = 0;
    const big = defineJobKind({ name: "big", queue: "analysis", input: z.object({}), run: async () => ({ rows: "x".repeat(200_000) }) });
    const w = memoryWorld({
      kinds: [big],
      results: {
        offload: async (jobId, json) => (stored.set(`results/${jobId}.json`, json), `results/${jobId}.json`),
        url: async (key) => `https://store.example/${key}?signature=${++signatures}`,
      },
    });
    const alice = await w.connect("alice");
    await alice.send({ action: "submit_job", kind: "big", input: {}, requestId: "b" });
    await w.work();
    const done = alice.ofType("job_completed")[0]!;
    expect(done.result).toBeUndefined();
    expect(done.resultUrl).toBe(`https://store.example/results/${done.jobId}.json?signature=1`);
    expect(JSON.parse(stored.get(`results/${done.jobId}.json`)!).rows).toHaveLength(200_000);
    // The log keeps the reference, not a URL that would expire with its signature.
    expect((await w.store.get(done.jobId))?.resultUrl).toBe(`results/${done.jobId}.json`);
    await alice.send({ action: "subscribe", jobIds: [done.jobId], requestId: "s" });
    expect(alice.ofType("job_snapshot").at(-1)!.job.resultUrl).toMatch(/signature=2$/);
  });

  it("retries a failing attempt with a retrying update, then completes", async () => {
    const w = memoryWorld();
    const alice = await w.connect("alice");
    await alice.send(submit({ steps: 1, stepMs: 0, failAttempts: 2 }));
    const jobId = alice.ofType("job_queued")[0]!.jobId;
    const first = await w.work();
    expect(first).toMatchObject({ type: "retry" });
    await w.queue.enqueue("analysis", { jobId, kind: "canary" });
    expect(await w.work()).toMatchObject({ type: "retry" });
    await w.queue.enqueue("analysis", { jobId, kind: "canary" });
    expect(await w.work()).toEqual({ type: "completed" });
    const retrying = alice.ofType("progress_update").filter((p) => p.status === "retrying");
    expect(retrying.map((r) => r.attempt)).toEqual([1, 2]);
    expect(alice.ofType("job_completed")[0]).toMatchObject({ result: { attempt: 3 } });
  });

  it("fails with job_failed after the last attempt", async () => {
    const w = memoryWorld();
    const alice = await w.connect("alice");
    await alice.send(submit({ steps: 1, stepMs: 0, failAttempts: 5 }));
    const jobId = alice.ofType("job_queued")[0]!.jobId;
    for (let i = 0; i < 2; i++) {
      expect(await w.work()).toMatchObject({ type: "retry" });
      await w.queue.enqueue("analysis", { jobId, kind: "canary" });
    }
    expect(await w.work()).toMatchObject({ type: "failed" });
    expect(alice.ofType("job_failed")[0]).toMatchObject({ code: "retries_exhausted", attempts: 3 });
    expect(alice.ofType("job_failed")[0]!.error).toMatch(/gave up after 3 attempts/);
  });

  it("does not retry a non-retryable failure", async () => {
    const broken = defineJobKind({
      name: "broken",
      queue: "analysis",
      input: z.object({}),
      async run() {
        throw new NonRetryableJobError("the file is damaged", "handler_error");
      },
    });
    const w = memoryWorld({ kinds: [broken] });
    const alice = await w.connect("alice");
    await alice.send({ action: "submit_job", kind: "broken", input: {} });
    expect(await w.work()).toMatchObject({ type: "failed" });
    expect(alice.ofType("job_failed")[0]).toMatchObject({ error: "the file is damaged", code: "handler_error", attempts: 1 });
  });

  it("cancels a running job: the worker stops and job_cancelled follows", async () => {
    const w = memoryWorld();
    const alice = await w.connect("alice");
    await alice.send(submit({ steps: 100, stepMs: 20 }));
    const jobId = alice.ofType("job_queued")[0]!.jobId;
    const running = w.work();
    await new Promise((r) => setTimeout(r, 100));
    await alice.send({ action: "cancel_job", jobId });
    expect(await running).toEqual({ type: "cancelled" });
    expect(alice.ofType("job_cancelled")).toHaveLength(1);
    expect((await w.store.get(jobId))?.status).toBe("cancelled");
    expect(alice.ofType("job_output").length).toBeLessThan(20);
  });

  it("cancels a queued job at once, and the worker then drops it", async () => {
    const w = memoryWorld();
    const alice = await w.connect("alice");
    await alice.send(submit({ steps: 1, stepMs: 0 }));
    const jobId = alice.ofType("job_queued")[0]!.jobId;
    await alice.send({ action: "cancel_job", jobId });
    expect(alice.ofType("job_cancelled")[0]).toMatchObject({ jobId, seq: 2 });
    expect(await w.work()).toMatchObject({ type: "dropped" });
    await alice.send({ action: "cancel_job", jobId, requestId: "again" });
    expect(alice.ofType("error").at(-1)).toMatchObject({ code: "bad_request", requestId: "again" });
  });

  it("hands over before the deadline and resumes from the checkpoint", async () => {
    const w = memoryWorld({ runner: { deadlineMarginMs: 50 } });
    const alice = await w.connect("alice");
    await alice.send(submit({ steps: 20, stepMs: 20 }));
    const jobId = alice.ofType("job_queued")[0]!.jobId;
    expect(await w.work("analysis", Date.now() + 250)).toEqual({ type: "deferred" });
    const checkpoint = (await w.store.get(jobId))?.checkpoint as { step: number };
    expect(checkpoint.step).toBeGreaterThan(2);
    expect(checkpoint.step).toBeLessThan(20);
    expect(await w.work()).toEqual({ type: "completed" });
    const done = alice.ofType("job_completed")[0]!;
    expect(done.result).toMatchObject({ attempt: 1, resumedFrom: checkpoint.step });
    const lines = alice.ofType("job_output").map((o) => o.delta).join("").split("\n").filter(Boolean);
    expect(lines).toEqual(Array.from({ length: 20 }, (_, i) => `step ${i + 1} done`));
    const seqs = jobEvents(alice.received(), jobId).map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });
});

describe("the WebSocket API", () => {
  it("replays missed events after afterSeq, following a snapshot", async () => {
    const w = memoryWorld();
    const alice = await w.connect("alice");
    await alice.send(submit({ steps: 3, stepMs: 0 }));
    await w.work();
    const jobId = alice.ofType("job_queued")[0]!.jobId;
    const all = jobEvents(alice.received(), jobId);
    const again = await w.connect("alice");
    await again.send({ action: "subscribe", jobIds: [jobId], afterSeq: 2 });
    const frames = again.received();
    expect(frames[0]).toMatchObject({ type: "job_snapshot", jobId, job: { status: "completed", lastSeq: all.length } });
    expect(frames.slice(1)).toEqual(all.slice(2));
  });

  it("lets no one else see, subscribe to, list or cancel a job", async () => {
    const w = memoryWorld();
    const alice = await w.connect("alice");
    const mallory = await w.connect("mallory");
    await alice.send(submit({ steps: 1, stepMs: 0 }));
    const jobId = alice.ofType("job_queued")[0]!.jobId;
    expect(mallory.ofType("job_queued")).toHaveLength(0);
    await mallory.send({ action: "subscribe", jobIds: [jobId], afterSeq: 0 });
    await mallory.send({ action: "cancel_job", jobId });
    await mallory.send({ action: "list_jobs" });
    const errors = mallory.ofType("error");
    expect(errors.map((e) => e.code)).toEqual(["not_found", "not_found"]);
    expect(mallory.ofType("job_list")[0]!.jobs).toEqual([]);
    expect(mallory.received().some((f) => f.type === "job_snapshot")).toBe(false);
    expect((await w.store.get(jobId))?.cancelRequested).toBe(false);
  });

  it("answers bad frames with an error frame and keeps serving", async () => {
    const w = memoryWorld();
    const alice = await w.connect("alice");
    await alice.send("not json");
    await alice.send({ action: "fly" });
    await alice.send({ nothing: true });
    await alice.send({ action: "submit_job", kind: "nope", input: {} });
    await alice.send({ action: "submit_job", kind: "canary", input: { steps: "many" }, requestId: "bad-input" });
    await alice.send({ action: "submit_job", kind: "canary", input: { pad: "x".repeat(40_000) } });
    await alice.send({ action: "subscribe", jobIds: "abc" });
    await alice.send({ action: "ping", requestId: "still-here" });
    const errors = alice.ofType("error");
    expect(errors.map((e) => e.code)).toEqual(["bad_request", "bad_request", "bad_request", "bad_request", "bad_request", "payload_too_large", "bad_request"]);
    expect(errors[0]!.message).toMatch(/JSON/);
    expect(errors[1]!.message).toMatch(/unknown action "fly"/);
    expect(errors[3]!.message).toMatch(/unknown job kind "nope".*canary/);
    expect(errors[4]).toMatchObject({ requestId: "bad-input" });
    expect(errors[4]!.message).toMatch(/steps/);
    expect(alice.ofType("pong")[0]).toMatchObject({ requestId: "still-here" });
  });

  it("refuses submissions over the per-user rate with rate_limited, across connections", async () => {
    const w = memoryWorld({ api: { submitsPerMinute: 3 } });
    const tab1 = await w.connect("alice");
    const tab2 = await w.connect("alice");
    const bob = await w.connect("bob");
    for (let i = 0; i < 2; i++) await tab1.send(submit({ steps: 1 }, { requestId: `a${i}` }));
    await tab2.send(submit({ steps: 1 }, { requestId: "a2" }));
    await tab2.send(submit({ steps: 1 }, { requestId: "a3" }));
    await bob.send(submit({ steps: 1 }, { requestId: "b0" }));
    expect(tab2.ofType("error")[0]).toMatchObject({ code: "rate_limited", requestId: "a3" });
    expect(tab2.ofType("error")[0]!.message).toMatch(/at most 3 jobs a minute.*try again in \d+ s/);
    expect(bob.ofType("job_queued")).toHaveLength(1);
    expect(await w.queue.waitingCount("analysis")).toBe(4);
  });

  it("returns the same job for a repeated idempotency key", async () => {
    const w = memoryWorld();
    const alice = await w.connect("alice");
    await alice.send(submit({ steps: 1 }, { idempotencyKey: "once" }));
    await alice.send(submit({ steps: 1 }, { idempotencyKey: "once", requestId: "r2" }));
    const queued = alice.ofType("job_queued");
    expect(queued).toHaveLength(1);
    expect(alice.ofType("job_snapshot")[0]).toMatchObject({ jobId: queued[0]!.jobId, requestId: "r2" });
    expect(await w.queue.waitingCount("analysis")).toBe(1);
  });

  it("lists my jobs newest first, page by page", async () => {
    const w = memoryWorld();
    const alice = await w.connect("alice");
    for (let i = 0; i < 5; i++) {
      await alice.send(submit({ steps: 1 }));
      await new Promise((r) => setTimeout(r, 2));
    }
    await alice.send({ action: "list_jobs", limit: 3 });
    const first = alice.ofType("job_list")[0]!;
    expect(first.jobs).toHaveLength(3);
    await alice.send({ action: "list_jobs", limit: 3, cursor: first.cursor });
    const second = alice.ofType("job_list")[1]!;
    expect(second.jobs).toHaveLength(2);
    expect(second.cursor).toBeUndefined();
    const ids = alice.ofType("job_queued").map((q) => q.jobId).reverse();
    expect([...first.jobs, ...second.jobs].map((j: any) => j.jobId)).toEqual(ids);
  });

  it("authenticate refreshes the same user and refuses another", async () => {
    const { signDevToken } = await import("../auth");
    const w = memoryWorld();
    const alice = await w.connect("alice");
    await alice.send({ action: "authenticate", token: await signDevToken("d".repeat(40), "alice") });
    await alice.send({ action: "authenticate", token: await signDevToken("d".repeat(40), "bob") });
    await alice.send({ action: "authenticate", token: "garbage" });
    expect(alice.ofType("authenticated")[0]).toMatchObject({ userId: "alice", connectionId: alice.connectionId });
    expect(alice.ofType("error").map((e) => e.code)).toEqual(["forbidden", "unauthorized"]);
  });
});
