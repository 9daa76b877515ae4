import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { VectorIndex, VectorRecord } from "../ports";

/** A deterministic unit vector in `dim` dimensions, pointing mostly along axis `axis`. */
export function unitVector(dim: number, axis: number, wobble = 0): Float32Array {
  const v = new Float32Array(dim);
  v[axis % dim] = 1;
  v[(axis + 1) % dim] = wobble;
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

const record = (doc: string, chunk: number, owner: string, dim: number, page = 1): VectorRecord => ({
  key: `${doc}#${chunk}`,
  vector: unitVector(dim, chunk),
  metadata: { documentId: doc, owner, page, chunk, text: `chunk ${chunk} of ${doc}` },
});

/**
 * The behaviour every `VectorIndex` adapter must show. `makeIndex` returns an
 * empty cosine index of `dim` dimensions with `text` non-filterable.
 */
export function runVectorIndexContract(name: string, makeIndex: () => Promise<VectorIndex> | VectorIndex, dim = 8) {
  describe(`VectorIndex contract: ${name}`, () => {
    it("returns the nearest vectors first with cosine distances and metadata", async () => {
      const index = await makeIndex();
      const doc = randomUUID();
      await index.put([0, 1, 2, 3].map((c) => record(doc, c, "alice", dim)));
      const hits = await index.query({ vector: unitVector(dim, 2, 0.1), topK: 2, returnMetadata: true });
      expect(hits.map((h) => h.key)).toEqual([`${doc}#2`, `${doc}#3`]);
      expect(hits[0]!.distance).toBeCloseTo(1 - 1 / Math.hypot(1, 0.1), 4);
      expect(hits[0]!.metadata).toMatchObject({ documentId: doc, owner: "alice", chunk: 2, text: `chunk 2 of ${doc}` });
      expect(hits[0]!.distance).toBeLessThanOrEqual(hits[1]!.distance);
    });

    it("filters by owner and document, so one user never sees another's chunks", async () => {
      const index = await makeIndex();
      const [a, b] = [randomUUID(), randomUUID()];
      await index.put([record(a, 0, "alice", dim), record(b, 0, "bob", dim), record(b, 1, "bob", dim)]);
      const asAlice = await index.query({ vector: unitVector(dim, 0), topK: 10, filter: { owner: { $eq: "alice" } } });
      expect(asAlice.map((h) => h.key)).toEqual([`${a}#0`]);
      const bobsDoc = await index.query({ vector: unitVector(dim, 0), topK: 10, filter: { $and: [{ owner: "bob" }, { documentId: { $in: [b] } }] } });
      expect(bobsDoc.map((h) => h.key).sort()).toEqual([`${b}#0`, `${b}#1`]);
    });

    it("overwrites on a repeated key instead of duplicating", async () => {
      const index = await makeIndex();
      const doc = randomUUID();
      await index.put([record(doc, 0, "alice", dim)]);
      await index.put([{ ...record(doc, 0, "alice", dim), metadata: { documentId: doc, owner: "alice", page: 9, chunk: 0, text: "new" } }]);
      const hits = await index.query({ vector: unitVector(dim, 0), topK: 10, filter: { documentId: doc }, returnMetadata: true });
      expect(hits).toHaveLength(1);
      expect(hits[0]!.metadata).toMatchObject({ page: 9, text: "new" });
    });

    it("writes more than one service batch and deletes by key", async () => {
      const index = await makeIndex();
      const doc = randomUUID();
      const records = Array.from({ length: 1203 }, (_, c) => record(doc, c, "alice", dim));
      await index.put(records);
      const keys = records.map((r) => r.key);
      expect((await index.get(keys)).length).toBe(1203);
      await index.delete([...keys, `${doc}#does-not-exist`]);
      expect(await index.get(keys)).toEqual([]);
      expect(await index.query({ vector: unitVector(dim, 0), topK: 5, filter: { documentId: doc } })).toEqual([]);
    });
  });
}
