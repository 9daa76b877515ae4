import { z } from "zod";
import type { DocumentCatalog, DocumentRecord, Embedder, Logger, VectorFilter, VectorIndex, VectorMatch } from "../ports";
import { documentHeading, headedChunk } from "./chunk-heading";
import { lexicalCoverage } from "./lexical-rerank";
import { mergeNeighbours, type RetrievedChunk, type Source } from "./sources";

/** Sources an answer gets when the question does not say (`topK`). */
export const DEFAULT_TOP_K = 6;

/**
 * Candidates asked of the index per source wanted. Merging turns several neighbouring
 * chunks into one source and the distance threshold drops weak ones, so the index is
 * asked for more than `topK`; 4× leaves room for both at the price of a few more
 * rows of metadata (S3 Vectors caps a query at 100).
 */
export const CANDIDATE_FACTOR = 4;
/** S3 Vectors' own limit on `topK` per query. */
export const MAX_CANDIDATES = 100;

/**
 * Weakest match a source may have with the offline hashing embedder, on the blended
 * distance (see {@link OFFLINE_LEXICAL_WEIGHT}). It measures shared words, so related
 * and unrelated text lie close together. Measured with `npm run eval:rag` over the
 * shared corpus (17 ground-truth questions, 10 off-topic ones): at 0.82 the expected
 * page is among the sources for 11 of 17 and 2 of 10 off-topic questions get any
 * source; 0.80 keeps 9 (1 off-topic), 0.84 keeps 11 (4 off-topic). What gets through
 * is refused by the answerer itself where no sentence matches.
 */
export const OFFLINE_MAX_DISTANCE = 0.82;

/**
 * Share of a candidate's ranking distance that comes from lexical coverage (see
 * `lexical-rerank`) rather than the offline embedder's cosine distance: the distance
 * used is `(1 − w)·cosine + w·(1 − coverage)`. The embedder alone cannot tell a rare
 * word from a frequent one in the user's documents; the candidates can. On eval:rag
 * anything from 0.3 to 0.8 does about as well (expected page among the sources 11 of
 * 17, against 8 without); 0.4 lets the fewest off-topic questions through at 0.82.
 */
export const OFFLINE_LEXICAL_WEIGHT = 0.4;

/**
 * Weakest match a source may have with Titan Text Embeddings V2 (semantic vectors:
 * unrelated text sits near similarity 0, a passage that answers a question well
 * above 0.3). Only noise is dropped here — similarity under 0.2 — because a language
 * model can still tell a partial passage from an irrelevant one and is told to say
 * when the sources do not answer. A judgement, not a measurement: tune it with
 * `npm run eval:rag` against Bedrock.
 */
export const BEDROCK_MAX_DISTANCE = 0.8;

/** The threshold for an embedder: distances mean different things in different vector spaces. */
export function maxDistanceFor(embedderId: string): number {
  return embedderId.startsWith("offline-") ? OFFLINE_MAX_DISTANCE : BEDROCK_MAX_DISTANCE;
}

/**
 * Lexical re-ranking weight for an embedder: the offline one's, 0 (cosine distance
 * alone) for semantic embedders, whose vectors already know which words matter.
 */
export function lexicalWeightFor(embedderId: string): number {
  return embedderId.startsWith("offline-") ? OFFLINE_LEXICAL_WEIGHT : 0;
}

/** Longest run of neighbouring chunks merged into one source (about 2,400 characters). */
export const MAX_MERGED_CHUNKS = 4;

/** The retrieval knobs; benchmarks and evaluations pass their own. */
export interface RetrievalOptions {
  candidateFactor: number;
  /** Overrides `maxDistanceFor(embedder.id)`. */
  maxDistance?: number;
  /** Overrides `lexicalWeightFor(embedder.id)`; 0 ranks by cosine distance alone. */
  lexicalWeight?: number;
  maxMergedChunks: number;
}

export const defaultRetrievalOptions: RetrievalOptions = {
  candidateFactor: CANDIDATE_FACTOR,
  maxMergedChunks: MAX_MERGED_CHUNKS,
};

export interface RetrievalDeps {
  catalog: DocumentCatalog;
  vectors: VectorIndex;
  embedder: Embedder;
  logger?: Pick<Logger, "warn">;
}

export interface RetrievalRequest {
  owner: string;
  /** What to embed: the question, or a follow-up with the question before it. */
  text: string;
  /** Only these documents (of the owner's); all of the owner's when absent. */
  documentIds?: readonly string[];
  topK: number;
  signal?: AbortSignal;
}

export interface Retrieval {
  /** Numbered from 1, nearest first; empty when nothing was close enough. */
  sources: Source[];
  /** Distinct documents the sources come from. */
  documentCount: number;
  /** Documents left out, and why (vectors of another embedder). */
  warnings: string[];
  /** The owner's documents that were searched, when the caller picked them. */
  searched?: number;
}

/**
 * The index filter of every `rag_query`: always the caller as owner, and the picked
 * documents when there are any. Ownership is a filter, not a check afterwards, so
 * another user's chunks never leave the index for this caller.
 */
export function ownerFilter(owner: string, documentIds?: readonly string[]): VectorFilter {
  const mine = { owner: { $eq: owner } };
  return documentIds?.length ? { $and: [mine, { documentId: { $in: [...documentIds] } }] } : mine;
}

/** What ingestion stores with each chunk; anything else in the index is not ours to cite. */
const ChunkMetadata = z.object({
  documentId: z.string().min(1),
  owner: z.string(),
  page: z.number().int().positive(),
  chunk: z.number().int().nonnegative(),
  text: z.string().min(1),
});

/**
 * Finds the passages a question should be answered from: embeds it, queries the
 * index within the caller's documents, re-ranks the candidates by lexical coverage
 * (offline embedder only, see {@link OFFLINE_LEXICAL_WEIGHT}), drops matches beyond
 * the distance threshold and documents whose vectors another embedder made, merges
 * neighbouring chunks and names each source from the catalog.
 *
 * @remarks
 * A picked document the caller does not own (or that does not exist) is simply not
 * searched: the answer is the same as for a document that does not cover the
 * question, so ids of other users' documents cannot be probed.
 */
export async function retrieve(deps: RetrievalDeps, request: RetrievalRequest, options: RetrievalOptions = defaultRetrievalOptions): Promise<Retrieval> {
  const { owner } = request;
  const warnings: string[] = [];
  const documents = new Map<string, DocumentRecord>();
  const usable = (doc: DocumentRecord | undefined): doc is DocumentRecord => {
    if (!doc || doc.owner !== owner) return false;
    if (doc.embedder === deps.embedder.id) return true;
    warnings.push(
      `${doc.title?.trim() || doc.filename} was left out: its vectors were made by ${doc.embedder}, and questions are embedded by ${deps.embedder.id}; ingest it again to ask about it`,
    );
    return false;
  };

  let documentIds: string[] | undefined;
  if (request.documentIds) {
    const picked = await Promise.all([...new Set(request.documentIds)].map((id) => deps.catalog.getDocument(owner, id)));
    for (const doc of picked) if (usable(doc)) documents.set(doc.documentId, doc);
    documentIds = [...documents.keys()];
    if (documentIds.length === 0) return { sources: [], documentCount: 0, warnings, searched: 0 };
  }

  const lexicalWeight = options.lexicalWeight ?? lexicalWeightFor(deps.embedder.id);
  const [vector] = await deps.embedder.embed([request.text], { signal: request.signal });
  const matches = await deps.vectors.query({
    vector: vector!,
    // Re-ranking can only promote what the index returned: it gets all the index gives.
    topK: lexicalWeight > 0 ? MAX_CANDIDATES : Math.min(MAX_CANDIDATES, request.topK * options.candidateFactor),
    filter: ownerFilter(owner, documentIds),
    returnMetadata: true,
  });

  const maxDistance = options.maxDistance ?? maxDistanceFor(deps.embedder.id);
  const candidates = matches.flatMap((m) => {
    const chunk = toChunk(m, owner);
    if (!chunk) deps.logger?.warn("rag_query: skipped an index match without usable chunk metadata", { key: m.key });
    return chunk ? [chunk] : [];
  });
  // Documents are looked up before the threshold, so a document of another embedder is named even when its (meaningless) distances are large.
  const unknown = documentIds ? [] : [...new Set(candidates.map((c) => c.documentId))];
  const found = await Promise.all(unknown.map((id) => deps.catalog.getDocument(owner, id)));
  for (const doc of found) if (usable(doc)) documents.set(doc.documentId, doc);

  const usableCandidates = candidates.filter((c) => documents.has(c.documentId));
  const ranked = lexicalWeight > 0 ? blendLexical(request.text, usableCandidates, documents, lexicalWeight) : usableCandidates;
  const kept = ranked.filter((c) => c.distance <= maxDistance);
  const sources = mergeNeighbours(kept, documents, { maxChunks: options.maxMergedChunks }).slice(0, request.topK);
  return {
    sources,
    documentCount: new Set(sources.map((s) => s.documentId)).size,
    warnings,
    searched: documentIds?.length,
  };
}

/**
 * The candidates with their distance blended with lexical coverage: each candidate is
 * read under its document's heading (as ingestion embedded it), so a question naming
 * the document counts that name as covered.
 */
function blendLexical(question: string, chunks: readonly RetrievedChunk[], documents: ReadonlyMap<string, DocumentRecord>, weight: number): RetrievedChunk[] {
  const headings = new Map([...documents].map(([id, doc]) => [id, documentHeading(doc)]));
  const coverage = lexicalCoverage(
    question,
    chunks.map((c) => headedChunk(headings.get(c.documentId) ?? "", c.text)),
  );
  return chunks.map((c, i) => ({ ...c, distance: (1 - weight) * c.distance + weight * (1 - coverage[i]!) }));
}

/** A match as a chunk, if its metadata is ingestion's and the caller's; never another owner's. */
function toChunk(match: VectorMatch, owner: string): RetrievedChunk | undefined {
  const meta = ChunkMetadata.safeParse(match.metadata);
  if (!meta.success || meta.data.owner !== owner || !Number.isFinite(match.distance)) return undefined;
  const { documentId, page, chunk, text } = meta.data;
  return { documentId, page, chunk, text, distance: match.distance };
}
