import { describe, expect, it } from "vitest";
import { learnBoilerplate } from "./boilerplate";
import { type Chunk, ChunkOptions, Chunker, chunkPage, chunkSpans, splitSentences } from "./chunker";
import { openPdf } from "./pdf-text";
import { cleanPageText } from "./text-cleanup";
import { HAS_PDFS, NO_PDFS_MESSAGE, readPdf } from "../testing/pdf-fixtures";

const sentences = (text: string, locale?: string) => splitSentences(text, locale).map((s) => text.slice(s.start, s.end));

/** Deterministic prose: sentences of varied length. */
function prose(count: number, seed = 1): string {
  const words = ["the", "cache", "stores", "every", "trace", "compiled", "loop", "and", "its", "guards", "type", "interpreter", "records", "a", "branch"];
  let x = seed;
  const next = () => (x = (x * 1103515245 + 12345) % 2147483648);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const n = 5 + (next() % 30);
    const w = Array.from({ length: n }, () => words[next() % words.length]);
    out.push(`Sentence ${i} ${w.join(" ")}.`);
  }
  return out.join(" ");
}

/** Every sentence of the text occurs whole in at least one chunk (long ones: every word). */
function expectCovered(text: string, chunks: string[], max: number) {
  for (const s of sentences(text)) {
    if (s.length <= max) expect(chunks.some((c) => c.includes(s)), s).toBe(true);
    else for (const word of s.split(/\s+/)) expect(chunks.some((c) => c.includes(word)), word).toBe(true);
  }
}

describe("splitSentences", () => {
  it("does not end sentences at abbreviations, initials or decimals", () => {
    expect(sentences("We use e.g. the cache. See Fig. 3 for details. See Fig. 3. The value is 3.14 m. Dr. Smith agreed.")).toEqual([
      "We use e.g. the cache.",
      "See Fig. 3 for details.",
      "See Fig. 3.",
      "The value is 3.14 m.",
      "Dr. Smith agreed.",
    ]);
    expect(sentences("J. R. R. Tolkien wrote it. See pp. 12–14. It ended, etc. The end.")).toEqual([
      "J. R. R. Tolkien wrote it.",
      "See pp. 12–14.",
      "It ended, etc.",
      "The end.",
    ]);
  });

  it("splits CJK on full stops and keeps opening brackets with the sentence they open", () => {
    expect(sentences("該当しないとき。ねじ止め端子であること。「速結端子」という。")).toEqual(["該当しないとき。", "ねじ止め端子であること。", "「速結端子」という。"]);
  });

  it("handles other punctuation and paragraph breaks", () => {
    expect(sentences("Wait... what? Really?! Yes.\n\nHeading\n\nBody")).toEqual(["Wait... what?", "Really?!", "Yes.", "Heading", "Body"]);
    expect(sentences("Вот так. И всё!")).toEqual(["Вот так.", "И всё!"]);
  });

  it("does not merge across a paragraph break after an abbreviation", () => {
    expect(sentences("Ask Dr.\n\nNext paragraph.")).toEqual(["Ask Dr.", "Next paragraph."]);
  });
});

describe("chunkPage", () => {
  it("returns nothing for blank text and one chunk for short text", () => {
    expect(chunkPage("")).toEqual([]);
    expect(chunkPage("  \n\n ")).toEqual([]);
    expect(chunkPage("One sentence. Two.")).toEqual(["One sentence. Two."]);
  });

  it("packs sentences to about the target size, never over the maximum", () => {
    const text = prose(200);
    const chunks = chunkPage(text, { targetChars: 1000, maxChars: 1500, overlapChars: 150 });
    expect(chunks.length).toBeGreaterThan(10);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(1500);
    const sizes = chunks.slice(0, -1).map((c) => c.length);
    expect(Math.min(...sizes)).toBeGreaterThan(500);
    expect(sizes.reduce((a, b) => a + b, 0) / sizes.length).toBeGreaterThan(800);
    expectCovered(text, chunks, 1500);
  });

  it("starts each chunk with whole sentences from the end of the previous one", () => {
    const text = prose(120, 7);
    const spans = chunkSpans(text, { targetChars: 800, maxChars: 1200, overlapChars: 150 });
    const starts = new Set(splitSentences(text).map((s) => s.start));
    const ends = new Set(splitSentences(text).map((s) => s.end));
    for (let i = 1; i < spans.length; i++) {
      const prev = spans[i - 1]!;
      const cur = spans[i]!;
      expect(starts.has(cur.start) && ends.has(cur.end), "chunks are whole sentences").toBe(true);
      const overlap = prev.end - cur.start;
      if (overlap < 0) expect(text.slice(prev.end, cur.start).trim(), "nothing is skipped").toBe("");
      expect(overlap).toBeLessThanOrEqual(150);
      expect(cur.end).toBeGreaterThan(prev.end); // progress
    }
    // Sentences here are 30–200 chars, so most boundaries can carry one.
    const overlapping = spans.slice(1).filter((s, i) => spans[i]!.end > s.start).length;
    expect(overlapping).toBeGreaterThan((spans.length - 1) / 2);
  });

  it("can be asked for no overlap", () => {
    const spans = chunkSpans(prose(80), { targetChars: 500, maxChars: 800, overlapChars: 0 });
    for (let i = 1; i < spans.length; i++) expect(spans[i]!.start).toBeGreaterThan(spans[i - 1]!.end);
  });

  it("keeps a short passage apart from a following run longer than the target, instead of burying it there", () => {
    const passage = "Compiled by the volunteers of the project from the public domain books listed below.";
    const urls = `Sources ${Array.from({ length: 14 }, (_, i) => `https://www.example.org/ebooks/${10_000 + i * 37}/files/index`).join(" ")}`;
    const chunks = chunkPage(`${passage} ${urls}`, { targetChars: 600, maxChars: 1500, overlapChars: 100 });
    expect(urls.length).toBeGreaterThan(600);
    expect(chunks[0]).toBe(passage);
    expect(chunks.slice(1).join(" ")).toContain(urls);
  });

  it("splits an over-long sentence on word boundaries", () => {
    const words = Array.from({ length: 600 }, (_, i) => `word${i}`);
    const text = `Short one. ${words.join(" ")}. Short two.`;
    const chunks = chunkPage(text, { maxChars: 300, targetChars: 250, overlapChars: 40 });
    for (const c of chunks) {
      expect(c.length).toBeLessThanOrEqual(300);
      expect(c).toMatch(/^\S.*\S$/s);
    }
    const seen = new Set(chunks.flatMap((c) => c.split(/[\s.]+/)));
    for (const w of words) expect(seen.has(w), w).toBe(true);
  });

  it("splits text without spaces at word boundaries, then anywhere, without breaking surrogate pairs", () => {
    const cjk = "電線接続端子部が次のいずれにも該当しないとき".repeat(40);
    for (const c of chunkPage(cjk, { maxChars: 100 })) expect(c.length).toBeLessThanOrEqual(100);
    expect(chunkPage(cjk, { maxChars: 100 }).join("")).toBe(cjk);
    const emoji = "😀".repeat(300);
    const chunks = chunkPage(emoji, { maxChars: 101 });
    for (const c of chunks) {
      expect(c.length).toBeLessThanOrEqual(101);
      expect(c).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
    }
    expect(chunks.join("")).toBe(emoji);
  });

  it("keeps every sentence of a real-looking page in some chunk", () => {
    const text = `${prose(30, 3)}\n\nA Heading\n\n${prose(40, 5)} See Fig. 3 and e.g. Table 2. The end.`;
    const chunks = chunkPage(text, { maxChars: 600 });
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(600);
    expectCovered(text, chunks, 600);
  });
});

describe("ChunkOptions", () => {
  it("defaults to ~1000 characters with 150 of overlap under a 2000 maximum", () => {
    expect(ChunkOptions.parse({})).toEqual({ maxChars: 2000, targetChars: 1000, overlapChars: 150, locale: "en" });
  });

  it("derives target and overlap from a small maximum (an embedder's limit)", () => {
    expect(ChunkOptions.parse({ maxChars: 512 })).toEqual({ maxChars: 512, targetChars: 512, overlapChars: 76, locale: "en" });
  });

  it("rejects contradictions", () => {
    expect(() => ChunkOptions.parse({ maxChars: 500, targetChars: 900 })).toThrow(/targetChars/);
    expect(() => ChunkOptions.parse({ targetChars: 100, overlapChars: 100 })).toThrow(/overlapChars/);
    expect(() => ChunkOptions.parse({ maxChars: 10 })).toThrow();
    expect(() => ChunkOptions.parse({ locale: "not a locale!" })).toThrow(/BCP 47/);
  });
});

describe("Chunker", () => {
  it("numbers chunks across pages and never lets a chunk cross a page", () => {
    const chunker = new Chunker({ maxChars: 400 });
    const one = chunker.chunk(1, prose(20, 1));
    const two = chunker.chunk(2, prose(20, 2));
    expect(chunker.chunk(3, "")).toEqual([]);
    const all = [...one, ...two];
    expect(all.map((c) => c.index)).toEqual(all.map((_, i) => i));
    expect(one.every((c) => c.page === 1)).toBe(true);
    expect(two.every((c) => c.page === 2)).toBe(true);
    expect(chunker.nextIndex).toBe(all.length);
  });

  it("continues numbering from a checkpoint", () => {
    expect(new Chunker({}, 41).chunk(9, "Resumed here.")).toEqual([{ page: 9, index: 41, text: "Resumed here." }]);
  });
});

const describeCorpus = HAS_PDFS ? describe : describe.skip;

describeCorpus(HAS_PDFS ? "chunking the manifest PDFs" : NO_PDFS_MESSAGE, () => {
  it("tracemonkey.pdf: every chunk is within the limit, on one page, and the ground-truth sentences are whole in a chunk", async () => {
    const pdf = await openPdf(readPdf("tracemonkey.pdf"));
    try {
      const boilerplate = await learnBoilerplate(pdf);
      const chunker = new Chunker({ maxChars: 1200 });
      const chunks: Chunk[] = [];
      for await (const page of pdf.pages()) chunks.push(...chunker.chunk(page.page, cleanPageText(page.text, boilerplate, page.page)));
      expect(chunks.length).toBeGreaterThan(50);
      for (const c of chunks) expect(c.text.length).toBeLessThanOrEqual(1200);
      const find = (s: string) => chunks.filter((c) => c.text.replace(/\s+/g, " ").includes(s)).map((c) => c.page);
      expect(find("All experiments were performed on a MacBook Pro with 2.2 GHz Core 2 processor and 2 GB RAM")).toContain(10);
      expect(new Set(find("we have measured speedups of 10x and more for certain benchmark programs."))).toEqual(new Set([1]));
    } finally {
      await pdf.close();
    }
  });
});
