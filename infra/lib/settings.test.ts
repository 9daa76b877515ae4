import { defaultApiOptions } from "../../packages/core/src/api/api";
import { defaultRunnerOptions } from "../../packages/core/src/jobs/runner";
import { describe, expect, it } from "vitest";
import {
  BILLING_UPLOAD_MAX_MB,
  LAMBDA_TMP_STORAGE_MB,
  API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS,
  DEFAULT_CHAT_MODEL_ID,
  DEFAULT_EMBED_MODEL_ID,
  LAMBDA_MAX_TIMEOUT_SECONDS,
  PRODUCTION_STAGE,
  SQS_MAX_RETENTION_SECONDS,
  SQS_MAX_VISIBILITY_TIMEOUT_SECONDS,
  SQS_MIN_MAXIMUM_CONCURRENCY,
  days,
  megabytes,
  modelIds,
  seconds,
  stageSettings,
  vectorBucketName,
} from "./settings";

const STAGES = [PRODUCTION_STAGE, "staging", "dev", "ci", "alice"];
const workersOf = (stage: string) => Object.entries(stageSettings(stage).workers);

describe("stageSettings: queues and workers", () => {
  it.each(STAGES)("%s: visibility timeout is at least 6 × the worker timeout and within SQS's 12 h", (stage) => {
    for (const [, w] of workersOf(stage)) {
      expect(w.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(6 * w.timeoutSeconds);
      expect(w.visibilityTimeoutSeconds).toBeLessThanOrEqual(SQS_MAX_VISIBILITY_TIMEOUT_SECONDS);
    }
  });

  it.each(STAGES)("%s: workers run for Lambda's full 900 s and never more", (stage) => {
    for (const [, w] of workersOf(stage)) {
      expect(w.timeoutSeconds).toBe(LAMBDA_MAX_TIMEOUT_SECONDS);
      expect(w.timeoutSeconds).toBeLessThanOrEqual(900);
    }
    expect(stageSettings(stage).workers.ingest.visibilityTimeoutSeconds).toBe(90 * 60);
  });

  it.each(STAGES)("%s: route handlers fit API Gateway's 29 s integration timeout", (stage) => {
    const { api } = stageSettings(stage);
    expect(api.timeoutSeconds).toBeLessThanOrEqual(API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS);
    expect(api.timeoutSeconds).toBeLessThanOrEqual(900);
  });

  it.each(STAGES)("%s: a message moves to the DLQ after 3 attempts plus the receive that records a crash, one job per invocation", (stage) => {
    for (const [, w] of workersOf(stage)) {
      expect(w.maxReceiveCount).toBe(4);
      expect(w.maxReceiveCount).toBe(defaultRunnerOptions.maxAttempts + 1);
      expect(w.batchSize).toBe(1);
    }
  });

  it.each(STAGES)("%s: the DLQ keeps messages longer than its source queue, within SQS's 14 days", (stage) => {
    for (const [, w] of workersOf(stage)) {
      expect(w.dlqRetentionSeconds).toBeGreaterThan(w.retentionSeconds);
      expect(w.dlqRetentionSeconds).toBeLessThanOrEqual(SQS_MAX_RETENTION_SECONDS);
      expect(w.retentionSeconds).toBeGreaterThanOrEqual(60);
    }
  });

  it.each(STAGES)("%s: concurrency is bounded and event source mappings accept it (≥ 2)", (stage) => {
    for (const [, w] of workersOf(stage)) {
      expect(Number.isInteger(w.maxConcurrency)).toBe(true);
      expect(w.maxConcurrency).toBeGreaterThanOrEqual(SQS_MIN_MAXIMUM_CONCURRENCY);
      expect(w.maxConcurrency).toBeLessThanOrEqual(1000);
    }
  });

  it("every worker has at least one vCPU's worth of memory (pdf.js, DuckDB), within Lambda's 128 MB–10 GB", () => {
    for (const stage of STAGES) {
      for (const [, w] of workersOf(stage)) {
        expect(w.memoryMb).toBeGreaterThanOrEqual(1769);
        expect(w.memoryMb).toBeLessThanOrEqual(10_240);
      }
    }
  });

  it("the analysis worker's /tmp holds a downloaded billing export of the largest size twice over; all within Lambda's range", () => {
    for (const stage of STAGES) {
      const { analysis } = stageSettings(stage).workers;
      expect(analysis.tmpStorageMb).toBeGreaterThanOrEqual(2 * BILLING_UPLOAD_MAX_MB);
      for (const [, w] of workersOf(stage)) {
        expect(w.tmpStorageMb).toBeGreaterThanOrEqual(LAMBDA_TMP_STORAGE_MB.min);
        expect(w.tmpStorageMb).toBeLessThanOrEqual(LAMBDA_TMP_STORAGE_MB.max);
      }
    }
  });
});

describe("stageSettings: retention and protection", () => {
  it("production retains its data, is protected and refuses dev tokens", () => {
    const s = stageSettings(PRODUCTION_STAGE);
    expect(s).toMatchObject({
      isProduction: true,
      removal: "retain",
      protect: true,
      retainData: true,
      tableDeletionProtection: true,
      devTokens: false,
    });
  });

  it.each(["staging", "dev", "ci", "alice", "Production", "prod"])("%s is removed cleanly and accepts dev tokens", (stage) => {
    expect(stageSettings(stage)).toMatchObject({
      isProduction: false,
      removal: "remove",
      protect: false,
      retainData: false,
      tableDeletionProtection: false,
      devTokens: true,
    });
  });

  it("production keeps logs and uploads longer; an upload outlives its ingest message on the DLQ", () => {
    const prod = stageSettings(PRODUCTION_STAGE);
    const dev = stageSettings("dev");
    expect(prod.logRetention).toBe("3 months");
    expect(dev.logRetention).toBe("1 week");
    expect(prod.uploads.expireAfterDays * 86_400).toBeGreaterThanOrEqual(prod.workers.ingest.dlqRetentionSeconds);
    expect(dev.uploads.expireAfterDays).toBeGreaterThanOrEqual(1);
    // A large result's object lives as long as the job record that links it.
    for (const st of [prod, dev]) expect(st.uploads.resultsExpireAfterDays * 86_400).toBe(defaultApiOptions.jobTtlSeconds);
  });

  it("rejects stage names SST and AWS resource names cannot carry", () => {
    expect(() => stageSettings("")).toThrow(/stage/);
    expect(() => stageSettings("my stage")).toThrow(/stage/);
    expect(() => stageSettings("1st")).toThrow(/stage/);
  });
});

describe("SST argument syntax", () => {
  it("formats durations and sizes the way SST parses them", () => {
    expect(seconds(900)).toBe("900 seconds");
    expect(days(14)).toBe("14 days");
    expect(megabytes(2048)).toBe("2048 MB");
  });
});

describe("modelIds", () => {
  it("defaults to Titan Text Embeddings V2 and a Claude Sonnet inference profile", () => {
    expect(modelIds({})).toEqual({ embed: DEFAULT_EMBED_MODEL_ID, chat: DEFAULT_CHAT_MODEL_ID });
    expect(DEFAULT_EMBED_MODEL_ID).toBe("amazon.titan-embed-text-v2:0");
    expect(DEFAULT_CHAT_MODEL_ID).toMatch(/^(us|eu|apac|global)\.anthropic\.claude-sonnet/);
  });

  it("takes FERRY_EMBED_MODEL_ID / FERRY_CHAT_MODEL_ID from the environment, ignoring blanks", () => {
    expect(modelIds({ FERRY_CHAT_MODEL_ID: "eu.anthropic.claude-sonnet-4-5-20250929-v1:0", FERRY_EMBED_MODEL_ID: "  " })).toEqual({
      embed: DEFAULT_EMBED_MODEL_ID,
      chat: "eu.anthropic.claude-sonnet-4-5-20250929-v1:0",
    });
  });
});

describe("vectorBucketName", () => {
  const valid = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

  it("derives a lowercase name from app and stage", () => {
    expect(vectorBucketName("ferry", "production")).toBe("ferry-production-vectors");
    expect(vectorBucketName("Ferry", "Alice_Dev")).toBe("ferry-alice-dev-vectors");
  });

  it("keeps long names within 63 characters and still tells long stages apart", () => {
    const a = vectorBucketName("ferry", `feature-${"x".repeat(80)}-a`);
    const b = vectorBucketName("ferry", `feature-${"x".repeat(80)}-b`);
    for (const name of [a, b]) {
      expect(name).toMatch(valid);
      expect(name.length).toBeLessThanOrEqual(63);
    }
    expect(a).not.toBe(b);
  });

  it.each(STAGES)("%s: the name is a valid vector bucket name", (stage) => {
    expect(vectorBucketName("ferry", stage)).toMatch(valid);
  });
});
