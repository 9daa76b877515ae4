/** Metadata values S3 Vectors can store (and, for filterable keys, filter on). */
export type VectorMetadataValue = string | number | boolean | string[];
export type VectorMetadata = Record<string, VectorMetadataValue>;

export interface VectorRecord {
  /** Deterministic (`documentId#chunk`), so a retried write overwrites instead of duplicating. */
  key: string;
  vector: Float32Array;
  metadata: VectorMetadata;
}

/**
 * A metadata filter in S3 Vectors' own operator language (`$eq`, `$in`, `$and`, …).
 * Passed through as is, so the emulator and the service judge the same document.
 */
export type VectorFilter = Record<string, unknown>;

export interface VectorMatch {
  key: string;
  /** Smaller is nearer: 1 − cosine similarity for a cosine index. */
  distance: number;
  metadata?: VectorMetadata;
}

/**
 * Chunk vectors of every user's documents in one index; ownership is a metadata
 * filter that callers always set. Adapter: `s3vectors-index` (the real S3 Vectors
 * client; offline it points at the emulator).
 */
export interface VectorIndex {
  /** Writes any number of records; the adapter batches them within the service's limits. */
  put(records: readonly VectorRecord[], options?: { signal?: AbortSignal }): Promise<void>;
  query(request: { vector: Float32Array; topK: number; filter?: VectorFilter; returnMetadata?: boolean }): Promise<VectorMatch[]>;
  /** Deletes by key; keys that do not exist are ignored. */
  delete(keys: readonly string[]): Promise<void>;
  /** Records stored under these keys (for checks and repairs), without their vectors. */
  get(keys: readonly string[]): Promise<Array<{ key: string; metadata?: VectorMetadata }>>;
}
