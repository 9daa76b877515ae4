/**
 * Ask: the `rag_query` job. Retrieval over the caller's own chunk vectors, a prompt
 * with numbered sources, an answer streamed through a citation guard, and short
 * per-user conversations for follow-ups. The retrieval knobs are exported for the
 * benchmarks and `npm run eval:rag`.
 * @module
 */
export { ragQueryJob, RagQueryInput, defaultRagOptions, type RagDeps, type RagOptions } from "./rag-job";
export {
  retrieve,
  ownerFilter,
  maxDistanceFor,
  lexicalWeightFor,
  defaultRetrievalOptions,
  DEFAULT_TOP_K,
  CANDIDATE_FACTOR,
  MAX_CANDIDATES,
  OFFLINE_MAX_DISTANCE,
  OFFLINE_LEXICAL_WEIGHT,
  BEDROCK_MAX_DISTANCE,
  MAX_MERGED_CHUNKS,
  type Retrieval,
  type RetrievalDeps,
  type RetrievalOptions,
  type RetrievalRequest,
} from "./retrieve";
export { documentHeading, headedChunk, MAX_HEADING_CHARS } from "./chunk-heading";
export { lexicalCoverage, lexicalTerms } from "./lexical-rerank";
export { mergeNeighbours, joinOverlapping, snippetOf, sourceLabel, SNIPPET_CHARS, type RetrievedChunk, type Source, type SourceDocument } from "./sources";
export { CitationGuard, citationsFor, citedNumbers } from "./citations";
export { RAG_INSTRUCTIONS, systemPrompt, groundingSources, conversationMessages, resolveMarkers } from "./prompt";
export { CONVERSATION_KEEP_TURNS, CONVERSATION_TTL_SECONDS, retrievalText } from "./conversation";
export { PacedChatModel } from "./paced-chat-model";
