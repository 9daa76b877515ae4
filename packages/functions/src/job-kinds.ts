import { ingestPdfJob, type IngestDeps } from "@ferry/core/ingest";
import { JobKindRegistry, canaryJob } from "@ferry/core/jobs";

/**
 * Every job kind this deployment runs. Kinds that need documents (uploads, the
 * vector index, an embedder) are registered only when those are configured.
 */
export function jobKinds(documents?: IngestDeps): JobKindRegistry {
  return new JobKindRegistry([canaryJob, ...(documents ? [ingestPdfJob(documents)] : [])]);
}
