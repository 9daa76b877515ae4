import { Redis } from "ioredis";
import { ApiGatewayNotifier } from "@ferry/core/adapters/apigw-notifier";
import { BullmqJobQueue } from "@ferry/core/adapters/bullmq-job-queue";
import { RedisConnectionStore } from "@ferry/core/adapters/redis-connection-store";
import { RedisJobStore } from "@ferry/core/adapters/redis-job-store";
import { RedisRateLimiter } from "@ferry/core/adapters/redis-rate-limiter";
import type { FerryApi } from "@ferry/core/api";
import { AuthConfig, createTokenVerifier } from "@ferry/core/auth";
import { JobKindRegistry, canaryJob, type RunnerDeps } from "@ferry/core/jobs";
import { createFerry } from "@ferry/core/wiring";
import { createConsoleLogger, type JobQueue, type Logger } from "@ferry/core/ports";
import { z } from "zod";

/** Every job kind this deployment runs. */
export const jobKinds = () => new JobKindRegistry([canaryJob]);

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
});

/** The wired-up dependencies the handlers and workers share. */
export interface Runtime {
  api: FerryApi;
  runner: RunnerDeps;
  queue: JobQueue;
  logger: Logger;
  close(): Promise<void>;
}

/**
 * Builds the runtime from the environment (the composition root). Offline the
 * stack sets `FERRY_REDIS_URL` and `FERRY_CONNECTIONS_URL`; a missing or malformed
 * setting fails here, at the first invocation, with the variable's name.
 */
export function createRuntime(env: NodeJS.ProcessEnv = process.env): Runtime {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Ferry is misconfigured: ${parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`);
  }
  const e = parsed.data;
  const logger = createConsoleLogger("ferry", e.FERRY_LOG_LEVEL);
  const redis = new Redis(e.FERRY_REDIS_URL, { maxRetriesPerRequest: null });
  redis.on("error", (error) => logger.warn("redis connection error", { error: error.message }));
  const queue = new BullmqJobQueue(redis, { prefix: `${e.FERRY_KEY_PREFIX}bull` });
  const { api, runner } = createFerry(
    {
      store: new RedisJobStore(redis, { prefix: e.FERRY_KEY_PREFIX }),
      connections: new RedisConnectionStore(redis, { prefix: e.FERRY_KEY_PREFIX }),
      notifier: new ApiGatewayNotifier(e.FERRY_CONNECTIONS_URL),
      queue,
      rateLimiter: new RedisRateLimiter(redis, e.FERRY_KEY_PREFIX),
      verifier: createTokenVerifier(
        AuthConfig.parse({ devSecret: e.FERRY_DEV_SECRET, issuer: e.FERRY_JWT_ISSUER, jwksUrl: e.FERRY_JWKS_URL, audience: e.FERRY_JWT_AUDIENCE }),
      ),
      kinds: jobKinds(),
      logger,
    },
    { api: { submitsPerMinute: e.FERRY_SUBMITS_PER_MINUTE } },
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

let current: Runtime | undefined;

/** The process-wide runtime, built on first use so that importing a handler connects to nothing. */
export function runtime(): Runtime {
  current ??= createRuntime();
  return current;
}

/** Closes the process-wide runtime if one was ever built (never builds one just to close it). */
export async function closeRuntime(): Promise<void> {
  const closing = current;
  current = undefined;
  await closing?.close();
}
