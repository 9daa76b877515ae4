import { describe, expect, it } from "vitest";
import { NonRetryableJobError } from "../errors";
import type { Embedder } from "../ports";

export interface EmbedderHarness {
  embedder: Embedder;
  close?(): Promise<void> | void;
}

const TEXTS = [
  "The tracer records hot loops as traces and compiles them to machine code.",
  "Lessig argues that copyright law has expanded far beyond its original purpose.",
  "The Moon got trapped and buried in the bog.",
  "ü → 日本語 ✓ — café, naïve, Ærø",
];

/**
 * The behaviour every `Embedder` adapter must show. Vectors of the same text must agree
 * to a cosine of 0.999 rather than bit for bit, so a hosted model (which may differ in
 * the last float bits between calls) can pass too.
 */
export function runEmbedderContract(name: string, makeHarness: () => Promise<EmbedderHarness> | EmbedderHarness) {
  describe(`Embedder contract: ${name}`, () => {
    const withHarness = async (test: (embedder: Embedder) => Promise<void>) => {
      const h = await makeHarness();
      try {
        await test(h.embedder);
      } finally {
        await h.close?.();
      }
    };

    it("describes itself: a non-empty id, a positive dimension and input limit", () =>
      withHarness(async (embedder) => {
        expect(embedder.id).toMatch(/\S/);
        expect(Number.isInteger(embedder.dimension) && embedder.dimension > 0).toBe(true);
        expect(Number.isInteger(embedder.maxInputChars) && embedder.maxInputChars > 0).toBe(true);
      }));

    it("returns one Float32Array of the declared dimension and unit length per text", () =>
      withHarness(async (embedder) => {
        const vectors = await embedder.embed(TEXTS);
        expect(vectors).toHaveLength(TEXTS.length);
        for (const v of vectors) {
          expect(v).toBeInstanceOf(Float32Array);
          expect(v.length).toBe(embedder.dimension);
          expect(v.every(Number.isFinite)).toBe(true);
          expect(Math.abs(norm(v) - 1)).toBeLessThan(1e-3);
        }
      }));

    it("keeps the input order, and different texts get different vectors", () =>
      withHarness(async (embedder) => {
        const batch = await embedder.embed(TEXTS);
        const reversed = await embedder.embed([...TEXTS].reverse());
        for (let i = 0; i < TEXTS.length; i++) {
          expect(cosine(batch[i]!, reversed[TEXTS.length - 1 - i]!)).toBeGreaterThan(0.999);
          for (let j = i + 1; j < TEXTS.length; j++) expect(cosine(batch[i]!, batch[j]!)).toBeLessThan(0.99);
        }
      }));

    it("is stable: the same text alone or in a batch gets the same vector", () =>
      withHarness(async (embedder) => {
        const [alone] = await embedder.embed([TEXTS[0]!]);
        const [again] = await embedder.embed([TEXTS[0]!]);
        const batch = await embedder.embed([TEXTS[1]!, TEXTS[0]!, TEXTS[0]!]);
        expect(cosine(alone!, again!)).toBeGreaterThan(0.999);
        expect(cosine(alone!, batch[1]!)).toBeGreaterThan(0.999);
        expect(cosine(alone!, batch[2]!)).toBeGreaterThan(0.999);
      }));

    it("answers an empty batch with no vectors", () =>
      withHarness(async (embedder) => {
        await expect(embedder.embed([])).resolves.toEqual([]);
      }));

    it("rejects empty and blank texts with a NonRetryableJobError naming the index", () =>
      withHarness(async (embedder) => {
        for (const bad of ["", "   \n\t "]) {
          const error = await embedder.embed(["fine", bad]).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(NonRetryableJobError);
          expect((error as Error).message).toMatch(/#1\b/);
        }
      }));

    it("accepts a text of exactly maxInputChars characters", () =>
      withHarness(async (embedder) => {
        const words = "trace loop record compile monitor interpreter ";
        const text = words.repeat(Math.ceil(embedder.maxInputChars / words.length)).slice(0, embedder.maxInputChars - 1) + "x";
        const [v] = await embedder.embed([text]);
        expect(Math.abs(norm(v!) - 1)).toBeLessThan(1e-3);
      }));

    it("rejects at once with the signal's reason when already aborted", () =>
      withHarness(async (embedder) => {
        const reason = new Error("cancelled by the test");
        await expect(embedder.embed(TEXTS, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
      }));
  });
}

function norm(v: Float32Array): number {
  let s = 0;
  for (const x of v) s += x * x;
  return Math.sqrt(s);
}

/** Cosine similarity; vectors are unit length, but the contract does not assume what it checks. */
export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return dot / (norm(a) * norm(b));
}
