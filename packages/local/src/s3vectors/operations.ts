import type { Catalog, VectorBucket, VectorIndex } from "./catalog";
import { ConflictError, ServiceQuotaExceededError, UnknownOperationError, ValidationError } from "./errors";
import { compileFilter } from "./filter";
import { LIMITS } from "./limits";
import { checkMetadata, jsonBytes } from "./metadata";
import type { Mutation } from "./mutations";
import { decodeToken, encodeToken, positionAfter, segmentOf } from "./pagination";
import { maxVectors } from "./scan-kernel";
import {
  BucketInput,
  CreateIndexInput,
  CreateVectorBucketInput,
  DeleteVectorsInput,
  GetVectorsInput,
  IndexInput,
  ListIndexesInput,
  ListVectorBucketsInput,
  ListVectorsInput,
  parseInput,
  PutVectorsInput,
  QueryVectorsInput,
} from "./schemas";
import type { Metadata } from "./types";
import { readFloat32, readFloat32Into } from "./vector-data";
import { z } from "zod";

export interface OperationContext {
  catalog: Catalog;
  /** Makes a mutation durable (when there is a data directory), then applies it. */
  commit(mutation: Mutation): void;
  quotas: { vectorBuckets: number; indexesPerBucket: number };
}

/** One S3 Vectors operation: the parsed JSON body in, the JSON response out. */
export type Operation = (body: unknown) => object;

const NameToken = z.object({ after: z.string() });
const VectorToken = z.object({ after: z.string(), segmentCount: z.int(), segmentIndex: z.int() });

/**
 * The S3 Vectors operations the emulator serves, keyed by the name that is also
 * the request path (`POST /PutVectors`). Each one validates its whole request
 * before it changes anything, so a rejected batch leaves no partial write.
 */
export function createOperations({ catalog, commit, quotas }: OperationContext): Record<string, Operation> {
  /** The schemas have already checked that exactly one form of address is present. */
  function resolveBucket(input: { vectorBucketName?: string | undefined; vectorBucketArn?: string | undefined }): VectorBucket {
    return catalog.bucket(input.vectorBucketArn !== undefined ? catalog.parseArn(input.vectorBucketArn).bucket : input.vectorBucketName!);
  }

  function resolveIndex(input: {
    vectorBucketName?: string | undefined;
    indexName?: string | undefined;
    indexArn?: string | undefined;
  }): VectorIndex {
    if (input.indexArn === undefined) return catalog.index(input.vectorBucketName!, input.indexName!);
    const { bucket, index } = catalog.parseArn(input.indexArn);
    return catalog.index(bucket, index!);
  }

  return {
    CreateVectorBucket(body) {
      const input = parseInput(CreateVectorBucketInput, body, "CreateVectorBucket");
      const name = input.vectorBucketName;
      if (catalog.buckets.has(name)) throw new ConflictError(`A vector bucket named "${name}" already exists`);
      if (catalog.buckets.size >= quotas.vectorBuckets) {
        throw new ServiceQuotaExceededError(`This account already has ${catalog.buckets.size} vector buckets in ${catalog.region}, the maximum`);
      }
      const encryption = input.encryptionConfiguration;
      commit({
        op: "createBucket",
        bucket: name,
        creationTime: nowSeconds(),
        encryption: encryption?.sseType === "aws:kms" ? { sseType: "aws:kms", kmsKeyArn: encryption.kmsKeyArn! } : { sseType: "AES256" },
        tags: input.tags,
      });
      return { vectorBucketArn: catalog.bucketArn(name) };
    },

    GetVectorBucket(body) {
      const bucket = resolveBucket(parseInput(BucketInput, body, "GetVectorBucket"));
      return {
        vectorBucket: {
          vectorBucketName: bucket.name,
          vectorBucketArn: bucket.arn,
          creationTime: bucket.creationTime,
          encryptionConfiguration: bucket.encryption,
        },
      };
    },

    ListVectorBuckets(body) {
      const input = parseInput(ListVectorBucketsInput, body, "ListVectorBuckets");
      const { items, nextToken } = pageOfNames([...catalog.buckets.keys()], input);
      return {
        vectorBuckets: items.map((name) => {
          const bucket = catalog.buckets.get(name)!;
          return { vectorBucketName: bucket.name, vectorBucketArn: bucket.arn, creationTime: bucket.creationTime };
        }),
        ...(nextToken && { nextToken }),
      };
    },

    DeleteVectorBucket(body) {
      const bucket = resolveBucket(parseInput(BucketInput, body, "DeleteVectorBucket"));
      if (bucket.indexes.size > 0) {
        throw new ConflictError(`Vector bucket "${bucket.name}" still has ${bucket.indexes.size} index(es); delete them first`);
      }
      commit({ op: "deleteBucket", bucket: bucket.name });
      return {};
    },

    CreateIndex(body) {
      const input = parseInput(CreateIndexInput, body, "CreateIndex");
      const bucket = resolveBucket(input);
      if (bucket.indexes.has(input.indexName)) {
        throw new ConflictError(`An index named "${input.indexName}" already exists in vector bucket "${bucket.name}"`);
      }
      if (bucket.indexes.size >= quotas.indexesPerBucket) {
        throw new ServiceQuotaExceededError(`Vector bucket "${bucket.name}" already has ${bucket.indexes.size} indexes, the maximum`);
      }
      const encryption = input.encryptionConfiguration;
      commit({
        op: "createIndex",
        bucket: bucket.name,
        index: input.indexName,
        creationTime: nowSeconds(),
        dimension: input.dimension,
        metric: input.distanceMetric,
        nonFilterableKeys: input.metadataConfiguration?.nonFilterableMetadataKeys,
        encryption:
          encryption === undefined
            ? undefined
            : encryption.sseType === "aws:kms"
              ? { sseType: "aws:kms", kmsKeyArn: encryption.kmsKeyArn! }
              : { sseType: "AES256" },
        tags: input.tags,
      });
      return { indexArn: catalog.indexArn(bucket.name, input.indexName) };
    },

    GetIndex(body) {
      const index = resolveIndex(parseInput(IndexInput, body, "GetIndex"));
      return {
        index: {
          vectorBucketName: index.bucket.name,
          indexName: index.name,
          indexArn: index.arn,
          creationTime: index.creationTime,
          dataType: "float32",
          dimension: index.dimension,
          distanceMetric: index.metric,
          ...(index.nonFilterableKeys && { metadataConfiguration: { nonFilterableMetadataKeys: index.nonFilterableKeys } }),
          // An index without its own setting uses its bucket's.
          encryptionConfiguration: index.encryption ?? index.bucket.encryption,
        },
      };
    },

    ListIndexes(body) {
      const input = parseInput(ListIndexesInput, body, "ListIndexes");
      const bucket = resolveBucket(input);
      const { items, nextToken } = pageOfNames([...bucket.indexes.keys()], input);
      return {
        indexes: items.map((name) => {
          const index = bucket.indexes.get(name)!;
          return { vectorBucketName: bucket.name, indexName: index.name, indexArn: index.arn, creationTime: index.creationTime };
        }),
        ...(nextToken && { nextToken }),
      };
    },

    DeleteIndex(body) {
      const index = resolveIndex(parseInput(IndexInput, body, "DeleteIndex"));
      commit({ op: "deleteIndex", bucket: index.bucket.name, index: index.name });
      return {};
    },

    PutVectors(body) {
      const input = parseInput(PutVectorsInput, body, "PutVectors");
      const index = resolveIndex(input);
      const d = index.dimension;
      const count = input.vectors.length;
      const data = new Float32Array(count * d);
      const keys: string[] = [];
      const metadata: Metadata[] = [];
      input.vectors.forEach((vector, i) => {
        readFloat32Into(vector.data.float32, data, i * d, d, index.metric, `vectors[${i}].data.float32`);
        metadata.push(checkMetadata(vector.metadata ?? {}, index.nonFilterable, `vectors[${i}].metadata`));
        keys.push(vector.key);
      });
      const added = new Set(keys.filter((key) => !index.store.has(key))).size;
      const limit = maxVectors(d);
      if (index.store.size + added > limit) {
        throw new ServiceQuotaExceededError(
          `Index "${index.name}" holds ${index.store.size} vectors; the emulator keeps at most ${limit} vectors of dimension ${d} per index (4 GiB)`,
        );
      }
      commit({ op: "putVectors", bucket: index.bucket.name, index: index.name, keys, metadata, data });
      return {};
    },

    GetVectors(body) {
      const input = parseInput(GetVectorsInput, body, "GetVectors");
      const { store } = resolveIndex(input);
      const vectors: object[] = [];
      for (const key of new Set(input.keys)) {
        if (!store.has(key)) continue;
        vectors.push({
          key,
          ...(input.returnData && { data: { float32: store.vectorOf(key) } }),
          ...(input.returnMetadata && { metadata: store.metadataOf(key) }),
        });
      }
      return { vectors };
    },

    /**
     * Pages through keys in sorted order. A segment is the set of keys whose hash
     * falls on `segmentIndex`, so parallel workers cover every key exactly once.
     * A page ends at `maxResults` or once about 1 MB of data has been gathered.
     */
    ListVectors(body) {
      const input = parseInput(ListVectorsInput, body, "ListVectors");
      const { store, dimension } = resolveIndex(input);
      const segmentCount = input.segmentCount ?? 1;
      const segmentIndex = input.segmentIndex ?? 0;
      const maxResults = input.maxResults ?? LIMITS.listVectorsDefaultResults;
      const sorted = store.sortedKeys();
      let position = 0;
      if (input.nextToken !== undefined) {
        const token = decodeToken(input.nextToken, VectorToken);
        if (token.segmentCount !== segmentCount || token.segmentIndex !== segmentIndex) {
          throw new ValidationError(
            `nextToken belongs to segment ${token.segmentIndex} of ${token.segmentCount}, not segment ${segmentIndex} of ${segmentCount}`,
            [{ path: "nextToken", message: "issued for a different segment" }],
          );
        }
        position = positionAfter(sorted, token.after);
      }
      const vectors: object[] = [];
      let bytes = 0;
      let last: string | undefined;
      let more = false;
      for (; position < sorted.length; position++) {
        const key = sorted[position]!;
        if (segmentCount > 1 && segmentOf(key, segmentCount) !== segmentIndex) continue;
        if (vectors.length === maxResults || bytes >= LIMITS.listVectorsPageBytes) {
          more = true;
          break;
        }
        const metadata = input.returnMetadata ? store.metadataOf(key) : undefined;
        vectors.push({
          key,
          ...(input.returnData && { data: { float32: store.vectorOf(key) } }),
          ...(metadata && { metadata }),
        });
        bytes += Buffer.byteLength(key) + (input.returnData ? dimension * 4 : 0) + (metadata ? jsonBytes(metadata) : 0);
        last = key;
      }
      return { vectors, ...(more && { nextToken: encodeToken({ after: last, segmentCount, segmentIndex }) }) };
    },

    DeleteVectors(body) {
      const input = parseInput(DeleteVectorsInput, body, "DeleteVectors");
      const index = resolveIndex(input);
      commit({ op: "deleteVectors", bucket: index.bucket.name, index: index.name, keys: input.keys });
      return {};
    },

    QueryVectors(body) {
      const input = parseInput(QueryVectorsInput, body, "QueryVectors");
      const index = resolveIndex(input);
      // Every result fits in one response (topK ≤ 100), so no token is ever issued.
      if (input.nextToken !== undefined) decodeToken(input.nextToken, z.never());
      const query = readFloat32(input.queryVector.float32, index.dimension, index.metric, "queryVector.float32");
      const predicate = input.filter === undefined ? undefined : compileFilter(input.filter, index.nonFilterable);
      const matches = index.store.query(query, input.topK, predicate);
      return {
        vectors: matches.map((match) => ({
          key: match.key,
          ...(input.returnDistance && { distance: Math.fround(match.distance) }),
          ...(input.returnMetadata && { metadata: match.metadata }),
        })),
        distanceMetric: index.metric,
      };
    },
  };
}

/** Looks up an operation; unknown names get the error a restJson service gives an unknown path. */
export function operationFor(operations: Record<string, Operation>, name: string): Operation {
  const operation = Object.hasOwn(operations, name) ? operations[name] : undefined;
  if (!operation) throw new UnknownOperationError(`The emulator does not implement the operation "${name}"`);
  return operation;
}

function pageOfNames(
  names: string[],
  input: { prefix?: string | undefined; maxResults?: number | undefined; nextToken?: string | undefined },
): { items: string[]; nextToken: string | undefined } {
  const sorted = names.filter((name) => input.prefix === undefined || name.startsWith(input.prefix)).sort();
  const start = input.nextToken === undefined ? 0 : positionAfter(sorted, decodeToken(input.nextToken, NameToken).after);
  const items = sorted.slice(start, start + (input.maxResults ?? LIMITS.listPageMaxResults));
  const more = start + items.length < sorted.length;
  return { items, nextToken: more ? encodeToken({ after: items.at(-1) }) : undefined };
}

function nowSeconds(): number {
  return Date.now() / 1000;
}
