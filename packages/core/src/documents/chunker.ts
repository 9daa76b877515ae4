import { z } from "zod";

/** Below this a chunk cannot hold a useful sentence; also keeps overlap arithmetic sane. */
const MIN_MAX_CHARS = 40;

/**
 * How pages are cut into chunks. Lengths are UTF-16 code units (`String.length`),
 * the unit embedders' character limits are given in.
 */
export const ChunkOptions = z
  .object({
    /** Hard limit: no chunk is longer. Pass the embedder's input limit (or less). */
    maxChars: z.number().int().min(MIN_MAX_CHARS).default(2000),
    /** Chunks close once they reach about this size; defaults to 1000, or `maxChars` if smaller. */
    targetChars: z.number().int().positive().optional(),
    /**
     * Whole sentences of about this many characters from the end of a chunk start the
     * next one on the same page, so a fact that straddles a boundary is found whole
     * in one of them. Defaults to 150, or 15% of `targetChars` if that is smaller.
     */
    overlapChars: z.number().int().nonnegative().optional(),
    /** BCP 47 language for sentence and word boundaries. */
    locale: z
      .string()
      .default("en")
      .refine((l) => {
        try {
          return Intl.getCanonicalLocales(l).length === 1;
        } catch {
          return false;
        }
      }, "not a BCP 47 language tag"),
  })
  .transform((o) => {
    const targetChars = o.targetChars ?? Math.min(1000, o.maxChars);
    return {
      maxChars: o.maxChars,
      targetChars,
      overlapChars: o.overlapChars ?? Math.min(150, Math.floor(targetChars * 0.15)),
      locale: o.locale,
    };
  })
  .refine((o) => o.targetChars <= o.maxChars, { message: "targetChars must not exceed maxChars", path: ["targetChars"] })
  .refine((o) => o.overlapChars < o.targetChars, { message: "overlapChars must be below targetChars", path: ["overlapChars"] });
export type ChunkOptions = z.input<typeof ChunkOptions>;
export type ResolvedChunkOptions = z.output<typeof ChunkOptions>;

/** A piece of one page's text, ready to embed. */
export interface Chunk {
  /** The page it came from; chunks never span pages, so citations can name one page. */
  page: number;
  /** 0-based position in the document, continuing across pages. */
  index: number;
  text: string;
}

/** A half-open `[start, end)` range of a page's text. */
export interface Span {
  start: number;
  end: number;
}

/**
 * Words before a period that does not end a sentence, lower-case without the final
 * period. `Intl.Segmenter` (ICU) already keeps "e.g. the" together when a lower-case
 * word follows, but breaks "Fig. 3." and "Dr. Smith". "etc." is absent on purpose:
 * it ends sentences as often as not.
 */
const ABBREVIATIONS = new Set(
  (
    "e.g i.e cf vs al fig figs eq eqs ref refs sec secs ch chap vol vols no nos nr p pp para art approx ca " +
    "dr mr mrs ms prof st jr sr inc ltd co corp dept univ ed eds rev gen gov lt col capt sgt mt ft op viz resp " +
    "jan feb mar apr jun jul aug sep sept oct nov dec tab ex incl est"
  ).split(" "),
);
const WORD_CHAR = /[\p{L}.]/u;
const BEFORE_WORD = /[\s([{"'“‘]/u;
const OPENING = /[\p{Ps}\p{Pi}]+$/u;

const sentenceSegmenters = new Map<string, Intl.Segmenter>();
const wordSegmenters = new Map<string, Intl.Segmenter>();

function segmenter(cache: Map<string, Intl.Segmenter>, locale: string, granularity: "sentence" | "word"): Intl.Segmenter {
  let s = cache.get(locale);
  if (!s) {
    s = new Intl.Segmenter(locale, { granularity });
    cache.set(locale, s);
  }
  return s;
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x09 || code === 0x0d || code === 0xa0 || code === 0x3000 || (code >= 0x2000 && code <= 0x200a);
}

function trimSpan(text: string, start: number, end: number): Span {
  while (start < end && isSpace(text.charCodeAt(start))) start++;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  return { start, end };
}

/** Scans back from the final period only, so a sentence of any length costs the same. */
function endsWithAbbreviation(text: string, span: Span): boolean {
  if (text[span.end - 1] !== ".") return false;
  let i = span.end - 1;
  while (i > span.start && span.end - i <= 12 && WORD_CHAR.test(text[i - 1] ?? "")) i--;
  if (i > span.start && !BEFORE_WORD.test(text[i - 1] ?? "")) return false;
  const word = text.slice(i, span.end - 1);
  if (/^\p{Lu}$/u.test(word)) return true; // an initial: "J. R. R. Tolkien"
  return ABBREVIATIONS.has(word.toLowerCase());
}

/**
 * The sentences of `text` as trimmed spans, in order: `Intl.Segmenter` sentences,
 * corrected where ICU's rules misfire on typical document text. A period after a
 * known abbreviation or an initial does not end a sentence; an opening bracket or
 * quote that ICU attaches to the end of the previous sentence ("。「") moves to the
 * next one. Decimals ("3.14") and CJK full stops are handled by ICU itself.
 */
export function splitSentences(text: string, locale = "en"): Span[] {
  const spans: Span[] = [];
  for (const seg of segmenter(sentenceSegmenters, locale, "sentence").segment(text)) {
    const span = trimSpan(text, seg.index, seg.index + seg.segment.length);
    if (span.end > span.start) spans.push(span);
  }
  const out: Span[] = [];
  for (let i = 0; i < spans.length; i++) {
    const span = spans[i] as Span;
    const next = spans[i + 1];
    if (next) {
      const opening = OPENING.exec(text.slice(Math.max(span.start, span.end - 8), span.end))?.[0].length ?? 0;
      if (opening > 0 && opening < span.end - span.start && span.end === next.start) {
        next.start = span.end - opening;
        Object.assign(span, trimSpan(text, span.start, next.start));
      }
      if (endsWithAbbreviation(text, span) && !text.slice(span.end, next.start).includes("\n\n")) {
        next.start = span.start;
        continue;
      }
    }
    out.push(span);
  }
  return out;
}

/**
 * Where to cut `text` so that `[from, cut)` is at most `limit - from` long: at the
 * last space, else at the last word boundary (which is how languages written without
 * spaces are split), else anywhere that does not split a surrogate pair.
 */
function cutPoint(text: string, from: number, limit: number, locale: string): number {
  for (let i = limit; i > from; i--) if (isSpace(text.charCodeAt(i))) return i;
  let best = from;
  for (const seg of segmenter(wordSegmenters, locale, "word").segment(text.slice(from, limit + 1))) {
    const at = from + seg.index;
    if (at > from && at <= limit) best = at;
  }
  if (best > from) return best;
  const code = text.charCodeAt(limit - 1);
  return code >= 0xd800 && code <= 0xdbff ? limit - 1 : limit;
}

/** Splits spans longer than `max` on word boundaries; shorter ones pass through. */
function fit(text: string, spans: Span[], max: number, locale: string): Span[] {
  const out: Span[] = [];
  for (const span of spans) {
    let start = span.start;
    while (span.end - start > max) {
      const cut = cutPoint(text, start, start + max, locale);
      const piece = trimSpan(text, start, cut);
      if (piece.end > piece.start) out.push(piece);
      start = trimSpan(text, cut, span.end).start;
    }
    if (span.end > start) out.push({ start, end: span.end });
  }
  return out;
}

/** Sentences from the end of a chunk that fit in `overlap` characters together. */
function overlapTail(sentences: Span[], overlap: number): Span[] {
  const last = sentences.at(-1);
  if (!last || overlap <= 0) return [];
  let i = sentences.length;
  while (i > 0 && last.end - (sentences[i - 1] as Span).start <= overlap) i--;
  return sentences.slice(i);
}

/**
 * Cuts one page's (cleaned) text into chunk spans on sentence boundaries.
 *
 * Sentences are packed until the chunk reaches `targetChars`; a chunk under half
 * the target still takes the next sentence if the result stays within `maxChars`,
 * which avoids slivers — unless that sentence is longer than the target on its own
 * (typically a run of text with no sentence ends: a list of URLs, a table, an index),
 * which would bury the short chunk's sentences under it. Each chunk after the first starts
 * with the last sentences of the one before (up to `overlapChars`). No chunk
 * exceeds `maxChars`: longer sentences are cut at word boundaries first, and
 * overlap is dropped where it would not fit. Every character of the text except
 * whitespace between chunks is in at least one chunk.
 */
export function chunkSpans(text: string, options: ChunkOptions = {}): Span[] {
  return pack(text, ChunkOptions.parse(options));
}

function pack(text: string, o: ResolvedChunkOptions): Span[] {
  const sentences = fit(text, splitSentences(text, o.locale), o.maxChars, o.locale);
  const chunks: Span[] = [];
  let current: Span[] = [];
  let fresh = 0;
  const length = (from: Span, to: Span) => to.end - from.start;
  for (const sentence of sentences) {
    const first = current[0];
    if (first && fresh > 0) {
      const size = length(first, current.at(-1) as Span);
      const combined = length(first, sentence);
      const long = sentence.end - sentence.start > o.targetChars;
      if (combined > o.maxChars || (combined > o.targetChars && (size >= o.targetChars / 2 || long))) {
        chunks.push({ start: first.start, end: (current.at(-1) as Span).end });
        current = overlapTail(current, o.overlapChars);
        fresh = 0;
      }
    }
    while (current[0] && length(current[0], sentence) > o.maxChars) current.shift();
    current.push(sentence);
    fresh++;
  }
  const first = current[0];
  if (first && fresh > 0) chunks.push({ start: first.start, end: (current.at(-1) as Span).end });
  return chunks;
}

/** One page's text cut into chunk texts ({@link chunkSpans} as strings). */
export function chunkPage(text: string, options: ChunkOptions = {}): string[] {
  return chunkSpans(text, options).map((s) => text.slice(s.start, s.end));
}

/**
 * Chunks a document page by page, numbering chunks across pages. Start a resumed
 * ingest with the `nextIndex` saved in its checkpoint so chunk keys stay stable.
 *
 * @example
 * const chunker = new Chunker({ maxChars: embedder.maxInputChars });
 * for await (const page of pages) for (const chunk of chunker.chunk(page.page, cleanPageText(page.text))) …
 */
export class Chunker {
  readonly options: ResolvedChunkOptions;
  #next: number;

  constructor(options: ChunkOptions = {}, nextIndex = 0) {
    this.options = ChunkOptions.parse(options);
    this.#next = nextIndex;
  }

  /** The index the next chunk will get. */
  get nextIndex(): number {
    return this.#next;
  }

  /** The chunks of one page, numbered on from the previous page's. */
  chunk(page: number, text: string): Chunk[] {
    return pack(text, this.options).map((s) => ({ page, index: this.#next++, text: text.slice(s.start, s.end) }));
  }
}
