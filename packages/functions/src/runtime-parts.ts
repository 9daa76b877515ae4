import { BedrockChatModel } from "@ferry/core/adapters/bedrock-chat-model";
import { BedrockEmbedder } from "@ferry/core/adapters/bedrock-embedder";
import { ExtractiveChatModel } from "@ferry/core/adapters/extractive-chat-model";
import { HashingEmbedder } from "@ferry/core/adapters/hashing-embedder";
import type { FerryApi } from "@ferry/core/api";
import { CostExplorerSource } from "@ferry/core/adapters/cost-explorer-source";
import { costExplorerRange, type CostSourceFactory } from "@ferry/core/finops";
import { billingUploadTypes, type UploadOptions } from "@ferry/core/ingest";
import type { RunnerDeps } from "@ferry/core/jobs";
import type { ResultOffload } from "@ferry/core/wiring";
import type { BlobStore, ChatModel, Embedder, JobQueue, Logger } from "@ferry/core/ports";
import { PacedChatModel } from "@ferry/core/rag";
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

/**
 * Claude (or any Converse model, inference profiles included) on Bedrock, or the
 * offline extractive answerer. `paceMs` spaces the offline answer's deltas so it
 * streams visibly (demos, reconnect tests); 0 leaves it instant.
 */
export function createChatModel(kind: "offline" | "bedrock", modelId?: string, options: { paceMs?: number } = {}): ChatModel {
  if (kind === "bedrock") return new BedrockChatModel({ modelId });
  const offline = new ExtractiveChatModel();
  return options.paceMs ? new PacedChatModel(offline, options.paceMs) : offline;
}

/** What may be uploaded: PDFs up to their cap, and billing exports (CSV, CSV.gz, Parquet) up to theirs. */
export const documentsOptions = (maxPdfBytes: number, maxBillingBytes?: number): Partial<UploadOptions> => ({
  types: { "application/pdf": maxPdfBytes, ...(maxBillingBytes ? billingUploadTypes(maxBillingBytes) : {}) },
});

/**
 * Where `finops_analysis` reads costs: FOCUS files through DuckDB, and Cost Explorer
 * over the last N whole months plus the current one to date, where the stage has it.
 * DuckDB is a native addon that only the analysis worker installs (infra/lib/bundling.ts),
 * so it is imported on first use: the routers and the ingest worker never load it.
 */
export function costSources(options: { costExplorer?: boolean } = {}): CostSourceFactory {
  return {
    file: async (path, { signal }) => {
      const { FocusDuckdbSource } = await import("@ferry/core/adapters/focus-duckdb-source");
      return FocusDuckdbSource.open({ path, signal });
    },
    ...(options.costExplorer ? { costExplorer: async ({ months }) => new CostExplorerSource(costExplorerRange(months, new Date())) } : {}),
  };
}

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
