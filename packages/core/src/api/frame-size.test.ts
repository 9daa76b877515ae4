import { describe, expect, it } from "vitest";
import { newJobRecord, type JobRecord } from "../jobs/job";
import { Limits } from "../protocol";
import { listViews, snapshot } from "./api";

const job = (output: string, result?: unknown): JobRecord => ({
  ...newJobRecord({ jobId: crypto.randomUUID(), owner: "alice", kind: "canary", input: {}, now: Date.now(), ttlSeconds: 60 }),
  status: "completed",
  output,
  result,
});
const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v));

describe("frames stay within API Gateway's 128 KB", () => {
  it("a snapshot of a job with a huge output keeps the output's end", () => {
    const output = `${"a".repeat(200_000)}THE END`;
    const event = snapshot(job(output, { big: "r".repeat(60_000) }));
    expect(bytes(event)).toBeLessThanOrEqual(Limits.maxMessageBytes);
    const view = (event as { job: { output: string; result: unknown } }).job;
    expect(view.output.startsWith("…")).toBe(true);
    expect(view.output.endsWith("THE END")).toBe(true);
    expect(view.result).toEqual({ big: "r".repeat(60_000) });
  });

  it("a snapshot that fits is sent whole", () => {
    const event = snapshot(job("short output"));
    expect((event as { job: { output: string } }).job.output).toBe("short output");
  });

  it("a list of jobs with large outputs and results drops them rather than overflowing", () => {
    const jobs = Array.from({ length: 20 }, () => job("o".repeat(10_000), { r: "x".repeat(8_000) }));
    const views = listViews(jobs);
    expect(bytes(views)).toBeLessThanOrEqual(Limits.maxMessageBytes);
    expect(views.every((v) => v.output === undefined)).toBe(true);
    const small = listViews([job("hi", { ok: true })]);
    expect(small[0]).toMatchObject({ output: "hi", result: { ok: true } });
  });
});
