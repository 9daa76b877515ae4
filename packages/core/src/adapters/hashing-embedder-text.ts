/**
 * Word normalization for the hashing embedder. Stems need not be words, only equal
 * for the forms a reader would call the same word: *trace, traces, traced, tracing,
 * tracer* all become `trac`; *query, queries* become `queri`.
 */

// Common English function words, plus question words: they say what kind of question
// it is, not what it is about.
const STOP_WORDS = new Set(
  (
    "a about above after again against all am an and any are as at be because been before being below between both but by " +
    "can could did do does doing down during each few for from further had has have having he her here hers herself him " +
    "himself his how i if in into is it its itself just me more most my myself no nor not now of off on once only or other " +
    "our ours ourselves out over own same she should so some such than that the their theirs them themselves then there " +
    "these they this those through to too under until up very was we were what when where which while who whom why will " +
    "with would you your yours yourself yourselves s t d ll m re ve also may might must shall us"
  ).split(" "),
);

export function isStopWord(token: string): boolean {
  return STOP_WORDS.has(token);
}

const VOWEL = /[aeiouy]/;
const SUFFIXES = ["ingly", "edly", "ing", "ied", "ed", "er"] as const;

/**
 * A light, deterministic English stemmer for lower-cased, accent-folded tokens: strips
 * one plural and one inflectional suffix, then evens out the spellings those leave behind
 * (final e, doubled consonant, y/i). Tokens with digits and short tokens are kept as is.
 */
export function stemWord(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  let w = word;
  if (w.endsWith("ies") && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith("sses")) w = w.slice(0, -2);
  else if (w.endsWith("s") && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  for (const suffix of SUFFIXES) {
    if (!w.endsWith(suffix)) continue;
    const stem = w.slice(0, -suffix.length);
    if (stem.length >= 3 && VOWEL.test(stem)) w = suffix === "ied" ? `${stem}y` : stem;
    break;
  }
  if (w.length > 3 && w.endsWith("e")) w = w.slice(0, -1);
  const last = w.charAt(w.length - 1);
  if (w.length > 3 && last === w.charAt(w.length - 2) && !/[aeiouls]/.test(last)) w = w.slice(0, -1);
  if (w.length > 3 && w.endsWith("y")) w = `${w.slice(0, -1)}i`;
  return w;
}
