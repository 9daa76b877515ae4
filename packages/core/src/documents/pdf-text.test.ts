import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { NonRetryableJobError } from "../errors";
import { EmptyFileError, NotAPdfError, PdfDamagedError, PdfEncryptedError } from "./errors";
import { type TextRun, buildPageText } from "./page-text";
import { type PdfPage, openPdf } from "./pdf-text";
import { learnBoilerplate } from "./boilerplate";
import { cleanPageText, collapseWhitespace } from "./text-cleanup";
import { HAS_PDFS, NO_PDFS_MESSAGE, listPdfs, makePdf, readPdf } from "../testing/pdf-fixtures";

async function allPages(bytes: Uint8Array, password?: string): Promise<{ pageCount: number; pages: PdfPage[] }> {
  const pdf = await openPdf(bytes, password === undefined ? {} : { password });
  try {
    const pages: PdfPage[] = [];
    for await (const page of pdf.pages()) pages.push(page);
    return { pageCount: pdf.pageCount, pages };
  } finally {
    await pdf.close();
  }
}

const run = (str: string, x: number, y: number, opts: Partial<TextRun> = {}): TextRun => ({
  str,
  transform: [10, 0, 0, 10, x, y],
  width: str.length * 5,
  height: 10,
  hasEOL: false,
  ...opts,
});

describe("buildPageText", () => {
  it("breaks lines on hasEOL and on a baseline change", () => {
    expect(buildPageText([run("first line", 72, 700, { hasEOL: true }), run("second", 72, 688), run("third", 72, 676)])).toBe(
      "first line\nsecond\nthird",
    );
  });

  it("treats pdf.js's empty EOL runs as line breaks", () => {
    expect(buildPageText([run("a", 72, 700), run("", 72, 688, { hasEOL: true, width: 0 }), run("b", 72, 688)])).toBe("a\nb");
  });

  it("inserts a space for a gap along the baseline, but never a second one", () => {
    expect(buildPageText([run("glued", 72, 700), run("word", 72 + 25 + 4, 700)])).toBe("glued word");
    expect(buildPageText([run("kern", 72, 700), run("ing", 72 + 20 + 0.3, 700)])).toBe("kerning");
    expect(buildPageText([run("space ", 72, 700), run("kept", 72 + 30 + 4, 700)])).toBe("space kept");
  });

  it("keeps superscripts on their line", () => {
    expect(buildPageText([run("Gal", 72, 700), run("*", 87, 704, { height: 7, transform: [7, 0, 0, 7, 87, 704] }), run(", Eich", 92, 700)])).toBe(
      "Gal*, Eich",
    );
  });

  it("marks a large downward jump as a paragraph break", () => {
    expect(buildPageText([run("Heading", 72, 700), run("Body", 72, 660)])).toBe("Heading\n\nBody");
  });

  it("separates columns or cells on the same baseline", () => {
    expect(buildPageText([run("left", 300, 700), run("right", 72, 700)])).toBe("left right");
  });

  it("lays out rotated text in its own frame", () => {
    // Text running up the page (rotated 90°): the next line sits further right.
    const up = (str: string, x: number, y: number, hasEOL = false): TextRun => ({ str, transform: [0, 10, -10, 0, x, y], width: str.length * 5, height: 10, hasEOL });
    expect(buildPageText([up("one", 100, 100), up("two", 100, 118), up("next", 112, 100)])).toBe("one two\nnext");
  });
});

describe("openPdf on synthetic bytes", () => {
  it("rejects zero bytes with EmptyFileError", async () => {
    const error = await openPdf(new Uint8Array()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmptyFileError);
    expect(error).toBeInstanceOf(NonRetryableJobError);
    expect((error as EmptyFileError).code).toBe("invalid_input");
    expect((error as EmptyFileError).reason).toBe("empty_file");
    expect((error as Error).message).toMatch(/empty/);
  });

  it("rejects random bytes and other formats with NotAPdfError", async () => {
    const random = new Uint8Array(4096);
    for (let i = 0; i < random.length; i++) random[i] = (i * 2654435761) >>> 24; // deterministic noise
    await expect(openPdf(random)).rejects.toBeInstanceOf(NotAPdfError);
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
    await expect(openPdf(png)).rejects.toThrow(/not a PDF \(it looks like a PNG image\)/);
    const html = new TextEncoder().encode("<!DOCTYPE html><html><body>%PDF-1.4 is mentioned too late</body></html>".padStart(1100));
    await expect(openPdf(html)).rejects.toMatchObject({ reason: "not_a_pdf" });
  });

  it("accepts junk before the header within the first 1024 bytes", async () => {
    const pdf = makePdf([[{ text: "Hello", y: 700 }]]);
    const prefixed = new Uint8Array([...new TextEncoder().encode("junk\n".repeat(20)), ...pdf]);
    expect((await allPages(prefixed)).pages[0]?.text).toBe("Hello");
  });

  it("rejects a PDF header followed by garbage as damaged", async () => {
    const bytes = new TextEncoder().encode("%PDF-1.7\nthis is not a pdf body at all\n%%EOF\n");
    const error = await openPdf(bytes).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PdfDamagedError);
    expect((error as Error).message).toMatch(/damaged .*cannot be read/);
  });

  it("rejects a cut-off file as truncated instead of opening a shorter document", async () => {
    const full = makePdf([[{ text: "One", y: 700 }], [{ text: "Two", y: 700 }]]);
    const error = await openPdf(full.subarray(0, Math.floor(full.length * 0.8))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PdfDamagedError);
    expect(error).toMatchObject({ truncated: true, reason: "pdf_damaged" });
    expect((error as Error).message).toMatch(/truncated/);
  });

  it("tolerates padding after %%EOF", async () => {
    const pdf = makePdf([[{ text: "Padded", y: 700 }]]);
    const padded = new Uint8Array([...pdf, ...new Uint8Array(5000)]);
    expect((await allPages(padded)).pages[0]?.text).toBe("Padded");
  });

  it("extracts lines and pages in order and does not detach the caller's bytes", async () => {
    const bytes = makePdf([
      [
        { text: "Hello inter-", y: 700 },
        { text: "national world.", y: 686 },
      ],
      [{ text: "Second page", y: 700 }],
    ]);
    const { pageCount, pages } = await allPages(bytes);
    expect(pageCount).toBe(2);
    expect(pages.map((p) => p.text)).toEqual(["Hello inter-\nnational world.", "Second page"]);
    expect(pages[0]).toMatchObject({ page: 1, hasTextLayer: true, charCount: 25 });
    expect(bytes.byteLength).toBeGreaterThan(0);
  });

  it("resumes from a later page and reads single pages", async () => {
    const bytes = makePdf([1, 2, 3, 4].map((n) => [{ text: `Page ${n}`, y: 700 }]));
    const pdf = await openPdf(bytes);
    try {
      const seen: number[] = [];
      for await (const page of pdf.pages(3)) seen.push(page.page);
      expect(seen).toEqual([3, 4]);
      expect((await pdf.page(2)).text).toBe("Page 2");
      await expect(pdf.page(5)).rejects.toBeInstanceOf(RangeError);
    } finally {
      await pdf.close();
    }
  });

  it("skips a page that cannot be read, with a warning, instead of failing the document", async () => {
    const bytes = makePdf([[{ text: "One", y: 700 }], [{ text: "Two", y: 700 }]]);
    // Point the second page-tree kid at an object that does not exist.
    const broken = new TextDecoder("latin1").decode(bytes).replace(/\/Kids \[(\d+) 0 R \d+ 0 R\]/, "/Kids [$1 0 R 99 0 R]");
    const warnings: unknown[] = [];
    const pdf = await openPdf(new Uint8Array(Buffer.from(broken, "latin1")), { logger: { warn: (m, extra) => warnings.push({ m, ...extra }) } });
    try {
      const pages: PdfPage[] = [];
      for await (const page of pdf.pages()) pages.push(page);
      expect(pages[0]).toMatchObject({ page: 1, text: "One" });
      expect(pages[1]).toMatchObject({ page: 2, text: "", hasTextLayer: false, charCount: 0 });
      expect(pages[1]?.error).toBeTruthy();
      expect(warnings).toEqual([expect.objectContaining({ page: 2 })]);
    } finally {
      await pdf.close();
    }
  });

  it("fails pages() after close instead of reading a destroyed document", async () => {
    const pdf = await openPdf(makePdf([[{ text: "a", y: 700 }], [{ text: "b", y: 700 }]]));
    const it = pdf.pages()[Symbol.asyncIterator]();
    await it.next();
    await pdf.close();
    await expect(it.next()).rejects.toThrow(/closed/);
  });
});

/** What the manifest says each file must do. */
interface Expectation {
  pages?: number;
  error?: new (...args: never[]) => Error;
  password?: string;
  /** Pages with no text layer. */
  imageOnly?: number[];
  /** [page, quote]: the quote occurs on that page after cleanup, whitespace-normalised. */
  quotes?: Array<[number, string]>;
  check?: (pages: PdfPage[]) => void;
}

const nfkc = (s: string) => collapseWhitespace(s.normalize("NFKC"));

const manifest: Record<string, Expectation> = {
  "tracemonkey.pdf": {
    pages: 14,
    quotes: [
      [1, "PLDI’09, June 15–20, 2009, Dublin, Ireland."],
      [1, "we have measured speedups of 10x and more for certain benchmark programs."],
      [10, "All experiments were performed on a MacBook Pro with 2.2 GHz Core 2 processor and 2 GB RAM"],
      [11, "For one of the benchmark programs we execute 25 times faster than the SpiderMonkey interpreter, and almost 5 times faster than V8 and SFX."],
      [13, "Parts of this effort have been sponsored by the National Science Foundation under grants CNS-0615443 and CNS-0627747"],
    ],
  },
  "pdkids.pdf": {
    pages: 55,
    quotes: [
      [1, "The Buried Moon - An English Fairy Tale"],
      [1, "Now, I've heard my Granny say that a long time before her day the Moon got trapped and buried in the bog."],
      [30, "and there at the foot of the wonderful arch of glory was the Pot of Gold."],
      [55, "PD KIDS was compiled by BellonaTimes from public domain texts found in Project Gutenberg and Archive.org."],
    ],
  },
  "freeculture.pdf": {
    pages: 352,
    imageOnly: [1],
    quotes: [
      [5, "THE PENGUIN PRESS NEW YORK 2004"],
      [7, "Copyright © Lawrence Lessig, 2004"],
      [200, "MP3.com needed to copy 50,000 CDs to a server."],
      [352, "LAWRENCE LESSIG (http://www.lessig.org), professor of law and a John A. Wilson Distinguished Faculty Scholar at Stanford Law School"],
    ],
  },
  "google-doc-document.pdf": {
    pages: 1,
    quotes: [
      [1, "In the face of ambiguity, refuse the temptation to guess."],
      [1, "Capital Jakarta Berlin Vienna Paris Vatican City"],
    ],
    // The flags are private-use glyphs: noise to an embedder.
    check: (pages) => expect(cleanPageText(pages[0]?.text ?? "")).not.toMatch(/[\u{F0000}-\u{FFFFD}]/u),
  },
  "bug1997343.pdf": {
    pages: 2,
    quotes: [
      [1, "A Two Column Example"],
      [2, "Theorem 1 (Fermat’s Last Theorem)."],
      [2, 'printf("hello, world");'],
    ],
  },
  "TAMReview.pdf": {
    pages: 23,
    quotes: [[1, "Overview of the Technology Acceptance Model: Origins, Developments and Future Directions"]],
  },
  "issue16063.pdf": {
    pages: 1,
    check: (pages) => {
      // The phrase wraps after "できる" in the PDF; joining must not insert a space.
      const text = cleanPageText(pages[0]?.text ?? "");
      expect(text.split("行うことができる速結端子").length - 1).toBe(1);
    },
  },
  "habibi.pdf": {
    pages: 1,
    check: (pages) => {
      const text = cleanPageText(pages[0]?.text ?? "");
      expect(text).toMatch(/^habibi /);
      expect(text).toMatch(/\p{Script=Arabic}/u);
      expect(text).not.toMatch(/[\u0000-\u001F\u202A-\u202E]/);
    },
  },
  "copy_paste_ligatures.pdf": {
    pages: 1,
    quotes: [[1, "abcdeffffiflffifflststghijklmno"]],
    check: (pages) => expect(cleanPageText(pages[0]?.text ?? "")).not.toMatch(/[\uFB00-\uFB06\u017F]/),
  },
  "issue5421.pdf": {
    pages: 1,
    // Invisible (render mode 3) text is indexed: it is how OCR layers are drawn.
    quotes: [[1, "РЕСПУБЛИКАСЫ"]],
  },
  "issue12963.pdf": {
    pages: 8,
    check: (pages) => expect(pages.every((p) => p.hasTextLayer && p.charCount > 500)).toBe(true),
  },
  "Brotli-Prototype-FileA.pdf": {
    pages: 25,
    check: (pages) => expect(nfkc(pages[0]?.text ?? "")).toMatch(/^SHEET INDEX A0\.0 COVER PAGE A0\.1 PROJECT INFORMATION/),
  },
  "pr6531_1.pdf": { pages: 1, password: "asdfasdf", imageOnly: [1] },
  "bug1815476.pdf": { pages: 1, check: (pages) => expect(pages[0]?.charCount).toBeGreaterThan(1000) },
  "bug1020226.pdf": { error: PdfDamagedError },
  "c-empty.pdf": { pages: 0 },
  "c02-22.pdf": { pages: 1, imageOnly: [1] },
  "TAMReview_truncated_400KiB.pdf": { error: PdfDamagedError },
};

const describeCorpus = HAS_PDFS ? describe : describe.skip;

describeCorpus(HAS_PDFS ? "openPdf on the manifest PDFs" : NO_PDFS_MESSAGE, () => {
  it("has an expectation for every PDF in the corpus", () => {
    expect(listPdfs()).toEqual(Object.keys(manifest).sort());
  });

  for (const [file, want] of Object.entries(manifest)) {
    it(`${file}: ${want.error ? want.error.name : `${want.pages} page(s)`}`, async () => {
      const bytes = readPdf(file);
      if (want.error) {
        await expect(openPdf(bytes)).rejects.toBeInstanceOf(want.error);
        return;
      }
      const pdf = await openPdf(bytes, want.password === undefined ? {} : { password: want.password });
      try {
        expect(pdf.pageCount).toBe(want.pages);
        const pages: PdfPage[] = [];
        for await (const page of pdf.pages()) pages.push(page);
        expect(pages.map((p) => p.page)).toEqual(Array.from({ length: want.pages ?? 0 }, (_, i) => i + 1));
        expect(pages.filter((p) => p.error)).toEqual([]);
        const imageOnly = pages.filter((p) => !p.hasTextLayer).map((p) => p.page);
        expect(imageOnly).toEqual(want.imageOnly ?? []);
        for (const p of pages) expect(p.hasTextLayer).toBe(p.charCount > 0);
        if (want.quotes?.length) {
          const boilerplate = await learnBoilerplate(pdf);
          for (const [page, quote] of want.quotes) {
            const text = nfkc(cleanPageText(pages[page - 1]?.text ?? "", boilerplate));
            expect(text, `page ${page}`).toContain(nfkc(quote));
            const elsewhere = pages.filter((p) => p.page !== page && nfkc(cleanPageText(p.text)).includes(nfkc(quote))).map((p) => p.page);
            expect(elsewhere, `"${quote}" also on`).toEqual([]);
          }
        }
        want.check?.(pages);
      } finally {
        await pdf.close();
      }
    });
  }

  it("pr6531_1.pdf: says whether the password was missing or wrong", async () => {
    const missing = await openPdf(readPdf("pr6531_1.pdf")).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(PdfEncryptedError);
    expect(missing).toMatchObject({ incorrectPassword: false, reason: "pdf_encrypted", code: "invalid_input" });
    expect((missing as Error).message).toMatch(/password-protected/);
    const wrong = await openPdf(readPdf("pr6531_1.pdf"), { password: "qwerty" }).catch((e: unknown) => e);
    expect(wrong).toMatchObject({ incorrectPassword: true });
    expect((wrong as Error).message).toMatch(/password given is incorrect/);
  });

  it("bug1815476.pdf: reports encryption and the copy restriction, and reads it anyway", async () => {
    const pdf = await openPdf(readPdf("bug1815476.pdf"));
    try {
      expect(pdf.info).toMatchObject({ encrypted: true, copyAllowed: false, title: "solicitud del titulo" });
    } finally {
      await pdf.close();
    }
  });

  it("TAMReview_truncated_400KiB.pdf: the error says truncated (pdf.js alone would open 1 of 23 pages)", async () => {
    const error = await openPdf(readPdf("TAMReview_truncated_400KiB.pdf")).catch((e: unknown) => e);
    expect(error).toMatchObject({ truncated: true });
    expect((error as Error).message).toMatch(/truncated .*cannot be read/);
  });

  it("freeculture.pdf: document info comes through", async () => {
    const pdf = await openPdf(readPdf("freeculture.pdf"));
    try {
      expect(pdf.info).toMatchObject({ title: "Free Culture", author: "Lawrence Lessig", encrypted: false, copyAllowed: true });
    } finally {
      await pdf.close();
    }
  });

  it("freeculture.pdf (352 pages): memory stays bounded and yielded pages are not retained", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const heap = () => {
      gc();
      return process.memoryUsage().heapUsed;
    };
    const pdf = await openPdf(readPdf("freeculture.pdf"));
    const early: Array<WeakRef<PdfPage>> = [];
    let baseline = 0;
    let peak = 0;
    let chars = 0;
    try {
      for await (const page of pdf.pages()) {
        chars += page.charCount;
        if (page.page <= 20) early.push(new WeakRef(page));
        if (page.page === 50) baseline = heap();
        if (page.page > 50 && page.page % 50 === 0) peak = Math.max(peak, heap());
      }
    } finally {
      await pdf.close();
    }
    expect(chars).toBeGreaterThan(500_000);
    // pdf.js's per-document caches (fonts, images, page dictionaries) are dropped every
    // 100 pages; without that the heap grows ~12 MB over these 300 pages, with it ~2 MB.
    expect((peak - baseline) / 1e6).toBeLessThan(8);
    heap();
    expect(early.filter((ref) => ref.deref() !== undefined)).toEqual([]);
  });
});
