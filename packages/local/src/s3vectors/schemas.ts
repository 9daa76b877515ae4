import { ValidationError, type ValidationField } from "./errors";
import { BUCKET_NAME_PATTERN, INDEX_NAME_PATTERN, LIMITS } from "./limits";
import { z } from "zod";

/**
 * Request schemas, one per operation, with the constraints of the S3 Vectors
 * model (lengths, ranges, enums, ARN patterns) and the documented quotas.
 * Checks that need the index (dimension, metadata sizes, filter keys) happen in
 * `operations.ts` once the index is known.
 *
 * Messages leave out the field name: {@link parseInput} prefixes the path.
 */

/** Longest ListVectors token the emulator issues: base64 of a JSON cursor holding a 1024-character key. */
const ISSUED_TOKEN_MAX = 8192;

const intBetween = (min: number, max: number) =>
  z.int("must be an integer").min(min, `must be between ${min} and ${max}`).max(max, `must be between ${min} and ${max}`);

const stringOfLength = (min: number, max: number) =>
  z.string().min(min, `must be ${min} to ${max} characters long`).max(max, `must be ${min} to ${max} characters long`);

const listOf = <T extends z.ZodType>(item: T, min: number, max: number, what: string) =>
  z.array(item).min(min, `must hold ${min} to ${max} ${what}`).max(max, `must hold ${min} to ${max} ${what}`);

const bucketName = stringOfLength(LIMITS.nameMinLength, LIMITS.nameMaxLength);
const newBucketName = bucketName.regex(
  BUCKET_NAME_PATTERN,
  "may contain only lowercase letters, digits and hyphens, and must start and end with a letter or digit",
);
const indexName = stringOfLength(LIMITS.nameMinLength, LIMITS.nameMaxLength);
const newIndexName = indexName.regex(
  INDEX_NAME_PATTERN,
  "may contain only lowercase letters, digits, hyphens and dots, and must start and end with a letter or digit",
);

const ARN_PREFIX = String.raw`^arn:aws[-a-z0-9]*:s3vectors:[a-z0-9-]+:[0-9]{12}:bucket\/[a-z0-9][a-z0-9-.]{1,61}[a-z0-9]`;
const bucketArn = z
  .string()
  .regex(new RegExp(`${ARN_PREFIX}$`), "must be a vector bucket ARN (arn:aws:s3vectors:<region>:<account>:bucket/<name>)");
const indexArn = z
  .string()
  .regex(
    new RegExp(String.raw`${ARN_PREFIX}\/index\/[a-z0-9][a-z0-9-.]{1,61}[a-z0-9]$`),
    "must be an index ARN (arn:aws:s3vectors:<region>:<account>:bucket/<name>/index/<name>)",
  );

const vectorKey = stringOfLength(1, LIMITS.keyMaxLength);

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The `float32` list passes through as is: it is checked and converted in one
 * loop by `readFloat32Into`, which is far cheaper than a schema per element.
 */
const vectorData = z.object(
  { float32: z.custom<unknown[]>(Array.isArray, "must be a list of numbers") },
  'must be an object with a float32 list, e.g. {"float32": [0.1, 0.2]}',
);

/**
 * Metadata and filters are Smithy documents. They pass through untouched (so a
 * key such as `__proto__` survives) and are checked against the index by
 * `checkMetadata` and `compileFilter`.
 */
const document = z.custom<Record<string, unknown>>(isPlainObject, "must be a JSON object");

const encryptionConfiguration = z
  .object({
    sseType: z.enum(["AES256", "aws:kms"], "must be AES256 or aws:kms").optional(),
    kmsKeyArn: z
      .string()
      .regex(/^arn:aws[-a-z0-9]*:kms:[-a-z0-9]*:[0-9]{12}:key\/.+$/, "must be a KMS key ARN")
      .optional(),
  })
  .superRefine((value, ctx) => {
    if (value.sseType === "aws:kms" && !value.kmsKeyArn) {
      ctx.addIssue({ code: "custom", path: ["kmsKeyArn"], message: "is required when sseType is aws:kms" });
    }
    if (value.sseType !== "aws:kms" && value.kmsKeyArn) {
      ctx.addIssue({ code: "custom", path: ["kmsKeyArn"], message: "is only allowed when sseType is aws:kms" });
    }
  });

const tags = z.record(stringOfLength(1, 128), stringOfLength(0, 256));

const listPage = {
  maxResults: intBetween(1, LIMITS.listPageMaxResults).optional(),
  nextToken: stringOfLength(1, 512).optional(),
  prefix: stringOfLength(1, 63).optional(),
};

const bucketAddressFields = { vectorBucketName: bucketName.optional(), vectorBucketArn: bucketArn.optional() };
const indexAddressFields = { vectorBucketName: bucketName.optional(), indexName: indexName.optional(), indexArn: indexArn.optional() };

interface BucketAddress {
  vectorBucketName?: string | undefined;
  vectorBucketArn?: string | undefined;
}
interface IndexAddress {
  vectorBucketName?: string | undefined;
  indexName?: string | undefined;
  indexArn?: string | undefined;
}

function oneBucketAddress(value: BucketAddress, ctx: z.RefinementCtx): void {
  if ((value.vectorBucketName === undefined) === (value.vectorBucketArn === undefined)) {
    ctx.addIssue({ code: "custom", path: [], message: "specify exactly one of vectorBucketName and vectorBucketArn" });
  }
}

function oneIndexAddress(value: IndexAddress, ctx: z.RefinementCtx): void {
  const byName = value.vectorBucketName !== undefined || value.indexName !== undefined;
  if (value.indexArn !== undefined ? byName : value.vectorBucketName === undefined || value.indexName === undefined) {
    ctx.addIssue({ code: "custom", path: [], message: "specify either indexArn, or both vectorBucketName and indexName" });
  }
}

export const CreateVectorBucketInput = z.object({
  vectorBucketName: newBucketName,
  encryptionConfiguration: encryptionConfiguration.optional(),
  tags: tags.optional(),
});

export const BucketInput = z.object(bucketAddressFields).superRefine(oneBucketAddress);

export const ListVectorBucketsInput = z.object(listPage);

export const CreateIndexInput = z
  .object({
    ...bucketAddressFields,
    indexName: newIndexName,
    dataType: z.literal("float32", "must be float32, the only data type S3 Vectors supports"),
    dimension: intBetween(LIMITS.dimensionMin, LIMITS.dimensionMax),
    distanceMetric: z.enum(["cosine", "euclidean"], "must be cosine or euclidean"),
    metadataConfiguration: z
      .object({
        nonFilterableMetadataKeys: listOf(
          stringOfLength(1, LIMITS.metadataKeyMaxLength),
          1,
          LIMITS.nonFilterableKeysMax,
          "keys (non-filterable metadata keys per index)",
        ),
      })
      .optional(),
    encryptionConfiguration: encryptionConfiguration.optional(),
    tags: tags.optional(),
  })
  .superRefine(oneBucketAddress);

export const IndexInput = z.object(indexAddressFields).superRefine(oneIndexAddress);

export const ListIndexesInput = z.object({ ...bucketAddressFields, ...listPage }).superRefine(oneBucketAddress);

export const PutVectorsInput = z
  .object({
    ...indexAddressFields,
    vectors: listOf(
      z.object({ key: vectorKey, data: vectorData, metadata: document.optional() }),
      1,
      LIMITS.putVectorsMax,
      "vectors per PutVectors call",
    ),
  })
  .superRefine(oneIndexAddress);

export const GetVectorsInput = z
  .object({
    ...indexAddressFields,
    keys: listOf(vectorKey, 1, LIMITS.getVectorsMax, "keys per GetVectors call"),
    returnData: z.boolean().optional(),
    returnMetadata: z.boolean().optional(),
  })
  .superRefine(oneIndexAddress);

export const DeleteVectorsInput = z
  .object({
    ...indexAddressFields,
    keys: listOf(vectorKey, 1, LIMITS.deleteVectorsMax, "keys per DeleteVectors call"),
  })
  .superRefine(oneIndexAddress);

export const ListVectorsInput = z
  .object({
    ...indexAddressFields,
    maxResults: intBetween(1, LIMITS.listVectorsMaxResults).optional(),
    // The model caps tokens at 2048 characters; the emulator's carry the last key (up to
    // 1024 characters, 4 UTF-8 bytes each at worst), so it accepts what it can issue.
    nextToken: stringOfLength(1, ISSUED_TOKEN_MAX).optional(),
    segmentCount: intBetween(1, LIMITS.segmentCountMax).optional(),
    segmentIndex: intBetween(0, LIMITS.segmentCountMax - 1).optional(),
    returnData: z.boolean().optional(),
    returnMetadata: z.boolean().optional(),
  })
  .superRefine(oneIndexAddress)
  .superRefine((value, ctx) => {
    if ((value.segmentCount === undefined) !== (value.segmentIndex === undefined)) {
      ctx.addIssue({ code: "custom", path: [], message: "segmentCount and segmentIndex must be given together" });
    } else if (value.segmentCount !== undefined && value.segmentIndex! >= value.segmentCount) {
      ctx.addIssue({ code: "custom", path: ["segmentIndex"], message: `must be less than segmentCount (${value.segmentCount})` });
    }
  });

export const QueryVectorsInput = z
  .object({
    ...indexAddressFields,
    topK: intBetween(1, LIMITS.topKMax),
    queryVector: vectorData,
    filter: z.unknown().optional(),
    returnMetadata: z.boolean().optional(),
    returnDistance: z.boolean().optional(),
    nextToken: stringOfLength(1, LIMITS.nextTokenMaxLength).optional(),
  })
  .superRefine(oneIndexAddress);

/**
 * Parses a request body, or throws one ValidationError listing every problem in
 * the shape of the service's `fieldList`, with the offending value where short.
 */
export function parseInput<T>(schema: z.ZodType<T>, body: unknown, operation: string): T {
  const result = schema.safeParse(body, { reportInput: true });
  if (result.success) return result.data;
  const fieldList: ValidationField[] = result.error.issues.map((issue) => {
    const got = shortValue((issue as { input?: unknown }).input);
    return { path: formatPath(issue.path), message: `${issue.message}${got === undefined ? "" : `, got ${got}`}` };
  });
  const detail = fieldList.map((f) => (f.path ? `${f.path}: ${f.message}` : f.message)).join("; ");
  const count = fieldList.length;
  throw new ValidationError(`${count} validation error${count === 1 ? "" : "s"} detected in ${operation}: ${detail}`, fieldList);
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) out += typeof part === "number" ? `[${part}]` : out ? `.${String(part)}` : String(part);
  return out;
}

function shortValue(value: unknown): string | undefined {
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value === "string") return value.length <= 80 ? JSON.stringify(value) : `a string of ${value.length} characters`;
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (value === null) return "null";
  return undefined;
}
