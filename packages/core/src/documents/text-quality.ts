/**
 * Whether a page's extracted text looks like words or like noise.
 *
 * @remarks
 * Some PDFs carry a text layer that extracts as garbage: subset fonts with custom
 * encodings and no Unicode map ("4 ' & % 6 …"), or an OCR layer that read Cyrillic
 * as Latin look-alikes. Embedding such text only adds false matches, so the ingest
 * job skips those pages and names them. The test is deliberately conservative and
 * only judges Latin-script text, where words are separated by spaces: a page is
 * garbled when fewer than 30 % of its tokens look like words (2–20 letters, with
 * trailing punctuation allowed). Prose scores above 0.8, tables and drawings above
 * 0.45; the broken layers seen in practice score below 0.3. CJK, Arabic and other
 * scripts, and pages under 200 characters, are never judged.
 */
export function looksGarbled(text: string): boolean {
  const compact = text.replace(/\s+/g, "");
  if (compact.length < MIN_CHARS) return false;
  const letters = compact.match(/\p{L}/gu)?.length ?? 0;
  const latin = compact.match(/\p{Script=Latin}/gu)?.length ?? 0;
  // Mostly another script: spaces do not separate its words, so the test would not mean anything.
  if (letters > 0 && latin / letters < 0.8) return false;
  const tokens = text.split(/\s+/).filter(Boolean);
  const words = tokens.filter((t) => WORD.test(t)).length;
  return words / tokens.length < MIN_WORD_SHARE;
}

const MIN_CHARS = 200;
const MIN_WORD_SHARE = 0.3;
/** A word, possibly quoted or bracketed, possibly followed by punctuation. */
const WORD = /^[("“'‘[]?[\p{L}'’-]{2,20}[.,;:!?)”’\]]*$/u;
