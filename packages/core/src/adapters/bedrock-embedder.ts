import {
  BedrockRuntimeClient,
  InvokeModelCommand,
  type BedrockRuntimeClientConfig,
} from "@aws-sdk/client-bedrock-runtime";
import { setMaxListeners } from "node:events";
import { NonRetryableJobError } from "../errors";
import { checkEmbedderInput, type Embedder } from "../ports";
import { describeBedrockError } from "./bedrock-embedder-errors";
import { baseModelId, classifyBedrockError, type BedrockFailure } from "./bedrock-errors";
import { Backoff, Slots, sleep } from "../util/async";

export { baseModelId };

export const TITAN_EMBED_V2 = "amazon.titan-embed-text-v2:0";

/** Titan V2's own ceiling; `maxInputChars` must stay below it. */
const TITAN_MAX_CHARS = 50_000;

export interface BedrockEmbedderOptions {
  /**
   * A base model id, an inference-profile id (`us.amazon.titan-embed-text-v2:0`) or an ARN.
   * Default `amazon.titan-embed-text-v2:0`.
   */
  modelId?: string;
  /** Titan V2 offers 1024 (default), 512 or 256; the vector index must be created with the same. */
  dimension?: 256 | 512 | 1024;
  /**
   * Requests in flight at once for this embedder, across all `embed` calls (default 8).
   * Titan has no batch API, so a batch of N texts is N calls.
   */
  concurrency?: number;
  /**
   * Longest accepted input, in characters (default 20,000). Titan's limit is 8,192 tokens
   * *or* 50,000 characters, whichever comes first. English prose runs about 4.7 characters
   * per token, but code, numbers, URLs and non-Latin scripts run 1–3 (CJK can be one
   * token per character or worse), so a character budget only stays under the token
   * limit with a wide margin. 20,000 keeps prose at about half the token limit; text
   * dense enough to exceed it still gets a clear `ValidationException` translation.
   */
  maxInputChars?: number;
  /**
   * What to do with a text longer than `maxInputChars`: `reject` (default; the chunker
   * is supposed to prevent it, so it is a bug worth seeing) or `truncate` at a word
   * boundary (for queries, where losing the tail beats failing).
   */
  overlong?: "reject" | "truncate";
  /** Attempts per text, the first included (default 6). See the class remarks. */
  attempts?: number;
  /** Backoff between attempts: exponential from `baseMs`, capped at `capMs`, with jitter (default 500 / 8,000). */
  backoff?: { baseMs?: number; capMs?: number };
  /** Per-request inactivity timeout; a timed-out call is retried like a 5xx (default 30,000). */
  requestTimeoutMs?: number;
  /**
   * Merged over the adapter's client defaults: `region`, `credentials`, `endpoint` (a fake),
   * or `requestHandler` — pass `new NodeHttpHandler({ httpsAgent: { keepAlive: true } })`
   * from `@smithy/node-http-handler` to speak HTTP/1.1, e.g. behind a proxy that breaks h2.
   */
  clientConfig?: BedrockRuntimeClientConfig;
  /** Overrides the derived `id` (see `bedrockEmbedderId`). */
  id?: string;
}

/**
 * `Embedder` on Amazon Titan Text Embeddings V2 through the real `BedrockRuntimeClient`
 * (`InvokeModel`, one text per call, `normalize: true`).
 *
 * @remarks
 * **Retries.** The SDK's own retry is switched off (`maxAttempts: 1`) and this adapter
 * owns the only loop, so "N attempts" means N requests. Nested loops multiply (the SDK
 * default of 3 inside 6 here would be 18 requests per text); the SDK's standard backoff
 * (100–500 ms bases) is tuned for blips, while Titan throttles by requests *per minute*;
 * its retry-token bucket is shared by the whole client and drains under sustained
 * throttling at 8 concurrent calls, which makes the attempt count unpredictable; and
 * only this loop knows the model and input to name in the final error.
 * Throttling, model-not-ready, 5xx, timeouts and network errors are retried with
 * exponential backoff and jitter; when they outlast `attempts` the text fails with a
 * `RetryableJobError` so the job is retried later (from its checkpoint). Input
 * validation, access and not-found errors fail at once with a `NonRetryableJobError`.
 * The first failure in a batch cancels the calls still in flight.
 *
 * **Transport.** The client in SDK 3.1163 speaks HTTP/2 (`NodeHttp2Handler`) with
 * `disableConcurrentStreams: true`, which opens a fresh connection (TCP + TLS) for every
 * call and has no request timeout, so a stalled stream hangs. This adapter keeps HTTP/2
 * but multiplexes: one session carries up to `concurrency` streams, and each stream has
 * an inactivity timeout.
 *
 * @example
 * ```ts
 * const embedder = new BedrockEmbedder({ modelId: "us.amazon.titan-embed-text-v2:0", clientConfig: { region: "us-east-1" } });
 * const [vector] = await embedder.embed(["How are traces recorded?"], { signal });
 * ```
 */
export class BedrockEmbedder implements Embedder {
  readonly id: string;
  readonly dimension: number;
  readonly maxInputChars: number;
  readonly modelId: string;
  readonly #client: BedrockRuntimeClient;
  readonly #slots: Slots;
  readonly #concurrency: number;
  readonly #attempts: number;
  readonly #backoff: Backoff;
  readonly #overlong: "reject" | "truncate";

  constructor(options: BedrockEmbedderOptions = {}) {
    this.modelId = options.modelId ?? TITAN_EMBED_V2;
    this.dimension = options.dimension ?? 1024;
    this.maxInputChars = options.maxInputChars ?? 20_000;
    if (this.maxInputChars < 1 || this.maxInputChars > TITAN_MAX_CHARS) {
      throw new RangeError(`maxInputChars must be between 1 and ${TITAN_MAX_CHARS}`);
    }
    this.#concurrency = Math.max(1, Math.floor(options.concurrency ?? 8));
    this.#attempts = Math.max(1, Math.floor(options.attempts ?? 6));
    this.#backoff = new Backoff(options.backoff?.baseMs ?? 500, options.backoff?.capMs ?? 8_000);
    this.#overlong = options.overlong ?? "reject";
    this.#slots = new Slots(this.#concurrency);
    this.id = options.id ?? bedrockEmbedderId(this.modelId, this.dimension);
    this.#client = new BedrockRuntimeClient({
      maxAttempts: 1,
      requestHandler: {
        // One session for every stream. No per-session stream cap: the pool releases a stream a
        // tick after its response, so a cap equal to `concurrency` would open spare sessions.
        disableConcurrentStreams: false,
        requestTimeout: options.requestTimeoutMs ?? 30_000,
        // Idle sessions close, so a Lambda thawed after minutes does not reuse a dead one.
        sessionTimeout: 60_000,
      },
      ...options.clientConfig,
    });
  }

  async embed(texts: readonly string[], options: { signal?: AbortSignal } = {}): Promise<Float32Array[]> {
    const { signal } = options;
    signal?.throwIfAborted();
    checkEmbedderInput(this.id, texts, this.#overlong === "truncate" ? Infinity : this.maxInputChars);
    if (texts.length === 0) return [];
    const inputs = texts.map((text) => truncate(text, this.maxInputChars));

    const batch = new AbortController();
    const batchSignal = signal ? AbortSignal.any([signal, batch.signal]) : batch.signal;
    // Each in-flight call and each worker waiting for a slot listens on this signal.
    setMaxListeners(4 * this.#concurrency + 10, batchSignal);
    const results: Float32Array[] = new Array(texts.length);
    let next = 0;
    let failure: { error: unknown } | undefined;
    const worker = async () => {
      while (!failure && !batchSignal.aborted) {
        const index = next++;
        if (index >= inputs.length) return;
        const release = await this.#slots.acquire(batchSignal);
        try {
          results[index] = await this.#embedOne(inputs[index]!, index, batchSignal);
        } finally {
          release();
        }
      }
    };
    const workers = Array.from({ length: Math.min(this.#concurrency, inputs.length) }, () =>
      worker().catch((error: unknown) => {
        failure ??= { error };
        batch.abort(error);
      }),
    );
    await Promise.all(workers);
    if (signal?.aborted) throw signal.reason;
    if (failure) throw failure.error;
    return results;
  }

  /** Closes the client's connections; the embedder cannot be used afterwards. */
  destroy(): void {
    this.#client.destroy();
  }

  async #embedOne(text: string, index: number, signal: AbortSignal): Promise<Float32Array> {
    const started = Date.now();
    const command = new InvokeModelCommand({
      modelId: this.modelId,
      contentType: "application/json",
      accept: "application/json",
      body: JSON.stringify({ inputText: text, dimensions: this.dimension, normalize: true }),
    });
    for (let attempt = 1; ; attempt++) {
      let body: Uint8Array;
      try {
        body = (await this.#client.send(command, { abortSignal: signal })).body;
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        const kind = classifyBedrockError(error);
        if (kind.retry && attempt < this.#attempts) {
          await sleep(this.#backoff.delay(attempt), signal);
          continue;
        }
        throw await this.#translate(error, kind, { index, chars: text.length, attempt, ms: Date.now() - started });
      }
      return this.#parse(body, index);
    }
  }

  #parse(body: Uint8Array, index: number): Float32Array {
    let parsed: { embedding?: unknown; embeddingsByType?: { float?: unknown } };
    try {
      parsed = JSON.parse(new TextDecoder().decode(body));
    } catch (error) {
      throw new NonRetryableJobError(`${this.modelId} returned a body that is not JSON for text #${index}`, "handler_error", { cause: error });
    }
    const values = parsed.embeddingsByType?.float ?? parsed.embedding;
    if (!Array.isArray(values) || values.length !== this.dimension) {
      const got = Array.isArray(values) ? `${values.length} dimensions` : "no embedding";
      throw new NonRetryableJobError(
        `${this.modelId} returned ${got} for text #${index}, expected ${this.dimension}; is the model an embedding model that supports this dimension?`,
      );
    }
    const vector = Float32Array.from(values as number[]);
    // Titan normalizes already; normalizing again here makes the port's promise exact in float32.
    let sum = 0;
    for (const v of vector) sum += v * v;
    if (!Number.isFinite(sum) || sum === 0) {
      throw new NonRetryableJobError(`${this.modelId} returned a zero or non-finite vector for text #${index}`);
    }
    const scale = 1 / Math.sqrt(sum);
    for (let i = 0; i < vector.length; i++) vector[i]! *= scale;
    return vector;
  }

  async #translate(
    error: unknown,
    kind: BedrockFailure,
    at: { index: number; chars: number; attempt: number; ms: number },
  ): Promise<Error> {
    const region = await this.#client.config.region().catch(() => "{region}");
    return describeBedrockError(error, kind, { modelId: this.modelId, region, ...at });
  }
}

/**
 * The embedder `id` for a Titan model: `bedrock/<base model>/<dimension>`. Profile prefixes
 * (`us.`, `eu.`, `global.`…) and ARN parts are dropped because they route to the same
 * model and give the same vectors; the dimension is kept because it does not.
 */
export function bedrockEmbedderId(modelId: string, dimension: number): string {
  return `bedrock/${baseModelId(modelId)}/${dimension}`;
}

/** Cuts `text` to at most `max` characters, at whitespace when one is near, never inside a surrogate pair. */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  const space = text.slice(Math.max(0, end - 200), end).search(/\s\S*$/);
  if (space > 0) end = Math.max(0, end - 200) + space;
  return text.slice(0, end);
}
