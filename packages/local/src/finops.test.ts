import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FOCUS_COLUMNS } from "@ferry/core/adapters/focus-columns";
import { FINOPS_STAGE_NAMES } from "@ferry/core/finops";
import { FinopsResult } from "@ferry/core/protocol";
import { FOCUS_SAMPLE, HAS_FOCUS, NO_FOCUS_MESSAGE } from "@ferry/core/testing/focus-fixtures";
import { startStack, type Stack } from "./stack";
import { upload } from "./testing/documents";
import { TestClient, type Frame } from "./testing/test-client";

/**
 * `finops_analysis` end to end through the offline stack: a browser-style upload to
 * s3rver, a worker process that downloads it and reads it with DuckDB, the offline
 * chat model, progress per stage and the result over the WebSocket.
 */
let stack: Stack;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ferry-finops-"));
  stack = await startStack({ dir, workers: 1 });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const connect = async (user: string) => TestClient.open(stack.outputs.websocketUrl, await stack.token(user));
const isEnd = (f: Frame) => ["job_completed", "job_failed", "job_cancelled"].includes(f.type);
let n = 0;

async function analyse(client: TestClient, source: Record<string, unknown>, query = "Why did our bill grow, and where can we save?") {
  const requestId = `finops-${++n}`;
  client.send({ action: "submit_job", requestId, kind: "finops_analysis", input: { query, source } });
  const queued = await client.next((f) => f.requestId === requestId);
  if (queued.type === "error") throw new Error(`${queued.code}: ${queued.message}`);
  const jobId = queued.jobId as string;
  const terminal = await client.next((f) => f.jobId === jobId && isEnd(f), 120_000);
  return { jobId, terminal, events: client.ofJob(jobId) };
}

describe.skipIf(!HAS_FOCUS)(`finops_analysis on an uploaded FOCUS export ${HAS_FOCUS ? "" : NO_FOCUS_MESSAGE}`, () => {
  it("uploads the sample CSV, reports a progress stage per analysis and completes with a FinopsResult", async () => {
    const client = await connect("fiona");
    const uploadId = await upload(client, readFileSync(FOCUS_SAMPLE), "focus-sample.csv", "text/csv");
    const { terminal, events } = await analyse(client, { uploadId });
    expect(terminal.type, terminal.error).toBe("job_completed");
    const stages = [...new Set(events.filter((e) => e.type === "progress_update").map((e) => e.stage as string))];
    expect(stages.filter((s) => FINOPS_STAGE_NAMES.includes(s))).toEqual(FINOPS_STAGE_NAMES);
    const progress = events.filter((e) => e.type === "progress_update").map((e) => e.progress as number);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(events.some((e) => e.type === "job_output")).toBe(true);

    const result = FinopsResult.parse(terminal.result);
    expect(result.cost_analysis.totals.totalBilledCost).toBeCloseTo(16.04336887679, 9); // MANIFEST §1
    expect(result.response).toMatch(/no language model wrote this/);
    expect(result.response).toMatch(/EffectiveCost looks unreliable/);
    await client.close();
  }, 120_000);
});

describe("finops_analysis on files it cannot use", () => {
  /** A deterministic 10 MB of noise (never starting like gzip or Parquet). */
  const garbage = () => {
    const bytes = new Uint8Array(10 * 1024 * 1024);
    let x = 0x2545f491;
    for (let i = 0; i < bytes.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      bytes[i] = x & 0xff;
    }
    bytes[0] = 0x41;
    return bytes;
  };
  const text = (s: string) => new TextEncoder().encode(s);
  const cases: Array<[name: string, bytes: () => Uint8Array, contentType: string, message: RegExp]> = [
    ["columns.csv", () => text("Date,Service,Amount\n2024-09-01,EC2,12.50\n2024-09-02,S3,1.25\n"), "text/csv", /^columns\.csv: the file is not a usable FOCUS export: it lacks the required FOCUS columns? .*BilledCost/],
    ["header-only.csv", () => text(`${readHeader()}\n`), "text/csv", /^header-only\.csv: the file has no billing rows/],
    ["report.pdf", () => text("%PDF-1.4\n1 0 obj\n<< >>\nendobj\n"), "application/octet-stream", /^report\.pdf: the file is a PDF, not a FOCUS export/],
    ["noise.csv", garbage, "text/csv", /^noise\.csv: the file is not (UTF-8 )?text/],
  ];

  it("fails each with a clear job_failed naming the file and what is wrong, and keeps working", async () => {
    const client = await connect("gus");
    for (const [name, bytes, contentType, message] of cases) {
      const uploadId = await upload(client, bytes(), name, contentType);
      const { terminal } = await analyse(client, { uploadId });
      expect(terminal, name).toMatchObject({ type: "job_failed", code: "invalid_input", attempts: 1 });
      expect(terminal.error, name).toMatch(message);
    }
    await client.close();
  }, 180_000);

  it("refuses an empty upload when it is requested, and fails an empty dataset file clearly", async () => {
    const client = await connect("hana");
    client.send({ action: "request_upload", requestId: "empty", filename: "empty.csv", contentType: "text/csv", size: 0 });
    expect(await client.next((f) => f.requestId === "empty")).toMatchObject({ type: "error", code: "bad_request", message: expect.stringMatching(/empty/) });
    writeFileSync(join(dir, "datasets", "empty.csv"), "");
    const { terminal } = await analyse(client, { dataset: "empty.csv" });
    expect(terminal).toMatchObject({ type: "job_failed", code: "invalid_input", error: expect.stringMatching(/^empty\.csv: the file has no billing rows \(it is empty\)/) });
    const missing = await analyse(client, { dataset: "missing.csv" });
    expect(missing.terminal).toMatchObject({ type: "job_failed", code: "invalid_input", error: expect.stringMatching(/^no dataset named "missing\.csv"; configured: empty\.csv/) });
    await client.close();
  }, 60_000);
});

describe.skipIf(!HAS_FOCUS)("finops_analysis cancelled", () => {
  it("stops mid-run when cancelled and ends in job_cancelled", async () => {
    const client = await connect("ivan");
    const uploadId = await upload(client, readFileSync(FOCUS_SAMPLE), "focus-sample.csv", "text/csv");
    client.send({ action: "submit_job", requestId: "to-cancel", kind: "finops_analysis", input: { query: "Where can we save?", source: { uploadId } } });
    const jobId = (await client.next((f) => f.requestId === "to-cancel")).jobId as string;
    await client.next((f) => f.jobId === jobId && f.type === "progress_update" && f.stage === "totals", 60_000);
    client.send({ action: "cancel_job", requestId: "cancel", jobId });
    const end = await client.next((f) => f.jobId === jobId && isEnd(f), 60_000);
    expect(end.type).toBe("job_cancelled");
    expect(client.ofJob(jobId).some((e) => e.type === "job_completed")).toBe(false);
    await client.close();
  }, 90_000);
});

/** The sample's header line: a file with every FOCUS column and no rows. */
function readHeader(): string {
  if (HAS_FOCUS) return readFileSync(FOCUS_SAMPLE, "utf8").split("\n")[0]!;
  return FOCUS_COLUMNS["1.0"].map((c) => `"${c}"`).join(",");
}
