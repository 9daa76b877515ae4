import { describe, expect, it } from "vitest";
import { factMatch, formatTable, normalizeForMatch, percentile, rankOfPage, summarizeRanks } from "./rag-eval";

describe("rankOfPage", () => {
  const hits = [
    { documentId: "a", page: 3 },
    { documentId: "b", page: 1 },
    { documentId: "a", page: 1 },
    { documentId: "a", page: 1 },
  ];

  it("ranks a page by its first appearance, 1-based, and only in its own document", () => {
    expect(rankOfPage(hits, { documentId: "a", page: 1 })).toBe(3);
    expect(rankOfPage(hits, { documentId: "b", page: 1 })).toBe(2);
    expect(rankOfPage(hits, { documentId: "b", page: 3 })).toBeUndefined();
  });
});

describe("summarizeRanks", () => {
  it("counts hit@1, hit@5 and an MRR in which a page never retrieved counts 0", () => {
    expect(summarizeRanks([1, 2, 5, 6, undefined])).toEqual({ n: 5, hit1: 1, hit5: 3, mrr: (1 + 1 / 2 + 1 / 5 + 1 / 6) / 5 });
    expect(summarizeRanks([])).toEqual({ n: 0, hit1: 0, hit5: 0, mrr: 0 });
  });
});

describe("normalizeForMatch", () => {
  it("folds width, accents, case, typographic quotes and thousands separators", () => {
    expect(normalizeForMatch("Ｆinal “Café” — 50,000 CDs, 1,234,567 bytes; Fermat’s")).toBe("final cafe 50000 cds 1234567 bytes fermat s");
  });

  it("unfolds ligatures", () => {
    expect(normalizeForMatch("ﬁle ﬂow")).toBe("file flow");
  });

  it("keeps a comma between separate numbers", () => {
    expect(normalizeForMatch("June 15–20, 2009")).toBe("june 15 20 2009");
  });
});

describe("factMatch", () => {
  it("finds the whole answer, or its core without the parenthetical remark", () => {
    expect(factMatch("The copyright is held by Lawrence Lessig, 2004 [1].", "Lawrence Lessig, 2004")).toMatchObject({ kind: "exact", found: true });
    expect(factMatch("we execute 25 times faster than the interpreter [2]", "25 times faster (almost 5x faster than V8 and SFX)")).toMatchObject({ kind: "core", found: true });
  });

  it("accepts most of the answer's words in another order, with every number", () => {
    const match = factMatch("…performed on a MacBook Pro with 2.2 GHz Core 2 processor and 2 GB RAM", "MacBook Pro, 2.2 GHz Core 2, 2 GB RAM");
    expect(match.found).toBe(true);
    expect(factMatch("Stanford Law School professor", "Stanford Law School (John A. Wilson Distinguished Faculty Scholar)").kind).toBe("core");
    expect(factMatch("compiled by BellonaTimes from texts of Project Gutenberg and Archive.org", "BellonaTimes, from Project Gutenberg and Archive.org texts")).toMatchObject({ kind: "tokens", found: true });
  });

  it("does not accept an answer that has the words but another number", () => {
    expect(factMatch("MP3.com copied 5,000 CDs to a server", "50,000")).toMatchObject({ kind: "none", found: false });
    expect(factMatch("MP3.com copied 50,000 CDs", "50,000").found).toBe(true);
    expect(factMatch("speedups of 2x to 20x", "10x and more for certain benchmark programs").found).toBe(false);
  });

  it("does not find a fact in an answer that says the documents do not cover it", () => {
    const match = factMatch("Your documents do not seem to cover this question.", "Jakarta, Berlin, Vienna, Paris, Vatican City");
    expect(match).toEqual({ kind: "none", coverage: 0, found: false });
  });
});

describe("percentile", () => {
  it("takes the nearest rank, and NaN of nothing", () => {
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([5, 1, 3, 2, 4], 95)).toBe(5);
    expect(percentile([7], 50)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe("formatTable", () => {
  it("pads columns and right-aligns numeric ones", () => {
    expect(formatTable(["#", "rank", "question"], [["1", "12", "Why?"], ["2", "—", "Where is it?"]])).toBe(
      ["#  rank  question", "1    12  Why?", "2     —  Where is it?"].join("\n"),
    );
  });
});
