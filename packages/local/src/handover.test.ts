import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startStack, type Stack } from "./stack";
import { TestClient } from "./testing/test-client";

let stack: Stack;
beforeAll(async () => {
  // A 1.2 s time limit per delivery stands in for Lambda's 15 minutes.
  stack = await startStack({
    dir: mkdtempSync(join(tmpdir(), "ferry-handover-")),
    workers: 1,
    workerEnv: { FERRY_WORKER_TIME_LIMIT_MS: "1200" },
  });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

it("a job longer than the worker's time limit hands over and resumes from its checkpoint, not from scratch", async () => {
  const client = await TestClient.open(stack.outputs.websocketUrl, await stack.token("alice"));
  client.send({ action: "submit_job", kind: "canary", input: { steps: 25, stepMs: 100 }, requestId: "long" });
  const { jobId } = await client.next((f) => f.requestId === "long" && f.type === "job_queued");
  const done = await client.next((f) => f.jobId === jobId && f.type === "job_completed", 30_000);
  expect(done.result.attempt).toBe(1);
  expect(done.result.resumedFrom).toBeGreaterThan(0);
  const events = client.ofJob(jobId);
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  expect(events.filter((e) => e.type === "progress_update" && /Resuming/.test(e.message)).length).toBeGreaterThanOrEqual(1);
  const lines = events.filter((e) => e.type === "job_output").map((e) => e.delta).join("").split("\n").filter(Boolean);
  expect(lines).toEqual(Array.from({ length: 25 }, (_, i) => `step ${i + 1} done`));
  await client.close();
}, 40_000);
