import { IngestPdfResult, type IngestPdfResult as IngestResult } from "@ferry/core/protocol";
import type { UploadItem } from "../services/uploads";

/**
 * Largest PDF the dashboard offers to upload: the server's default cap
 * (`FERRY_MAX_UPLOAD_MB`). The server checks again and is the authority; this
 * only spares the user a round trip for a file that is sure to be refused.
 */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

/** What the file picker offers. */
export const PDF_ACCEPT = "application/pdf,.pdf";

/** `0 bytes`, `900 bytes`, `12 KB`, `3.4 MB`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} ${n === 1 ? "byte" : "bytes"}`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  const mb = n / 1024 / 1024;
  return `${mb >= 10 || Number.isInteger(mb) ? Math.round(mb) : mb.toFixed(1)} MB`;
}

/**
 * Why a file cannot be uploaded, in a sentence, or undefined when it may be.
 * A PDF is a file typed `application/pdf`, or untyped and named `*.pdf` (some
 * desktops give files no type).
 */
export function uploadProblem(file: { name: string; type: string; size: number }, maxBytes = MAX_UPLOAD_BYTES): string | undefined {
  const type = file.type.split(";")[0]!.trim().toLowerCase();
  const isPdf = type === "application/pdf" || (type === "" && /\.pdf$/i.test(file.name));
  if (!isPdf) return `${file.name} is not a PDF (${type || "unknown type"}); only PDF files can be added.`;
  if (file.size > maxBytes) return `${file.name} is ${formatBytes(file.size)}; the limit is ${formatBytes(maxBytes)}.`;
  return undefined;
}

export type { IngestResult };

/** Reads a job's `result` as an ingest result (the wire schema); undefined when it is not one. */
export function parseIngestResult(value: unknown): IngestResult | undefined {
  const parsed = IngestPdfResult.safeParse(value);
  if (!parsed.success) return undefined;
  return { ...parsed.data, title: parsed.data.title?.trim() || undefined };
}

/** `1 page`, `12 pages`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

/** An ingest stage as words; unknown stages are shown as they come. */
export function stageLabel(stage: string | undefined): string | undefined {
  if (!stage) return undefined;
  return STAGES[stage] ?? stage;
}

const STAGES: Record<string, string> = {
  starting: "Starting",
  download: "Downloading",
  resume: "Resuming",
  extracting: "Extracting text",
  embedding: "Embedding",
  indexing: "Indexing",
  done: "Finishing",
};

/** What an upload says about itself under its progress bar. */
export function uploadStatusText(item: UploadItem): string {
  switch (item.phase) {
    case "waiting":
      return "Waiting for another upload to finish";
    case "uploading": {
      const percent = item.size > 0 ? Math.round((100 * item.sent) / item.size) : 0;
      return `Uploading: ${percent}% (${formatBytes(item.sent)} of ${formatBytes(item.size)})`;
    }
    case "queued":
      return item.queuePosition ? `Uploaded; queued for ingestion (#${item.queuePosition})` : "Uploaded; queued for ingestion";
    case "ingesting": {
      const stage = stageLabel(item.stage);
      const text = [stage, item.message].filter(Boolean).join(": ");
      return item.retrying ? `Retrying: ${item.message ?? ""}` : text || "Ingesting";
    }
    case "ready":
      return item.result
        ? `Ready: ${plural(item.result.pages, "page")}, ${plural(item.result.chunks, "chunk")}`
        : "Ready";
    case "failed":
      return item.error ?? "Failed";
    case "cancelled":
      return "Cancelled";
  }
}
