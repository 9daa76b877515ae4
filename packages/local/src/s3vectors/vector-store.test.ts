import { describe, expect, it } from "vitest";
import { compileFilter } from "./filter";
import { BLOCK_ROWS } from "./scan-kernel";
import { bruteForce, randomVectors } from "./test-support";
import { TopK } from "./top-k";
import type { DistanceMetric, Metadata } from "./types";
import { VectorStore } from "./vector-store";

/**
 * The storage and scan below the wire: growth, swap-remove, the SIMD kernel's
 * padding and blocks, and the top-K heap, against brute force.
 */

const meta = (fields: Record<string, unknown>): Metadata => Object.assign(Object.create(null) as Metadata, fields);

function fill(metric: DistanceMetric, count: number, dimension: number, seed = 1) {
  const store = new VectorStore(dimension, metric);
  const data = randomVectors(count, dimension, seed);
  data.forEach((d, i) => store.put(`k${i}`, Float32Array.from(d), 0, meta({ i, mod: i % 7 })));
  return { store, vectors: data.map((d, i) => ({ key: `k${i}`, data: d })) };
}

describe("VectorStore", () => {
  it.each<[DistanceMetric, number]>([
    ["cosine", 1],
    ["cosine", 33],
    ["euclidean", 16],
    ["euclidean", 100],
  ])("%s at dimension %i ranks like brute force across several scan blocks", (metric, dimension) => {
    const count = BLOCK_ROWS * 2 + 77;
    const { store, vectors } = fill(metric, count, dimension);
    for (const q of randomVectors(3, dimension, 1234)) {
      const got = store.query(Float32Array.from(q), 25);
      const expected = bruteForce(vectors, q, metric, 25);
      // Dimension 1 cosine has only two distinct distances; compare distances there, keys elsewhere.
      if (dimension > 1) expect(got.map((m) => m.key)).toEqual(expected.map((e) => e.key));
      got.forEach((m, i) => expect(m.distance).toBeCloseTo(expected[i]!.distance, 9));
    }
  });

  it("filters before scoring and still returns the k nearest matches", () => {
    const { store, vectors } = fill("cosine", 3000, 24);
    const predicate = compileFilter({ mod: { $in: [2, 5] } }, new Set());
    const q = randomVectors(1, 24, 77)[0]!;
    const got = store.query(Float32Array.from(q), 10, predicate);
    const expected = bruteForce(vectors.filter((_, i) => i % 7 === 2 || i % 7 === 5), q, "cosine", 10);
    expect(got.map((m) => m.key)).toEqual(expected.map((e) => e.key));
  });

  it("keeps every survivor's data, norm and metadata through swap-remove deletes and shrinking", () => {
    const { store, vectors } = fill("cosine", 5000, 8);
    const deleted = new Set<number>();
    for (let i = 0; i < 5000; i += 1) if (i % 5 !== 0) deleted.add(i);
    for (const i of deleted) expect(store.delete(`k${i}`)).toBe(true);
    expect(store.delete("k1")).toBe(false);
    expect(store.size).toBe(1000);
    for (let i = 0; i < 5000; i += 5) {
      expect(store.vectorOf(`k${i}`)).toEqual(vectors[i]!.data);
      expect(store.metadataOf(`k${i}`)?.i).toBe(i);
    }
    const q = vectors[35]!.data;
    const got = store.query(Float32Array.from(q), 5);
    expect(got[0]).toMatchObject({ key: "k35" });
    expect(got[0]!.distance).toBeCloseTo(0, 6);
    expect(got.map((m) => m.key)).toEqual(bruteForce(vectors.filter((_, i) => !deleted.has(i)), q, "cosine", 5).map((e) => e.key));
  });

  it("overwrites in place, recomputing the norm", () => {
    const store = new VectorStore(2, "cosine");
    store.put("a", Float32Array.from([1, 0]), 0, meta({ v: 1 }));
    store.put("b", Float32Array.from([0, 1]), 0, meta({}));
    store.put("a", Float32Array.from([0, 10]), 0, meta({ v: 2 }));
    expect(store.size).toBe(2);
    const got = store.query(Float32Array.from([0, 1]), 2);
    expect(got.map((m) => [m.key, m.distance])).toEqual([
      ["a", 0],
      ["b", 0],
    ]);
    expect(store.metadataOf("a")).toEqual({ v: 2 });
  });

  it("breaks distance ties by key", () => {
    const store = new VectorStore(2, "euclidean");
    for (const key of ["c", "a", "b"]) store.put(key, Float32Array.from([1, 1]), 0, meta({}));
    expect(store.query(Float32Array.from([0, 0]), 3).map((m) => m.key)).toEqual(["a", "b", "c"]);
  });

  it("keeps sorted keys current after inserts and deletes", () => {
    const store = new VectorStore(1, "euclidean");
    for (const key of ["m", "c", "x"]) store.put(key, Float32Array.from([1]), 0, meta({}));
    expect(store.sortedKeys()).toEqual(["c", "m", "x"]);
    store.delete("c");
    store.put("a", Float32Array.from([1]), 0, meta({}));
    expect(store.sortedKeys()).toEqual(["a", "m", "x"]);
  });

  it("hands out snapshot chunks that rebuild the same store", () => {
    const { store } = fill("euclidean", 1234, 5);
    const copy = new VectorStore(5, "euclidean");
    for (const chunk of store.chunks(500)) chunk.keys.forEach((key, i) => copy.put(key, chunk.data, i * 5, chunk.metadata[i]!));
    expect(copy.size).toBe(1234);
    expect(copy.vectorOf("k1000")).toEqual(store.vectorOf("k1000"));
  });
});

describe("TopK", () => {
  it("keeps the k smallest of a stream, sorted", () => {
    const top = new TopK(5);
    const values = randomVectors(1, 1000, 9)[0]!;
    values.forEach((v, i) => top.push(v, i));
    const expected = values
      .map((distance, slot) => ({ slot, distance }))
      .sort((a, b) => a.distance - b.distance)
      .slice(0, 5);
    expect(top.sorted()).toEqual(expected);
    expect(top.bound).toBe(expected[4]!.distance);
  });

  it("holds fewer than k when fewer were offered", () => {
    const top = new TopK(10);
    top.push(3, 0);
    top.push(1, 1);
    expect(top.bound).toBe(Infinity);
    expect(top.sorted()).toEqual([
      { slot: 1, distance: 1 },
      { slot: 0, distance: 3 },
    ]);
  });
});
