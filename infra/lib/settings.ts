/**
 * Every per-stage number of Ferry's AWS deployment, in one pure module.
 *
 * No SST globals and no imports: `sst.config.ts` and `infra/*.ts` read these
 * values, and `settings.test.ts` checks the rules they must keep (visibility
 * timeout ≥ 6 × worker timeout, Lambda's 900 s ceiling, what production retains).
 *
 * @module
 */

/** The one stage that keeps its data and refuses `sst remove`. */
export const PRODUCTION_STAGE = "production";

/** Lambda's hard ceiling on a function timeout. */
export const LAMBDA_MAX_TIMEOUT_SECONDS = 900;

/** API Gateway waits this long for a route integration before answering 504 itself. */
export const API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS = 29;

/** AWS's advice for SQS-fed Lambdas: visibility timeout ≥ 6 × the function timeout. */
export const VISIBILITY_TIMEOUT_FACTOR = 6;

/** Days a job and its log are kept after their last event (core's `defaultApiOptions.jobTtlSeconds`). */
export const JOB_RETENTION_DAYS = 7;

/** Attempts a job gets before `job_failed` (core's `defaultRunnerOptions.maxAttempts`). */
export const JOB_ATTEMPTS = 3;

/**
 * Receives before SQS moves a message to the DLQ: one per attempt, plus one. Each
 * attempt is one receive (a retry makes the same message visible again), so after
 * 3 attempts that *crashed* (out of memory, killed, past the Lambda timeout) there
 * would be no receive left to say so, and the job would stay `processing`. The 4th
 * receive only records that failure (`runJob` refuses a 4th attempt) and copies
 * the message to the DLQ; jobs that fail cleanly are copied there after attempt 3.
 */
export const DLQ_MAX_RECEIVE_COUNT = JOB_ATTEMPTS + 1;

/** SQS's ceiling on a queue's visibility timeout (12 h). */
export const SQS_MAX_VISIBILITY_TIMEOUT_SECONDS = 12 * 3600;

/** SQS's ceiling on message retention (14 days). */
export const SQS_MAX_RETENTION_SECONDS = 14 * 86_400;

/** The lowest `scalingConfig.maximumConcurrency` an SQS event source mapping accepts. */
export const SQS_MIN_MAXIMUM_CONCURRENCY = 2;

/** CloudWatch retentions used here; each is a key of SST's `RETENTION` table. */
export type LogRetention = "1 week" | "1 month" | "3 months";

/** What `sst remove` (and deleting a resource from the config) does with data. */
export type Removal = "remove" | "retain";

/** One SQS-fed worker: its queue, its DLQ and its Lambda. */
export interface WorkerSettings {
  /** Lambda timeout; a job hands over from its checkpoint shortly before it. */
  timeoutSeconds: number;
  memoryMb: number;
  /** Cap on concurrent invocations the event source mapping starts (≥ 2). */
  maxConcurrency: number;
  /** SQS visibility timeout of the worker's queue. */
  visibilityTimeoutSeconds: number;
  /** How long an unconsumed message stays on the queue. */
  retentionSeconds: number;
  /** How long a dead letter stays on the DLQ for inspection and redrive. */
  dlqRetentionSeconds: number;
  /** Deliveries before SQS moves a message to the DLQ (`maxReceiveCount`). */
  maxReceiveCount: number;
  /** Messages per invocation. */
  batchSize: number;
  /** Lambda's `/tmp` (ephemeral storage), 512–10,240 MB. */
  tmpStorageMb: number;
}

/** The route handlers behind the WebSocket API. */
export interface ApiFunctionSettings {
  timeoutSeconds: number;
  memoryMb: number;
}

export interface StageSettings {
  stage: string;
  isProduction: boolean;
  removal: Removal;
  /** `sst remove` refuses to run on the stage. */
  protect: boolean;
  /**
   * Resources SST's `removal` does not cover (S3 Vectors bucket and index) are
   * kept on delete (`retainOnDelete`).
   */
  retainData: boolean;
  tableDeletionProtection: boolean;
  logRetention: LogRetention;
  /** The stage accepts HS256 dev tokens signed with the `DevSecret` secret. */
  devTokens: boolean;
  api: ApiFunctionSettings;
  workers: { ingest: WorkerSettings; analysis: WorkerSettings };
  uploads: {
    /**
     * Objects under `uploads/` older than this are abandoned uploads and expire:
     * an ingested PDF is moved to `documents/`, which never expires.
     */
    expireAfterDays: number;
    /** Results too large for one message (`results/`) expire with their job's record. */
    resultsExpireAfterDays: number;
    /** How long browsers may cache the CORS preflight answer. */
    corsMaxAgeSeconds: number;
  };
}

const DAY = 86_400;

/** Lambda's range for `/tmp`. */
export const LAMBDA_TMP_STORAGE_MB = { min: 512, max: 10_240 } as const;

/**
 * The largest billing export a user may upload for `finops_analysis`. The analysis
 * worker downloads it to `/tmp` and DuckDB may spill beside it, so the worker's
 * `/tmp` holds at least twice this.
 */
export const BILLING_UPLOAD_MAX_MB = 1024;

function worker(memoryMb: number, maxConcurrency: number, tmpStorageMb: number = LAMBDA_TMP_STORAGE_MB.min): WorkerSettings {
  const timeoutSeconds = LAMBDA_MAX_TIMEOUT_SECONDS;
  return {
    timeoutSeconds,
    memoryMb,
    maxConcurrency,
    visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_FACTOR * timeoutSeconds,
    retentionSeconds: 4 * DAY,
    dlqRetentionSeconds: SQS_MAX_RETENTION_SECONDS,
    maxReceiveCount: DLQ_MAX_RECEIVE_COUNT,
    batchSize: 1,
    tmpStorageMb,
  };
}

/**
 * The settings of one stage. `production` keeps its data and is protected;
 * every other stage (personal `sst dev` stages, `staging`, CI) is removed cleanly.
 *
 * @remarks
 * Worker memory is sized for the work, not for the job count: Lambda gives CPU
 * in proportion to memory (1,769 MB = one vCPU). pdf.js parsing a large PDF plus
 * the page texts and embedding batches held for a checkpoint want headroom, and
 * DuckDB aggregating a billing export of millions of rows wants both memory and a
 * core, so both workers get 2,048 MB (a little over one vCPU). The analysis
 * worker also gets `/tmp` for the downloaded export and DuckDB's spill files.
 *
 * @example
 * ```ts
 * const s = stageSettings($app.stage);
 * new sst.aws.Queue("IngestQueue", { visibilityTimeout: seconds(s.workers.ingest.visibilityTimeoutSeconds) });
 * ```
 */
export function stageSettings(stage: string): StageSettings {
  if (!/^[a-zA-Z][a-zA-Z0-9-]*$/.test(stage)) {
    throw new Error(`stage ${JSON.stringify(stage)} must start with a letter and hold only letters, digits and "-"`);
  }
  const isProduction = stage === PRODUCTION_STAGE;
  return {
    stage,
    isProduction,
    removal: isProduction ? "retain" : "remove",
    protect: isProduction,
    retainData: isProduction,
    tableDeletionProtection: isProduction,
    logRetention: isProduction ? "3 months" : "1 week",
    devTokens: !isProduction,
    api: { timeoutSeconds: API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS, memoryMb: 1024 },
    workers: {
      ingest: worker(2048, isProduction ? 10 : SQS_MIN_MAXIMUM_CONCURRENCY),
      analysis: worker(2048, isProduction ? 20 : SQS_MIN_MAXIMUM_CONCURRENCY, 4 * BILLING_UPLOAD_MAX_MB),
    },
    // Production keeps an upload as long as its ingest message can sit on the DLQ,
    // so a redriven ingest still finds its PDF.
    uploads: { expireAfterDays: isProduction ? SQS_MAX_RETENTION_SECONDS / DAY : 3, resultsExpireAfterDays: JOB_RETENTION_DAYS, corsMaxAgeSeconds: 3600 },
  };
}

/** A number of seconds in the duration syntax SST's args take (`"900 seconds"`). */
export const seconds = (n: number): `${number} seconds` => `${n} seconds`;

/** A number of days in the duration syntax SST's args take (`"7 days"`). */
export const days = (n: number): `${number} days` => `${n} days`;

/** A number of megabytes in the size syntax SST's args take (`"2048 MB"`). */
export const megabytes = (n: number): `${number} MB` => `${n} MB`;

/** Bedrock model ids, as configured for a stage. */
export interface ModelIds {
  /** Embedding model (1,024-dimensional vectors, matching the vector index). */
  embed: string;
  /** Chat model or inference profile for answers and analysis. */
  chat: string;
}

/** Titan Text Embeddings V2: 1,024 dimensions by default, on-demand in most regions. */
export const DEFAULT_EMBED_MODEL_ID = "amazon.titan-embed-text-v2:0";

/**
 * Claude Sonnet 4.5 through the US cross-region inference profile (the model is
 * not invocable on-demand by its bare id). Outside the US, set
 * `FERRY_CHAT_MODEL_ID` to the `eu.`/`apac.`/`global.` profile.
 */
export const DEFAULT_CHAT_MODEL_ID = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";

/**
 * The model ids for a deployment: `FERRY_EMBED_MODEL_ID` / `FERRY_CHAT_MODEL_ID`
 * from the environment (SST loads `.env` and `.env.<stage>`), else the defaults.
 */
export function modelIds(env: Readonly<Record<string, string | undefined>>): ModelIds {
  const pick = (name: string, fallback: string) => {
    const value = env[name]?.trim();
    return value ? value : fallback;
  };
  return {
    embed: pick("FERRY_EMBED_MODEL_ID", DEFAULT_EMBED_MODEL_ID),
    chat: pick("FERRY_CHAT_MODEL_ID", DEFAULT_CHAT_MODEL_ID),
  };
}

/** The vector index every chunk goes into. */
export const VECTOR_INDEX_NAME = "chunks";

/** Titan Text Embeddings V2's default output size; the index and the embedder must agree. */
export const VECTOR_DIMENSION = 1024;

/**
 * A vector bucket name for an app and stage. S3 Vectors has no auto-naming, and
 * names are unique per account and region: 3–63 characters of `a-z`, `0-9`
 * and `-`, starting and ending with a letter or digit. Long names are cut and
 * keep a short hash of the full name, so two long stages still differ.
 */
export function vectorBucketName(app: string, stage: string): string {
  const clean = (s: string) => s.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/-+/g, "-").replace(/^-|-$/g, "");
  const full = clean(`${app}-${stage}-vectors`);
  // Always ≥ 3 characters: "vectors" survives the cleaning.
  if (full.length <= 63) return full;
  const suffix = `-${fnv1a(full)}`;
  return `${full.slice(0, 63 - suffix.length).replace(/-+$/, "")}${suffix}`;
}

/** 32-bit FNV-1a as 7 base-36 digits: a stable, dependency-free name hash. */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36).padStart(7, "0");
}
