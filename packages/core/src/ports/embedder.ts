import { NonRetryableJobError } from "../errors";

/**
 * Turns texts into vectors for the `VectorIndex`. Adapters: `bedrock-embedder`
 * (Titan Text Embeddings V2, AWS) and `hashing-embedder` (offline, deterministic).
 *
 * @remarks
 * Vectors from different embedders live in unrelated spaces: a document's chunks and
 * every query against them must come from the same `id`, which is why it is stored
 * with each document. Inputs must be non-blank and at most `maxInputChars` long;
 * adapters reject anything else with a `NonRetryableJobError` (see `checkEmbedderInput`).
 */
export interface Embedder {
  /** Model identity stored with each document, so a query is never compared with vectors of another model. */
  readonly id: string;
  readonly dimension: number;
  /** Longest input (characters) the adapter accepts; the chunker sizes chunks well under it. */
  readonly maxInputChars: number;
  /** One unit-length vector per text, in order. */
  embed(texts: readonly string[], options?: { signal?: AbortSignal }): Promise<Float32Array[]>;
}

/**
 * The input rules every `Embedder` shares, checked before any work starts so a bad
 * batch costs nothing: blank texts have no meaning to embed (Titan answers 400, a
 * hashing embedder would return a zero vector), and over-long ones would be cut or
 * rejected by the model mid-batch. The error names the offending index.
 */
export function checkEmbedderInput(embedderId: string, texts: readonly string[], maxInputChars: number): void {
  texts.forEach((text, index) => {
    if (typeof text !== "string" || text.trim() === "") {
      throw new NonRetryableJobError(`${embedderId}: text #${index} is empty; only non-blank text can be embedded`, "invalid_input");
    }
    if (text.length > maxInputChars) {
      throw new NonRetryableJobError(
        `${embedderId}: text #${index} has ${text.length} characters, more than the ${maxInputChars} this embedder accepts; split it into smaller chunks`,
        "invalid_input",
      );
    }
  });
}
