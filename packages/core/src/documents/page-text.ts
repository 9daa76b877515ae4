/**
 * The part of a pdf.js `TextItem` that layout needs. Declared here so this module
 * (and its tests) do not load pdf.js.
 */
export interface TextRun {
  str: string;
  /** Text-space → device-space matrix `[a, b, c, d, e, f]`; `(e, f)` is the run's origin. */
  transform: number[];
  /** Advance of the run along its baseline, in device units. */
  width: number;
  height: number;
  /** pdf.js saw a line break after this run. */
  hasEOL: boolean;
}

/** Tunables of {@link buildPageText}, as fractions of the font size. */
export interface LayoutOptions {
  /** A baseline shift above this starts a new line; below it is a superscript or subscript. */
  newLine: number;
  /** A gap along the baseline above this gets a space, so adjacent words are not glued. */
  space: number;
  /** A downward jump above this between lines is a paragraph break (`\n\n`). */
  paragraph: number;
}

export const defaultLayout: LayoutOptions = { newLine: 0.5, space: 0.15, paragraph: 1.7 };

interface Placed {
  x: number;
  y: number;
  /** Unit vector along the baseline. */
  ux: number;
  uy: number;
  size: number;
  width: number;
}

function place(run: TextRun): Placed | undefined {
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0] = run.transform;
  const scaleX = Math.hypot(a, b);
  const size = run.height > 0 ? run.height : Math.hypot(c, d);
  if (!(scaleX > 0) || !(size > 0) || !Number.isFinite(e) || !Number.isFinite(f)) return undefined;
  return { x: e, y: f, ux: a / scaleX, uy: b / scaleX, size, width: run.width };
}

function isSpace(ch: string | undefined): boolean {
  return ch === undefined || /\s/.test(ch);
}

/**
 * What separates `next` from `prev`, judged from where they sit on the page:
 * `\n` for another line, `\n\n` for a wider gap, ` ` for a gap on the same line.
 * Works in the run's own baseline frame so rotated pages lay out like upright ones.
 */
function separator(prev: Placed, next: Placed, eol: boolean, opts: LayoutOptions): string {
  // Across the baseline (positive = up the page) and along it from the end of prev.
  const dx = next.x - prev.x;
  const dy = next.y - prev.y;
  const across = -dx * prev.uy + dy * prev.ux;
  const along = dx * prev.ux + dy * prev.uy - prev.width;
  const size = Math.max(prev.size, next.size);
  const sameDirection = Math.abs(prev.ux * next.ux + prev.uy * next.uy) > 0.99;
  if (eol || !sameDirection || Math.abs(across) > opts.newLine * size) {
    return -across > opts.paragraph * size ? "\n\n" : "\n";
  }
  // Far behind the previous run on the same baseline: another column or table cell.
  if (along > opts.space * Math.min(prev.size, next.size) || along < -opts.newLine * size) return " ";
  return "";
}

/**
 * Turns pdf.js text runs (content-stream order) into plain text with line breaks.
 *
 * pdf.js already marks most line ends (`hasEOL`) and inserts spaces it can infer,
 * but runs drawn by separate text operators carry no such hints: without looking
 * at their positions, words on either side of a kerning or positioning operator are
 * glued together ("placedMarginal") and lines run into each other. So between runs
 * we insert `\n` when the baseline moves, `\n\n` for a large downward jump, and a
 * space for a gap along the baseline; never a second space where the text has one.
 * Line-end hyphens and soft line breaks are kept: joining lines is cleanup's job,
 * which needs them to tell `inter-\nnational` from `well-known`.
 */
export function buildPageText(runs: Iterable<TextRun>, opts: LayoutOptions = defaultLayout): string {
  // Pieces joined once at the end: appending to one string and reading its last
  // character would flatten V8's rope on every run, quadratic on a dense page.
  const parts: string[] = [];
  let prev: Placed | undefined;
  let eol = false;
  for (const run of runs) {
    const here = place(run);
    if (run.str.length > 0) {
      let sep = "";
      if (parts.length > 0) {
        if (prev && here) sep = separator(prev, here, eol, opts);
        else if (eol) sep = "\n";
      }
      if (sep === " " && (isSpace(parts.at(-1)?.at(-1)) || isSpace(run.str[0]))) sep = "";
      if (sep.startsWith("\n")) trimEnd(parts);
      if (sep) parts.push(sep);
      parts.push(run.str);
      if (here) prev = here;
      eol = run.hasEOL;
    } else if (run.hasEOL) {
      // pdf.js emits empty runs that only mark a line break.
      eol = true;
    }
  }
  trimEnd(parts);
  return parts.join("");
}

function trimEnd(parts: string[]): void {
  while (parts.length > 0) {
    const last = (parts.pop() as string).trimEnd();
    if (last) {
      parts.push(last);
      return;
    }
  }
}
