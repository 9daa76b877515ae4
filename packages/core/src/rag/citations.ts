import type { RagCitation } from "../protocol";
import { snippetOf, type Source } from "./sources";

/** A whole marker: `[3]`, `[1, 2]` or `[1; 2]`. */
const MARKER = /^([ \t]*)\[ *(\d{1,4}(?: *[,;] *\d{1,4})*) *\]/;
/** Text that may still become a marker once more arrives (`[`, `[1`, `[1, `). */
const MARKER_PREFIX = /^[ \t]*\[ *(?:\d{1,4}(?: *[,;] *(?:\d{1,4})?)* *)?$/;
/** Longer than any marker worth holding back for. */
const MAX_PENDING = 64;

/**
 * Filters an answer as it streams so that every `[n]` in it names a source the model
 * was given: markers for other numbers (a model inventing `[7]` with five sources, a
 * quoted bibliography's `[23]`) are removed, with the space before them, and a list
 * keeps only its known numbers (`[2, 9]` → `[2]`). Everything else passes through
 * unchanged.
 *
 * @remarks
 * The filter runs on the stream itself, not on the finished text, so the deltas
 * clients receive concatenate to exactly the final answer. To do that it holds back
 * what might still turn into a marker — a `[` with digits after it, and whitespace
 * that could precede one — until the next delta settles it; `end()` releases the rest.
 *
 * @example
 * const guard = new CitationGuard([1, 2]);
 * guard.push("Loops are traced [1") + guard.push("] and [7] compiled [2].") + guard.end();
 * // "Loops are traced [1] and compiled [2]."; guard.used → [1, 2]
 */
export class CitationGuard {
  readonly #known: ReadonlySet<number>;
  readonly #used = new Set<number>();
  #pending = "";

  constructor(sourceNumbers: Iterable<number>) {
    this.#known = new Set(sourceNumbers);
  }

  /** Source numbers the answer has cited so far, in order of first use. */
  get used(): number[] {
    return [...this.#used];
  }

  /** Takes the next piece of generated text; returns what can be sent now (possibly ""). */
  push(delta: string): string {
    this.#pending += delta;
    let out = "";
    for (;;) {
      const open = this.#pending.search(/[ \t]*\[/);
      if (open < 0) {
        // Trailing spaces wait: a marker to be removed may follow them.
        const keep = /[ \t]*$/.exec(this.#pending)![0].length;
        out += this.#pending.slice(0, this.#pending.length - keep);
        this.#pending = this.#pending.slice(this.#pending.length - keep);
        return out;
      }
      out += this.#pending.slice(0, open);
      this.#pending = this.#pending.slice(open);
      const marker = MARKER.exec(this.#pending);
      if (marker) {
        out += this.#rewrite(marker[0], marker[1]!, marker[2]!);
        this.#pending = this.#pending.slice(marker[0].length);
        continue;
      }
      if (MARKER_PREFIX.test(this.#pending) && this.#pending.length < MAX_PENDING) return out;
      // Not a marker (a link, `[sic]`, an index): let it through up to and including the bracket.
      const bracket = this.#pending.indexOf("[") + 1;
      out += this.#pending.slice(0, bracket);
      this.#pending = this.#pending.slice(bracket);
    }
  }

  /** The held-back rest, once generation has ended; an unfinished marker stays as plain text. */
  end(): string {
    const rest = this.#pending;
    this.#pending = "";
    return rest;
  }

  #rewrite(whole: string, space: string, list: string): string {
    const numbers = list.split(/ *[,;] */).map(Number);
    const kept = [...new Set(numbers.filter((n) => this.#known.has(n)))];
    for (const n of kept) this.#used.add(n);
    if (kept.length === 0) return "";
    return kept.length === numbers.length ? whole : `${space}[${kept.join(", ")}]`;
  }
}

/** Every `[n]` (and each number of `[n, m]`) in a text, in order of first use. */
export function citedNumbers(text: string): number[] {
  const found = new Set<number>();
  for (const m of text.matchAll(/\[ *(\d{1,4}(?: *[,;] *\d{1,4})*) *\]/g)) {
    for (const n of m[1]!.split(/ *[,;] */)) found.add(Number(n));
  }
  return [...found];
}

/**
 * The citations of an answer: one per source it actually cited, under the number the
 * model saw (so `[3]` in the text is citation 3), ordered by number. Sources the
 * answer never cites are left out.
 */
export function citationsFor(used: Iterable<number>, sources: readonly Source[]): RagCitation[] {
  const byNumber = new Map(sources.map((s) => [s.n, s]));
  return [...new Set(used)]
    .sort((a, b) => a - b)
    .flatMap((n) => {
      const source = byNumber.get(n);
      if (!source) return [];
      return [
        {
          n,
          documentId: source.documentId,
          ...(source.title ? { title: source.title } : {}),
          page: source.page,
          score: Math.round(Math.min(1, Math.max(0, 1 - source.distance)) * 10_000) / 10_000,
          snippet: snippetOf(source.bestText),
        },
      ];
    });
}
