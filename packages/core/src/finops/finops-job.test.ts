import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MemoryDocumentCatalog } from "../adapters/memory-document-catalog";
import { NonRetryableJobError } from "../errors";
import { uploadKey } from "../ingest/uploads";
import type { BlobInfo, BlobStore } from "../ports";
import { FinopsResult } from "../protocol";
import { memoryWorld } from "../testing/memory-world";
import { sleep } from "../util/async";
import { FINOPS_STAGE_NAMES } from "./analyze";
import { directoryDatasets } from "./datasets";
import { costExplorerRange, finopsAnalysisJob, type FinopsDeps } from "./finops-job";
import { MemoryCostSource, type MemoryCostSourceOptions } from "./memory-cost-source";
import { RecordingChatModel, knownBill } from "./test-charges";

const dirs: string[] = [];
const tempDir = (tag: string) => {
  const dir = mkdtempSync(join(tmpdir(), `ferry-finops-${tag}-`));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Object storage in memory: enough of the port for uploads (download writes a real file). */
class MapBlobStore implements Pick<BlobStore, "head" | "download"> {
  readonly objects = new Map<string, Uint8Array>();
  async head(key: string): Promise<BlobInfo | undefined> {
    const o = this.objects.get(key);
    return o && { size: o.byteLength };
  }
  async download(key: string, filePath: string): Promise<number> {
    const o = this.objects.get(key)!;
    writeFileSync(filePath, o);
    return o.byteLength;
  }
}

const QUESTION = "Why did our bill grow last month?";

/**
 * The job over the in-memory pipeline. The file source reads nothing: it checks the file
 * the job hands it exists, and answers with the known bill (or throws like a bad file).
 */
function world(options: { source?: MemoryCostSourceOptions; badFile?: string; costExplorer?: boolean; paced?: boolean } = {}) {
  const blobs = new MapBlobStore();
  const catalog = new MemoryDocumentCatalog();
  const datasets = tempDir("datasets");
  writeFileSync(join(datasets, "focus.csv"), "not read by the fake source");
  const downloads = tempDir("tmp");
  const opened: string[] = [];
  const chat = new RecordingChatModel();
  const deps: FinopsDeps = {
    chat,
    sources: {
      async file(path) {
        expect(existsSync(path), "the job hands the source an existing file").toBe(true);
        opened.push(path);
        if (options.badFile) throw new NonRetryableJobError(options.badFile, "invalid_input");
        return new MemoryCostSource(knownBill(), options.source);
      },
      ...(options.costExplorer ? { costExplorer: async () => new MemoryCostSource(knownBill(), { source: "cost-explorer" }) } : {}),
    },
    uploads: { blobs: blobs as unknown as BlobStore, catalog, maxBytes: 1024 },
    datasets: directoryDatasets(datasets),
    tmpDir: downloads,
    // Unpaced, fast runs coalesce their progress frames; tests about frames keep the default pacing.
    ...(options.paced ? {} : { minReportMs: 0 }),
  };
  const w = memoryWorld({ kinds: [finopsAnalysisJob(deps)], runner: { deadlineMarginMs: 50 } });
  const addUpload = async (owner: string, uploadId: string, bytes = "BilledCost\n1\n") => {
    const key = uploadKey(owner, uploadId);
    await catalog.putUpload({ uploadId, owner, key, filename: "september.csv", contentType: "text/csv", size: bytes.length, createdAt: Date.now(), expiresAt: Date.now() / 1000 + 3600 });
    blobs.objects.set(key, new TextEncoder().encode(bytes));
  };
  return { w, addUpload, opened, downloads, chat };
}

const submit = (source: Record<string, unknown>, query = QUESTION) => ({ action: "submit_job", kind: "finops_analysis", input: { query, source } });

describe("finops_analysis", () => {
  it("analyses a named dataset stage by stage, streams the narrative and completes with a FinopsResult", async () => {
    const { w, chat } = world({ paced: true });
    const alice = await w.connect("alice");
    await alice.send(submit({ dataset: "focus.csv" }));
    expect(alice.ofType("job_queued")[0]).toMatchObject({ kind: "finops_analysis", message: "Cost analysis of dataset focus.csv" });
    expect(await w.work()).toEqual({ type: "completed" });
    const progress = alice.ofType("progress_update");
    expect([...new Set(progress.map((p) => p.stage))]).toEqual(["starting", "source", ...FINOPS_STAGE_NAMES, "done"]);
    const percents = progress.map((p) => p.progress as number);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    const result = FinopsResult.parse(alice.ofType("job_completed")[0]!.result);
    expect(result.query).toBe(QUESTION);
    expect(result.cost_analysis.movers.currentPeriod).toBe("2024-03");
    expect(alice.ofType("job_output").map((o) => o.delta).join("")).toBe("Your bill grew because Compute grew [4].");
    expect(chat.requests).toHaveLength(1);
  });

  it("reads the caller's own upload from a temp file it deletes afterwards", async () => {
    const { w, addUpload, opened, downloads } = world({ paced: true });
    await addUpload("alice", "u-1");
    const alice = await w.connect("alice");
    await alice.send(submit({ uploadId: "u-1" }));
    expect(await w.work()).toEqual({ type: "completed" });
    expect(opened).toHaveLength(1);
    expect(opened[0]!.startsWith(downloads)).toBe(true);
    expect(readdirSync(downloads)).toEqual([]);
    expect(alice.ofType("progress_update").some((p) => p.message === "Downloading september.csv (13 bytes)")).toBe(true);
  });

  it("refuses someone else's upload, an empty or oversized one, and an unknown dataset, each with a clear job_failed", async () => {
    const { w, addUpload, opened } = world();
    await addUpload("bob", "bobs");
    await addUpload("alice", "empty", "");
    await addUpload("alice", "huge", "x".repeat(2000));
    const alice = await w.connect("alice");
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ uploadId: "bobs" }, /^upload bobs not found \(or not yours, or expired\)/],
      [{ uploadId: "empty" }, /^september\.csv is empty \(0 bytes\)/],
      [{ uploadId: "huge" }, /^september\.csv is 2 KB; the limit for billing files is 1 KB/],
      [{ dataset: "nope.csv" }, /^no dataset named "nope\.csv"; configured: focus\.csv/],
      [{ costExplorer: {} }, /^Cost Explorer is not available here/],
    ];
    for (const [source, message] of cases) {
      await alice.send(submit(source));
      expect(await w.work()).toMatchObject({ type: "failed" });
      expect(alice.ofType("job_failed").at(-1)).toMatchObject({ code: "invalid_input", attempts: 1, error: expect.stringMatching(message) });
    }
    expect(opened).toEqual([]);
  });

  it("refuses a dataset name that reaches outside the datasets folder before queueing it", async () => {
    const { w } = world();
    const alice = await w.connect("alice");
    for (const dataset of ["../secrets.csv", "a/b.csv", ".."]) {
      await alice.send(submit({ dataset }));
      expect(alice.ofType("error").at(-1)).toMatchObject({ code: "bad_request", message: expect.stringMatching(/file name alone/) });
    }
    expect(alice.ofType("job_queued")).toEqual([]);
  });

  it("fails a file the source cannot read once, naming the file", async () => {
    const { w, addUpload, downloads } = world({ badFile: "the file is not a usable FOCUS export: it lacks the required FOCUS columns BilledCost, ChargePeriodStart" });
    await addUpload("alice", "u-2");
    const alice = await w.connect("alice");
    await alice.send(submit({ uploadId: "u-2" }));
    expect(await w.work()).toMatchObject({ type: "failed" });
    expect(alice.ofType("job_failed")[0]).toMatchObject({
      code: "invalid_input",
      attempts: 1,
      error: "september.csv: the file is not a usable FOCUS export: it lacks the required FOCUS columns BilledCost, ChargePeriodStart",
    });
    expect(readdirSync(downloads)).toEqual([]);
  });

  it("uses Cost Explorer where one is configured", async () => {
    const { w } = world({ costExplorer: true });
    const alice = await w.connect("alice");
    await alice.send(submit({ costExplorer: { months: 3 } }));
    expect(await w.work()).toEqual({ type: "completed" });
    expect(FinopsResult.parse(alice.ofType("job_completed")[0]!.result).cost_analysis.dataset.source).toBe("cost-explorer");
  });

  it("hands over before the deadline and resumes at the next stage, asking the source only what is left", async () => {
    const queries: string[] = [];
    const { w } = world({ paced: true, source: { onQuery: (q) => void queries.push(q) } });
    const alice = await w.connect("alice");
    await alice.send(submit({ dataset: "focus.csv" }));
    const jobId = alice.ofType("job_queued")[0]!.jobId as string;
    expect(await w.work("analysis", Date.now() + 1_200)).toEqual({ type: "deferred" });
    const saved = (await w.store.get(jobId))?.checkpoint as { v: number; state: Record<string, unknown> };
    const done = Object.keys(saved.state);
    expect(done.length).toBeGreaterThan(0);
    expect(done.length).toBeLessThan(FINOPS_STAGE_NAMES.length - 1);
    const before = queries.length;
    expect(await w.work()).toEqual({ type: "completed" });
    const resumed = alice.ofType("progress_update").filter((p) => p.stage === "resume");
    expect(resumed).toHaveLength(1);
    // The describe() of the reopened source is all it asks again of the stages already done.
    expect(queries.slice(before).some((q) => q.includes('"granularity":"total"}'))).toBe(false);

    const { w: clean } = world();
    const bob = await clean.connect("bob");
    await bob.send(submit({ dataset: "focus.csv" }));
    await clean.work();
    expect(alice.ofType("job_completed")[0]!.result).toEqual(bob.ofType("job_completed")[0]!.result);
  });

  it("stops when cancelled mid-run and ends in job_cancelled", async () => {
    const { w } = world({ source: { onQuery: () => sleep(30) } });
    const alice = await w.connect("alice");
    await alice.send(submit({ dataset: "focus.csv" }));
    const jobId = alice.ofType("job_queued")[0]!.jobId;
    const running = w.work();
    await sleep(120);
    await alice.send({ action: "cancel_job", jobId });
    expect(await running).toEqual({ type: "cancelled" });
    expect(alice.ofType("job_cancelled")).toHaveLength(1);
    expect(alice.ofType("job_completed")).toEqual([]);
  });
});

describe("costExplorerRange", () => {
  it("covers the whole months asked for and the current one up to yesterday, across a year end", () => {
    expect(costExplorerRange(6, new Date("2025-03-15T10:00:00Z"))).toEqual({ start: "2024-09-01", end: "2025-03-15" });
    expect(costExplorerRange(1, new Date("2025-01-01T00:30:00Z"))).toEqual({ start: "2024-12-01", end: "2025-01-01" });
  });
});
