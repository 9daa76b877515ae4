import { ingestPdfJob, type IngestDeps } from "@ferry/core/ingest";
import { JobKindRegistry, canaryJob } from "@ferry/core/jobs";
import type { ChatModel, ConversationStore } from "@ferry/core/ports";
import { ragQueryJob } from "@ferry/core/rag";
import { finopsAnalysisJob, type FinopsDeps } from "@ferry/core/finops";

/** What the optional job kinds need; a kind whose parts are missing is not registered. */
export interface JobKindsOptions {
  /** Uploads, the vector index and an embedder: `ingest_pdf`. */
  documents?: IngestDeps;
  /** With `documents`: `rag_query`. */
  chat?: ChatModel;
  /** Keeps `rag_query` conversations; without it follow-ups are answered on their own. */
  conversations?: ConversationStore;
  /** Cost sources, a chat model and where billing data is: `finops_analysis`. */
  finops?: FinopsDeps;
}

/**
 * Every job kind this deployment runs. Kinds that need documents (uploads, the
 * vector index, an embedder) or a chat model are registered only when those are configured.
 */
export function jobKinds(options: JobKindsOptions = {}): JobKindRegistry {
  const { documents, chat } = options;
  return new JobKindRegistry([
    canaryJob,
    ...(documents ? [ingestPdfJob(documents)] : []),
    ...(documents && chat ? [ragQueryJob({ ...documents, chat, conversations: options.conversations })] : []),
    ...(options.finops ? [finopsAnalysisJob(options.finops)] : []),
  ]);
}
