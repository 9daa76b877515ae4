import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll } from "vitest";
import { runConnectionStoreContract } from "../testing/connection-store-contract";
import { runJobStoreContract } from "../testing/job-store-contract";
import { startRedisServer, type RedisServer } from "../testing/redis-server";
import { RedisConnectionStore } from "./redis-connection-store";
import { RedisJobStore } from "./redis-job-store";
import { RedisRateLimiter } from "./redis-rate-limiter";
import { runRateLimiterContract } from "../testing/rate-limiter-contract";
import { runDocumentCatalogContract } from "../testing/document-catalog-contract";
import { RedisDocumentCatalog } from "./redis-document-catalog";

let server: RedisServer;
let redis: Redis;
beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url);
});
afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
});

runJobStoreContract("redis", () => new RedisJobStore(redis, { prefix: `t${randomUUID()}:` }));
runConnectionStoreContract("redis", () => new RedisConnectionStore(redis, { prefix: `t${randomUUID()}:` }));
runRateLimiterContract("redis", () => new RedisRateLimiter(redis, `t${randomUUID()}:`));
runDocumentCatalogContract("redis", () => new RedisDocumentCatalog(redis, { prefix: `t${randomUUID()}:` }));
