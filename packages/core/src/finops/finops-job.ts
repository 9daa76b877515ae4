import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { NonRetryableJobError } from "../errors";
import { formatBytes } from "../ingest/uploads";
import { defineJobKind, type JobContext, type ProgressReport } from "../jobs/kinds";
import { sleep } from "../util/async";
import type { BlobStore, ChatModel, DocumentCatalog } from "../ports";
import type { CostSource } from "../ports/cost-source";
import type { FinopsResult } from "../protocol/finops-result";
import { FINOPS_STAGE_NAMES, runAnalysis } from "./analyze";
import type { DatasetLocator } from "./datasets";
import { AnalysisState } from "./stage";

/** A configured dataset is named by its file name alone: no folders, no way out of the configured place. */
export const DatasetName = z
  .string()
  .min(1)
  .max(200)
  .refine((name) => !name.includes("/") && !name.includes("\\") && !name.includes("..") && !name.includes("\0"), {
    message: "a dataset is named by its file name alone, without '/', '\\' or '..'",
  });

export const FinopsSourceInput = z.union([
  z.object({ uploadId: z.string().min(1).max(128) }).strict(),
  z.object({ dataset: DatasetName }).strict(),
  z.object({ costExplorer: z.object({ months: z.number().int().min(1).max(12).optional() }).strict() }).strict(),
]);
export type FinopsSourceInput = z.infer<typeof FinopsSourceInput>;

export const FinopsAnalysisInput = z
  .object({
    /** The user's question; the report answers it first. */
    query: z.string().trim().min(1).max(2000),
    /** An uploaded FOCUS export, a configured dataset, or Cost Explorer (AWS stages). */
    source: FinopsSourceInput,
  })
  .strict();
export type FinopsAnalysisInput = z.infer<typeof FinopsAnalysisInput>;

/** Months Cost Explorer covers when the input does not say. */
export const DEFAULT_COST_EXPLORER_MONTHS = 6;

/**
 * The Cost Explorer period for `{costExplorer: {months}}`: the `months` whole months before
 * `now`'s, and the current one up to yesterday (`end` is exclusive; today is not complete).
 */
export function costExplorerRange(months: number, now: Date): { start: string; end: string } {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, 1));
  return { start: start.toISOString().slice(0, 10), end: now.toISOString().slice(0, 10) };
}

/**
 * Opens cost sources; the composition root supplies the technology (DuckDB, the Cost
 * Explorer SDK), so core stays free of it.
 */
export interface CostSourceFactory {
  /** A FOCUS export on local disk: CSV, CSV.gz or Parquet. Bad files reject with `NonRetryableJobError`. */
  file(path: string, options: { signal: AbortSignal }): Promise<CostSource>;
  /** Cost Explorer over the last `months` months; absent where the stage has no Cost Explorer (offline). */
  costExplorer?(options: { months: number; signal: AbortSignal }): Promise<CostSource>;
}

export interface FinopsDeps {
  sources: CostSourceFactory;
  /** Writes the narrative; the offline extractive model or Bedrock. */
  chat: ChatModel;
  /** For `{uploadId}`: where uploads are, and the largest billing file accepted. */
  uploads?: { blobs: BlobStore; catalog: DocumentCatalog; maxBytes: number };
  /** For `{dataset}`: the configured place of named FOCUS exports. */
  datasets?: DatasetLocator;
  /** Where uploads are downloaded to; the OS temp folder by default (Lambda: `/tmp`). */
  tmpDir?: string;
  /**
   * Shortest time between two progress reports of the job (default 260 ms). Progress is
   * coalesced to ~4 frames a second, so on small data, where a stage takes milliseconds,
   * most stages would be merged away; pacing lets the user see each one, for at most
   * ~3 s of a run. 0 turns it off.
   */
  minReportMs?: number;
}

/** Keeps the default progress budget (4 a second) with a little room. */
const DEFAULT_MIN_REPORT_MS = 260;

/** What a resumed run reads back: every section computed so far. Versioned, so a changed shape starts over. */
const FinopsCheckpoint = z.object({ v: z.literal(1), state: AnalysisState });
type FinopsCheckpoint = z.infer<typeof FinopsCheckpoint>;

/** Before the analyses: the download and the loading of the file. */
const OPEN_PROGRESS = 8;
const STAGES_FROM = 10;
const STAGES_TO = 97;

/**
 * `finops_analysis {query, source}` on the `analysis` queue: opens the billing data,
 * runs each analysis as a progress stage with a checkpoint after it, and completes with
 * a `FinopsResult` whose markdown answers `query`.
 *
 * @remarks
 * - `{uploadId}`: the caller's own upload only; its bytes are streamed to a temp file
 *   (deleted in `finally`) and read by the file source.
 * - A run cut by the deadline or a crash resumes at the first stage whose section is not
 *   in the checkpoint; it reopens the data (the temp file is gone) but asks it only
 *   what is left.
 * - Cancel aborts `ctx.signal`: between stages, inside DuckDB queries and the model's stream.
 * - A file the source cannot read fails once, with the reason and the file's name.
 */
export function finopsAnalysisJob(deps: FinopsDeps) {
  return defineJobKind<FinopsAnalysisInput, FinopsResult, FinopsCheckpoint>({
    name: "finops_analysis",
    queue: "analysis",
    input: FinopsAnalysisInput,
    describe: (input) => `Cost analysis of ${describeSource(input.source)}`,
    async run(input, ctx) {
      const saved = ctx.checkpoint === undefined ? undefined : FinopsCheckpoint.safeParse(ctx.checkpoint);
      if (saved && !saved.success) ctx.logger.warn("finops checkpoint unreadable; starting over", { jobId: ctx.jobId, error: saved.error.message });
      const resume = saved?.success ? saved.data.state : undefined;
      const report = pacedProgress(ctx, deps.minReportMs ?? DEFAULT_MIN_REPORT_MS);
      const opened = await openSource(deps, input.source, ctx, report);
      try {
        if (resume) {
          const done = FINOPS_STAGE_NAMES.filter((s) => (resume as Record<string, unknown>)[s] !== undefined);
          await report({ stage: "resume", message: `Resuming after ${done.at(-1) ?? "the start"} (${done.length} of ${FINOPS_STAGE_NAMES.length} stages done)` });
        }
        const result = await runAnalysis(opened.source, {
          query: input.query,
          chat: deps.chat,
          signal: ctx.signal,
          resume,
          onStage: (stage, index, total, label) =>
            report({ stage, message: `${label} (${index + 1} of ${total})`, progress: Math.round(STAGES_FROM + ((STAGES_TO - STAGES_FROM) * index) / total) }),
          onStageDone: (state) => ctx.saveCheckpoint({ v: 1, state }),
          onDelta: (text) => ctx.output(text),
        });
        await report({ stage: "done", message: `${result.optimization_recommendations.length} recommendations`, progress: 100 });
        return result;
      } catch (error) {
        throw named(error, opened.name);
      } finally {
        await opened.close();
      }
    },
  });
}

interface OpenedSource {
  source: CostSource;
  /** What the user knows the data as (file name, dataset, "Cost Explorer"). */
  name: string;
  close(): Promise<void>;
}

const describeSource = (s: FinopsSourceInput) =>
  "uploadId" in s ? `upload ${s.uploadId}` : "dataset" in s ? `dataset ${s.dataset}` : `Cost Explorer (${s.costExplorer.months ?? DEFAULT_COST_EXPLORER_MONTHS} months)`;

type Report = (report: ProgressReport) => Promise<void>;

/** `ctx.progress`, spaced at least `minMs` apart (waiting, abortably, when reports come faster). */
function pacedProgress(ctx: JobContext<FinopsCheckpoint>, minMs: number): Report {
  let last = 0;
  return async (report) => {
    const wait = last + minMs - Date.now();
    if (wait > 0) await sleep(wait, ctx.signal);
    last = Date.now();
    ctx.progress(report);
  };
}

async function openSource(deps: FinopsDeps, input: FinopsSourceInput, ctx: JobContext<FinopsCheckpoint>, report: Report): Promise<OpenedSource> {
  const { signal } = ctx;
  if ("costExplorer" in input) {
    if (!deps.sources.costExplorer) {
      throw new NonRetryableJobError("Cost Explorer is not available here (it needs a deployed AWS stage); upload a FOCUS export or name a dataset instead", "invalid_input");
    }
    const months = input.costExplorer.months ?? DEFAULT_COST_EXPLORER_MONTHS;
    await report({ stage: "source", message: `Asking Cost Explorer for ${months} months`, progress: OPEN_PROGRESS });
    const source = await deps.sources.costExplorer({ months, signal });
    return { source, name: "Cost Explorer", close: () => source.close() };
  }

  if ("dataset" in input) {
    if (!deps.datasets) throw new NonRetryableJobError("no billing datasets are configured here; upload a FOCUS export instead", "invalid_input");
    await report({ stage: "source", message: `Opening dataset ${input.dataset}`, progress: OPEN_PROGRESS });
    const file = await deps.datasets.locate(input.dataset, { signal, tmpDir: deps.tmpDir });
    if (!file) {
      const known = await deps.datasets.list().catch(() => []);
      throw new NonRetryableJobError(
        `no dataset named ${JSON.stringify(input.dataset)}${known.length ? `; configured: ${known.slice(0, 20).join(", ")}` : "; none is configured"}`,
        "invalid_input",
      );
    }
    try {
      const source = await deps.sources.file(file.path, { signal });
      return { source, name: input.dataset, close: () => closeThen(source, file.release) };
    } catch (error) {
      await file.release();
      throw named(error, input.dataset);
    }
  }

  const uploads = deps.uploads;
  if (!uploads) throw new NonRetryableJobError("uploads are not configured here; name a dataset instead", "invalid_input");
  const upload = await uploads.catalog.getUpload(input.uploadId);
  if (!upload || upload.owner !== ctx.owner) {
    throw new NonRetryableJobError(`upload ${input.uploadId} not found (or not yours, or expired); request a new upload`, "invalid_input");
  }
  const stored = await uploads.blobs.head(upload.key);
  if (!stored) throw new NonRetryableJobError(`${upload.filename} was never uploaded; PUT it to the URL from upload_ready before submitting`, "invalid_input");
  if (stored.size === 0) throw new NonRetryableJobError(`${upload.filename} is empty (0 bytes): there is no billing data in it`, "invalid_input");
  if (stored.size > uploads.maxBytes) {
    throw new NonRetryableJobError(`${upload.filename} is ${formatBytes(stored.size)}; the limit for billing files is ${formatBytes(uploads.maxBytes)}`, "invalid_input");
  }
  await report({ stage: "source", message: `Downloading ${upload.filename} (${formatBytes(stored.size)})`, progress: OPEN_PROGRESS });
  const dir = await mkdtemp(join(deps.tmpDir ?? tmpdir(), "ferry-finops-"));
  const release = () => rm(dir, { recursive: true, force: true });
  try {
    const path = join(dir, "billing-export");
    await uploads.blobs.download(upload.key, path, { signal });
    await report({ stage: "source", message: `Reading ${upload.filename}` });
    const source = await deps.sources.file(path, { signal });
    return { source, name: upload.filename, close: () => closeThen(source, release) };
  } catch (error) {
    await release();
    throw named(error, upload.filename);
  }
}

/** Closes the source, then removes its temp file even if closing failed. */
async function closeThen(source: CostSource, release: () => Promise<void>): Promise<void> {
  try {
    await source.close();
  } finally {
    await release();
  }
}

/** A failure about the data, prefixed with the data's name, so `job_failed` says which file. */
function named(error: unknown, name: string): unknown {
  if (!(error instanceof NonRetryableJobError) || error.message.startsWith(`${name}: `)) return error;
  return new NonRetryableJobError(`${name}: ${error.message}`, error.code, { cause: error });
}
