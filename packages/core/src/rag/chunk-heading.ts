/**
 * Contextual chunk headings: what ingestion embeds for a chunk is the document's
 * name on a line of its own, then the chunk's text.
 *
 * @remarks
 * A chunk rarely names the document it belongs to, yet questions often do ("the
 * TraceMonkey paper", "Free Culture's copyright"). With the heading embedded, every
 * chunk of a document shares the words of its name, so such a question leans towards
 * that document's chunks while the rest of the question still picks the passage. Only
 * the embedded text carries the heading: the stored chunk text (what sources quote and
 * cite) stays the page's own text. Questions are embedded as they are.
 *
 * Vectors made with and without headings share one vector space, so the two can be
 * searched together (a document ingested before headings just lacks the lean); the
 * offline hashing embedder's id was bumped with this change anyway, so its old
 * documents are asked to be ingested again.
 * @module
 */

/** Longest heading embedded, in characters: a name, not a paragraph. */
export const MAX_HEADING_CHARS = 160;

/**
 * How a document is named in its chunks' heading: its PDF title when it has one, else
 * its file name without the extension, separators (`-`, `_`, `.`, runs of spaces)
 * written as spaces, so "google-doc-document.pdf" reads "google doc document".
 */
export function documentHeading(document: { title?: string; filename: string }): string {
  const title = document.title?.replace(/\s+/g, " ").trim();
  const name =
    title ||
    document.filename
      .replace(/\.[a-z0-9]{1,5}$/i, "")
      .replace(/[-_.\s]+/g, " ")
      .trim();
  if (name.length <= MAX_HEADING_CHARS) return name;
  const cut = name.slice(0, MAX_HEADING_CHARS);
  const space = cut.lastIndexOf(" ");
  return space > MAX_HEADING_CHARS / 2 ? cut.slice(0, space) : cut;
}

/** The text embedded for a chunk: the heading line, then the chunk; the chunk alone without a heading. */
export function headedChunk(heading: string, text: string): string {
  return heading ? `${heading}\n${text}` : text;
}

/** Room a heading takes in the embedder's input: its line and the line break after it. */
export function headingChars(heading: string): number {
  return heading ? heading.length + 1 : 0;
}
