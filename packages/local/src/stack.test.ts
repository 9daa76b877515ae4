import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ServerEvent } from "@ferry/core/protocol";
import { startStack, type Stack } from "./stack";
import { TestClient, handshakeStatus, seqs, type Frame } from "./testing/test-client";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    dir: mkdtempSync(join(tmpdir(), "ferry-stack-")),
    workers: 1,
    appendfsync: "always",
    workerEnv: { FERRY_WORKER_LOCK_MS: "2000", FERRY_WORKER_STALLED_MS: "1000" },
    onLog: process.env.FERRY_TEST_LOGS ? (s, l) => console.log(`[${s}] ${l}`) : undefined,
  });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const url = () => stack.outputs.websocketUrl;
const connect = async (user = "alice") => TestClient.open(url(), await stack.token(user));
const gapFree = (frames: Frame[]) => {
  const s = seqs(frames);
  expect(s).toEqual(s.map((_, i) => i + 1));
};
const nonDecreasing = (frames: Frame[]) => {
  const p = frames.filter((f) => typeof f.progress === "number").map((f) => f.progress);
  expect(p).toEqual([...p].sort((a, b) => a - b));
};

async function submit(client: TestClient, input: Record<string, unknown>, requestId = `r${Math.random()}`) {
  client.send({ action: "submit_job", kind: "canary", input, requestId });
  const queued = await client.next((f) => f.type === "job_queued" && f.requestId === requestId);
  return queued.jobId as string;
}

describe("the offline stack, driven by a plain ws client", () => {
  it("refuses a handshake without a valid token", async () => {
    expect(await handshakeStatus(url())).toBe(401);
    expect(await handshakeStatus(`${url()}?token=garbage`)).toBe(401);
  });

  it("runs a canary job: job_queued, progress_updates, job_completed, in seq order", async () => {
    const client = await connect();
    const jobId = await submit(client, { steps: 5, stepMs: 50 });
    const done = await client.next((f) => f.jobId === jobId && f.type === "job_completed");
    expect(done.result).toMatchObject({ steps: 5, attempt: 1 });
    const events = client.ofJob(jobId);
    expect(events[0]).toMatchObject({ type: "job_queued", seq: 1, progress: 5 });
    expect(events.filter((e) => e.type === "progress_update").length).toBeGreaterThan(0);
    gapFree(events);
    nonDecreasing(events);
    for (const frame of client.frames) expect(ServerEvent.safeParse(frame).success, JSON.stringify(frame)).toBe(true);
    await client.close();
  });

  it("replays what a client missed while disconnected, then streams live events", async () => {
    const first = await connect();
    const jobId = await submit(first, { steps: 16, stepMs: 100 });
    await first.next((f) => f.jobId === jobId && f.type === "progress_update");
    const seen = first.ofJob(jobId);
    await first.close();
    await new Promise((r) => setTimeout(r, 500));
    const second = await connect();
    const afterSeq = seen.at(-1)!.seq;
    second.send({ action: "subscribe", jobIds: [jobId], afterSeq });
    await second.next((f) => f.jobId === jobId && f.type === "job_completed");
    const snapshot = second.frames.find((f) => f.type === "job_snapshot")!;
    expect(snapshot.job.lastSeq).toBeGreaterThan(afterSeq);
    // Live events may arrive before the replay does; a client orders them by seq.
    const after = [...new Map(second.ofJob(jobId).map((f) => [f.seq, f])).values()].sort((a, b) => a.seq - b.seq);
    gapFree([...seen, ...after]);
    expect(after[0]!.seq).toBe(afterSeq + 1);
    await second.close();
  });

  it("cancels a running job", async () => {
    const client = await connect();
    const jobId = await submit(client, { steps: 100, stepMs: 100 });
    await client.next((f) => f.jobId === jobId && f.type === "progress_update");
    client.send({ action: "cancel_job", jobId });
    const cancelled = await client.next((f) => f.jobId === jobId && f.type === "job_cancelled");
    expect(cancelled.seq).toBeGreaterThan(1);
    gapFree(client.ofJob(jobId));
    await client.close();
  });

  it("keeps other users away from a job", async () => {
    const alice = await connect("alice");
    const mallory = await connect("mallory");
    const jobId = await submit(alice, { steps: 2, stepMs: 10 });
    await alice.next((f) => f.jobId === jobId && f.type === "job_completed");
    mallory.send({ action: "subscribe", jobIds: [jobId], requestId: "s" });
    mallory.send({ action: "cancel_job", jobId, requestId: "c" });
    mallory.send({ action: "list_jobs", requestId: "l" });
    expect(await mallory.next((f) => f.requestId === "s")).toMatchObject({ type: "error", code: "not_found" });
    expect(await mallory.next((f) => f.requestId === "c")).toMatchObject({ type: "error", code: "not_found" });
    const list = await mallory.next((f) => f.requestId === "l");
    expect(list.jobs.map((j: Frame) => j.jobId)).not.toContain(jobId);
    expect(mallory.frames.some((f) => f.jobId === jobId && f.type !== "error")).toBe(false);
    await Promise.all([alice.close(), mallory.close()]);
  });

  it("answers bad input like API Gateway would and keeps serving", async () => {
    const client = await connect();
    client.send("this is not json");
    client.send({ action: "teleport", requestId: "u" });
    client.send({ action: "submit_job", kind: "canary", input: { steps: -1 }, requestId: "i" });
    client.send({ action: "submit_job", kind: "mystery", input: {}, requestId: "k" });
    const errors = await Promise.all([
      client.next((f) => f.type === "error" && /JSON/.test(f.message)),
      client.next((f) => f.requestId === "u"),
      client.next((f) => f.requestId === "i"),
      client.next((f) => f.requestId === "k"),
    ]);
    expect(errors.map((e) => e.code)).toEqual(["bad_request", "bad_request", "bad_request", "bad_request"]);
    const big = await connect();
    big.send({ action: "ping", pad: "x".repeat(200 * 1024) });
    expect((await big.closed).code).toBe(1009);
    const binary = await connect();
    binary.ws.send(Buffer.from([1, 2, 3]));
    expect((await binary.closed).code).toBe(1003);
    client.send({ action: "ping", requestId: "alive" });
    expect(await client.next((f) => f.requestId === "alive")).toMatchObject({ type: "pong" });
    await client.close();
  });

  it("finishes a job whose worker was killed with SIGKILL, with a gap-free seq", async () => {
    const client = await connect();
    const jobId = await submit(client, { steps: 30, stepMs: 100 });
    await client.next((f) => f.jobId === jobId && f.type === "progress_update" && f.progress > 20);
    const [worker] = stack.workers;
    worker!.process.kill("SIGKILL");
    await worker!.exited;
    await stack.startWorker();
    const done = await client.next((f) => f.jobId === jobId && f.type === "job_completed", 30_000);
    expect(done.result.resumedFrom).toBeGreaterThan(0);
    const live = client.ofJob(jobId);
    nonDecreasing(live);
    expect(seqs(live)).toEqual([...seqs(live)].sort((a, b) => a - b));
    // A worker killed between logging an event and posting it leaves a hole in the live
    // stream; the log has it, and a subscribe from the last seq seen fills it (as FerryClient does).
    const seen = new Set(seqs(live));
    const firstGap = Array.from({ length: done.seq }, (_, i) => i + 1).find((n) => !seen.has(n));
    if (firstGap !== undefined) {
      client.send({ action: "subscribe", jobIds: [jobId], afterSeq: firstGap - 1, requestId: "fill" });
      await client.next((f) => f.requestId === "fill" && f.type === "job_snapshot");
      await client.next((f) => f !== done && f.jobId === jobId && f.type === "job_completed");
    }
    const all = [...new Set(seqs(client.ofJob(jobId)))].sort((a, b) => a - b);
    expect(all).toEqual(all.map((_, i) => i + 1));
    await client.close();
  }, 60_000);

  it("loses no job when Redis restarts mid-run", async () => {
    const client = await connect();
    const running = await submit(client, { steps: 20, stepMs: 100 });
    await client.next((f) => f.jobId === running && f.type === "progress_update");
    await stack.restartRedis("crash");
    const done = await client.next((f) => f.jobId === running && f.type === "job_completed", 40_000);
    expect(done.type).toBe("job_completed");
    const later = await submit(client, { steps: 2, stepMs: 10 });
    await client.next((f) => f.jobId === later && f.type === "job_completed", 20_000);
    gapFree(client.ofJob(running));
    await client.close();
  }, 60_000);
});
