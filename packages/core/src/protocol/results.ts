import { z } from "zod";

/**
 * `job_completed.result` of an `ingest_pdf` job. Declared with the wire contract so
 * the worker that produces it and the dashboard that reads it share one schema.
 */
export const IngestPdfResult = z.object({
  documentId: z.string(),
  title: z.string().optional(),
  pages: z.number().int(),
  chunks: z.number().int(),
  /** Pages with no text layer (scanned images, blank pages) or that could not be read. */
  skippedPages: z.array(z.number().int()),
  warnings: z.array(z.string()),
});
export type IngestPdfResult = z.infer<typeof IngestPdfResult>;

/** A numbered source of a `rag_query` answer; every `[n]` in the answer has one. */
export const RagCitation = z.object({
  n: z.number().int().positive(),
  documentId: z.string(),
  title: z.string().optional(),
  /** 1-based PDF page index. */
  page: z.number().int().positive(),
  /** Cosine similarity of the best chunk behind it (1 − distance), 0–1. */
  score: z.number(),
  snippet: z.string(),
});
export type RagCitation = z.infer<typeof RagCitation>;

/** `job_completed.result` of a `rag_query` job. The streamed `job_output` deltas concatenate to `answer`. */
export const RagQueryResult = z.object({
  answer: z.string(),
  citations: z.array(RagCitation),
  /** Model or inference profile id; the offline answerer reports `offline-extractive-…`. */
  model: z.string(),
  usage: z.object({ inputTokens: z.number().int().nonnegative(), outputTokens: z.number().int().nonnegative() }),
  /** Echoed when the question was part of a conversation. */
  conversationId: z.string().optional(),
  /** False when no source was close enough: the answer says so and cites nothing. */
  grounded: z.boolean(),
  /** Documents left out of the search (vectors of another embedder), a turn not kept… */
  warnings: z.array(z.string()).optional(),
  /**
   * Where the time went, in ms from the worker picking the job up: finding sources,
   * then writing the answer; `firstDeltaMs` is when its first text went out.
   */
  timings: z
    .object({
      retrievalMs: z.number().nonnegative(),
      generationMs: z.number().nonnegative(),
      firstDeltaMs: z.number().nonnegative().optional(),
    })
    .optional(),
});
export type RagQueryResult = z.infer<typeof RagQueryResult>;

export * from "./finops-result";
