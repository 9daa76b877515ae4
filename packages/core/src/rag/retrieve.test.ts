import { beforeEach, describe, expect, it } from "vitest";
import { HashingEmbedder } from "../adapters/hashing-embedder";
import { MemoryDocumentCatalog } from "../adapters/memory-document-catalog";
import { MAX_CANDIDATES, OFFLINE_MAX_DISTANCE, defaultRetrievalOptions, lexicalWeightFor, maxDistanceFor, ownerFilter, retrieve } from "./retrieve";
import { BruteForceIndex, seedDocument } from "./test-support";

const HARBOUR = [
  ["The harbour office opens at eight and sells tickets for every crossing."],
  [
    "The night ferry Aurora carries up to 240 passengers and 60 cars across the strait.",
    "Aurora leaves the north pier at ten in the evening and arrives before dawn.",
  ],
  ["Storms in winter can close the strait for a day or two; check the notices."],
];

let parts: { catalog: MemoryDocumentCatalog; vectors: BruteForceIndex; embedder: HashingEmbedder };
beforeEach(async () => {
  parts = { catalog: new MemoryDocumentCatalog(), vectors: new BruteForceIndex(), embedder: new HashingEmbedder() };
  await seedDocument(parts, { owner: "ann", documentId: "ann-doc", filename: "harbour.pdf", title: "Harbour guide", pages: HARBOUR });
  await seedDocument(parts, { owner: "bob", documentId: "bob-doc", filename: "harbour.pdf", pages: HARBOUR });
});

const ask = (owner: string, text: string, extra: { documentIds?: string[]; topK?: number; maxDistance?: number } = {}) =>
  retrieve(parts, { owner, text, documentIds: extra.documentIds, topK: extra.topK ?? 6 }, { ...defaultRetrievalOptions, maxDistance: extra.maxDistance });

describe("retrieve", () => {
  it("always filters the index on the caller, and on the picked documents when there are some", async () => {
    await ask("ann", "How many passengers does Aurora carry?");
    await ask("ann", "How many passengers does Aurora carry?", { documentIds: ["ann-doc"] });
    expect(parts.vectors.queries.map((q) => q.filter)).toEqual([ownerFilter("ann"), ownerFilter("ann", ["ann-doc"])]);
    expect(ownerFilter("ann", ["ann-doc"])).toEqual({ $and: [{ owner: { $eq: "ann" } }, { documentId: { $in: ["ann-doc"] } }] });
  });

  it("finds the page that answers, merges its neighbouring chunks and names it from the catalog", async () => {
    const best = await ask("ann", "How many passengers does the night ferry Aurora carry?");
    expect(best.documentCount).toBe(1);
    expect(best.sources[0]).toMatchObject({ n: 1, documentId: "ann-doc", title: "Harbour guide", page: 2 });
    // With every candidate admitted, page 2's two chunks come back as one source.
    const { sources } = await ask("ann", "How many passengers does the night ferry Aurora carry?", { maxDistance: 1 });
    expect(sources[0]).toMatchObject({ n: 1, page: 2, chunks: [1, 2] });
    expect(sources[0]!.text).toContain("240 passengers");
    expect(sources[0]!.text).toContain("ten in the evening");
  });

  it("asks the index for more candidates than sources, and returns at most topK sources", async () => {
    const { sources } = await ask("ann", "ferry harbour strait", { topK: 1 });
    expect(sources).toHaveLength(1);
    // Re-ranking (the offline embedder's default) takes every candidate the index gives.
    expect(parts.vectors.queries[0]!.topK).toBe(MAX_CANDIDATES);
    await retrieve(parts, { owner: "ann", text: "ferry harbour strait", topK: 2 }, { ...defaultRetrievalOptions, lexicalWeight: 0 });
    expect(parts.vectors.queries[1]!.topK).toBe(2 * defaultRetrievalOptions.candidateFactor);
    expect(lexicalWeightFor(parts.embedder.id)).toBeGreaterThan(0);
    expect(lexicalWeightFor("amazon.titan-embed-text-v2:0")).toBe(0);
  });

  it("re-ranks by the question's distinctive words, counting the document's name as one of them", async () => {
    const opening = [["The office opens at eight in the morning and closes at six."]];
    await seedDocument(parts, { owner: "cy", documentId: "museum", filename: "city-museum.pdf", pages: opening });
    await seedDocument(parts, { owner: "cy", documentId: "library", filename: "public-library.pdf", pages: opening });
    const question = "When does the library office open?";
    const reranked = await retrieve(parts, { owner: "cy", text: question, topK: 6 }, { ...defaultRetrievalOptions, maxDistance: 1 });
    expect(reranked.sources[0]!.documentId).toBe("library");
    expect(reranked.sources[0]!.distance).toBeLessThan(reranked.sources[1]!.distance);
    // By cosine alone the two identical chunks tie.
    const plain = await retrieve(parts, { owner: "cy", text: question, topK: 6 }, { ...defaultRetrievalOptions, maxDistance: 1, lexicalWeight: 0 });
    expect(plain.sources[0]!.distance).toBeCloseTo(plain.sources[1]!.distance, 6);
  });

  it("yields nothing for another user's document id, without querying for it", async () => {
    const result = await ask("bob", "How many passengers does Aurora carry?", { documentIds: ["ann-doc"] });
    expect(result).toMatchObject({ sources: [], warnings: [], searched: 0 });
    expect(parts.vectors.queries).toEqual([]);
  });

  it("never returns a chunk of another owner, even if the index let one through", async () => {
    const leaky = Object.create(parts.vectors) as BruteForceIndex;
    leaky.query = (request) => parts.vectors.query({ ...request, filter: undefined });
    const { sources } = await retrieve({ ...parts, vectors: leaky }, { owner: "bob", text: "Aurora passengers", topK: 6 });
    expect(sources.length).toBeGreaterThan(0);
    expect(sources.every((s) => s.documentId === "bob-doc")).toBe(true);
  });

  it("drops matches beyond the distance threshold", async () => {
    const off = await ask("ann", "What is the boiling point of mercury in kelvin?");
    expect(off.sources).toEqual([]);
    const strict = await ask("ann", "How many passengers does Aurora carry?", { maxDistance: 0 });
    expect(strict.sources).toEqual([]);
    expect(maxDistanceFor(parts.embedder.id)).toBe(OFFLINE_MAX_DISTANCE);
  });

  it("leaves out documents whose vectors another embedder made, and says so", async () => {
    await seedDocument(parts, { owner: "ann", documentId: "old-doc", filename: "old.pdf", pages: HARBOUR, embedder: "amazon.titan-embed-text-v2:0" });
    const all = await ask("ann", "How many passengers does Aurora carry?");
    expect(all.sources.length).toBeGreaterThan(0);
    expect(all.sources.every((s) => s.documentId === "ann-doc")).toBe(true);
    expect(all.warnings).toEqual([expect.stringMatching(/^old\.pdf was left out: its vectors were made by amazon\.titan-embed-text-v2:0.*ingest it again/)]);

    const picked = await ask("ann", "How many passengers does Aurora carry?", { documentIds: ["old-doc"] });
    expect(picked.sources).toEqual([]);
    expect(picked.warnings).toHaveLength(1);
  });

  it("skips chunks of a document that is no longer in the catalog (deleted, vectors going)", async () => {
    await parts.catalog.deleteDocument("ann", "ann-doc");
    expect((await ask("ann", "How many passengers does Aurora carry?")).sources).toEqual([]);
  });
});
