import { isStopWord, stemWord } from "@ferry/core/adapters/hashing-embedder-text";

/**
 * Scoring for `npm run eval:rag` (bench/eval-rag): where retrieval ranks the page a
 * ground-truth answer is on, and whether an answer states the expected fact. Kept
 * apart from the CLI so the arithmetic is tested; nothing here asserts a quality bar.
 * @module
 */

/**
 * Questions no document of ours should answer (everyday topics, far from any test
 * corpus), for measuring how often retrieval's distance threshold and the answerer
 * refuse, next to how often they keep the right page. Generic on purpose: the
 * refusal rate must not depend on knowing the corpus.
 */
export const OFF_TOPIC_QUESTIONS: readonly string[] = [
  "How do I bake sourdough bread at home?",
  "What is the boiling point of water at high altitude?",
  "Which planet has the most moons?",
  "How do vaccines train the immune system?",
  "What are the side effects of ibuprofen?",
  "How do I reset my wifi router password?",
  "Who won the 1998 football World Cup?",
  "What is the tallest mountain in Africa?",
  "How does a heat pump warm a house in winter?",
  "What is a good recipe for guacamole?",
];

/** Where a retrieved chunk or source comes from. */
export interface PageRef {
  documentId: string;
  page: number;
}

/**
 * 1-based rank of the first hit on `expected`'s page, or `undefined` when none of
 * `hits` (best first) is on it. Several chunks of one page count as one hit: the
 * rank is the page's first appearance, which is what a reader of the top results sees.
 */
export function rankOfPage(hits: readonly PageRef[], expected: PageRef): number | undefined {
  const at = hits.findIndex((h) => h.documentId === expected.documentId && h.page === expected.page);
  return at < 0 ? undefined : at + 1;
}

export interface RankSummary {
  /** Items scored. */
  n: number;
  /** Items whose page is first. */
  hit1: number;
  /** Items whose page is in the first 5. */
  hit5: number;
  /** Mean reciprocal rank; a page not retrieved at all counts 0. */
  mrr: number;
}

/** hit@1, hit@5 and MRR over the ranks of a set of items (`undefined` = not retrieved). */
export function summarizeRanks(ranks: ReadonlyArray<number | undefined>): RankSummary {
  let hit1 = 0;
  let hit5 = 0;
  let reciprocal = 0;
  for (const rank of ranks) {
    if (rank === undefined) continue;
    if (rank <= 1) hit1++;
    if (rank <= 5) hit5++;
    reciprocal += 1 / rank;
  }
  return { n: ranks.length, hit1, hit5, mrr: ranks.length ? reciprocal / ranks.length : 0 };
}

/**
 * Text reduced to what a fact match should compare: NFKC (ligatures, full-width
 * forms), accents and case folded, typographic quotes, dashes and the "©" sign made
 * plain, thousands separators dropped ("50,000" = "50000"), and every other run of
 * non-alphanumerics one space.
 */
export function normalizeForMatch(text: string): string {
  return text
    .normalize("NFKC")
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[‘’ʼ`´]/g, "'")
    .replace(/(\d),(?=\d{3}\b)/g, "$1")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** The stems of a text's content words (stop words out, numbers kept), for token matching. */
function contentStems(text: string): string[] {
  return normalizeForMatch(text)
    .split(" ")
    .filter((t) => t && !isStopWord(t))
    .map(stemWord);
}

export interface FactMatch {
  /**
   * `exact`: the whole expected answer occurs in the answer; `core`: it does once its
   * parenthetical remarks are left out; `tokens`: enough of its content words do
   * (see {@link factMatch}); `none`: not enough of them.
   */
  kind: "exact" | "core" | "tokens" | "none";
  /** Share of the core answer's content words found in the answer, 0–1. */
  coverage: number;
  /** True for every kind but `none`. */
  found: boolean;
}

/** Share of the core answer's words an answer must contain to count as stating it. */
export const TOKEN_MATCH_SHARE = 0.75;

/**
 * Whether `answer` states the fact `expected` (a MANIFEST answer such as "Lawrence
 * Lessig, 2004" or "25 times faster (almost 5x faster than V8 and SFX)").
 *
 * @remarks
 * Ground-truth answers are written by people, answers are quoted or generated, so an
 * exact substring is too strict: after normalization the answer may contain the core
 * fact (parentheses dropped), or at least {@link TOKEN_MATCH_SHARE} of its content
 * words with every number among them — a number is usually the fact itself, so "50,000
 * CDs" is not stated by an answer that says 5,000.
 */
export function factMatch(answer: string, expected: string): FactMatch {
  const text = ` ${normalizeForMatch(answer)} `;
  const core = expected.replace(/\([^)]*\)/g, " ");
  const stems = [...new Set(contentStems(core))];
  const have = new Set(contentStems(answer));
  const present = stems.filter((s) => have.has(s));
  const coverage = stems.length ? present.length / stems.length : 0;
  const contains = (phrase: string) => {
    const p = normalizeForMatch(phrase);
    return p.length > 0 && text.includes(` ${p} `);
  };
  if (contains(expected)) return { kind: "exact", coverage: 1, found: true };
  if (contains(core)) return { kind: "core", coverage: 1, found: true };
  const numbersPresent = stems.filter((s) => /\d/.test(s)).every((s) => have.has(s));
  if (stems.length && coverage >= TOKEN_MATCH_SHARE && numbersPresent) return { kind: "tokens", coverage, found: true };
  return { kind: "none", coverage, found: false };
}

/** Percentiles by nearest rank (`p` in 0–100) of a list of numbers; `NaN` for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/**
 * A plain-text table: columns padded to their widest cell, numbers (and "—") right-aligned.
 *
 * @example
 * formatTable(["#", "question"], [["1", "What speedups…"]])
 */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => /^(-?[\d.,]+( ms|%)?|—|-)$/.test(r[i] ?? "")));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}
