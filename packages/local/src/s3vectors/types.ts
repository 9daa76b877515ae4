/** Shapes shared by the storage, the catalog and the operations. */

export type DistanceMetric = "cosine" | "euclidean";

export type MetadataPrimitive = string | number | boolean;
export type MetadataValue = MetadataPrimitive | MetadataPrimitive[];
/**
 * Stored metadata is a null-prototype object, so a filter on a key such as
 * `constructor` or `__proto__` reads the vector's own value and nothing inherited.
 */
export type Metadata = Record<string, MetadataValue>;

export interface EncryptionConfiguration {
  sseType: "AES256" | "aws:kms";
  kmsKeyArn?: string;
}

/** Options of {@link startS3VectorsEmulator}. */
export interface S3VectorsEmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** Data directory; without one everything lives in memory and is gone on stop. */
  dir?: string;
  /** Region written into ARNs; defaults to `AWS_REGION` or us-east-1. */
  region?: string;
  /** Account written into ARNs; defaults to 000000000000. */
  accountId?: string;
  /** Lower quotas, so tests can reach them without creating 10,000 buckets. */
  quotas?: { vectorBuckets?: number; indexesPerBucket?: number };
  /** Where replay and compaction problems are reported; defaults to console. */
  logger?: Pick<Console, "warn" | "error">;
}

export interface S3VectorsEmulator {
  /** Endpoint for `new S3VectorsClient({ endpoint: url })`. */
  url: string;
  port: number;
  stop(): Promise<void>;
}
