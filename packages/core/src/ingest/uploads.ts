import { createHash } from "node:crypto";
import { z } from "zod";

/** What may be uploaded, and how big. Issue-specific job kinds add their types here. */
export const UploadOptions = z.object({
  /** Content type → largest accepted size in bytes. */
  types: z.record(z.string(), z.number().int().positive()).default({ "application/pdf": 50 * 1024 * 1024 }),
  /** How long a presigned PUT stays valid. */
  urlSeconds: z.number().int().min(60).max(7 * 24 * 3600).default(15 * 60),
  /** How long an upload may wait for its ingest job. */
  uploadTtlSeconds: z.number().int().positive().default(24 * 3600),
});
export type UploadOptions = z.infer<typeof UploadOptions>;

/**
 * Content types a billing export may be uploaded as for `finops_analysis`: FOCUS as CSV,
 * gzipped CSV (browsers disagree on gzip's name) or Parquet, and `application/octet-stream`
 * for browsers that give a `.parquet` no type. The analysis reads the bytes, not the label.
 */
export const BILLING_CONTENT_TYPES = ["text/csv", "application/gzip", "application/x-gzip", "application/vnd.apache.parquet", "application/octet-stream"] as const;

/**
 * The default cap on a billing export's size, in MiB (`FERRY_MAX_BILLING_MB`). Deployed
 * stages set it from `infra/lib/settings.ts`, which sizes the analysis worker's `/tmp` to it.
 */
export const DEFAULT_MAX_BILLING_MB = 1024;

/** `UploadOptions.types` entries for billing exports, each capped at `maxBytes`. */
export const billingUploadTypes = (maxBytes: number): Record<string, number> => Object.fromEntries(BILLING_CONTENT_TYPES.map((t) => [t, maxBytes]));

/**
 * The object key of an upload: under a folder derived from the owner (hashed, so
 * any user id makes a safe key and keys do not reveal who uploaded), never from
 * the filename the client chose.
 */
export function uploadKey(owner: string, uploadId: string): string {
  return `uploads/${ownerFolder(owner)}/${uploadId}`;
}

/** Where an ingested PDF is kept: `uploads/` expires, `documents/` does not. */
export function documentKey(owner: string, documentId: string): string {
  return `documents/${ownerFolder(owner)}/${documentId}.pdf`;
}

const ownerFolder = (owner: string) => createHash("sha256").update(owner).digest("hex").slice(0, 32);

export const formatBytes = (n: number) =>
  n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(n % (1024 * 1024) ? 1 : 0)} MB` : n >= 1024 ? `${(n / 1024).toFixed(0)} KB` : `${n} bytes`;
