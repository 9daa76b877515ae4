import { randomUUID } from "node:crypto";
import { DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobNotFoundError, NonRetryableJobError, RetryableJobError, StaleAttemptError } from "../errors";
import type { NewJob } from "../jobs/job";
import { runConnectionStoreContract } from "../testing/connection-store-contract";
import { startDynalite, type Dynalite } from "../testing/dynalite";
import { runJobStoreContract } from "../testing/job-store-contract";
import { runDocumentCatalogContract } from "../testing/document-catalog-contract";
import { DynamoDocumentCatalog } from "./dynamo-document-catalog";
import { runConversationStoreContract } from "../testing/conversation-store-contract";
import { DynamoConversationStore } from "./dynamo-conversation-store";
import { runRateLimiterContract } from "../testing/rate-limiter-contract";
import { DynamoConnectionStore } from "./dynamo-connection-store";
import { CUT_MARK, itemSize } from "./dynamo-job-item";
import { DynamoJobStore } from "./dynamo-job-store";
import { DynamoRateLimiter } from "./dynamo-rate-limiter";
import { CONNECTIONS_TABLE, eventSortKey, JOBS_TABLE, JobsKeys, timeToLiveInput } from "./dynamo-tables";

let dynamo: Dynalite;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo?.stop();
});

runJobStoreContract("dynamo", async () => new DynamoJobStore({ client: dynamo.client, tableName: (await dynamo.createTables()).jobs }));
runConnectionStoreContract("dynamo", async () => new DynamoConnectionStore({ client: dynamo.client, tableName: (await dynamo.createTables()).connections }));
runRateLimiterContract("dynamo", async () => new DynamoRateLimiter({ client: dynamo.client, tableName: (await dynamo.createTables()).jobs }));
runDocumentCatalogContract("dynamo", async () => new DynamoDocumentCatalog({ client: dynamo.client, tableName: (await dynamo.createTables()).jobs }));

const doc = () => DynamoDBDocumentClient.from(dynamo.client);
const newJob = (over: Partial<NewJob> = {}): NewJob => ({
  jobId: randomUUID(),
  owner: `owner-${randomUUID()}`,
  kind: "canary",
  input: { steps: 1 },
  now: Date.now(),
  ttlSeconds: 3600,
  ...over,
});
const progress = (jobId: string, n: number) =>
  ({ type: "progress_update", jobId, status: "processing", stage: "work", message: `at ${n}`, progress: n }) as const;

async function rawItems(table: string, pk: string) {
  const { Items = [] } = await doc().send(
    new QueryCommand({ TableName: table, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": pk }, ConsistentRead: true }),
  );
  return Items;
}

describe("DynamoJobStore on DynamoDB semantics", () => {
  let table: string;
  let store: DynamoJobStore;
  beforeAll(async () => {
    table = (await dynamo.createTables()).jobs;
    store = new DynamoJobStore({ client: dynamo.client, tableName: table });
  });

  it("keeps seqs distinct and the log complete when several processes append to one job", async () => {
    const stores = Array.from({ length: 5 }, () => new DynamoJobStore({ client: dynamo.client, tableName: table }));
    const { jobId } = (await store.create(newJob())).job;
    const events = await Promise.all(stores.flatMap((s) => Array.from({ length: 8 }, (_, i) => s.append(jobId, progress(jobId, i)))));
    const all = Array.from({ length: 40 }, (_, i) => i + 1);
    expect(events.map((e) => e.seq).sort((a, b) => a - b)).toEqual(all);
    expect((await store.events(jobId, 0)).map((e) => e.seq)).toEqual(all);
    expect((await store.get(jobId))?.lastSeq).toBe(40);
  });

  it("recovers a committed event whose log write was lost, from the record", async () => {
    const { jobId } = (await store.create(newJob())).job;
    const lose = (seq: number) => doc().send(new DeleteCommand({ TableName: table, Key: JobsKeys.event(jobId, seq) }));
    const sortKeys = async () => (await rawItems(table, JobsKeys.job(jobId).pk)).map((i) => i.sk);
    await store.append(jobId, progress(jobId, 10));
    const second = await store.append(jobId, { type: "job_output", jobId, delta: "kept" });
    // As if the writer died between the conditional update and the log write.
    await lose(2);

    // The next append writes the pending event before committing its own…
    expect((await store.append(jobId, progress(jobId, 20))).seq).toBe(3);
    expect(await sortKeys()).toEqual([eventSortKey(1), eventSortKey(2), eventSortKey(3), "job"]);
    expect((await store.events(jobId, 1))[0]).toEqual(second);

    // …and a reader serves it from the record meanwhile, and writes it too.
    const fourth = await store.append(jobId, progress(jobId, 30));
    await lose(4);
    expect(await store.events(jobId, 3)).toEqual([fourth]);
    expect(await sortKeys()).toContain(eventSortKey(4));
  });

  it("drops the head of an output that would outgrow the item limit, keeping the log whole", async () => {
    const { jobId } = (await store.create(newJob())).job;
    const deltas = Array.from({ length: 5 }, (_, i) => `${i}`.repeat(40_000) + "é🙂".repeat(10_000));
    for (const delta of deltas) await store.append(jobId, { type: "job_output", jobId, delta });

    const job = await store.get(jobId);
    const full = deltas.join("");
    expect(job!.output.startsWith(CUT_MARK)).toBe(true);
    expect(full.endsWith(job!.output.slice(CUT_MARK.length))).toBe(true);
    expect(job!.output).not.toContain("\uFFFD");
    const [item] = (await rawItems(table, JobsKeys.job(jobId).pk)).filter((i) => i.sk === "job");
    expect(itemSize(item!)).toBeLessThanOrEqual(350 * 1024);
    expect((await store.events(jobId, 0)).map((e) => (e.type === "job_output" ? e.delta : "")).join("")).toBe(full);
  });

  it("refuses, with a typed error and no change, an event that cannot fit even without output", async () => {
    const { jobId } = (await store.create(newJob())).job;
    await store.beginAttempt(jobId, { resume: false, now: Date.now() });
    const huge = { type: "job_completed", jobId, result: "x".repeat(300 * 1024) } as const;
    await expect(store.append(jobId, huge, { expect: ["processing"] })).rejects.toBeInstanceOf(NonRetryableJobError);
    expect(await store.get(jobId)).toMatchObject({ status: "processing", lastSeq: 0 });
  });

  it("stamps every item with an epoch-seconds expiresAt", async () => {
    const before = Math.floor(Date.now() / 1000);
    const job = newJob({ idempotencyKey: "ttl-check" });
    await store.create(job);
    await store.append(job.jobId, progress(job.jobId, 5));
    const items = [
      ...(await rawItems(table, JobsKeys.job(job.jobId).pk)),
      ...(await rawItems(table, JobsKeys.idempotency(job.owner, "ttl-check").pk)),
    ];
    expect(items.map((i) => i.sk).sort()).toEqual([eventSortKey(1), "idem", "job"]);
    for (const item of items) {
      expect(Number.isInteger(item.expiresAt)).toBe(true);
      expect(item.expiresAt).toBeGreaterThanOrEqual(before + 3600);
      expect(item.expiresAt).toBeLessThan(before + 9 * 24 * 3600);
    }
  });

  it("pages past expired jobs with exact page sizes and rejects forged cursors", async () => {
    let clock = Date.now();
    const timed = new DynamoJobStore({ client: dynamo.client, tableName: table, now: () => clock });
    const owner = `pager-${randomUUID()}`;
    const live: string[] = [];
    for (let i = 0; i < 12; i++) {
      const job = newJob({ owner, now: clock + i, ttlSeconds: i % 3 === 0 ? 5 : 3600 });
      await timed.create(job);
      if (i % 3 !== 0) live.push(job.jobId);
    }
    clock += 10_000;
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await timed.listByOwner(owner, { limit: 3, cursor });
      pages.push(page.jobs.map((j) => j.jobId));
      cursor = page.cursor;
    } while (cursor);
    expect(pages.map((p) => p.length)).toEqual([3, 3, 2]);
    expect(pages.flat()).toEqual([...live].reverse());
    await expect(timed.listByOwner(owner, { limit: 3, cursor: "bm90LWEtY3Vyc29y" })).rejects.toMatchObject({ code: "bad_request" });
  });

  it("keeps owners and keys containing '#' apart, and one job per key under a race", async () => {
    const a = await store.create(newJob({ owner: "a#b", idempotencyKey: "c" }));
    const b = await store.create(newJob({ owner: "a", idempotencyKey: "b#c" }));
    expect(b.created).toBe(true);
    expect(b.job.jobId).not.toBe(a.job.jobId);

    const owner = `racer-${randomUUID()}`;
    const others = Array.from({ length: 4 }, () => new DynamoJobStore({ client: dynamo.client, tableName: table }));
    const results = await Promise.all(others.map((s) => s.create(newJob({ owner, idempotencyKey: "same" }))));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.job.jobId)).size).toBe(1);
    expect((await store.listByOwner(owner, { limit: 10 })).jobs.map((j) => j.jobId)).toEqual([results[0]!.job.jobId]);
  });

  it("translates DynamoDB failures into Ferry errors", async () => {
    const missing = new DynamoJobStore({ client: dynamo.client, tableName: "no-such-table" });
    const error = await missing.get("x").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableJobError);
    expect((error as Error).cause).toMatchObject({ name: "ResourceNotFoundException" });
    const { jobId } = (await store.create(newJob())).job;
    await store.beginAttempt(jobId, { resume: false, now: Date.now() });
    await store.beginAttempt(jobId, { resume: false, now: Date.now() });
    await expect(store.append(jobId, progress(jobId, 1), { attempt: 1 })).rejects.toBeInstanceOf(StaleAttemptError);
    await expect(store.saveCheckpoint("nope", 1, {})).rejects.toBeInstanceOf(JobNotFoundError);
    expect(await store.beginAttempt(jobId, { resume: true, now: Date.now() })).toMatchObject({ attempts: 2 });
  });
});

describe("Dynamo tables", () => {
  it("have the key schema the infra declares, as DynamoDB reports it", async () => {
    const jobs = await dynamo.client.send(new DescribeTableCommand({ TableName: dynamo.tables.jobs }));
    expect(jobs.Table?.KeySchema).toEqual([
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ]);
    expect(jobs.Table?.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.KeySchema, i.Projection])).toEqual([
      ["byOwner", [{ AttributeName: "owner", KeyType: "HASH" }, { AttributeName: "createdAt", KeyType: "RANGE" }], { ProjectionType: "ALL" }],
    ]);
    const connections = await dynamo.client.send(new DescribeTableCommand({ TableName: dynamo.tables.connections }));
    expect(connections.Table?.KeySchema).toEqual([{ AttributeName: "connectionId", KeyType: "HASH" }]);
    expect(connections.Table?.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.KeySchema])).toEqual([
      ["byUser", [{ AttributeName: "userId", KeyType: "HASH" }, { AttributeName: "connectedAt", KeyType: "RANGE" }]],
    ]);
    expect([JOBS_TABLE.ttl, CONNECTIONS_TABLE.ttl]).toEqual(["expiresAt", "expiresAt"]);
    expect(timeToLiveInput(JOBS_TABLE, "Jobs")).toEqual({ TableName: "Jobs", TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true } });
  });
});

describe("DynamoRateLimiter under concurrency", () => {
  it("allows exactly `limit` of many simultaneous requests", async () => {
    const tableName = (await dynamo.createTables()).jobs;
    const limiters = Array.from({ length: 4 }, () => new DynamoRateLimiter({ client: dynamo.client, tableName }));
    const key = randomUUID();
    const decisions = await Promise.all(Array.from({ length: 20 }, (_, i) => limiters[i % 4]!.take(key, 5, 60)));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
    const [window] = await rawItems(tableName, JobsKeys.rateWindow(key, 60).pk);
    expect(window?.expiresAt).toBe(Math.ceil(window?.endsAt / 1000) + 60);
    expect(window?.expiresAt).toBeLessThan(Date.now() / 1000 + 200);
  });
});

runConversationStoreContract("dynamo", async () => {
  let now = Date.UTC(2030, 0, 1);
  const tableName = (await dynamo.createTables()).jobs;
  return {
    store: new DynamoConversationStore({ client: dynamo.client, tableName, now: () => now }),
    elapse: async (ms) => {
      now += ms;
    },
  };
});

describe("DynamoConversationStore items", () => {
  it("stamps the conversation with its expiry and keeps it out of the byOwner index", async () => {
    const table = (await dynamo.createTables()).jobs;
    const store = new DynamoConversationStore({ client: dynamo.client, tableName: table });
    const before = Date.now();
    await store.append("alice", "c1", { question: "q", answer: "a", citations: [], at: 1 }, { keep: 3, ttlSeconds: 600 });
    const [item] = await rawItems(table, JobsKeys.conversation("alice", "c1").pk);
    expect(item?.expiresAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) + 600);
    expect(item?.expiresAt).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 600);
    expect(item).not.toHaveProperty("owner");
    expect(item).not.toHaveProperty("createdAt");
  });

  it("drops the oldest turns rather than fail when the kept turns would outgrow an item", async () => {
    const store = new DynamoConversationStore({ client: dynamo.client, tableName: (await dynamo.createTables()).jobs });
    const turns = Array.from({ length: 30 }, (_, i) => ({ question: `q${i}`, answer: String(i % 10).repeat(20_000), citations: [], at: i }));
    for (const turn of turns) await store.append("alice", "long", turn, { keep: 30, ttlSeconds: 600 });
    const kept = await store.get("alice", "long");
    expect(kept.length).toBeGreaterThan(10);
    expect(kept.length).toBeLessThan(30);
    expect(kept).toEqual(turns.slice(-kept.length));
  });
});
