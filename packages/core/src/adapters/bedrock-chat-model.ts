import {
  BedrockRuntimeClient,
  ConverseStreamCommand,
  type BedrockRuntimeClientConfig,
  type ConverseStreamCommandInput,
  type Message,
} from "@aws-sdk/client-bedrock-runtime";
import { z } from "zod";
import { NonRetryableJobError } from "../errors";
import type { ChatModel, ChatRequest, ChatResult, ChatUsage } from "../ports";
import { Backoff, sleep } from "../util/async";
import { classifyBedrockError, describeBedrockFailure, type BedrockFailure } from "./bedrock-errors";

/** Claude Sonnet 4.5 through the global cross-Region inference profile (routes anywhere, about 10% cheaper). */
export const CLAUDE_SONNET_4_5_GLOBAL = "global.anthropic.claude-sonnet-4-5-20250929-v1:0";

export interface BedrockChatModelOptions {
  /**
   * A base model id, an inference-profile id (`global.anthropic.claude-…`, `us.anthropic.claude-…`)
   * or a profile ARN. Newer Claude models only answer through a profile. Default {@link CLAUDE_SONNET_4_5_GLOBAL}.
   */
  modelId?: string;
  /** Shorthand for `clientConfig.region`. */
  region?: string;
  /** Shorthand for `clientConfig.endpoint` (a fake in tests). */
  endpoint?: string;
  /**
   * Merged over the adapter's client defaults: `credentials`, or `requestHandler` —
   * pass `new NodeHttpHandler(…)` from `@smithy/node-http-handler` to speak HTTP/1.1.
   */
  clientConfig?: BedrockRuntimeClientConfig;
  /**
   * A client to use instead of building one; it is not destroyed by `destroy()`. It should
   * have `maxAttempts: 1`, or its own retries multiply with this adapter's.
   */
  client?: BedrockRuntimeClient;
  /** Generated-token cap when the request gives none (default 2,048). */
  maxTokens?: number;
  /** Attempts per answer, the first included (default 4). Only attempts that streamed nothing are repeated. */
  attempts?: number;
  /** Backoff between attempts: exponential from `baseMs`, capped at `capMs`, with jitter (default 1,000 / 16,000). */
  backoff?: { baseMs?: number; capMs?: number };
  /** Longest silence on the stream (before the first event or between events), in ms, before it counts as failed (default 60,000). */
  requestTimeoutMs?: number;
}

const ChatRequestData = z.object({
  system: z.string(),
  messages: z.array(z.object({ role: z.enum(["user", "assistant"]), text: z.string() })).min(1, "needs at least one turn"),
  maxTokens: z.number().int().positive().optional(),
  temperature: z.number().min(0).max(1).optional(),
});

/** Stands in for turns cut off before an assistant turn, since Converse must open with a user turn. */
const EARLIER_TURNS_OMITTED = "(The earlier part of this conversation is not shown.)";

/**
 * `ChatModel` on a Bedrock chat model (Claude, Nova, …) through `ConverseStream` and
 * the real `BedrockRuntimeClient`.
 *
 * @remarks
 * **Retries.** As in `BedrockEmbedder`, the SDK's retry is off (`maxAttempts: 1`) and
 * this adapter owns the only loop, for the same reasons (no multiplied attempts, a
 * backoff suited to per-minute quotas, one message that names the model). What is
 * retried depends on whether text has gone out: throttling, model-not-ready, 5xx,
 * timeouts, network failures and any exception Bedrock sends inside the stream are
 * retried while no delta has been delivered, then end in a `RetryableJobError`. Once a
 * delta has been delivered a failure is a `NonRetryableJobError` that says how much
 * arrived: the caller has streamed that much to its clients, and a retry would stream
 * the answer again behind it. Validation, access and not-found errors fail at once.
 *
 * **Transport.** The client speaks HTTP/2 as the SDK defaults to. The SDK gives every
 * event stream a connection of its own, so a slow reader never stalls other streams
 * through shared flow control; that costs one TLS handshake per answer, little next to
 * generation time. Each stream has an inactivity timeout, so a stalled answer fails
 * instead of hanging until the job's deadline.
 *
 * @example
 * ```ts
 * const model = new BedrockChatModel({ modelId: "us.anthropic.claude-sonnet-4-5-20250929-v1:0", region: "us-east-1" });
 * const result = await model.stream({ system, messages: [{ role: "user", text: question }], onDelta: send, signal });
 * ```
 */
export class BedrockChatModel implements ChatModel {
  readonly id: string;
  readonly extractive = false;
  readonly #client: BedrockRuntimeClient;
  readonly #ownsClient: boolean;
  readonly #maxTokens: number;
  readonly #attempts: number;
  readonly #backoff: Backoff;

  constructor(options: BedrockChatModelOptions = {}) {
    this.id = options.modelId ?? CLAUDE_SONNET_4_5_GLOBAL;
    this.#maxTokens = Math.max(1, Math.floor(options.maxTokens ?? 2_048));
    this.#attempts = Math.max(1, Math.floor(options.attempts ?? 4));
    this.#backoff = new Backoff(options.backoff?.baseMs ?? 1_000, options.backoff?.capMs ?? 16_000);
    this.#ownsClient = !options.client;
    this.#client =
      options.client ??
      new BedrockRuntimeClient({
        maxAttempts: 1,
        requestHandler: {
          requestTimeout: options.requestTimeoutMs ?? 60_000,
          sessionTimeout: 60_000,
        },
        ...(options.region ? { region: options.region } : {}),
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        ...options.clientConfig,
      });
  }

  async stream(request: ChatRequest): Promise<ChatResult> {
    const { signal } = request;
    signal?.throwIfAborted();
    const input = this.#input(request);
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      const progress = { chars: 0 };
      try {
        return await this.#attempt(input, request, progress);
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (error instanceof DeltaListenerError) throw error.cause;
        if (progress.chars > 0) throw this.#broken(error, progress.chars);
        const failure = classifyBedrockError(error);
        if (failure.retry && attempt < this.#attempts) {
          await sleep(this.#backoff.delay(attempt), signal);
          continue;
        }
        throw await this.#translate(error, failure, input, attempt, Date.now() - started);
      }
    }
  }

  /** Closes the client's connections, unless the client was passed in; the model cannot be used afterwards. */
  destroy(): void {
    if (this.#ownsClient) this.#client.destroy();
  }

  async #attempt(input: ConverseStreamCommandInput, request: ChatRequest, progress: { chars: number }): Promise<ChatResult> {
    const { signal, onDelta } = request;
    const response = await this.#client.send(new ConverseStreamCommand(input), { abortSignal: signal });
    if (!response.stream) throw Object.assign(new Error("ConverseStream answered without an event stream"), { name: "IncompleteStreamError" });
    let text = "";
    let stopReason: string | undefined;
    let usage: ChatUsage = { inputTokens: 0, outputTokens: 0 };
    for await (const event of response.stream) {
      // On abort the SDK closes the HTTP stream, which ends this loop promptly; events the
      // parser had already buffered must not reach `onDelta` after the caller said stop.
      signal?.throwIfAborted();
      const piece = event.contentBlockDelta?.delta?.text;
      if (piece) {
        text += piece;
        progress.chars = text.length;
        try {
          onDelta?.(piece);
        } catch (error) {
          throw new DeltaListenerError(error);
        }
        continue;
      }
      // Exception events are not seen here: the SDK throws them from the iteration.
      if (event.messageStop) stopReason = event.messageStop.stopReason ?? "end_turn";
      else if (event.metadata?.usage) {
        usage = { inputTokens: event.metadata.usage.inputTokens ?? 0, outputTokens: event.metadata.usage.outputTokens ?? 0 };
      }
    }
    if (stopReason === undefined) {
      // A cut connection can look like a clean end to the parser; without messageStop the answer is not whole.
      throw Object.assign(new Error("the event stream ended before messageStop (cut off, or silent for longer than the request timeout)"), {
        name: "IncompleteStreamError",
      });
    }
    return { text, model: this.id, usage, stopReason };
  }

  /** The Converse request for `request`, or a clear error for what Converse would reject. */
  #input(request: ChatRequest): ConverseStreamCommandInput {
    const parsed = ChatRequestData.safeParse(request);
    if (!parsed.success) {
      const reason = parsed.error.issues.map((i) => `${i.path.join(".") || "(request)"}: ${i.message}`).join("; ");
      throw new NonRetryableJobError(`Invalid chat request for ${this.id}: ${reason}`, "invalid_input");
    }
    const { system, messages, maxTokens, temperature } = parsed.data;
    const merged: Message[] = [];
    for (const turn of messages) {
      // Converse rejects blank text blocks; a blank turn carries nothing to keep.
      if (!turn.text.trim()) continue;
      const last = merged.at(-1);
      if (last?.role === turn.role) last.content = [{ text: `${last.content![0]!.text}\n\n${turn.text}` }];
      else merged.push({ role: turn.role, content: [{ text: turn.text }] });
    }
    if (merged.at(-1)?.role !== "user") {
      throw new NonRetryableJobError(
        `Invalid chat request for ${this.id}: the conversation must end with a non-blank user turn (the question), got ${merged.length === 0 ? "no text at all" : "an assistant turn last"}`,
        "invalid_input",
      );
    }
    if (merged[0]!.role === "assistant") merged.unshift({ role: "user", content: [{ text: EARLIER_TURNS_OMITTED }] });
    return {
      modelId: this.id,
      ...(system.trim() ? { system: [{ text: system }] } : {}),
      messages: merged,
      inferenceConfig: { maxTokens: maxTokens ?? this.#maxTokens, ...(temperature === undefined ? {} : { temperature }) },
    };
  }

  #broken(error: unknown, chars: number): NonRetryableJobError {
    const { name, message } = classifyBedrockError(error);
    return new NonRetryableJobError(
      `Bedrock's answer from ${this.id} broke off after ${count(chars, "character")} (${name}: ${message}). ` +
        `The partial answer already streamed is kept; the job is not retried, because a retry would stream the answer a second time.`,
      "handler_error",
      { cause: error },
    );
  }

  async #translate(error: unknown, failure: BedrockFailure, input: ConverseStreamCommandInput, attempt: number, ms: number): Promise<Error> {
    const region = await this.#client.config.region().catch(() => "{region}");
    const chars = (input.messages ?? []).reduce((n, m) => n + (m.content?.[0]?.text?.length ?? 0), 0);
    return describeBedrockFailure(error, failure, {
      modelId: this.id,
      region,
      action: "bedrock:InvokeModelWithResponseStream",
      subject: `the chat request (${count(input.messages?.length ?? 0, "turn")}, ${count(chars, "character")})`,
      attempt,
      ms,
      throttleHint:
        "Chat models are limited in tokens and requests per minute: the job will be retried later; " +
        "if this persists, raise the model's quota or use a global inference profile, which draws on more capacity.",
      tooLongHint: "The prompt is longer than the model's context window; send fewer or shorter sources, or a shorter history.",
    });
  }
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** Thrown through the stream loop when the caller's `onDelta` throws, so it is not mistaken for a Bedrock failure. */
class DeltaListenerError extends Error {
  constructor(cause: unknown) {
    super("onDelta threw", { cause });
  }
}
