import { NotFoundException, QueryVectorsCommand, ValidationException } from "@aws-sdk/client-s3vectors";
import { afterEach, describe, expect, it } from "vitest";
import { bruteForce, Harness, indexFixture, putAll, randomVectors, rejection, type IndexFixture } from "./test-support";
import type { DistanceMetric } from "./types";

/**
 * QueryVectors through the real SDK client, checked against a brute-force
 * ranking computed here in float64: order, distances (cosine = 1 − similarity,
 * euclidean = plain L2), topK and the request limits.
 */

const harness = new Harness();
afterEach(() => harness.dispose());

async function loaded(metric: DistanceMetric, count: number, dimension: number) {
  const fixture = await indexFixture(harness, { dimension, metric });
  const data = randomVectors(count, dimension, 42);
  const vectors = data.map((d, i) => ({ key: `v${i}`, data: d }));
  await putAll(fixture, vectors.map((v) => ({ key: v.key, data: { float32: v.data }, metadata: { i: Number(v.key.slice(1)) } })));
  return { fixture, vectors };
}

function query(fixture: IndexFixture, vector: number[], topK: number, extra: { returnDistance?: boolean; returnMetadata?: boolean } = { returnDistance: true }) {
  return fixture.client.send(new QueryVectorsCommand({ ...fixture.at, topK, queryVector: { float32: vector }, ...extra }));
}

describe.each<DistanceMetric>(["cosine", "euclidean"])("%s ranking", (metric) => {
  it("matches a brute-force ranking, nearest first", async () => {
    // 37 dimensions exercise the kernel's padding; 1,500 vectors span two scan blocks.
    const { fixture, vectors } = await loaded(metric, 1500, 37);
    for (const [q, queryVector] of randomVectors(8, 37, 99).entries()) {
      const expected = bruteForce(vectors, queryVector, metric, 10);
      const { vectors: got, distanceMetric } = await query(fixture, queryVector, 10);
      expect(distanceMetric, `query ${q}`).toBe(metric);
      expect(got!.map((v) => v.key), `query ${q}`).toEqual(expected.map((e) => e.key));
      got!.forEach((v, i) => expect(v.distance!, `query ${q} rank ${i}`).toBeCloseTo(expected[i]!.distance, 5));
      for (let i = 1; i < got!.length; i++) expect(got![i]!.distance!).toBeGreaterThanOrEqual(got![i - 1]!.distance!);
    }
  });

  it("puts a stored vector first at distance 0 when queried with itself", async () => {
    const { fixture, vectors } = await loaded(metric, 50, 16);
    const { vectors: got } = await query(fixture, vectors[17]!.data, 3);
    expect(got![0]!.key).toBe("v17");
    expect(got![0]!.distance).toBeCloseTo(0, 6);
  });
});

describe("distances", () => {
  it("reports cosine as 1 − similarity: 0 same direction, 1 orthogonal, 2 opposite", async () => {
    const fixture = await indexFixture(harness, { dimension: 2, metric: "cosine" });
    await putAll(fixture, [
      { key: "same", data: { float32: [3, 0] } },
      { key: "orthogonal", data: { float32: [0, 5] } },
      { key: "opposite", data: { float32: [-2, 0] } },
    ]);
    const { vectors } = await query(fixture, [1, 0], 3);
    expect(vectors).toEqual([
      { key: "same", distance: 0 },
      { key: "orthogonal", distance: 1 },
      { key: "opposite", distance: 2 },
    ]);
  });

  it("reports euclidean as the L2 distance, not its square", async () => {
    const fixture = await indexFixture(harness, { dimension: 2, metric: "euclidean" });
    await putAll(fixture, [
      { key: "three-four", data: { float32: [3, 4] } },
      { key: "one", data: { float32: [1, 0] } },
    ]);
    const { vectors } = await query(fixture, [0, 0], 2);
    expect(vectors).toEqual([
      { key: "one", distance: 1 },
      { key: "three-four", distance: 5 },
    ]);
  });
});

describe("QueryVectors", () => {
  it("returns distance and metadata only when asked, and echoes the metric", async () => {
    const { fixture } = await loaded("cosine", 20, 4);
    const bare = await query(fixture, [1, 0, 0, 0], 3, {});
    expect(bare.vectors!.every((v) => v.distance === undefined && v.metadata === undefined)).toBe(true);
    expect(bare.distanceMetric).toBe("cosine");
    const rich = await query(fixture, [1, 0, 0, 0], 3, { returnMetadata: true, returnDistance: true });
    for (const v of rich.vectors!) expect(v.metadata).toEqual({ i: Number(v.key!.slice(1)) });
  });

  it("returns every vector when topK exceeds the count, and nothing from an empty index", async () => {
    const { fixture } = await loaded("euclidean", 5, 3);
    expect((await query(fixture, [0, 0, 0], 100)).vectors).toHaveLength(5);
    const empty = await indexFixture(harness, { dimension: 3 });
    expect((await query(empty, [1, 0, 0], 5)).vectors).toEqual([]);
  });

  it("addresses the index by ARN", async () => {
    const { fixture } = await loaded("cosine", 5, 3);
    const { vectors } = await fixture.client.send(new QueryVectorsCommand({ indexArn: fixture.indexArn, topK: 2, queryVector: { float32: [1, 1, 1] } }));
    expect(vectors).toHaveLength(2);
  });

  it("fails with NotFoundException for a missing index", async () => {
    const { fixture } = await loaded("cosine", 1, 3);
    const error = await rejection(fixture.client.send(new QueryVectorsCommand({ ...fixture.at, indexName: "nope", topK: 1, queryVector: { float32: [1, 1, 1] } })));
    expect(error).toBeInstanceOf(NotFoundException);
  });

  it.each<[string, { topK?: number; float32?: number[]; nextToken?: string }, RegExp]>([
    ["topK 0", { topK: 0 }, /topK: must be between 1 and 100, got 0/],
    ["topK 101", { topK: 101 }, /topK: must be between 1 and 100, got 101/],
    ["a fractional topK", { topK: 2.5 }, /topK: must be an integer/],
    ["a query of the wrong dimension", { float32: [1, 0] }, /queryVector\.float32 has 2 dimensions, but the index dimension is 3/],
    ["a NaN query", { float32: [1, Number.NaN, 0] }, /queryVector\.float32\[1\] is NaN/],
    ["an infinite query", { float32: [Infinity, 0, 0] }, /queryVector\.float32\[0\] is Infinity/],
    ["an all-zero query under cosine", { float32: [0, 0, 0] }, /queryVector\.float32 is all zeros/],
    ["a made-up nextToken", { nextToken: "xyz" }, /nextToken is invalid/],
  ])("rejects %s with ValidationException", async (_, input, message) => {
    const { fixture } = await loaded("cosine", 3, 3);
    const error = await rejection(
      fixture.client.send(
        new QueryVectorsCommand({ ...fixture.at, topK: input.topK ?? 1, queryVector: { float32: input.float32 ?? [1, 0, 0] }, nextToken: input.nextToken }),
      ),
    );
    expect(error).toBeInstanceOf(ValidationException);
    expect(error.message).toMatch(message);
  });

  it("accepts topK 100 and an all-zero query under euclidean", async () => {
    const { fixture } = await loaded("euclidean", 150, 3);
    expect((await query(fixture, [0, 0, 0], 100)).vectors).toHaveLength(100);
  });
});
