import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runConnectionStoreContract } from "../testing/connection-store-contract";
import { runJobStoreContract } from "../testing/job-store-contract";
import { startRedisServer, type RedisServer } from "../testing/redis-server";
import { RedisConnectionStore } from "./redis-connection-store";
import { RedisJobStore } from "./redis-job-store";
import { RedisRateLimiter } from "./redis-rate-limiter";
import { runRateLimiterContract } from "../testing/rate-limiter-contract";
import { runDocumentCatalogContract } from "../testing/document-catalog-contract";
import { RedisDocumentCatalog } from "./redis-document-catalog";
import { runConversationStoreContract } from "../testing/conversation-store-contract";
import { RedisConversationStore } from "./redis-conversation-store";

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
runConversationStoreContract("redis", () => ({
  store: new RedisConversationStore(redis, { prefix: `t${randomUUID()}:` }),
  elapse: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}));

describe("RedisConversationStore keys", () => {
  it("holds a conversation in one key that Redis expires with the TTL", async () => {
    const prefix = `t${randomUUID()}:`;
    const store = new RedisConversationStore(redis, { prefix });
    const turn = { question: "q", answer: "a", citations: [], at: 1 };
    for (let i = 0; i < 4; i++) await store.append("alice", "c1", turn, { keep: 2, ttlSeconds: 60 });
    const keys = await redis.keys(`${prefix}*`);
    expect(keys).toHaveLength(1);
    expect(await redis.llen(keys[0]!)).toBe(2);
    const ttl = await redis.pttl(keys[0]!);
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });
});
