import { isStopWord, stemWord, termWeight } from "../adapters/hashing-embedder-text";

/**
 * Lexical re-ranking of the candidates a vector query returned: how much of the
 * question's *distinctive* wording each candidate contains, with document frequencies
 * counted over the candidates themselves.
 *
 * @remarks
 * Why: the offline hashing embedder cannot know which words are rare in a user's
 * documents (it is stateless; a fixed list of common English words is all it has), so
 * "Who holds the copyright of Free Culture?" ranks every passage about copyright alike.
 * The candidates are a sample of the documents near the question, so a word most of
 * them share ("copyright" in a book about copyright) says little, and a question word
 * none of them has ("sourdough" asked of a compiler paper) is one the documents most
 * likely lack — which also tells an off-topic question from one the documents answer.
 *
 * Terms are read as the embedder reads them (accent folding, stop words dropped, the same
 * light stemmer, its common-word prior), and also split at case changes ("TraceMonkey"
 * gives *tracemonkey*, *trace* and *monkey*); adjacent pairs are also joined ("PD KIDS"
 * gives *pdkids*), so a name written apart in the question matches one written together.
 */

/** Content terms of a text, each once: stems of words, joined pairs of adjacent words, parts of camel-cased words. */
export function lexicalTerms(text: string): Set<string> {
  const out = new Set<string>();
  const folded = text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "");
  let previous: string | undefined;
  for (const [raw] of folded.matchAll(/[\p{L}\p{N}]+/gu)) {
    const token = raw.toLowerCase();
    if (CJK.test(token)) {
      // Written without spaces: character pairs stand in for words.
      if (token.length === 1) out.add(token);
      for (let i = 0; i + 1 < token.length; i++) out.add(token.slice(i, i + 2));
      previous = undefined;
      continue;
    }
    if (isStopWord(token)) {
      previous = undefined;
      continue;
    }
    out.add(stemWord(token));
    const parts = raw.split(/(?<=\p{Ll})(?=\p{Lu})/u);
    if (parts.length > 1) for (const part of parts) if (!isStopWord(part.toLowerCase())) out.add(stemWord(part.toLowerCase()));
    if (previous && /^\p{L}+$/u.test(previous) && /^\p{L}+$/u.test(token)) out.add(stemWord(previous + token));
    previous = token;
  }
  return out;
}

const CJK = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+$/u;

/**
 * For each text, the share (0–1) of the question's term weight it contains. A term's
 * weight is its BM25-style inverse document frequency over `texts` times the embedder's
 * common-word prior; a term no text contains weighs most, so it lowers every share.
 * 0 for every text when the question has no content terms.
 */
export function lexicalCoverage(question: string, texts: readonly string[]): number[] {
  const asked = lexicalTerms(question);
  if (asked.size === 0) return texts.map(() => 0);
  const docs = texts.map(lexicalTerms);
  const n = docs.length;
  const weight = new Map<string, number>();
  for (const term of asked) {
    let df = 0;
    for (const d of docs) if (d.has(term)) df++;
    weight.set(term, Math.log(1 + (n - df + 0.5) / (df + 0.5)) * termWeight(term));
  }
  let total = 0;
  for (const w of weight.values()) total += w;
  return docs.map((d) => {
    let have = 0;
    for (const [term, w] of weight) if (d.has(term)) have += w;
    return total > 0 ? Math.min(1, have / total) : 0;
  });
}
