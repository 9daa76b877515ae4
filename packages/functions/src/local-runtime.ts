import { Redis } from "ioredis";
import { ApiGatewayNotifier } from "@ferry/core/adapters/apigw-notifier";
import { BullmqJobQueue } from "@ferry/core/adapters/bullmq-job-queue";
import { RedisConnectionStore } from "@ferry/core/adapters/redis-connection-store";
import { RedisConversationStore } from "@ferry/core/adapters/redis-conversation-store";
import { RedisDocumentCatalog } from "@ferry/core/adapters/redis-document-catalog";
import { RedisJobStore } from "@ferry/core/adapters/redis-job-store";
import { RedisRateLimiter } from "@ferry/core/adapters/redis-rate-limiter";
import { S3BlobStore } from "@ferry/core/adapters/s3-blob-store";
import { S3VectorsIndex } from "@ferry/core/adapters/s3vectors-index";
import { AuthConfig, createTokenVerifier } from "@ferry/core/auth";
import { createFerry } from "@ferry/core/wiring";
import { createConsoleLogger } from "@ferry/core/ports";
import { z } from "zod";
import { jobKinds } from "./job-kinds";
import { createChatModel, createEmbedder, costSources, documentsOptions, resultsIn, type Runtime } from "./runtime-parts";
import { directoryDatasets } from "@ferry/core/finops";
import { DEFAULT_MAX_BILLING_MB } from "@ferry/core/ingest";

const Env = z.object({
  FERRY_REDIS_URL: z.string().url(),
  FERRY_CONNECTIONS_URL: z.string().url(),
  FERRY_KEY_PREFIX: z.string().default("ferry:"),
  FERRY_DEV_SECRET: z.string().min(32).optional(),
  FERRY_JWT_ISSUER: z.string().url().optional(),
  FERRY_JWKS_URL: z.string().url().optional(),
  FERRY_JWT_AUDIENCE: z.string().optional(),
  FERRY_SUBMITS_PER_MINUTE: z.coerce.number().int().positive().default(120),
  FERRY_LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  /** s3rver (or any S3) for uploads; without it, documents are off. */
  FERRY_S3_URL: z.string().url().optional(),
  FERRY_S3_ACCESS_KEY_ID: z.string().default("S3RVER"),
  FERRY_S3_SECRET_ACCESS_KEY: z.string().default("S3RVER"),
  FERRY_UPLOADS_BUCKET: z.string().default("ferry-uploads"),
  FERRY_S3VECTORS_URL: z.string().url().optional(),
  FERRY_VECTOR_BUCKET: z.string().default("ferry-vectors"),
  FERRY_VECTOR_INDEX: z.string().default("chunks"),
  FERRY_MAX_UPLOAD_MB: z.coerce.number().positive().default(50),
  FERRY_EMBEDDER: z.enum(["offline", "bedrock"]).default("offline"),
  FERRY_EMBED_MODEL_ID: z.string().optional(),
  /** Who writes `rag_query` answers: the offline extractive answerer, or a model on Bedrock (`FERRY_CHAT_MODEL_ID`). */
  FERRY_CHAT_MODEL: z.enum(["offline", "bedrock"]).default("offline"),
  FERRY_CHAT_MODEL_ID: z.string().optional(),
  /** Milliseconds between the offline answer's deltas, so it streams visibly (demos, reconnect tests); 0 = instant. */
  FERRY_CHAT_PACE_MS: z.coerce.number().int().min(0).max(1000).default(0),
  /** Folder of FOCUS exports a `finops_analysis {source: {dataset}}` may name by file name; none when unset. */
  FERRY_FOCUS_DIR: z.string().min(1).optional(),
  /** Largest billing export (CSV, CSV.gz, Parquet) a user may upload for `finops_analysis`. */
  FERRY_MAX_BILLING_MB: z.coerce.number().positive().default(DEFAULT_MAX_BILLING_MB),
});

/**
 * The offline composition root: Redis for state and queues, the API Gateway
 * emulator's `@connections`, s3rver for uploads, the S3 Vectors emulator and the
 * offline embedder. `npm start` sets these variables; a missing or malformed one
 * fails here, at the first invocation, with its name.
 */
export function createLocalRuntime(env: NodeJS.ProcessEnv): Runtime {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Ferry is misconfigured: ${parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`);
  }
  const e = parsed.data;
  const logger = createConsoleLogger("ferry", e.FERRY_LOG_LEVEL);
  const redis = new Redis(e.FERRY_REDIS_URL, { maxRetriesPerRequest: null });
  redis.on("error", (error) => logger.warn("redis connection error", { error: error.message }));
  const queue = new BullmqJobQueue(redis, { prefix: `${e.FERRY_KEY_PREFIX}bull` });
  const region = env.AWS_REGION ?? "us-east-1";

  const documents =
    e.FERRY_S3_URL && e.FERRY_S3VECTORS_URL
      ? {
          blobs: new S3BlobStore({
            bucket: e.FERRY_UPLOADS_BUCKET,
            client: {
              endpoint: e.FERRY_S3_URL,
              region,
              forcePathStyle: true,
              credentials: { accessKeyId: e.FERRY_S3_ACCESS_KEY_ID, secretAccessKey: e.FERRY_S3_SECRET_ACCESS_KEY },
            },
          }),
          catalog: new RedisDocumentCatalog(redis, { prefix: e.FERRY_KEY_PREFIX }),
          vectors: new S3VectorsIndex({
            vectorBucketName: e.FERRY_VECTOR_BUCKET,
            indexName: e.FERRY_VECTOR_INDEX,
            client: { endpoint: e.FERRY_S3VECTORS_URL, region },
          }),
        }
      : undefined;
  const maxBytes = Math.round(e.FERRY_MAX_UPLOAD_MB * 1024 * 1024);
  const billingBytes = Math.round(e.FERRY_MAX_BILLING_MB * 1024 * 1024);
  const embedder = createEmbedder(e.FERRY_EMBEDDER, e.FERRY_EMBED_MODEL_ID);

  const store = new RedisJobStore(redis, { prefix: e.FERRY_KEY_PREFIX });
  const chat = createChatModel(e.FERRY_CHAT_MODEL, e.FERRY_CHAT_MODEL_ID, { paceMs: e.FERRY_CHAT_PACE_MS });
  const { api, runner } = createFerry(
    {
      store,
      connections: new RedisConnectionStore(redis, { prefix: e.FERRY_KEY_PREFIX }),
      notifier: new ApiGatewayNotifier(e.FERRY_CONNECTIONS_URL),
      queue,
      rateLimiter: new RedisRateLimiter(redis, e.FERRY_KEY_PREFIX),
      verifier: createTokenVerifier(
        AuthConfig.parse({ devSecret: e.FERRY_DEV_SECRET, issuer: e.FERRY_JWT_ISSUER, jwksUrl: e.FERRY_JWKS_URL, audience: e.FERRY_JWT_AUDIENCE }),
      ),
      kinds: jobKinds({
        documents: documents && { ...documents, embedder, maxBytes, jobs: store },
        chat,
        conversations: new RedisConversationStore(redis, { prefix: e.FERRY_KEY_PREFIX }),
        finops: {
          sources: costSources(),
          chat,
          uploads: documents && { blobs: documents.blobs, catalog: documents.catalog, maxBytes: billingBytes },
          datasets: e.FERRY_FOCUS_DIR ? directoryDatasets(e.FERRY_FOCUS_DIR) : undefined,
        },
      }),
      logger,
      documents: documents && { ...documents, options: documentsOptions(maxBytes, billingBytes) },
    },
    {
      api: { submitsPerMinute: e.FERRY_SUBMITS_PER_MINUTE },
      results: documents && resultsIn(documents.blobs),
    },
  );
  return {
    api,
    runner,
    queue,
    logger,
    async close() {
      await queue.close();
      redis.disconnect();
    },
  };
}
