import { describe, expect, it } from "vitest";
import { BoilerplateDetector, learnBoilerplate, samplePages, stripBoilerplate } from "./boilerplate";
import { openPdf } from "./pdf-text";
import { cleanPageText, collapseWhitespace, joinLines, normalizeCharacters } from "./text-cleanup";
import { HAS_PDFS, NO_PDFS_MESSAGE, readPdf } from "../testing/pdf-fixtures";

describe("normalizeCharacters", () => {
  it("expands ligatures and applies NFKC", () => {
    expect(normalizeCharacters("\uFB01nd the \uFB02ow, \uFB00ort, e\uFB03cient, ba\uFB04e, \uFB05op")).toBe("find the flow, ffort, efficient, baffle, stop");
    expect(normalizeCharacters("ａｂｃ０．７５　x")).toBe("abc0.75 x"); // full-width letters and ideographic space
    expect(normalizeCharacters("𝑝 = 𝑛 mod 𝑝")).toBe("p = n mod p"); // math italic
    expect(normalizeCharacters("ſtate")).toBe("state");
  });

  it("keeps superscripts, subscripts and fractions, whose NFKC forms mean something else", () => {
    expect(normalizeCharacters("x² + H₂O + 1½")).toBe("x² + H₂O + 1½");
  });

  it("removes control, zero-width, bidi, replacement and private-use characters", () => {
    expect(normalizeCharacters("a\u0003b\u200Bc\u202Bd\u202Ce\uFEFFf\uFFFDg\uE000h\u{F0000}i")).toBe("abcdefghi");
    // ZWNJ/ZWJ change spelling and emoji; they stay.
    expect(normalizeCharacters("می\u200Cخواهم 👩\u200D💻")).toBe("می\u200Cخواهم 👩\u200D💻");
  });

  it("unifies line ends, collapses spaces and trims lines", () => {
    expect(normalizeCharacters("  a \t  b \r\nc\u00A0\u2009d\r\re  ")).toBe("a b\nc d\n\ne");
  });

  it("joins words broken with a soft hyphen and drops other soft hyphens", () => {
    expect(normalizeCharacters("infor\u00AD\nmation and hy\u00ADphen")).toBe("information and hyphen");
  });

  it("reattaches TeX accents drawn as separate glyphs", () => {
    expect(normalizeCharacters("In a na \u0308\u0131ve implementation, G \u0308odel")).toBe("In a naïve implementation, Gödel");
  });
});

describe("joinLines", () => {
  it("de-hyphenates words broken across lines", () => {
    expect(joinLines("an inter-\nnational team")).toBe("an international team");
    expect(joinLines("Dynamic languages are more difficult to com-\npile than statically typed ones.")).toBe(
      "Dynamic languages are more difficult to compile than statically typed ones.",
    );
  });

  it("keeps real hyphens", () => {
    expect(joinLines("a well-known fact")).toBe("a well-known fact");
    expect(joinLines("a well-\nknown fact")).toBe("a well-known fact");
    expect(joinLines("the Anglo-\nSaxon world")).toBe("the Anglo-Saxon world");
    expect(joinLines("grants CNS-\n0615443 and")).toBe("grants CNS-0615443 and");
    expect(joinLines("a state-of-the-\nart design")).toBe("a state-of-the-art design");
    expect(joinLines("one--\nand only one")).toBe("one-- and only one");
    expect(joinLines("a list -\nwith dashes")).toBe("a list - with dashes");
  });

  it("lets the page decide when it spells the word elsewhere", () => {
    expect(joinLines("uses a mixed-mode design. The mixed-\nmode interpreter")).toBe("uses a mixed-mode design. The mixed-mode interpreter");
    expect(joinLines("it is self-\nish. Selfish genes")).toBe("it is selfish. Selfish genes");
  });

  it("joins lines with a space, except inside scripts written without spaces", () => {
    expect(joinLines("first line\nsecond line")).toBe("first line second line");
    expect(joinLines("行うことがで\nきる速結端子")).toBe("行うことができる速結端子");
    expect(joinLines("ภาษา\nไทย")).toBe("ภาษาไทย");
    expect(joinLines("한국어\n문장")).toBe("한국어 문장"); // Korean uses spaces
    expect(joinLines("either/\nor, and—\nthen")).toBe("either/or, and—then");
  });

  it("keeps paragraph breaks", () => {
    expect(joinLines("Title\n\nBody line one\nline two\n\n\nNext")).toBe("Title\n\nBody line one line two\n\nNext");
  });

  it("is linear on a page-long line", () => {
    const long = "x".repeat(200_000) + "-\n" + "y".repeat(10);
    const t0 = performance.now();
    expect(joinLines(long)).toHaveLength(200_010);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe("cleanPageText", () => {
  it("normalises, strips boilerplate and joins lines", () => {
    const words = ["Alpha", "Beta", "Gamma", "Delta", "Epsilon"];
    const pages = words.map((w, i) => `Journal of Things\n${w} is an e\uFB03cient inter-\nnational ${w.toLowerCase()}.\nPage ${i + 1} of 5`);
    const detector = BoilerplateDetector.learn(pages);
    expect(cleanPageText(pages[2] ?? "", detector, 3)).toBe("Gamma is an efficient international gamma.");
    expect(cleanPageText(pages[2] ?? "")).toBe("Journal of Things Gamma is an efficient international gamma. Page 3 of 5");
  });
});

describe("BoilerplateDetector", () => {
  const book = (n: number) =>
    [
      n % 2 === 0 ? `${n} FREE CULTURE` : `CHAPTER ONE ${n}`,
      `Body text talks about topic ${n * 7}.`,
      `It has a second line ${n * n}.`,
      n % 5 === 0 ? String(n) : `Closing line ${n * 3}`,
      "<http://example.org/get-it>",
    ].join("\n");

  it("learns running heads and footers with varying page numbers, and strips only those", () => {
    const detector = BoilerplateDetector.learn(Array.from({ length: 20 }, (_, i) => book(i + 1)));
    expect(detector.isBoilerplate("88 FREE CULTURE")).toBe(true);
    expect(detector.isBoilerplate("CHAPTER ONE 123")).toBe(true);
    expect(detector.isBoilerplate("<http://example.org/get-it>")).toBe(true);
    expect(detector.isBoilerplate("Body text talks about topic 63.")).toBe(false);
    expect(detector.strip(book(40), 40)).toBe("Body text talks about topic 280.\nIt has a second line 1600.");
    expect(detector.strip(book(41), 41)).toBe("Body text talks about topic 287.\nIt has a second line 1681.\nClosing line 123");
    // Page numbers are checked against the page when it is known.
    expect(detector.isBoilerplate("88 FREE CULTURE", 88)).toBe(true);
    expect(detector.isBoilerplate("88 FREE CULTURE", 120)).toBe(false);
  });

  it("does not take numbered lines for boilerplate unless the numbers advance with the page", () => {
    const pages = [1, 2, 3, 4, 5, 6].map((n) => `Balance brought forward ${n * 137}\nBody ${n * n}\nTotal ${1000 - n * 31}`);
    const detector = BoilerplateDetector.learn(pages);
    expect(detector.strip(pages[3] ?? "", 4)).toBe(pages[3]);
  });

  it("matches page numbers in any digits or roman numerals", () => {
    const pages = ["xi", "xii", "xiii", "xiv"].map((r) => `${r} PREFACE\nSome text about ${r}.`);
    const detector = BoilerplateDetector.learn(pages);
    expect(detector.strip("xv PREFACE\nMore text.")).toBe("More text.");
    const numbered = BoilerplateDetector.learn([1, 2, 3].map((n) => `Page ${n} of 340\nText ${n * n}.`));
    expect(numbered.strip("Page 12 of 340\nMore text.", 12)).toBe("More text.");
    const roman = BoilerplateDetector.learn(["mid PREFACE\na", "mid PREFACE\nb", "xii PREFACE\nc"], { minShare: 0.9 });
    expect(roman.isBoilerplate("mid PREFACE")).toBe(false); // not a numeral, and on 2 of 3 pages
  });

  it("removes lines only at page edges", () => {
    const pages = Array.from({ length: 6 }, (_, i) => `Header\na${i * i}\nb${i * i}\nc${i * i}\nHeader\nd${i * i}\ne${i * i}\nf${i * i}`);
    const detector = BoilerplateDetector.learn(pages);
    expect(detector.strip("Header\na\nb\nc\nHeader\nd\ne\nf")).toBe("a\nb\nc\nHeader\nd\ne\nf");
  });

  it("does nothing with too few pages to tell", () => {
    const detector = BoilerplateDetector.learn(["Title\nbody", "Title\nmore"]);
    expect(detector.strip("Title\nbody")).toBe("Title\nbody");
  });

  it("ignores long lines and lines without letters or digits", () => {
    const long = "x ".repeat(150);
    const detector = BoilerplateDetector.learn([1, 2, 3, 4].map((n) => `${long}\n---\nbody ${n * 13}`));
    expect(detector.isBoilerplate(long)).toBe(false);
    expect(detector.isBoilerplate("---")).toBe(false);
  });

  it("restores from a snapshot", () => {
    const detector = BoilerplateDetector.learn(Array.from({ length: 8 }, (_, i) => book(i + 1)));
    const restored = new BoilerplateDetector({}, JSON.parse(JSON.stringify(detector.snapshot())));
    expect(restored.observed).toBe(8);
    expect(restored.strip(book(30))).toBe(detector.strip(book(30)));
  });

  it("forgets pages outside its window", () => {
    const detector = new BoilerplateDetector({ window: 5, sampleSize: 5 });
    for (let n = 1; n <= 5; n++) detector.observe(`Old head ${n}\nbody ${n}`);
    expect(detector.isBoilerplate("Old head 9")).toBe(true);
    for (let n = 6; n <= 10; n++) detector.observe(`New head ${n}\nbody ${n}`);
    expect(detector.isBoilerplate("Old head 9")).toBe(false);
    expect(detector.isBoilerplate("New head 11")).toBe(true);
  });

  it("validates its options", () => {
    expect(() => new BoilerplateDetector({ sampleSize: 50, window: 10 })).toThrow(/sampleSize/);
  });
});

describe("samplePages", () => {
  it("takes every page of a short document and facing pairs spread over a long one", () => {
    expect(samplePages(5, 20)).toEqual([1, 2, 3, 4, 5]);
    const sample = samplePages(352, 20);
    expect(sample).toHaveLength(20);
    expect(sample[0]).toBe(1);
    expect(sample.at(-1)).toBe(352);
    for (let i = 0; i < sample.length; i += 2) expect((sample[i + 1] ?? 0) - (sample[i] ?? 0)).toBe(1);
  });
});

describe("stripBoilerplate", () => {
  it("holds back the first pages until it has learned, then streams, learning as it goes", async () => {
    async function* pages() {
      for (let n = 1; n <= 30; n++) {
        // A running head that only starts on page 15, like a new chapter's.
        const head = n < 15 ? `${n} BOOK TITLE` : `Chapter Two ${n}`;
        yield { page: n, text: `${head}\nText ${n * 11}.` };
      }
    }
    const out: Array<{ page: number; text: string }> = [];
    for await (const page of stripBoilerplate(pages(), new BoilerplateDetector({ sampleSize: 10 }))) out.push(page);
    expect(out.map((p) => p.page)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(out[0]?.text).toBe("Text 11.");
    expect(out[13]?.text).toBe("Text 154.");
    // The new head is learned once it has recurred minPages (3) times.
    expect(out[15]?.text).toBe("Chapter Two 16\nText 176.");
    expect(out[20]?.text).toBe("Text 231.");
  });

  it("releases every page of a document shorter than the sample", async () => {
    async function* pages() {
      yield { text: "only\npage" };
    }
    const out = [];
    for await (const page of stripBoilerplate(pages())) out.push(page);
    expect(out).toEqual([{ text: "only\npage" }]);
  });
});

const describeCorpus = HAS_PDFS ? describe : describe.skip;

describeCorpus(HAS_PDFS ? "cleanup on the manifest PDFs" : NO_PDFS_MESSAGE, () => {
  it("freeculture.pdf: running heads and the footer link are removed, body text kept", async () => {
    const pdf = await openPdf(readPdf("freeculture.pdf"));
    try {
      const detector = await learnBoilerplate(pdf);
      const page = await pdf.page(100);
      expect(page.text).toMatch(/88 FREE CULTURE/);
      const clean = cleanPageText(page.text, detector);
      expect(clean).not.toMatch(/FREE CULTURE|free-culture\.org/);
      expect(clean).toMatch(/^strictions on the freedom of others: It grants the author the exclusive right to copy/);
      // Facts near page edges survive.
      const p200 = cleanPageText((await pdf.page(200)).text, detector);
      expect(collapseWhitespace(p200)).toContain("MP3.com needed to copy 50,000 CDs to a server.");
    } finally {
      await pdf.close();
    }
  });

  it("tracemonkey.pdf: words split at line ends are rejoined", async () => {
    const pdf = await openPdf(readPdf("tracemonkey.pdf"));
    try {
      const clean = cleanPageText((await pdf.page(1)).text);
      expect(clean).toContain("more difficult to compile than statically typed ones");
      expect(clean).toContain("We present an alternative compilation technique");
      expect(clean).not.toMatch(/\w-\n/);
    } finally {
      await pdf.close();
    }
  });
});
