import { appendFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  CreateIndexCommand,
  CreateVectorBucketCommand,
  DeleteIndexCommand,
  DeleteVectorsCommand,
  GetIndexCommand,
  GetVectorsCommand,
  ListIndexesCommand,
  ListVectorBucketsCommand,
  PutVectorsCommand,
  QueryVectorsCommand,
} from "@aws-sdk/client-s3vectors";
import { afterEach, describe, expect, it } from "vitest";
import { Catalog } from "./catalog";
import { DataDirectory, SNAPSHOT_CHUNK } from "./persistence";
import { Harness, putAll, randomVectors, silentLogger } from "./test-support";

/**
 * State in a data directory survives a restart: the write-ahead log is
 * replayed, compaction keeps it bounded, and a torn write at the end of the log
 * costs only that write.
 */

const harness = new Harness();
afterEach(() => harness.dispose());

const at = { vectorBucketName: "docs", indexName: "chunks" };

async function seed(dir: string) {
  const emulator = await harness.start({ dir });
  const client = harness.client(emulator);
  await client.send(new CreateVectorBucketCommand({ vectorBucketName: "docs" }));
  await client.send(
    new CreateIndexCommand({ ...at, dataType: "float32", dimension: 8, distanceMetric: "cosine", metadataConfiguration: { nonFilterableMetadataKeys: ["text"] } }),
  );
  const data = randomVectors(120, 8, 5);
  await putAll(
    { emulator, client, bucket: "docs", index: "chunks", indexArn: "", at },
    data.map((d, i) => ({ key: `k${i}`, data: { float32: d }, metadata: { i, text: `chunk ${i}`, even: i % 2 === 0 } })),
  );
  return { emulator, client, data };
}

const probe = (float32: number[]) =>
  new QueryVectorsCommand({ ...at, topK: 10, queryVector: { float32 }, filter: { even: true }, returnDistance: true, returnMetadata: true });

describe("restart on the same directory", () => {
  it("answers queries exactly as before the restart", async () => {
    const dir = harness.tempDir();
    const { emulator, client, data } = await seed(dir);
    await client.send(new PutVectorsCommand({ ...at, vectors: [{ key: "k4", data: { float32: data[7]! }, metadata: { i: 700, even: true } }] }));
    await client.send(new DeleteVectorsCommand({ ...at, keys: ["k0", "k2", "k10"] }));
    const before = await client.send(probe(data[3]!));
    const indexBefore = await client.send(new GetIndexCommand(at));
    await emulator.stop();

    const restarted = await harness.start({ dir });
    const again = harness.client(restarted);
    const after = await again.send(probe(data[3]!));
    expect(after.vectors).toEqual(before.vectors);
    expect((await again.send(new GetIndexCommand(at))).index).toEqual(indexBefore.index);
    const got = await again.send(new GetVectorsCommand({ ...at, keys: ["k0", "k4", "k5"], returnData: true, returnMetadata: true }));
    expect(got.vectors).toEqual([
      { key: "k4", data: { float32: data[7] }, metadata: { i: 700, even: true } },
      { key: "k5", data: { float32: data[5] }, metadata: { i: 5, text: "chunk 5", even: false } },
    ]);
  });

  it("remembers deleted indexes and buckets", async () => {
    const dir = harness.tempDir();
    const { emulator, client } = await seed(dir);
    await client.send(new CreateVectorBucketCommand({ vectorBucketName: "scratch" }));
    await client.send(new DeleteIndexCommand(at));
    await client.send(new CreateIndexCommand({ ...at, dataType: "float32", dimension: 3, distanceMetric: "euclidean" }));
    await emulator.stop();

    const client2 = harness.client(await harness.start({ dir }));
    expect((await client2.send(new ListVectorBucketsCommand({}))).vectorBuckets!.map((b) => b.vectorBucketName)).toEqual(["docs", "scratch"]);
    expect((await client2.send(new GetIndexCommand(at))).index).toMatchObject({ dimension: 3, distanceMetric: "euclidean" });
    expect((await client2.send(new ListIndexesCommand({ vectorBucketName: "docs" }))).indexes).toHaveLength(1);
    const { vectors } = await client2.send(new QueryVectorsCommand({ ...at, topK: 5, queryVector: { float32: [1, 2, 3] } }));
    expect(vectors).toEqual([]);
  });

  it("drops a torn write at the end of the log and keeps everything before it", async () => {
    const dir = harness.tempDir();
    const { emulator, client, data } = await seed(dir);
    const before = await client.send(probe(data[9]!));
    await emulator.stop();
    const log = readdirSync(dir).find((f) => f.startsWith("wal-"))!;
    const intact = statSync(join(dir, log)).size;
    // A frame header that promises more bytes than follow, as a crash mid-append leaves it.
    appendFileSync(join(dir, log), Buffer.from([0xff, 0x00, 0x00, 0x00, 0x12, 0x34, 0x56, 0x78, 0x01, 0x02]));

    const warnings: string[] = [];
    const restarted = await harness.start({ dir, logger: { ...silentLogger, warn: (m: string) => warnings.push(m) } });
    expect(warnings.join()).toMatch(/dropping 10 bytes of an incomplete write/);
    expect(statSync(join(dir, log)).size).toBe(intact);
    expect((await harness.client(restarted).send(probe(data[9]!))).vectors).toEqual(before.vectors);
  });

  it("starts empty on a new directory and stores nothing without one", async () => {
    const dir = join(harness.tempDir(), "nested", "data");
    const client = harness.client(await harness.start({ dir }));
    expect((await client.send(new ListVectorBucketsCommand({}))).vectorBuckets).toEqual([]);
    expect(readdirSync(dir)).toEqual(["wal-0.bin"]);
  });
});

describe("DataDirectory", () => {
  /** A catalog with one index of `count` vectors, built through the same mutations the emulator logs. */
  function build(directory: DataDirectory, count: number) {
    const catalog = new Catalog("us-east-1", "000000000000");
    directory.load((m) => catalog.apply(m));
    const commit = (m: Parameters<Catalog["apply"]>[0]) => {
      directory.append(m);
      catalog.apply(m);
    };
    commit({ op: "createBucket", bucket: "docs", creationTime: 1, encryption: { sseType: "AES256" } });
    commit({ op: "createIndex", bucket: "docs", index: "chunks", creationTime: 2, dimension: 4, metric: "euclidean" });
    for (let i = 0; i < count; i++) {
      commit({ op: "putVectors", bucket: "docs", index: "chunks", keys: [`k${i}`], metadata: [Object.assign(Object.create(null), { i })], data: new Float32Array([i, 0, 0, 0]) });
    }
    return { catalog, commit };
  }

  it("compacts into a snapshot of the next generation once the log outgrows it", async () => {
    const dir = harness.tempDir();
    const directory = new DataDirectory(dir, { compactAfterBytes: 4096, logger: silentLogger });
    const { catalog, commit } = build(directory, 100);
    expect(directory.compactionDue).toBe(true);
    directory.compact(catalog.snapshot(SNAPSHOT_CHUNK));
    expect(directory.compactionDue).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(["snapshot-1.bin", "wal-1.bin"]);
    commit({ op: "deleteVectors", bucket: "docs", index: "chunks", keys: ["k1", "k2"] });
    directory.close();

    const reloaded = new Catalog("us-east-1", "000000000000");
    const again = new DataDirectory(dir, { logger: silentLogger });
    again.load((m) => reloaded.apply(m));
    const store = reloaded.index("docs", "chunks").store;
    expect(store.size).toBe(98);
    expect(store.has("k2")).toBe(false);
    expect(store.vectorOf("k42")).toEqual([42, 0, 0, 0]);
    expect(store.metadataOf("k42")).toEqual({ i: 42 });
    expect(again.stats).toMatchObject({ generation: 1 });
    again.close();
  });

  it("ignores a snapshot left half-written by a crash during compaction", async () => {
    const dir = harness.tempDir();
    const directory = new DataDirectory(dir, { logger: silentLogger });
    build(directory, 10);
    directory.close();
    writeFileSync(join(dir, "snapshot-1.bin.tmp"), Buffer.from("half a snapshot"));

    const reloaded = new Catalog("us-east-1", "000000000000");
    const again = new DataDirectory(dir, { logger: silentLogger });
    again.load((m) => reloaded.apply(m));
    expect(reloaded.index("docs", "chunks").store.size).toBe(10);
    expect(readdirSync(dir)).toEqual(["wal-0.bin"]);
    again.close();
  });

  it("compacts on its own while serving, and the result survives a restart", async () => {
    const dir = harness.tempDir();
    // 1,000 vectors of 1024 floats log ~4 MB per 500; the default threshold is 16 MiB, so write ~20 MB.
    const emulator = await harness.start({ dir });
    const client = harness.client(emulator);
    await client.send(new CreateVectorBucketCommand({ vectorBucketName: "docs" }));
    await client.send(new CreateIndexCommand({ ...at, dataType: "float32", dimension: 1024, distanceMetric: "cosine" }));
    const data = randomVectors(500, 1024, 3);
    for (let round = 0; round < 10; round++) {
      await client.send(new PutVectorsCommand({ ...at, vectors: data.map((d, i) => ({ key: `k${i}`, data: { float32: d }, metadata: { round } })) }));
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(readdirSync(dir).some((f) => /^snapshot-\d+\.bin$/.test(f))).toBe(true);
    await emulator.stop();

    const client2 = harness.client(await harness.start({ dir }));
    const got = await client2.send(new GetVectorsCommand({ ...at, keys: ["k0", "k499"], returnData: true, returnMetadata: true }));
    expect(got.vectors).toEqual([
      { key: "k0", data: { float32: data[0] }, metadata: { round: 9 } },
      { key: "k499", data: { float32: data[499] }, metadata: { round: 9 } },
    ]);
  });
});
