import { BedrockEmbedder } from "@ferry/core/adapters/bedrock-embedder";
import { HashingEmbedder } from "@ferry/core/adapters/hashing-embedder";
import type { FerryApi } from "@ferry/core/api";
import type { UploadOptions } from "@ferry/core/ingest";
import type { RunnerDeps } from "@ferry/core/jobs";
import type { ResultOffload } from "@ferry/core/wiring";
import type { BlobStore, Embedder, JobQueue, Logger } from "@ferry/core/ports";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { SQSRecord } from "aws-lambda";

/** The wired-up dependencies the handlers and workers share. */
export interface Runtime {
  api: FerryApi;
  runner: RunnerDeps;
  queue: JobQueue;
  logger: Logger;
  /** AWS only: the SQS client the worker uses to delay a retry. */
  sqs?: SQSClient;
  /** AWS only: sends a message whose job failed for good to its queue's DLQ. */
  deadLetter?(record: SQSRecord, reason: string): Promise<void>;
  close(): Promise<void>;
}

/** Titan Text Embeddings V2 on Bedrock, or the offline hashing embedder (no network, no model files). */
export function createEmbedder(kind: "offline" | "bedrock", modelId?: string): Embedder {
  return kind === "bedrock" ? new BedrockEmbedder({ modelId }) : new HashingEmbedder();
}

/** What may be uploaded: PDFs up to the configured cap. */
export const documentsOptions = (maxPdfBytes: number): Partial<UploadOptions> => ({ types: { "application/pdf": maxPdfBytes } });

/** How long a `resultUrl` works once delivered; each delivery signs a new one. */
const RESULT_URL_SECONDS = 3600;

/** Results too large for one 128 KB frame are stored next to the uploads (`results/`, expiring with the job). */
export const resultsIn = (blobs: BlobStore): ResultOffload => ({
  async offload(jobId, json) {
    const key = `results/${jobId}.json`;
    await blobs.put(key, json, { contentType: "application/json" });
    return key;
  },
  url: (key) => blobs.presignGet(key, { expiresInSeconds: RESULT_URL_SECONDS, filename: key.slice(key.lastIndexOf("/") + 1) }),
});
