import { z } from "zod";
import { splitSentences } from "../documents/chunker";
import { NonRetryableJobError } from "../errors";
import type { ChatModel, ChatRequest, ChatResult, GroundingSource } from "../ports";
import { isStopWord, stemWord } from "./hashing-embedder-text";

export interface ExtractiveChatModelOptions {
  /** Most sentences in an answer (default 3); fewer are given when the others score low. */
  maxSentences?: number;
  /**
   * Share of the question a sentence must cover to be quoted at all (default 0.3), see
   * {@link ExtractiveChatModel}. Below it for every sentence, the answer says the sources do not answer.
   */
  minCoverage?: number;
}

/** The opening line of every quoted answer, so no reader mistakes it for a model's prose. */
export const EXTRACTIVE_PREAMBLE = "Extractive answer, quoted from the documents (no language model wrote this):";
export const NO_SOURCES_ANSWER = "The sources do not contain an answer to this question: none were given, and the offline answerer can only quote sources.";
export const NO_MATCH_ANSWER = "The sources do not contain an answer to this question: none of their sentences matches it closely enough to quote.";

/** A sentence quoted only if it scores at least this share of the best one. */
const RELATIVE_CUT = 0.5;
/** Weights of the user turns before the question, most recent first; older ones are ignored. */
const EARLIER_TURN_WEIGHTS = [0.35, 0.2, 0.1];
/** Quoting an unpunctuated run whole would quote a page; longer "sentences" are cut into windows. */
const MAX_SENTENCE_WORDS = 60;
const WINDOW_WORDS = 40;
/**
 * A best sentence this short is often a heading or a lead-in ("Some documents require
 * verbatim code blocks:", "PD KIDS: public domain texts") whose substance is the text
 * right after it, so the sentence that follows it in its source is quoted with it.
 */
const LEAD_IN_WORDS = 14;
/** The sentence after a lead-in is quoted only up to this length: context, not a page. */
const MAX_FOLLOWER_WORDS = 40;
/** Words sent per delta batch before yielding to the event loop, so a long answer never blocks it. */
const WORDS_PER_BATCH = 8;

const ChatRequestData = z.object({
  messages: z.array(z.object({ role: z.enum(["user", "assistant"]), text: z.string() })).min(1, "needs at least one turn"),
  sources: z
    .array(z.object({ n: z.number().int().nonnegative(), text: z.string(), label: z.string().optional() }))
    .optional()
    .refine((s) => !s || new Set(s.map((x) => x.n)).size === s.length, "source numbers must be unique, or a citation [n] would be ambiguous"),
  maxTokens: z.number().int().positive().optional(),
});

/**
 * The offline `ChatModel`: answers by quoting the sentences of `request.sources` that best
 * match the question, each with its source's `[n]`, under a line that says no language
 * model wrote it. No network, no model files, deterministic.
 *
 * @remarks
 * **Scoring.** Sentences are scored against the question (the last user turn; the user
 * turns before it join at small weights, so "and on which page is that?" still finds the
 * earlier topic). Words are lower-cased, accent-folded, stop words dropped and lightly
 * stemmed; a few cost words are treated as one (*bill, cost, spend*; *grow, grew,
 * increase, rise*, "+41%"; *top, largest*…), so FinOps questions find the computed facts,
 * and a sentence moving the other way (*fell* for a question about growth) loses the
 * match. A source's `label` ("daily anomalies") counts as words of each of its sentences,
 * since a fact need not name its own topic. Each question word is
 * weighted by its IDF over all the sources' sentences, and a sentence's *coverage* is the
 * share of that weight it contains. A sentence below `minCoverage` (0.3: roughly one of
 * three equally rare question words) is never quoted; the rest are ranked by coverage,
 * nudged toward sentences that are mostly about the question, and up to `maxSentences` of
 * them are quoted if they reach half the best score. Near-duplicates (overlapping chunks
 * repeat sentences) are quoted once. A short best sentence (a heading, a lead-in) is
 * followed by the sentence after it in its source, which usually holds the substance.
 *
 * **Quoting.** Sentences are split with the chunker's rules (abbreviations, decimals such
 * as 3.5 or $1,438.20 stay inside a sentence); unpunctuated text is cut at line breaks
 * and then into windows of about 40 words. A quoted sentence keeps its words, numbers and
 * currency exactly; only bracketed reference numbers of the document's own ("[12]") are
 * removed, because a reader would take them for citations of the sources.
 */
export class ExtractiveChatModel implements ChatModel {
  readonly id = "offline-extractive-v1";
  readonly extractive = true;
  readonly #maxSentences: number;
  readonly #minCoverage: number;

  constructor(options: ExtractiveChatModelOptions = {}) {
    this.#maxSentences = Math.max(1, Math.floor(options.maxSentences ?? 3));
    this.#minCoverage = options.minCoverage ?? 0.3;
  }

  async stream(request: ChatRequest): Promise<ChatResult> {
    const { signal, onDelta } = request;
    signal?.throwIfAborted();
    const { messages, sources = [], maxTokens } = this.#check(request);
    const full = this.answer(messages, sources);

    let words: string[] = full.match(/\S+\s*/g) ?? [];
    let stopReason = "end_turn";
    if (maxTokens !== undefined && words.length > maxTokens) {
      words = words.slice(0, maxTokens);
      stopReason = "max_tokens";
    }
    const text = words.join("");
    for (let i = 0; i < words.length; i++) {
      if (i > 0 && i % WORDS_PER_BATCH === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      signal?.throwIfAborted();
      onDelta?.(words[i]!);
    }
    signal?.throwIfAborted();

    const promptWords = [request.system, ...messages.map((m) => m.text), ...sources.map((s) => s.text)].reduce((n, t) => n + wordCount(t), 0);
    return { text, model: this.id, usage: { inputTokens: promptWords, outputTokens: words.length }, stopReason };
  }

  /** The whole answer for a conversation and its sources, as `stream` would send it. */
  answer(messages: ChatRequest["messages"], sources: readonly GroundingSource[]): string {
    if (sources.length === 0) return NO_SOURCES_ANSWER;
    const picked = pickSentences(questionWeights(messages), sources, this.#maxSentences, this.#minCoverage);
    if (picked.length === 0) return NO_MATCH_ANSWER;
    return `${EXTRACTIVE_PREAMBLE}\n\n${picked.map((s) => `- ${s.text} [${s.n}]`).join("\n")}`;
  }

  #check(request: ChatRequest) {
    const parsed = ChatRequestData.safeParse(request);
    if (!parsed.success) {
      const reason = parsed.error.issues.map((i) => `${i.path.join(".") || "(request)"}: ${i.message}`).join("; ");
      throw new NonRetryableJobError(`Invalid chat request for ${this.id}: ${reason}`, "invalid_input");
    }
    const asked = parsed.data.messages.filter((m) => m.text.trim());
    if (asked.at(-1)?.role !== "user") {
      throw new NonRetryableJobError(
        `Invalid chat request for ${this.id}: the conversation must end with a non-blank user turn (the question), got ${asked.length === 0 ? "no text at all" : "an assistant turn last"}`,
        "invalid_input",
      );
    }
    return { ...parsed.data, messages: asked };
  }
}

interface Sentence {
  n: number;
  text: string;
  terms: Set<string>;
  /** Position over all sources, the tie-breaker that keeps answers deterministic. */
  order: number;
}

/** Each question term with the weight of the most recent user turn that uses it. */
function questionWeights(messages: ChatRequest["messages"]): Map<string, number> {
  const users = messages.filter((m) => m.role === "user");
  const weights = new Map<string, number>();
  const turns = [1, ...EARLIER_TURN_WEIGHTS];
  turns.forEach((weight, back) => {
    const turn = users[users.length - 1 - back];
    if (!turn) return;
    for (const term of terms(turn.text)) weights.set(term, Math.max(weights.get(term) ?? 0, weight));
  });
  return weights;
}

/** The sentences to quote, best first; empty when none covers enough of the question. */
function pickSentences(question: Map<string, number>, sources: readonly GroundingSource[], max: number, minCoverage: number): Sentence[] {
  if (question.size === 0) return [];
  const sentences = sources.flatMap((source) => quotable(source)).map((s, order) => ({ ...s, order }));
  const df = new Map<string, number>();
  for (const s of sentences) for (const t of s.terms) df.set(t, (df.get(t) ?? 0) + 1);
  const idf = (t: string) => 1 + Math.log((sentences.length + 1) / ((df.get(t) ?? 0) + 1));

  let asked = 0;
  for (const [t, w] of question) asked += w * idf(t);
  const scored = sentences
    .map((s) => {
      let matched = 0;
      let matchedIdf = 0;
      let ownIdf = 0;
      for (const t of s.terms) {
        const w = question.get(t);
        ownIdf += idf(t);
        if (w !== undefined) {
          matched += w * idf(t);
          matchedIdf += idf(t);
        }
      }
      // "Why did the bill grow?" is not answered by "S3 cost fell": the opposite direction cancels the match.
      for (const [concept, opposite] of OPPOSITES) {
        const w = question.get(concept);
        if (w !== undefined && s.terms.has(opposite) && !s.terms.has(concept)) matched -= w * idf(concept);
      }
      const coverage = Math.max(0, matched) / asked;
      const density = ownIdf > 0 ? matchedIdf / ownIdf : 0;
      return { s, coverage, score: coverage * (0.75 + 0.25 * density) };
    })
    .filter((x) => x.coverage >= minCoverage)
    .sort((a, b) => b.score - a.score || a.s.order - b.s.order);

  const best = scored[0]?.score ?? 0;
  const picked: Sentence[] = [];
  for (const { s, score } of scored) {
    if (picked.length >= max || score < best * RELATIVE_CUT) break;
    if (picked.some((p) => nearDuplicate(p, s))) continue;
    picked.push(s);
  }
  const lead = picked[0];
  const next = lead && sentences[lead.order + 1];
  if (lead && next && next.n === lead.n && wordCount(lead.text) <= LEAD_IN_WORDS && wordCount(next.text) <= MAX_FOLLOWER_WORDS && !picked.some((p) => nearDuplicate(p, next))) {
    // In place of the weakest pick when full, so the answer stays as long as promised.
    if (picked.length >= max) picked.pop();
    picked.splice(1, 0, next);
  }
  return picked;
}

/** The sentences of one source worth quoting: whole, reference markers removed, at least three words. */
function quotable(source: GroundingSource): Array<Omit<Sentence, "order">> {
  // A fact list may carry its own number ("[3] EC2 cost grew…"); the citation is added back at the end.
  const text = source.text.replace(new RegExp(`^\\s*\\[${source.n}\\]\\s*`), "");
  const labelTerms = source.label ? terms(source.label) : [];
  const out: Array<Omit<Sentence, "order">> = [];
  for (const span of splitSentences(text)) {
    for (const piece of windows(text.slice(span.start, span.end))) {
      const clean = piece
        .replace(/\s*\[\d+(?:\s*[,;–-]\s*\d+)*\]/g, "")
        .replace(/\s+/g, " ")
        .trim();
      if (wordCount(clean) < 3) continue;
      // The label ("daily anomalies", "forecast") says what a fact is about in words its sentence may not use.
      out.push({ n: source.n, text: clean, terms: new Set([...terms(clean), ...labelTerms]) });
    }
  }
  return out;
}

/** A long unpunctuated run cut at its line breaks, then into windows of about {@link WINDOW_WORDS} words. */
function windows(sentence: string): string[] {
  if (wordCount(sentence) <= MAX_SENTENCE_WORDS) return [sentence];
  const out: string[] = [];
  for (const line of sentence.split(/\n+/)) {
    const words = line.trim().split(/\s+/).filter(Boolean);
    if (words.length <= MAX_SENTENCE_WORDS) {
      if (words.length > 0) out.push(words.join(" "));
      continue;
    }
    for (let i = 0; i < words.length; i += WINDOW_WORDS) out.push(words.slice(i, i + WINDOW_WORDS).join(" "));
  }
  return out;
}

function nearDuplicate(a: Sentence, b: Sentence): boolean {
  const x = a.text.toLowerCase();
  const y = b.text.toLowerCase();
  if (x.includes(y) || y.includes(x)) return true;
  let shared = 0;
  for (const t of a.terms) if (b.terms.has(t)) shared++;
  const union = a.terms.size + b.terms.size - shared;
  return union > 0 && shared / union >= 0.75;
}

/**
 * Words a question can be asked in about a source, beyond ordinary stop words: about the
 * documents themselves ("on which page", "according to the source") rather than their content.
 */
const META_WORDS = new Set(
  (
    "page pages document documents doc docs source sources text say says said mention mentions mentioned tell told " +
    "according cite cited please show give explain find know thing things answer question " +
    "summary summarise summarize overview overall"
  ).split(" "),
);

/**
 * A small FinOps vocabulary of words that mean the same thing about a bill, so "Why did
 * our bill grow?" finds "EC2 cost grew 41%" and "top cost drivers" finds "The largest
 * service". Keys are stemmed as every other word is.
 */
const SYNONYMS = new Map<string, string>();
for (const [concept, words] of [
  ["~increase", "grow grows grew grown growing growth increase increases increased increasing rise rises rose risen rising jump jumped spike spiked surge surged climb climbed"],
  ["~decrease", "drop drops dropped fall falls fell fallen falling decrease decreased decreasing decline declined shrink shrank shrunk reduce reduced reduction"],
  ["~cost", "cost costs bill bills billed billing spend spends spent spending charge charges charged expense expenses invoice invoices"],
  ["~largest", "top largest biggest highest main major leading driver drivers"],
  ["~anomaly", "anomaly anomalies anomalous unusual abnormal outlier outliers unexpected"],
  ["~day", "day days daily"],
] as const) {
  for (const word of words.split(" ")) SYNONYMS.set(stemWord(word), concept);
}

const OPPOSITES = [
  ["~increase", "~decrease"],
  ["~decrease", "~increase"],
] as const;

const CJK = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+$/u;

/** Normalised content terms of `text`, in order (repeats kept). */
function terms(text: string): string[] {
  const folded = text
    // "AmazonEC2", "TraceMonkey": the parts are words a question uses on their own.
    .replace(/(\p{Ll})(\p{Lu})/gu, "$1 $2")
    .replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, "$1 $2")
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase();
  const out: string[] = [];
  // Signed figures ("+41%", "(+$54.10)", "-3.2%") say which way a cost moved.
  if (/(^|[\s(])\+\$?\d/.test(folded)) out.push("~increase");
  if (/(^|[\s(])[-\u2212]\$?\d[\d,.]*%/.test(folded)) out.push("~decrease");
  for (const [token] of folded.matchAll(/\p{N}+(?:[.,]\p{N}+)*|[\p{L}\p{N}]+/gu)) {
    if (CJK.test(token) && token.length > 1) {
      // Written without spaces: character pairs stand in for words.
      for (let i = 0; i + 1 < token.length; i++) out.push(token.slice(i, i + 2));
      continue;
    }
    if (isStopWord(token) || META_WORDS.has(token)) continue;
    const stem = stemWord(token);
    out.push(SYNONYMS.get(stem) ?? stem);
  }
  return out;
}

function wordCount(text: string): number {
  return text.match(/\S+/g)?.length ?? 0;
}
