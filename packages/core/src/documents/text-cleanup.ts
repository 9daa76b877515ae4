/**
 * Character- and line-level cleanup of extracted page text, so that the same words
 * always reach the embedder as the same characters: PDF text arrives with
 * presentation forms (ligatures, full-width letters, math italics), invisible
 * control characters and line ends that split words.
 *
 * Header/footer removal needs more than one page and lives in `boilerplate.ts`.
 * @module
 */

import type { BoilerplateDetector } from "./boilerplate";

/**
 * Latin typographic ligatures, which some producers (and poppler) emit as code
 * points. NFKC expands them too; this keeps them expanded whatever NFKC leaves
 * alone. (Œ/œ are letters in French, not ligatures, and stay.)
 */
const LIGATURES: Record<string, string> = {
  "\uFB00": "ff",
  "\uFB01": "fi",
  "\uFB02": "fl",
  "\uFB03": "ffi",
  "\uFB04": "ffl",
  "\uFB05": "st",
  "\uFB06": "st",
};

/**
 * Characters NFKC would change into something that means something else:
 * superscripts and subscripts ("x²" is not "x2", "H₂O" not "H2O") and vulgar fractions
 * ("1½" would become "11⁄2"). They are kept as they are.
 */
const NFKC_UNSAFE = /([\u00B2\u00B3\u00B9\u00BC-\u00BE\u2070-\u209F\u2150-\u215F\u2189])/u;

/**
 * Invisible or meaningless characters: C0/C1 controls (keeping tab and newline),
 * zero-width space and word joiner, byte-order mark, bidi embedding/override/isolate
 * marks (poppler adds them around RTL runs), the replacement and object-replacement
 * characters, and private-use code points (icon-font glyphs such as flag emoji
 * without a Unicode mapping, which are noise to an embedder).
 * ZWJ/ZWNJ (U+200C/D) stay: they change spelling in Persian, Indic scripts and emoji.
 */
const INVISIBLE =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\uFFF9-\uFFFC\uFFFD\uE000-\uF8FF\u{F0000}-\u{FFFFD}\u{100000}-\u{10FFFD}]/gu;

/**
 * TeX's classic accent construction (`\"{\i}`, `\'e` in OT1 fonts) draws the accent as
 * its own glyph before the letter, and extractors return it as a spacing-separated
 * combining mark: "na ̈ıve". A combining mark after whitespace belongs to nothing,
 * so it is moved onto the letter that follows (dropping the space inside a word),
 * and a dotless ı under a mark is TeX's `\i`, an i. NFC/NFKC then composes "ï".
 * Only the Latin combining diacritics (U+0300–U+036F) are moved; marks of other
 * scripts (Indic vowel signs, Arabic harakat) are left where the extractor put them.
 */
function reattachAccents(text: string): string {
  return text
    .replace(/(\p{L})?[ \t]+([\u0300-\u036F]+)(\p{L})/gu, (_, before: string | undefined, marks: string, letter: string) => {
      const base = letter === "\u0131" ? "i" : letter;
      const glue = before !== undefined && /\p{Ll}/u.test(letter) ? "" : " ";
      return `${before ?? ""}${before === undefined ? "" : glue}${base}${marks}`;
    })
    .replace(/\u0131([\u0300-\u036F])/gu, "i$1");
}

/**
 * Character-level normalisation: ligatures expanded, NFKC (except where it would
 * change meaning), invisible characters removed, line ends unified to `\n`, runs
 * of spaces collapsed and lines trimmed. Line structure is kept for the steps that
 * need it (boilerplate detection, {@link joinLines}).
 *
 * NFKC is what makes text from different producers comparable: full-width
 * "ａ０．７５" becomes "a0.75", math italic "𝑝" becomes "p", "ﬁ" becomes "fi", and
 * odd spaces (no-break, ideographic, thin) become plain spaces.
 */
export function normalizeCharacters(text: string): string {
  let out = text.replace(/\r\n?|[\u2028\u2029\u0085]/g, "\n");
  // A soft hyphen at a line end marks a break inside a word: join the halves.
  out = out.replace(/\u00AD[ \t]*\n[ \t]*/g, "").replace(/\u00AD/g, "");
  out = out.replace(/[\uFB00-\uFB06]/g, (c) => LIGATURES[c] ?? c);
  out = reattachAccents(out);
  out = out
    .split(NFKC_UNSAFE)
    .map((part, i) => (i % 2 === 1 ? part : part.normalize("NFKC")))
    .join("");
  out = out.replace(INVISIBLE, "");
  out = out.replace(/[^\S\n]+/g, " ");
  return out
    .split("\n")
    .map((line) => line.trim())
    .join("\n");
}

// Scripts written without spaces between words: a line break inside them is not a space.
const NO_SPACE_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Tibetan}\u3000-\u303F\u30FC\uFF01-\uFF60]/u;
const LOWER_START = /^\p{Ll}/u;
/** A last word ending in a hyphen right after a letter or digit; group 1 is the word before it. */
const HYPHENATED_WORD = /^([\p{L}\p{M}\p{N}][\p{L}\p{M}\p{N}-]*)(?<=[\p{L}\p{M}\p{N}])[-\u2010]$/u;
const WORD_START = /^[\p{L}\p{M}\p{N}]+/u;
const GLUE_AFTER = new Set(["\u2014", "/"]);

/**
 * Hyphenated compounds whose first part is rarely a syllable break ("well-known",
 * "self-evident"), unless the rest is a suffix ("self-ish" is "selfish").
 */
const COMPOUND_HEADS = new Set(["well", "self", "half", "cross", "ill", "all"]);
const SUFFIXES = new Set(["ing", "ings", "ed", "er", "ers", "est", "ish", "ness", "ly", "age", "ance", "ence", "ion", "ions", "al", "able", "ible"]);

function firstChar(s: string): string {
  return String.fromCodePoint(s.codePointAt(0) ?? 0x20);
}

function lastChar(s: string): string {
  const low = s.charCodeAt(s.length - 1);
  return low >= 0xdc00 && low <= 0xdfff ? s.slice(-2) : s.slice(-1);
}

/** Every word on the page, lower-cased, hyphenated compounds both whole and in parts. */
function vocabulary(text: string): Set<string> {
  const words = new Set<string>();
  for (const m of text.matchAll(/[\p{L}\p{M}]+(?:-[\p{L}\p{M}]+)*/gu)) {
    const w = m[0].toLowerCase();
    words.add(w);
  }
  return words;
}

/**
 * Decides how a word split by a line-end hyphen is rejoined. Evidence from the page
 * wins (the word appears elsewhere whole, or hyphenated); otherwise a real compound
 * is recognised by a capital or digit after the hyphen ("Anglo-Saxon",
 * "CNS-0615443"), a hyphen already in the word ("state-of-the-art"), or a common
 * compound head; everything else is taken as a typesetter's syllable break, which
 * is by far the more frequent case in justified text.
 */
function keepsHyphen(head: string, tail: string, words: Set<string>): boolean {
  const h = head.toLowerCase();
  const t = tail.toLowerCase();
  if (words.has(h + t)) return false;
  if (words.has(`${h}-${t}`)) return true;
  if (!LOWER_START.test(tail)) return true;
  if (head.includes("-")) return true;
  return COMPOUND_HEADS.has(h.slice(h.lastIndexOf("-") + 1)) && !SUFFIXES.has(t);
}

/**
 * Joins the lines of each paragraph into running text, which sentence segmentation
 * needs (a bare line break is a sentence boundary to `Intl.Segmenter`):
 * `inter-\nnational` → `international`, `well-\nknown` → `well-known`,
 * `word\nword` → `word word`, and no space where neither side uses spaces (CJK, Thai).
 * Paragraph breaks (`\n\n`) are kept.
 */
export function joinLines(text: string): string {
  const words = vocabulary(text.replace(/(\p{L})-\n(\p{L})/gu, "$1 $2"));
  return text
    .split(/\n{2,}/)
    .map((para) => {
      const lines = para.split("\n").filter((l) => l.length > 0);
      // Lines are edited in place and joined once, which keeps long paragraphs linear.
      for (let i = 1; i < lines.length; i++) {
        const prev = lines[i - 1] ?? "";
        const line = lines[i] ?? "";
        const lastWord = prev.slice(prev.lastIndexOf(" ") + 1).replace(/^[^\p{L}\p{M}\p{N}]+/u, "");
        const head = HYPHENATED_WORD.exec(lastWord)?.[1];
        const tail = WORD_START.exec(line)?.[0];
        if (head && tail) {
          if (!keepsHyphen(head, tail, words)) lines[i - 1] = prev.slice(0, -1);
        } else if (GLUE_AFTER.has(lastChar(prev)) || (NO_SPACE_SCRIPT.test(lastChar(prev)) && NO_SPACE_SCRIPT.test(firstChar(line)))) {
          // An em dash or slash at a line end is glued to the next word in English
          // typesetting; CJK/Thai lines wrap anywhere.
        } else {
          lines[i] = " " + line;
        }
      }
      return lines.join("");
    })
    .filter((para) => para.length > 0)
    .join("\n\n");
}

/**
 * The full per-page cleanup before chunking: {@link normalizeCharacters}, learned
 * headers and footers removed (when a detector is given, while lines are still
 * lines), then {@link joinLines}. The detector is only consulted, not taught; give
 * the page index too so page numbers are checked against it.
 */
export function cleanPageText(text: string, boilerplate?: Pick<BoilerplateDetector, "strip">, page?: number): string {
  const normalized = normalizeCharacters(text);
  return joinLines(boilerplate ? boilerplate.strip(normalized, page) : normalized).trim();
}

/** Collapses every run of whitespace to one space: how text is compared in tests and search. */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/gu, " ").trim();
}
