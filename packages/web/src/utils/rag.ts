import { RagQueryResult, type RagCitation } from "@ferry/core/protocol";

export type { RagCitation, RagQueryResult };

/** Reads a job's result as a `rag_query` result (the wire schema); undefined when it is not one. */
export function parseRagResult(value: unknown): RagQueryResult | undefined {
  const parsed = RagQueryResult.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** Warnings a result carries (`warnings: string[]`, e.g. "this deployment keeps no conversations"). */
export function resultWarnings(value: unknown): string[] {
  const warnings = typeof value === "object" && value !== null ? (value as { warnings?: unknown }).warnings : undefined;
  return Array.isArray(warnings) ? warnings.filter((w): w is string => typeof w === "string" && w.trim() !== "") : [];
}

/**
 * The model line under an answer. The offline stack's answerer is no language
 * model: it composes answers from the sources' own sentences, and the reader
 * should know that before trusting its wording.
 */
export function modelLabel(model: string): string {
  return model.startsWith("offline-") ? `${model} — extractive (offline)` : model;
}

/** `0.83` → `83%`: a similarity is easier to compare as a percentage. */
export function formatScore(score: number): string {
  return `${Math.round(Math.max(0, Math.min(1, score)) * 100)}%`;
}

/** What a source is called on screen: its title, else the document id. */
export function citationTitle(citation: Pick<RagCitation, "title" | "documentId">): string {
  return citation.title?.trim() || citation.documentId;
}

/** The DOM id of a cited source, unique per answer, so markers can point at it. */
export function sourceElementId(jobId: string, n: number): string {
  return `source-${jobId}-${n}`;
}

/** Ask's `rag_query` input: documents only when the user narrowed the search. */
export function ragInput(question: string, conversationId: string, documentIds: readonly string[] | undefined): Record<string, unknown> {
  return {
    question: question.trim(),
    conversationId,
    ...(documentIds && documentIds.length > 0 ? { documentIds: [...documentIds] } : {}),
  };
}
