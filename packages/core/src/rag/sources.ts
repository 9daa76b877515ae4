/** A chunk the vector index returned for a question, with its stored metadata. */
export interface RetrievedChunk {
  documentId: string;
  page: number;
  /** 0-based chunk number in the document; neighbours on a page have consecutive numbers. */
  chunk: number;
  text: string;
  /** Cosine distance to the question (1 − similarity); smaller is nearer. */
  distance: number;
}

/** What a source is called in prompts and citations. */
export interface SourceDocument {
  title?: string;
  filename: string;
}

/** A numbered passage the answer may cite: one chunk, or neighbouring chunks of one page merged. */
export interface Source {
  n: number;
  documentId: string;
  title?: string;
  filename: string;
  page: number;
  /** The chunk numbers behind it, ascending. */
  chunks: number[];
  text: string;
  /** The distance of its nearest chunk: the source is as good as its best part. */
  distance: number;
  /** The text of that nearest chunk, where a snippet is best taken from. */
  bestText: string;
}

/** Fewer shared characters than this between two chunks is a coincidence, not the chunker's overlap. */
const MIN_OVERLAP_CHARS = 12;

/**
 * Joins two consecutive chunks of a page. The chunker starts each chunk with the
 * last sentence or two of the previous one (so a fact on a boundary is whole in one
 * of them); that repeated text is dropped here, so a merged source reads once.
 */
export function joinOverlapping(first: string, second: string): string {
  const max = Math.min(first.length, second.length);
  for (let k = max; k >= MIN_OVERLAP_CHARS; k--) {
    if (first.endsWith(second.slice(0, k))) return first + second.slice(k);
  }
  return `${first} ${second}`;
}

/**
 * Merges neighbouring chunks — same document, same page, consecutive chunk numbers —
 * into one source, so the model reads a passage whole instead of as two halves
 * competing for places, and a citation names one page once. Runs longer than
 * `maxChunks` are split, to keep any one source from crowding the prompt.
 *
 * Sources come back nearest first (by their best chunk), numbered from 1.
 */
export function mergeNeighbours(
  chunks: readonly RetrievedChunk[],
  documents: ReadonlyMap<string, SourceDocument>,
  options: { maxChunks: number },
): Source[] {
  const sorted = [...chunks].sort((a, b) => a.documentId.localeCompare(b.documentId) || a.chunk - b.chunk);
  const runs: RetrievedChunk[][] = [];
  for (const chunk of sorted) {
    const run = runs.at(-1);
    const last = run?.at(-1);
    if (run && last && last.documentId === chunk.documentId && last.page === chunk.page && chunk.chunk === last.chunk + 1 && run.length < options.maxChunks) {
      run.push(chunk);
    } else if (!(last && last.documentId === chunk.documentId && last.chunk === chunk.chunk)) {
      runs.push([chunk]); // a key the index returned twice counts once
    }
  }
  return runs
    .map((run) => {
      const best = run.reduce((a, b) => (b.distance < a.distance ? b : a));
      const document = documents.get(run[0]!.documentId);
      return {
        n: 0,
        documentId: run[0]!.documentId,
        title: document?.title,
        filename: document?.filename ?? run[0]!.documentId,
        page: run[0]!.page,
        chunks: run.map((c) => c.chunk),
        text: run.map((c) => c.text).reduce(joinOverlapping),
        distance: best.distance,
        bestText: best.text,
      };
    })
    .sort((a, b) => a.distance - b.distance)
    .map((source, i) => ({ ...source, n: i + 1 }));
}

/** Longest snippet a citation carries, in characters; enough to recognise the passage. */
export const SNIPPET_CHARS = 300;

/** The start of a source's best chunk, cut at a word boundary and marked with `…` when cut. */
export function snippetOf(text: string, maxChars = SNIPPET_CHARS): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= maxChars) return flat;
  const cut = flat.slice(0, maxChars - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > maxChars / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** How a source is named for people and models: `Title, p. 4` (the file name when there is no title). */
export function sourceLabel(source: Pick<Source, "title" | "filename" | "page">): string {
  return `${source.title?.trim() || source.filename}, p. ${source.page}`;
}
