import {
  DeleteVectorsCommand,
  GetVectorsCommand,
  PutVectorsCommand,
  QueryVectorsCommand,
  S3VectorsClient,
  S3VectorsServiceException,
  type GetVectorsCommandOutput,
  type QueryVectorsCommandOutput,
  type S3VectorsClientConfig,
} from "@aws-sdk/client-s3vectors";
import { NonRetryableJobError, RetryableJobError } from "../errors";
import type { VectorFilter, VectorIndex, VectorMatch, VectorMetadata, VectorRecord } from "../ports";
import { Backoff, sleep } from "../util/async";

export interface S3VectorsIndexOptions {
  vectorBucketName: string;
  indexName: string;
  client?: S3VectorsClientConfig;
  /** PutVectors calls in flight at once; the index takes ≤ 1,000 write requests and 2,500 vectors a second. */
  concurrency?: number;
  /** Attempts per call on throttling or 5xx, on top of nothing else (the SDK's own retries are off). */
  maxAttempts?: number;
  /** Base of the exponential backoff, in ms. */
  backoffMs?: number;
}

const PUT_BATCH = 500;
const DELETE_BATCH = 500;
const GET_BATCH = 100;
const RETRYABLE = new Set(["TooManyRequestsException", "ServiceUnavailableException", "InternalServerException", "RequestTimeoutException", "ThrottlingException"]);

/**
 * `VectorIndex` on the real `@aws-sdk/client-s3vectors` client: S3 Vectors on AWS
 * (`Resource.Vectors`), the emulator offline.
 *
 * @remarks
 * Writes are split into the service's 500-vector batches and sent a few at a time;
 * throttling and 5xx answers are retried here with jittered backoff (the SDK's own
 * retries are turned off so there is one policy, and it honours the job's signal).
 * Errors that retrying cannot fix become `NonRetryableJobError` with the service's
 * message; throttling that outlasts the retries becomes `RetryableJobError`, so the
 * job retries later from its checkpoint.
 */
export class S3VectorsIndex implements VectorIndex {
  readonly #client: S3VectorsClient;
  readonly #o: Required<Omit<S3VectorsIndexOptions, "client">>;
  readonly #backoff: Backoff;

  constructor(options: S3VectorsIndexOptions) {
    this.#client = new S3VectorsClient({ ...options.client, maxAttempts: 1 });
    this.#o = { concurrency: 4, maxAttempts: 5, backoffMs: 200, ...options };
    this.#backoff = new Backoff(this.#o.backoffMs, 8_000);
  }

  get #address() {
    return { vectorBucketName: this.#o.vectorBucketName, indexName: this.#o.indexName };
  }

  async put(records: readonly VectorRecord[], options: { signal?: AbortSignal } = {}): Promise<void> {
    const batches = chunk(records, PUT_BATCH);
    await forEachLimit(batches, this.#o.concurrency, (batch) =>
      this.#send(
        () =>
          new PutVectorsCommand({
            ...this.#address,
            vectors: batch.map((r) => ({ key: r.key, data: { float32: Array.from(r.vector) }, metadata: r.metadata })),
          }),
        options.signal,
      ),
    );
  }

  async query(request: { vector: Float32Array; topK: number; filter?: VectorFilter; returnMetadata?: boolean }): Promise<VectorMatch[]> {
    const out = await this.#send<QueryVectorsCommandOutput>(
      () =>
        new QueryVectorsCommand({
          ...this.#address,
          topK: request.topK,
          queryVector: { float32: Array.from(request.vector) },
          filter: request.filter as never,
          returnMetadata: request.returnMetadata ?? false,
          returnDistance: true,
        }),
    );
    return (out.vectors ?? []).map((v) => ({ key: v.key!, distance: v.distance ?? Number.NaN, metadata: v.metadata as VectorMetadata | undefined }));
  }

  async delete(keys: readonly string[]): Promise<void> {
    await forEachLimit(chunk(keys, DELETE_BATCH), this.#o.concurrency, (batch) =>
      this.#send(() => new DeleteVectorsCommand({ ...this.#address, keys: [...batch] })),
    );
  }

  async get(keys: readonly string[]): Promise<Array<{ key: string; metadata?: VectorMetadata }>> {
    const found: Array<{ key: string; metadata?: VectorMetadata }> = [];
    for (const batch of chunk(keys, GET_BATCH)) {
      const out = await this.#send<GetVectorsCommandOutput>(() => new GetVectorsCommand({ ...this.#address, keys: [...batch], returnMetadata: true, returnData: false }));
      for (const v of out.vectors ?? []) found.push({ key: v.key!, metadata: v.metadata as VectorMetadata | undefined });
    }
    return found;
  }

  /** Sends with retries on throttling and 5xx; translates every other service error. */
  async #send<T>(command: () => { input: unknown }, signal?: AbortSignal): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.#client.send(command() as never, { abortSignal: signal })) as T;
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (!(error instanceof S3VectorsServiceException)) throw error;
        if (!RETRYABLE.has(error.name)) {
          throw new NonRetryableJobError(`the vector index refused the request (${error.name}): ${error.message}`, "handler_error", { cause: error });
        }
        if (attempt >= this.#o.maxAttempts) {
          throw new RetryableJobError(`the vector index is busy (${error.name} after ${attempt} attempts); the job will retry`, { cause: error });
        }
        await sleep(this.#backoff.delay(attempt), signal);
      }
    }
  }
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Runs `fn` over `items` with at most `limit` in flight; the first failure rejects. */
async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

