/**
 * The two things Ferry's Markdown needs beyond what `react-markdown` and
 * `remark-gfm` do: grounded answers cite their sources as `[3]` or `[1, 2]`,
 * which Markdown reads as plain text, and a job's headings must sit under the
 * page's own whatever level the model started at. Both are remark plugins
 * (transforms of the parsed Markdown tree), so the library still does all the
 * parsing and never renders HTML from the text.
 * @module
 */

export type HeadingLevel = 1 | 2 | 3 | 4 | 5 | 6;

/**
 * The few mdast fields these plugins read and write. mdast's own types are not
 * a dependency of this package, and these shapes are all the plugins rely on.
 */
export interface MdastNode {
  type: string;
  value?: string;
  depth?: number;
  /** On a `linkReference`: its bracketed text, and whether it was written `[label]` alone. */
  label?: string;
  referenceType?: string;
  children?: MdastNode[];
  data?: { hName?: string; hProperties?: Record<string, unknown>; hChildren?: unknown[] };
}

/** `[3]` or `[1, 2]`. Link syntax never reaches text nodes, so `[text](url)` stays a link. */
const CITATION = /\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]/g;

/** Splits text into plain runs and the source numbers of each citation marker in it. */
export function splitCitations(text: string): Array<string | { numbers: number[]; raw: string }> {
  const parts: Array<string | { numbers: number[]; raw: string }> = [];
  let last = 0;
  for (const match of text.matchAll(CITATION)) {
    if (match.index > last) parts.push(text.slice(last, match.index));
    parts.push({ numbers: match[1]!.split(",").map((n) => Number(n.trim())), raw: match[0] });
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

/**
 * Turns citation markers in text into `<cite data-numbers="1 2">[1, 2]</cite>`
 * elements, which the Markdown component hands to its caller's `renderCite`.
 * Text inside links is left alone: a marker there cannot be a second link.
 */
export function remarkCitations() {
  return (tree: MdastNode) => walk(tree);
}

function walk(node: MdastNode): void {
  if (!node.children || node.type === "link" || node.type === "linkReference") return;
  node.children = node.children.flatMap((child) => {
    const parts = citationParts(child);
    if (!parts) {
      walk(child);
      return [child];
    }
    return parts.map((part) =>
      typeof part === "string"
        ? { type: "text", value: part }
        : { type: "citation", data: { hName: "cite", hProperties: { dataNumbers: part.numbers }, hChildren: [{ type: "text", value: part.raw }] } },
    );
  });
}

/**
 * A node's text split at citation markers, or undefined when it holds none.
 * `[1]` alone is a reference link if the text also defines `[1]: url`; in an
 * answer it is still a citation.
 */
function citationParts(node: MdastNode): ReturnType<typeof splitCitations> | undefined {
  if (node.type === "linkReference" && node.referenceType === "shortcut") {
    const parts = splitCitations(`[${node.label}]`);
    return parts.length === 1 && typeof parts[0] !== "string" ? parts : undefined;
  }
  const parts = node.type === "text" ? splitCitations(node.value ?? "") : [];
  return parts.some((part) => typeof part !== "string") ? parts : undefined;
}

/**
 * Moves headings so the text's top level (its first-level headings, whether it
 * starts at `#` or `##`) becomes `level`, deeper ones following, capped at 6:
 * a report's headings then sit under the page's `h1` and `h2` sections.
 */
export function remarkHeadingLevel(level: HeadingLevel) {
  return (tree: MdastNode) => {
    const top = Math.min(7, ...(tree.children ?? []).map((n) => (n.type === "heading" ? (n.depth ?? 1) : 7)));
    const shift = level - (top === 7 ? 1 : top);
    const visit = (node: MdastNode) => {
      if (node.type === "heading") node.depth = Math.min(6, Math.max(1, (node.depth ?? 1) + shift));
      node.children?.forEach(visit);
    };
    visit(tree);
  };
}
