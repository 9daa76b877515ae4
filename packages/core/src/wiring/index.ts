/**
 * Assembles Ferry from one adapter per port. Every composition root (the Redis
 * runtime offline, the AWS runtime, the in-memory test world) calls this, so
 * they differ only in the adapters they pass.
 * @module
 */
import { FerryApi, type ApiOptions } from "../api";
import type { TokenVerifier } from "../auth";
import { EventPublisher, type JobKindRegistry, type RunnerDeps, type RunnerOptions } from "../jobs";
import { DocumentService } from "../ingest/document-service";
import type { UploadOptions } from "../ingest/uploads";
import type { BlobStore, ConnectionStore, DocumentCatalog, JobQueue, JobStore, Logger, Notifier, RateLimiter, VectorIndex } from "../ports";

export interface Adapters {
  store: JobStore;
  connections: ConnectionStore;
  notifier: Notifier;
  queue: JobQueue;
  rateLimiter: RateLimiter;
  verifier: TokenVerifier;
  kinds: JobKindRegistry;
  logger: Logger;
  /** Uploads and documents; all three or none. */
  documents?: { blobs: BlobStore; catalog: DocumentCatalog; vectors: VectorIndex; options?: Partial<UploadOptions> };
}

export interface Ferry {
  /** What the WebSocket route handlers call. */
  api: FerryApi;
  /** What `runJob` needs, for the queue consumers. */
  runner: RunnerDeps;
  publisher: EventPublisher;
}

/** Results over ~100 KB travel by reference: stored once, linked with a fresh URL at each delivery. */
export interface ResultOffload {
  /** Stores the result; returns the reference kept in the job's log. */
  offload(jobId: string, json: string): Promise<string>;
  /** A URL for a stored result, made when an event carrying it is delivered. */
  url(reference: string): Promise<string>;
}

export interface FerryOptions {
  api?: Partial<ApiOptions>;
  runner?: Partial<RunnerOptions>;
  /** Where results too large for one message go, and how a client gets them. */
  results?: ResultOffload;
}

export function createFerry(adapters: Adapters, options: FerryOptions = {}): Ferry {
  const { store, connections, notifier, queue, kinds, logger } = adapters;
  const results = options.results;
  const publisher = new EventPublisher({ store, connections, notifier, logger, resultUrl: results && ((ref) => results.url(ref)) });
  const documents = adapters.documents && new DocumentService({ ...adapters.documents, jobs: store });
  const api = new FerryApi({ ...adapters, publisher, documents, options: options.api });
  return { api, publisher, runner: { store, publisher, queue, kinds, logger, options: options.runner, offloadResult: results && ((id, json) => results.offload(id, json)) } };
}
