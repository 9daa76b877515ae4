import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { Resource } from "sst";
import { ApiGatewayNotifier } from "@ferry/core/adapters/apigw-notifier";
import { DynamoConnectionStore } from "@ferry/core/adapters/dynamo-connection-store";
import { DynamoConversationStore } from "@ferry/core/adapters/dynamo-conversation-store";
import { DynamoDocumentCatalog } from "@ferry/core/adapters/dynamo-document-catalog";
import { DynamoJobStore } from "@ferry/core/adapters/dynamo-job-store";
import { DynamoRateLimiter } from "@ferry/core/adapters/dynamo-rate-limiter";
import { S3BlobStore } from "@ferry/core/adapters/s3-blob-store";
import { S3VectorsIndex } from "@ferry/core/adapters/s3vectors-index";
import { SqsJobQueue } from "@ferry/core/adapters/sqs-job-queue";
import { AuthConfig, createTokenVerifier } from "@ferry/core/auth";
import { createFerry } from "@ferry/core/wiring";
import { createConsoleLogger } from "@ferry/core/ports";
import { z } from "zod";
import { jobKinds } from "./job-kinds";
import { sqsDeadLetter } from "./workers/sqs-worker";
import { createChatModel, createEmbedder, costSources, documentsOptions, resultsIn, type Runtime } from "./runtime-parts";
import { blobDatasets } from "@ferry/core/finops";
import { DEFAULT_MAX_BILLING_MB } from "@ferry/core/ingest";

/** The queue's name: the last path segment of its URL, as in its ARN. */
const queueName = (url: string) => url.split("/").at(-1)!;

const Env = z.object({
  FERRY_SUBMITS_PER_MINUTE: z.coerce.number().int().positive().default(120),
  FERRY_LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  FERRY_MAX_UPLOAD_MB: z.coerce.number().positive().default(50),
  FERRY_EMBED_MODEL_ID: z.string().default("amazon.titan-embed-text-v2:0"),
  /** Set by `infra/ai.ts`; the adapter's default profile when absent. */
  FERRY_CHAT_MODEL_ID: z.string().optional(),
  /** Largest billing export a user may upload for `finops_analysis` (the analysis worker's /tmp must hold it). */
  FERRY_MAX_BILLING_MB: z.coerce.number().positive().default(DEFAULT_MAX_BILLING_MB),
  /** Where in the uploads bucket the FOCUS exports a `{dataset}` source names live (set by `infra/ai.ts`). */
  FERRY_BILLING_DATASETS_PREFIX: z.string().default("datasets/"),
});

/** A linked secret's value, or undefined when the stage has not set it. */
function secret(name: "JwtIssuer" | "JwtAudience" | "JwksUrl" | "DevSecret"): string | undefined {
  try {
    const value = (Resource as unknown as Record<string, { value?: string } | undefined>)[name]?.value;
    return value && value !== "none" ? value : undefined;
  } catch {
    return undefined; // not linked to this function
  }
}

/**
 * The AWS composition root: DynamoDB, SQS, API Gateway `@connections`, S3,
 * S3 Vectors and Bedrock, every name read from SST's `Resource` links (see
 * `infra/`). Only this file and the handlers read `Resource`; core never does.
 */
export function createAwsRuntime(env: NodeJS.ProcessEnv): Runtime {
  const e = Env.parse(env);
  const logger = createConsoleLogger("ferry", e.FERRY_LOG_LEVEL);
  const dynamo = new DynamoDBClient({});
  const sqs = new SQSClient({});
  const queueUrls = { ingest: Resource.IngestQueue.url, analysis: Resource.AnalysisQueue.url };
  const queue = new SqsJobQueue({ client: sqs, queueUrls });
  const maxBytes = Math.round(e.FERRY_MAX_UPLOAD_MB * 1024 * 1024);
  const billingBytes = Math.round(e.FERRY_MAX_BILLING_MB * 1024 * 1024);
  const documents = {
    blobs: new S3BlobStore({ bucket: Resource.Uploads.name }),
    catalog: new DynamoDocumentCatalog({ client: dynamo, tableName: Resource.Jobs.name }),
    vectors: new S3VectorsIndex({ vectorBucketName: Resource.Vectors.bucketName, indexName: Resource.Vectors.indexName }),
  };
  const embedder = createEmbedder("bedrock", e.FERRY_EMBED_MODEL_ID);
  // One client for answers and FinOps narratives: one connection pool, one set of retries.
  const chat = createChatModel("bedrock", e.FERRY_CHAT_MODEL_ID);

  const store = new DynamoJobStore({ client: dynamo, tableName: Resource.Jobs.name });
  const { api, runner } = createFerry(
    {
      store,
      connections: new DynamoConnectionStore({ client: dynamo, tableName: Resource.Connections.name }),
      notifier: new ApiGatewayNotifier(Resource.Ws.managementEndpoint),
      queue,
      rateLimiter: new DynamoRateLimiter({ client: dynamo, tableName: Resource.Jobs.name }),
      verifier: createTokenVerifier(
        AuthConfig.parse({ devSecret: secret("DevSecret"), issuer: secret("JwtIssuer"), jwksUrl: secret("JwksUrl"), audience: secret("JwtAudience") }),
      ),
      kinds: jobKinds({
        documents: { ...documents, embedder, maxBytes, jobs: store },
        chat,
        conversations: new DynamoConversationStore({ client: dynamo, tableName: Resource.Jobs.name }),
        finops: {
          sources: costSources({ costExplorer: true }),
          chat,
          uploads: { blobs: documents.blobs, catalog: documents.catalog, maxBytes: billingBytes },
          datasets: blobDatasets(documents.blobs, e.FERRY_BILLING_DATASETS_PREFIX),
        },
      }),
      logger,
      documents: { ...documents, options: documentsOptions(maxBytes, billingBytes) },
    },
    { api: { submitsPerMinute: e.FERRY_SUBMITS_PER_MINUTE }, results: resultsIn(documents.blobs) },
  );

  return {
    api,
    runner,
    queue,
    logger,
    sqs,
    deadLetter: sqsDeadLetter(sqs, {
      [queueName(queueUrls.ingest)]: Resource.IngestDeadLetters.url,
      [queueName(queueUrls.analysis)]: Resource.AnalysisDeadLetters.url,
    }),
    async close() {
      dynamo.destroy();
      sqs.destroy();
    },
  };
}
