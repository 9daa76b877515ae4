import { z } from "zod";
import type { PdfDocument } from "./pdf-text";
import { normalizeCharacters } from "./text-cleanup";

export const BoilerplateOptions = z.object({
  /** Pages to learn from before stripping: sampled across the document by `learnBoilerplate`, held back by `stripBoilerplate`. */
  sampleSize: z.number().int().min(1).default(20),
  /** Pages whose edge lines are remembered; older ones are forgotten, so later chapters' running heads are learned too. */
  window: z.number().int().min(1).default(40),
  /** Lines at the top and at the bottom of each page (in reading order) that may be boilerplate. */
  edgeLines: z.number().int().min(1).default(3),
  /** A line must recur on at least this many remembered pages… */
  minPages: z.number().int().min(2).default(3),
  /** …and on at least this share of the remembered pages that have text. */
  minShare: z.number().min(0).max(1).default(0.1),
  /** Longer lines are body text, never a header or footer. */
  maxLineLength: z.number().int().min(1).default(200),
}).refine((o) => o.sampleSize <= o.window, "sampleSize must not exceed window: pages would be forgotten before use");
export type BoilerplateOptions = z.input<typeof BoilerplateOptions>;

/** One remembered page: the keys of its edge lines. */
export interface PageKeys {
  page: number;
  /** Lines as they are (normalised). */
  exact: string[];
  /** Lines with their numbers replaced by `#`, with those numbers in order. */
  numbered: Array<[key: string, numbers: number[]]>;
}

/** What a detector has learned, small and JSON-safe, to keep in a job checkpoint. */
export interface BoilerplateState {
  /** Pages learned so far, including those since forgotten. */
  observed: number;
  /** The remembered pages, oldest first. */
  pages: PageKeys[];
}

/** A page's text, with its 1-based page index when the caller knows it. */
export type PageText = string | { text: string; page?: number };

const ROMAN = /^m{0,4}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$/;
const ROMAN_VALUES: Record<string, number> = { i: 1, v: 5, x: 10, l: 50, c: 100, d: 500, m: 1000 };
/** A bare page number key, however decorated: "12", "- 12 -", "[12]", "12/340", "xiv". */
const PAGE_NUMBER = /^[-–—([|]?\s*#\s*(?:(?:\/|of|de|von|sur)\s*#)?\s*[-–—)\]|]?$/u;

function romanValue(word: string): number | undefined {
  if (word.length > 8 || !ROMAN.test(word)) return undefined;
  let total = 0;
  for (let i = 0; i < word.length; i++) {
    const v = ROMAN_VALUES[word[i] as string] ?? 0;
    total += v < (ROMAN_VALUES[word[i + 1] as string] ?? 0) ? -v : v;
  }
  return total;
}

interface LineKeys {
  exact: string;
  /** Present when the line has numbers: the line with each replaced by `#`. */
  numbered?: string;
  numbers: number[];
}

/**
 * Learns which lines are running headers and footers from the pages it has seen,
 * and removes them from pages.
 *
 * Heuristic: the first and last `edgeLines` non-empty lines of each page (in reading
 * order) are candidates, compared lower-cased with whitespace collapsed. A line is
 * boilerplate when it recurs on at least `minPages` of the remembered pages and on
 * at least `minShare` of those with text, either verbatim (a running title, a URL
 * footer) or with numbers that advance with the page. For the latter, digit runs
 * and a roman numeral at either end are replaced by `#`, and one of the numbers
 * must grow from page to page at about the rate of the page index (between half
 * and twice as fast, allowing for unnumbered plates), so "88 FREE CULTURE" on page
 * 100 and "90 FREE CULTURE" on page 102 match, "Page 3 of 10" and "Page 4 of 10"
 * match, "xiii" and "xiv" match, but "Total 1,024" and "Total 2,311" do not. When
 * the page index is known at stripping time, the number must also be close to
 * what the learned pages predict for it. A bare page number needs only `minPages`:
 * chapter-opening pages that carry only a number are too few to reach any share.
 * Lines are removed only from a page's edges.
 *
 * Limits: it works on reading order, not geometry, so a header that a producer
 * draws mid-stream is not at an edge and survives; a running title seen on fewer
 * than `minPages` remembered pages (short documents; a chapter's running head when
 * learning from a sample) is kept; a real line that recurs verbatim at page edges
 * (a table header repeated on every page, a story's source line) is removed;
 * running heads that change in more than their page number (dates, section
 * titles) are not found; numbering that restarts within the remembered pages
 * (front matter in roman, then arabic) may fall short of `minPages` on each side.
 * Losing such lines costs little for retrieval; "88 FREE CULTURE" in every chunk
 * of a book costs every chunk a little relevance.
 *
 * @example
 * const detector = await learnBoilerplate(pdf);          // or BoilerplateDetector.learn(firstPages)
 * const text = cleanPageText(page.text, detector, page.page);
 */
export class BoilerplateDetector {
  readonly options: z.output<typeof BoilerplateOptions>;
  #observed = 0;
  #pages: PageKeys[] = [];
  #exact = new Map<string, number>();
  /** For each numbered key, the pages it was seen on and its numbers there. */
  #numbered = new Map<string, Array<{ page: number; numbers: number[] }>>();
  #textPages = 0;

  constructor(options: BoilerplateOptions = {}, state?: BoilerplateState) {
    this.options = BoilerplateOptions.parse(options);
    if (state) {
      for (const keys of state.pages) this.#remember(keys);
      this.#observed = state.observed;
    }
  }

  /**
   * A detector that has learned from a sample of pages (say the first dozen) and
   * stays as it is: the same sample gives the same detector, so a resumed ingest
   * strips exactly what the first run did. Plain strings are taken as pages 1, 2, 3…
   */
  static learn(pages: Iterable<PageText>, options: BoilerplateOptions = {}): BoilerplateDetector {
    const detector = new BoilerplateDetector(options);
    for (const page of pages) {
      if (typeof page === "string") detector.observe(page);
      else detector.observe(page.text, page.page);
    }
    return detector;
  }

  /** Pages learned so far; fewer than `sampleSize` means still warming up. */
  get observed(): number {
    return this.#observed;
  }

  /** Adds a page's edge lines to what is known. `page` defaults to the page after the last one observed. */
  observe(text: string, page = this.#observed + 1): void {
    const exact = new Set<string>();
    const numbered = new Map<string, number[]>();
    for (const line of this.#edges(text)) {
      const keys = this.#keys(line.text);
      if (!keys) continue;
      exact.add(keys.exact);
      if (keys.numbered && !numbered.has(keys.numbered)) numbered.set(keys.numbered, keys.numbers);
    }
    this.#observed++;
    this.#remember({ page, exact: [...exact], numbered: [...numbered] });
  }

  /**
   * True when a line is a learned header or footer. With `page`, a numbered line
   * must also carry about the number the learned pages predict for that page.
   */
  isBoilerplate(line: string, page?: number): boolean {
    const keys = this.#keys(line);
    if (!keys) return false;
    if (this.#frequent(this.#exact.get(keys.exact) ?? 0, keys.exact)) return true;
    const seen = keys.numbered ? this.#numbered.get(keys.numbered) : undefined;
    if (!keys.numbered || !seen || !this.#frequent(seen.length, keys.numbered)) return false;
    return keys.numbers.some((n, i) => {
      const offsets = pageNumberOffsets(seen, i);
      if (!offsets) return false;
      return page === undefined || (n - page >= offsets.min - 3 && n - page <= offsets.max + 3);
    });
  }

  /** The page without its learned header and footer lines. */
  strip(text: string, page?: number): string {
    const drop = new Set<number>();
    for (const line of this.#edges(text)) if (this.isBoilerplate(line.text, page)) drop.add(line.index);
    if (drop.size === 0) return text;
    return text
      .split("\n")
      .filter((_, i) => !drop.has(i))
      .join("\n")
      .replace(/^\n+|\n+$/g, "")
      .replace(/\n{3,}/g, "\n\n");
  }

  /** What has been learned, to restore with `new BoilerplateDetector(options, state)` when resuming. */
  snapshot(): BoilerplateState {
    return structuredClone({ observed: this.#observed, pages: this.#pages });
  }

  #frequent(count: number, key: string): boolean {
    if (count < this.options.minPages) return false;
    return PAGE_NUMBER.test(key) || count >= this.options.minShare * this.#textPages;
  }

  #keys(line: string): LineKeys | undefined {
    const exact = normalizeCharacters(line).toLowerCase().replace(/\s+/gu, " ").trim();
    if (!exact || exact.length > this.options.maxLineLength || !/[\p{L}\p{N}]/u.test(exact)) return undefined;
    const numbers: number[] = [];
    const roman = (word: string) => {
      const value = romanValue(word);
      if (value === undefined) return word;
      numbers.push(value);
      return "#";
    };
    // Left to right, so numbers line up with the #s of the key.
    const numbered = exact
      .replace(/^[ivxlcdm]+\b/, roman)
      .replace(/[0-9]+/g, (digits) => {
        numbers.push(Number(digits));
        return "#";
      })
      .replace(/\b[ivxlcdm]+$/, roman);
    return numbers.length > 0 ? { exact, numbered, numbers } : { exact, numbers };
  }

  #edges(text: string): Array<{ index: number; text: string }> {
    const lines = text.split("\n");
    const n = this.options.edgeLines;
    const nonEmpty: number[] = [];
    lines.forEach((line, i) => {
      if (line.trim()) nonEmpty.push(i);
    });
    const picked = new Set([...nonEmpty.slice(0, n), ...nonEmpty.slice(-n)]);
    return [...picked].map((index) => ({ index, text: lines[index] ?? "" }));
  }

  #remember(keys: PageKeys): void {
    this.#pages.push(keys);
    this.#count(keys, 1);
    while (this.#pages.length > this.options.window) this.#count(this.#pages.shift() as PageKeys, -1);
  }

  #count(keys: PageKeys, delta: 1 | -1): void {
    if (keys.exact.length > 0) this.#textPages += delta;
    for (const key of keys.exact) {
      const n = (this.#exact.get(key) ?? 0) + delta;
      if (n > 0) this.#exact.set(key, n);
      else this.#exact.delete(key);
    }
    for (const [key, numbers] of keys.numbered) {
      const seen = this.#numbered.get(key) ?? [];
      if (delta > 0) seen.push({ page: keys.page, numbers });
      else seen.splice(seen.findIndex((s) => s.page === keys.page), 1);
      if (seen.length > 0) this.#numbered.set(key, seen);
      else this.#numbered.delete(key);
    }
  }
}

/**
 * When the `i`-th number of a line grows with the page like a page number, the
 * range of its offsets from the page index; otherwise undefined. Between sampled
 * pages it must grow by between half and twice the page distance (±2), on at
 * least three quarters of the steps: printed numbers skip unnumbered plates and
 * blank pages, so the offset drifts through a book, but they never run backwards
 * or jump by chapters.
 */
function pageNumberOffsets(seen: Array<{ page: number; numbers: number[] }>, i: number): { min: number; max: number } | undefined {
  const points = seen
    .map((s) => ({ page: s.page, n: s.numbers[i] }))
    .filter((p): p is { page: number; n: number } => p.n !== undefined)
    .sort((a, b) => a.page - b.page);
  if (points.length < 2) return undefined;
  let good = 0;
  for (let k = 1; k < points.length; k++) {
    const dp = (points[k] as { page: number }).page - (points[k - 1] as { page: number }).page;
    const dn = (points[k] as { n: number }).n - (points[k - 1] as { n: number }).n;
    if (dp > 0 && dn > 0 && dn >= dp / 2 - 2 && dn <= dp * 2 + 2) good++;
  }
  if (good < 0.75 * (points.length - 1)) return undefined;
  const offsets = points.map((p) => p.n - p.page);
  return { min: Math.min(...offsets), max: Math.max(...offsets) };
}

/**
 * Streams pages with their headers and footers removed. The first pages are held
 * back until the detector has seen `sampleSize` of them (a detector restored from a
 * checkpoint that has already seen enough releases pages at once); after that each
 * page is learned from, then stripped and released, so memory stays at
 * `sampleSize` pages of text however long the document.
 */
export async function* stripBoilerplate<P extends { text: string; page?: number }>(
  pages: AsyncIterable<P>,
  detector: BoilerplateDetector = new BoilerplateDetector(),
): AsyncGenerator<P> {
  const held: P[] = [];
  for await (const page of pages) {
    detector.observe(page.text, page.page);
    if (detector.observed < detector.options.sampleSize) {
      held.push(page);
      continue;
    }
    for (const early of held.splice(0)) yield { ...early, text: detector.strip(early.text, early.page) };
    yield { ...page, text: detector.strip(page.text, page.page) };
  }
  for (const early of held) yield { ...early, text: detector.strip(early.text, early.page) };
}

/**
 * Which pages to learn from: all of a short document; of a longer one, pairs of
 * facing pages spread evenly from start to end. Spreading matters because a book's
 * first pages are cover, title and contents, with no running heads at all; pairs
 * matter because running heads alternate between left and right pages.
 */
export function samplePages(pageCount: number, size: number): number[] {
  if (pageCount <= size) return Array.from({ length: pageCount }, (_, i) => i + 1);
  const pairs = Math.max(1, Math.floor(size / 2));
  const pages = new Set<number>();
  for (let i = 0; i < pairs; i++) {
    const start = 1 + Math.round((i * (pageCount - 2)) / Math.max(1, pairs - 1));
    pages.add(start);
    pages.add(start + 1);
  }
  return [...pages].sort((a, b) => a - b);
}

/**
 * A detector learned from `sampleSize` pages spread over the whole document (see
 * {@link samplePages}). Deterministic for a given file, so every attempt of a
 * resumed ingest strips the same lines.
 */
export async function learnBoilerplate(pdf: Pick<PdfDocument, "pageCount" | "page">, options: BoilerplateOptions = {}): Promise<BoilerplateDetector> {
  const detector = new BoilerplateDetector(options);
  for (const n of samplePages(pdf.pageCount, detector.options.sampleSize)) detector.observe((await pdf.page(n)).text, n);
  return detector;
}
