import { describe, expect, it } from "vitest";
import { joinOverlapping, mergeNeighbours, snippetOf, sourceLabel, type RetrievedChunk } from "./sources";

const chunk = (documentId: string, page: number, n: number, distance: number, text = `${documentId} chunk ${n}.`): RetrievedChunk => ({ documentId, page, chunk: n, text, distance });
const docs = new Map([
  ["a", { title: "Trace Trees", filename: "a.pdf" }],
  ["b", { filename: "b.pdf" }],
]);

describe("mergeNeighbours", () => {
  it("merges consecutive chunks of one page into one source, and keeps the best distance", () => {
    const sources = mergeNeighbours([chunk("a", 3, 8, 0.6), chunk("a", 3, 7, 0.4), chunk("a", 3, 9, 0.7)], docs, { maxChunks: 4 });
    expect(sources).toHaveLength(1);
    expect(sources[0]).toMatchObject({ n: 1, documentId: "a", title: "Trace Trees", page: 3, chunks: [7, 8, 9], distance: 0.4, bestText: "a chunk 7." });
    expect(sources[0]!.text).toBe("a chunk 7. a chunk 8. a chunk 9.");
  });

  it("does not merge across pages, across gaps or across documents", () => {
    const sources = mergeNeighbours([chunk("a", 3, 7, 0.5), chunk("a", 4, 8, 0.5), chunk("a", 4, 10, 0.5), chunk("b", 4, 11, 0.5)], docs, { maxChunks: 4 });
    expect(sources.map((s) => `${s.documentId}:${s.page}:${s.chunks.join("+")}`).sort()).toEqual(["a:3:7", "a:4:10", "a:4:8", "b:4:11"]);
  });

  it("numbers sources from 1, nearest first, and names them from the catalog (the file when there is no title)", () => {
    const sources = mergeNeighbours([chunk("b", 1, 0, 0.7), chunk("a", 2, 5, 0.3)], docs, { maxChunks: 4 });
    expect(sources.map((s) => [s.n, s.documentId, sourceLabel(s)])).toEqual([
      [1, "a", "Trace Trees, p. 2"],
      [2, "b", "b.pdf, p. 1"],
    ]);
  });

  it("splits a long run so no single source crowds the prompt", () => {
    const run = [0, 1, 2, 3, 4].map((n) => chunk("a", 1, n, 0.5));
    expect(mergeNeighbours(run, docs, { maxChunks: 2 }).map((s) => s.chunks)).toEqual([[0, 1], [2, 3], [4]]);
  });

  it("counts a chunk the index returned twice once", () => {
    expect(mergeNeighbours([chunk("a", 1, 4, 0.5), chunk("a", 1, 4, 0.5)], docs, { maxChunks: 4 })).toHaveLength(1);
  });
});

describe("joinOverlapping", () => {
  it("drops the sentences the chunker repeated at the start of the next chunk", () => {
    const first = "Tracing starts at loop headers. Hot loops are recorded as traces.";
    const second = "Hot loops are recorded as traces. Side exits return to the interpreter.";
    expect(joinOverlapping(first, second)).toBe("Tracing starts at loop headers. Hot loops are recorded as traces. Side exits return to the interpreter.");
  });

  it("joins with a space when the chunks share nothing but a coincidence", () => {
    expect(joinOverlapping("It ends with a.", "a new start.")).toBe("It ends with a. a new start.");
  });
});

describe("snippetOf", () => {
  it("keeps short text whole and cuts long text at a word, marked with …", () => {
    expect(snippetOf("  A short\npassage. ")).toBe("A short passage.");
    const long = "word ".repeat(200);
    const snippet = snippetOf(long);
    expect(snippet.length).toBeLessThanOrEqual(300);
    expect(snippet.endsWith("word…")).toBe(true);
  });
});
