import { describeBedrockFailure, type BedrockFailure } from "./bedrock-errors";

// Kept here for the embedder's existing importers; the shared logic lives in bedrock-errors.
export { baseModelId, classifyBedrockError, type BedrockFailure } from "./bedrock-errors";

/**
 * The Ferry error for an embedding call that will not be retried here, in the words
 * that fit Titan embeddings: which text, and what to change about quota or chunking.
 */
export function describeBedrockError(
  error: unknown,
  failure: BedrockFailure,
  at: { modelId: string; region: string; index: number; chars: number; attempt: number; ms: number },
): Error {
  return describeBedrockFailure(error, failure, {
    modelId: at.modelId,
    region: at.region,
    action: "bedrock:InvokeModel",
    subject: `text #${at.index} (${at.chars} characters)`,
    attempt: at.attempt,
    ms: at.ms,
    throttleHint:
      "Titan embeddings are limited in requests per minute: the job will be retried later; " +
      "if this persists, lower the embedder's concurrency or raise the model's InvokeModel quota.",
    tooLongHint: "The text is denser than the character budget assumes (8,192 tokens max); lower maxInputChars or chunk smaller.",
  });
}
