import { NotFoundError } from "./errors";
import type { Mutation } from "./mutations";
import type { DistanceMetric, EncryptionConfiguration } from "./types";
import { VectorStore } from "./vector-store";

export interface VectorBucket {
  name: string;
  arn: string;
  creationTime: number;
  encryption: EncryptionConfiguration;
  tags: Record<string, string> | undefined;
  indexes: Map<string, VectorIndex>;
}

export interface VectorIndex {
  bucket: VectorBucket;
  name: string;
  arn: string;
  creationTime: number;
  dimension: number;
  metric: DistanceMetric;
  nonFilterableKeys: string[] | undefined;
  nonFilterable: ReadonlySet<string>;
  encryption: EncryptionConfiguration | undefined;
  tags: Record<string, string> | undefined;
  store: VectorStore;
}

const ARN_PATTERN = /^arn:(aws[-a-z0-9]*):s3vectors:([a-z0-9-]+):(\d{12}):bucket\/([^/]+)(?:\/index\/([^/]+))?$/;

/**
 * All vector buckets and indexes of one emulated account and Region, and the
 * only code that changes them ({@link Catalog.apply}).
 */
export class Catalog {
  readonly buckets = new Map<string, VectorBucket>();

  constructor(
    readonly region: string,
    readonly accountId: string,
  ) {}

  bucketArn(bucket: string): string {
    return `arn:aws:s3vectors:${this.region}:${this.accountId}:bucket/${bucket}`;
  }

  indexArn(bucket: string, index: string): string {
    return `${this.bucketArn(bucket)}/index/${index}`;
  }

  /** @throws {NotFoundError} */
  bucket(name: string): VectorBucket {
    const bucket = this.buckets.get(name);
    if (!bucket) throw new NotFoundError(`Vector bucket "${name}" does not exist`);
    return bucket;
  }

  /** @throws {NotFoundError} naming whichever of bucket and index is missing. */
  index(bucketName: string, indexName: string): VectorIndex {
    const index = this.bucket(bucketName).indexes.get(indexName);
    if (!index) throw new NotFoundError(`Index "${indexName}" does not exist in vector bucket "${bucketName}"`);
    return index;
  }

  /**
   * Names from an ARN the schemas already matched, or NotFound when it points
   * at another account or Region (which this emulator does not hold).
   */
  parseArn(arn: string): { bucket: string; index?: string } {
    const match = ARN_PATTERN.exec(arn);
    if (!match) throw new NotFoundError(`${arn} is not an S3 Vectors ARN`);
    const [, , region, account, bucket, index] = match;
    if (region !== this.region || account !== this.accountId) {
      throw new NotFoundError(
        `${arn} belongs to ${account} in ${region}; this emulator serves account ${this.accountId} in ${this.region}`,
      );
    }
    return index === undefined ? { bucket: bucket! } : { bucket: bucket!, index };
  }

  /** Applies one mutation; callers have validated it (live) or logged it (replay). */
  apply(mutation: Mutation): void {
    switch (mutation.op) {
      case "createBucket":
        this.buckets.set(mutation.bucket, {
          name: mutation.bucket,
          arn: this.bucketArn(mutation.bucket),
          creationTime: mutation.creationTime,
          encryption: mutation.encryption,
          tags: mutation.tags,
          indexes: new Map(),
        });
        return;
      case "deleteBucket":
        this.buckets.delete(mutation.bucket);
        return;
      case "createIndex": {
        const bucket = this.bucket(mutation.bucket);
        bucket.indexes.set(mutation.index, {
          bucket,
          name: mutation.index,
          arn: this.indexArn(mutation.bucket, mutation.index),
          creationTime: mutation.creationTime,
          dimension: mutation.dimension,
          metric: mutation.metric,
          nonFilterableKeys: mutation.nonFilterableKeys,
          nonFilterable: new Set(mutation.nonFilterableKeys ?? []),
          encryption: mutation.encryption,
          tags: mutation.tags,
          store: new VectorStore(mutation.dimension, mutation.metric),
        });
        return;
      }
      case "deleteIndex":
        this.buckets.get(mutation.bucket)?.indexes.delete(mutation.index);
        return;
      case "putVectors": {
        const { store } = this.index(mutation.bucket, mutation.index);
        const d = store.dimension;
        mutation.keys.forEach((key, i) => store.put(key, mutation.data, i * d, mutation.metadata[i]!));
        return;
      }
      case "deleteVectors": {
        const { store } = this.index(mutation.bucket, mutation.index);
        for (const key of mutation.keys) store.delete(key);
        return;
      }
    }
  }

  /** The mutations that rebuild the current state from nothing (a snapshot). */
  *snapshot(vectorsPerChunk: number): Generator<Mutation> {
    for (const bucket of this.buckets.values()) {
      yield { op: "createBucket", bucket: bucket.name, creationTime: bucket.creationTime, encryption: bucket.encryption, tags: bucket.tags };
      for (const index of bucket.indexes.values()) {
        yield {
          op: "createIndex",
          bucket: bucket.name,
          index: index.name,
          creationTime: index.creationTime,
          dimension: index.dimension,
          metric: index.metric,
          nonFilterableKeys: index.nonFilterableKeys,
          encryption: index.encryption,
          tags: index.tags,
        };
        for (const chunk of index.store.chunks(vectorsPerChunk)) {
          yield { op: "putVectors", bucket: bucket.name, index: index.name, keys: [...chunk.keys], metadata: [...chunk.metadata], data: chunk.data };
        }
      }
    }
  }
}
