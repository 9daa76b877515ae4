import {
  DeleteVectorsCommand,
  GetVectorsCommand,
  ListVectorsCommand,
  NotFoundException,
  PutVectorsCommand,
  ValidationException,
  type ListVectorsCommandInput,
  type PutInputVector,
} from "@aws-sdk/client-s3vectors";
import { afterEach, describe, expect, it } from "vitest";
import { Harness, indexFixture, putAll, randomVectors, rejection, type IndexFixture } from "./test-support";

/**
 * Put/Get/List/DeleteVectors through the real SDK client: overwrite semantics,
 * float32 storage, every per-call and per-vector limit, and paging/segments.
 */

const harness = new Harness();
afterEach(() => harness.dispose());

const vector = (key: string, float32: number[], metadata?: Record<string, unknown>): PutInputVector => ({
  key,
  data: { float32 },
  ...(metadata && { metadata: metadata as PutInputVector["metadata"] }),
});

async function keysOf(fixture: IndexFixture, input: Partial<ListVectorsCommandInput> = {}): Promise<string[]> {
  const keys: string[] = [];
  let nextToken = input.nextToken;
  do {
    const page = await fixture.client.send(new ListVectorsCommand({ ...fixture.at, ...input, nextToken }));
    keys.push(...page.vectors!.map((v) => v.key!));
    nextToken = page.nextToken;
  } while (nextToken);
  return keys;
}

describe("PutVectors and GetVectors", () => {
  it("stores float32 data and metadata, returning each only when asked", async () => {
    const fixture = await indexFixture(harness, { dimension: 3 });
    const metadata = { doc: "report.pdf", page: 3, tags: ["q3", "finance"], draft: false };
    await fixture.client.send(new PutVectorsCommand({ ...fixture.at, vectors: [vector("a", [0.1, 0.2, 0.3], metadata), vector("b", [1, 2, 3])] }));

    const bare = await fixture.client.send(new GetVectorsCommand({ ...fixture.at, keys: ["a", "b"] }));
    expect(bare.vectors).toEqual([{ key: "a" }, { key: "b" }]);

    const full = await fixture.client.send(new GetVectorsCommand({ ...fixture.at, keys: ["a", "missing", "b", "a"], returnData: true, returnMetadata: true }));
    expect(full.vectors).toEqual([
      { key: "a", data: { float32: [0.1, 0.2, 0.3].map(Math.fround) }, metadata },
      { key: "b", data: { float32: [1, 2, 3] }, metadata: {} },
    ]);
  });

  it("addresses the index by ARN", async () => {
    const fixture = await indexFixture(harness, { dimension: 2 });
    await fixture.client.send(new PutVectorsCommand({ indexArn: fixture.indexArn, vectors: [vector("a", [1, 0])] }));
    const got = await fixture.client.send(new GetVectorsCommand({ indexArn: fixture.indexArn, keys: ["a"], returnData: true }));
    expect(got.vectors?.[0]?.data?.float32).toEqual([1, 0]);
  });

  it("overwrites a key completely: new data, metadata replaced rather than merged, no duplicate", async () => {
    const fixture = await indexFixture(harness, { dimension: 2 });
    await fixture.client.send(new PutVectorsCommand({ ...fixture.at, vectors: [vector("a", [1, 0], { old: "x", keep: 1 }), vector("b", [0, 1])] }));
    await fixture.client.send(new PutVectorsCommand({ ...fixture.at, vectors: [vector("a", [0.5, 0.5], { fresh: true })] }));
    const got = await fixture.client.send(new GetVectorsCommand({ ...fixture.at, keys: ["a"], returnData: true, returnMetadata: true }));
    expect(got.vectors).toEqual([{ key: "a", data: { float32: [0.5, 0.5] }, metadata: { fresh: true } }]);
    expect(await keysOf(fixture)).toEqual(["a", "b"]);
  });

  it("keeps the last of two vectors with the same key in one batch", async () => {
    const fixture = await indexFixture(harness, { dimension: 2 });
    await fixture.client.send(new PutVectorsCommand({ ...fixture.at, vectors: [vector("a", [1, 0]), vector("a", [0, 1])] }));
    const got = await fixture.client.send(new GetVectorsCommand({ ...fixture.at, keys: ["a"], returnData: true }));
    expect(got.vectors?.[0]?.data?.float32).toEqual([0, 1]);
    expect(await keysOf(fixture)).toEqual(["a"]);
  });

  it("fails with NotFoundException for a missing index", async () => {
    const fixture = await indexFixture(harness, { dimension: 2 });
    const error = await rejection(fixture.client.send(new PutVectorsCommand({ ...fixture.at, indexName: "nope", vectors: [vector("a", [1, 0])] })));
    expect(error).toBeInstanceOf(NotFoundException);
    expect(error.message).toMatch(/Index "nope" does not exist/);
  });
});

describe("limits on PutVectors, GetVectors and DeleteVectors", () => {
  const cases: Array<[string, (f: IndexFixture) => Promise<unknown>, RegExp]> = [
    [
      "501 vectors in one PutVectors",
      (f) => f.client.send(new PutVectorsCommand({ ...f.at, vectors: Array.from({ length: 501 }, (_, i) => vector(`k${i}`, [1, 0, 0, 0])) })),
      /vectors: must hold 1 to 500 vectors per PutVectors call, got a list of 501/,
    ],
    ["an empty PutVectors", (f) => f.client.send(new PutVectorsCommand({ ...f.at, vectors: [] })), /vectors: must hold 1 to 500 vectors per PutVectors call, got a list of 0/],
    [
      "101 keys in one GetVectors",
      (f) => f.client.send(new GetVectorsCommand({ ...f.at, keys: Array.from({ length: 101 }, (_, i) => `k${i}`) })),
      /keys: must hold 1 to 100 keys per GetVectors call, got a list of 101/,
    ],
    [
      "501 keys in one DeleteVectors",
      (f) => f.client.send(new DeleteVectorsCommand({ ...f.at, keys: Array.from({ length: 501 }, (_, i) => `k${i}`) })),
      /keys: must hold 1 to 500 keys per DeleteVectors call, got a list of 501/,
    ],
    ["an empty DeleteVectors", (f) => f.client.send(new DeleteVectorsCommand({ ...f.at, keys: [] })), /keys: must hold 1 to 500 keys per DeleteVectors call/],
    ["a 1025-character key", (f) => f.client.send(new PutVectorsCommand({ ...f.at, vectors: [vector("k".repeat(1025), [1, 0, 0, 0])] })), /vectors\[0\]\.key: must be 1 to 1024 characters long/],
    ["an empty key", (f) => f.client.send(new PutVectorsCommand({ ...f.at, vectors: [vector("", [1, 0, 0, 0])] })), /vectors\[0\]\.key: must be 1 to 1024 characters long/],
    [
      "a vector shorter than the index dimension",
      (f) => f.client.send(new PutVectorsCommand({ ...f.at, vectors: [vector("a", [1, 0, 0, 0]), vector("b", [1, 0, 0])] })),
      /vectors\[1\]\.data\.float32 has 3 dimensions, but the index dimension is 4/,
    ],
    ["a vector longer than the index dimension", (f) => f.client.send(new PutVectorsCommand({ ...f.at, vectors: [vector("a", [1, 0, 0, 0, 0])] })), /has 5 dimensions, but the index dimension is 4/],
    ["NaN", (f) => f.client.send(new PutVectorsCommand({ ...f.at, vectors: [vector("a", [1, Number.NaN, 0, 0])] })), /vectors\[0\]\.data\.float32\[1\] is NaN; NaN and Infinity are not valid/],
    ["Infinity", (f) => f.client.send(new PutVectorsCommand({ ...f.at, vectors: [vector("a", [Infinity, 0, 0, 0])] })), /float32\[0\] is Infinity/],
    ["-Infinity", (f) => f.client.send(new PutVectorsCommand({ ...f.at, vectors: [vector("a", [0, 0, 0, -Infinity])] })), /float32\[3\] is -Infinity/],
    ["a value beyond float32 range", (f) => f.client.send(new PutVectorsCommand({ ...f.at, vectors: [vector("a", [1e39, 0, 0, 0])] })), /1e\+39 is outside the float32 range/],
    ["an all-zero vector under cosine", (f) => f.client.send(new PutVectorsCommand({ ...f.at, vectors: [vector("a", [0, 0, 0, 0])] })), /is all zeros.*cosine distance metric does not accept zero vectors/],
    ["data without float32", (f) => f.client.send(new PutVectorsCommand({ ...f.at, vectors: [{ key: "a", data: { $unknown: ["float16", [1]] } as never }] })), /vectors\[0\]\.data\.float32/],
    [
      "51 metadata keys",
      (f) => f.client.send(new PutVectorsCommand({ ...f.at, vectors: [vector("a", [1, 0, 0, 0], Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])))] })),
      /vectors\[0\]\.metadata has 51 keys; at most 50 metadata keys are allowed per vector/,
    ],
    [
      "filterable metadata over 2 KB",
      (f) => f.client.send(new PutVectorsCommand({ ...f.at, vectors: [vector("a", [1, 0, 0, 0], { title: "t".repeat(2100) })] })),
      /has 21\d\d bytes of filterable metadata; the limit is 2048 bytes \(2 KB\)/,
    ],
    [
      "total metadata over 40 KB",
      (f) => f.client.send(new PutVectorsCommand({ ...f.at, vectors: [vector("a", [1, 0, 0, 0], { text: "t".repeat(41_000) })] })),
      /vectors\[0\]\.metadata is 410\d\d bytes; total metadata per vector is limited to 40960 bytes \(40 KB\)/,
    ],
    ["a nested object in metadata", (f) => f.client.send(new PutVectorsCommand({ ...f.at, vectors: [vector("a", [1, 0, 0, 0], { nested: { x: 1 } })] })), /vectors\[0\]\.metadata\.nested must be a string, number, boolean or a list of those/],
    ["null in metadata", (f) => f.client.send(new PutVectorsCommand({ ...f.at, vectors: [vector("a", [1, 0, 0, 0], { gone: null })] })), /metadata\.gone must be a string, number, boolean or a list/],
  ];

  it.each(cases)("rejects %s with ValidationException", async (_, call, message) => {
    const fixture = await indexFixture(harness, { dimension: 4, nonFilterable: ["text"] });
    const error = await rejection(call(fixture));
    expect(error).toBeInstanceOf(ValidationException);
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.message).toMatch(message);
    expect(error.fieldList?.length).toBeGreaterThan(0);
  });

  it("accepts exactly 500 vectors, 100 Get keys, 500 Delete keys and 50 metadata keys", async () => {
    const fixture = await indexFixture(harness, { dimension: 4 });
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i]));
    await fixture.client.send(new PutVectorsCommand({ ...fixture.at, vectors: Array.from({ length: 500 }, (_, i) => vector(`v${i}`, [1, i, 0, 0], fifty)) }));
    const got = await fixture.client.send(new GetVectorsCommand({ ...fixture.at, keys: Array.from({ length: 100 }, (_, i) => `v${i}`) }));
    expect(got.vectors).toHaveLength(100);
    await fixture.client.send(new DeleteVectorsCommand({ ...fixture.at, keys: Array.from({ length: 500 }, (_, i) => `v${i}`) }));
    expect(await keysOf(fixture)).toEqual([]);
  });

  it("takes up to 40 KB in non-filterable keys and an all-zero vector under euclidean", async () => {
    const fixture = await indexFixture(harness, { dimension: 4, metric: "euclidean", nonFilterable: ["text"] });
    await fixture.client.send(new PutVectorsCommand({ ...fixture.at, vectors: [vector("a", [0, 0, 0, 0], { text: "t".repeat(39_000), doc: "d" })] }));
    const got = await fixture.client.send(new GetVectorsCommand({ ...fixture.at, keys: ["a"], returnMetadata: true }));
    expect((got.vectors?.[0]?.metadata as { text: string }).text).toHaveLength(39_000);
  });

  it("writes nothing from a batch with one bad vector", async () => {
    const fixture = await indexFixture(harness, { dimension: 2 });
    await rejection(fixture.client.send(new PutVectorsCommand({ ...fixture.at, vectors: [vector("good", [1, 0]), vector("bad", [1])] })));
    expect(await keysOf(fixture)).toEqual([]);
  });
});

describe("DeleteVectors", () => {
  it("deletes the given keys, ignores missing ones, and keeps the others intact", async () => {
    const fixture = await indexFixture(harness, { dimension: 5 });
    const data = randomVectors(40, 5, 7);
    await putAll(fixture, data.map((d, i) => vector(`k${String(i).padStart(2, "0")}`, d, { i })));
    const doomed = ["k00", "k13", "k39", "k20", "nope"];
    await fixture.client.send(new DeleteVectorsCommand({ ...fixture.at, keys: doomed }));

    const remaining = await keysOf(fixture);
    expect(remaining).toHaveLength(36);
    expect(remaining.some((k) => doomed.includes(k))).toBe(false);
    // Deletes move other vectors between slots; every survivor must still carry its own data and metadata.
    for (let start = 0; start < remaining.length; start += 100) {
      const got = await fixture.client.send(new GetVectorsCommand({ ...fixture.at, keys: remaining.slice(start, start + 100), returnData: true, returnMetadata: true }));
      for (const v of got.vectors!) {
        const i = Number(v.key!.slice(1));
        expect(v.data?.float32).toEqual(data[i]);
        expect(v.metadata).toEqual({ i });
      }
    }
  });
});

describe("ListVectors", () => {
  async function filled(count: number, dimension = 3) {
    const fixture = await indexFixture(harness, { dimension });
    const data = randomVectors(count, dimension, 11);
    await putAll(fixture, data.map((d, i) => vector(`key-${String(i).padStart(4, "0")}`, d, { i })));
    return { fixture, data };
  }

  it("pages through every key once, in key order", async () => {
    const { fixture } = await filled(50);
    const pages: number[] = [];
    const keys: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await fixture.client.send(new ListVectorsCommand({ ...fixture.at, maxResults: 7, nextToken }));
      pages.push(page.vectors!.length);
      keys.push(...page.vectors!.map((v) => v.key!));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(pages).toEqual([7, 7, 7, 7, 7, 7, 7, 1]);
    expect(keys).toEqual(Array.from({ length: 50 }, (_, i) => `key-${String(i).padStart(4, "0")}`));
  });

  it("returns data and metadata only when asked, and defaults to 500 a page", async () => {
    const { fixture, data } = await filled(600);
    const bare = await fixture.client.send(new ListVectorsCommand({ ...fixture.at }));
    expect(bare.vectors).toHaveLength(500);
    expect(bare.vectors![0]).toEqual({ key: "key-0000" });
    expect(bare.nextToken).toBeDefined();
    const rich = await fixture.client.send(new ListVectorsCommand({ ...fixture.at, maxResults: 2, returnData: true, returnMetadata: true }));
    expect(rich.vectors).toEqual([
      { key: "key-0000", data: { float32: data[0] }, metadata: { i: 0 } },
      { key: "key-0001", data: { float32: data[1] }, metadata: { i: 1 } },
    ]);
  });

  it("splits keys into segments that together cover every key exactly once", async () => {
    const { fixture } = await filled(200);
    const all: string[] = [];
    for (let segmentIndex = 0; segmentIndex < 4; segmentIndex++) {
      const keys = await keysOf(fixture, { segmentCount: 4, segmentIndex, maxResults: 9 });
      expect(keys.length).toBeGreaterThan(20);
      all.push(...keys);
    }
    expect(all.sort()).toEqual(await keysOf(fixture));
  });

  it("continues correctly when keys are written and deleted between pages", async () => {
    const { fixture } = await filled(30);
    const first = await fixture.client.send(new ListVectorsCommand({ ...fixture.at, maxResults: 10 }));
    await fixture.client.send(new DeleteVectorsCommand({ ...fixture.at, keys: ["key-0003", "key-0025"] }));
    await fixture.client.send(new PutVectorsCommand({ ...fixture.at, vectors: [vector("key-0015a", [1, 1, 1])] }));
    const rest = await keysOf(fixture, { nextToken: first.nextToken, maxResults: 10 });
    expect(rest[0]).toBe("key-0010");
    expect(rest).toContain("key-0015a");
    expect(rest).not.toContain("key-0025");
    expect(rest).toHaveLength(20);
  });

  it("stops a page at about 1 MB of data", async () => {
    const { fixture } = await filled(100, 4096);
    const page = await fixture.client.send(new ListVectorsCommand({ ...fixture.at, maxResults: 1000, returnData: true }));
    // 4096 float32 values are 16 KiB, so about 64 fit in a 1 MB page.
    expect(page.vectors!.length).toBe(64);
    expect(page.nextToken).toBeDefined();
    const rest = await fixture.client.send(new ListVectorsCommand({ ...fixture.at, maxResults: 1000, returnData: true, nextToken: page.nextToken }));
    expect(rest.vectors).toHaveLength(36);
    expect(rest.nextToken).toBeUndefined();
  });

  it.each<[string, Partial<ListVectorsCommandInput>, RegExp]>([
    ["segmentCount without segmentIndex", { segmentCount: 2 }, /segmentCount and segmentIndex must be given together/],
    ["segmentIndex without segmentCount", { segmentIndex: 0 }, /segmentCount and segmentIndex must be given together/],
    ["segmentIndex equal to segmentCount", { segmentCount: 2, segmentIndex: 2 }, /segmentIndex: must be less than segmentCount \(2\)/],
    ["17 segments", { segmentCount: 17, segmentIndex: 0 }, /segmentCount: must be between 1 and 16, got 17/],
    ["maxResults 1001", { maxResults: 1001 }, /maxResults: must be between 1 and 1000, got 1001/],
    ["maxResults 0", { maxResults: 0 }, /maxResults: must be between 1 and 1000, got 0/],
    ["a made-up token", { nextToken: "abc" }, /nextToken is invalid/],
  ])("rejects %s", async (_, input, message) => {
    const { fixture } = await filled(3);
    const error = await rejection(fixture.client.send(new ListVectorsCommand({ ...fixture.at, ...input })));
    expect(error).toBeInstanceOf(ValidationException);
    expect(error.message).toMatch(message);
  });

  it("rejects a token from another segment", async () => {
    const { fixture } = await filled(40);
    const page = await fixture.client.send(new ListVectorsCommand({ ...fixture.at, segmentCount: 2, segmentIndex: 0, maxResults: 2 }));
    const error = await rejection(fixture.client.send(new ListVectorsCommand({ ...fixture.at, segmentCount: 2, segmentIndex: 1, nextToken: page.nextToken })));
    expect(error).toBeInstanceOf(ValidationException);
    expect(error.message).toMatch(/nextToken belongs to segment 0 of 2, not segment 1 of 2/);
  });
});
