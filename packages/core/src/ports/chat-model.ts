/** One turn of a conversation, as the model sees it. */
export interface ChatTurn {
  role: "user" | "assistant";
  text: string;
}

/**
 * A numbered passage the model must answer from and cite as `[n]`: a retrieved chunk
 * for `rag_query`, a computed figure for `finops_analysis`. The prompt builder puts the
 * same passages into the system prompt for a language model; the offline model reads
 * them from here, so both answer from exactly the same evidence.
 */
export interface GroundingSource {
  n: number;
  text: string;
  /** Where it comes from, for humans ("report.pdf p. 4", "cost by service"). */
  label?: string;
}

export interface ChatRequest {
  /** Instructions, including the numbered sources when there are any. */
  system: string;
  /** The conversation so far, oldest first, ending with the user's turn. */
  messages: readonly ChatTurn[];
  sources?: readonly GroundingSource[];
  /** Upper bound on generated tokens; adapters pick a sensible default. */
  maxTokens?: number;
  temperature?: number;
  /** Aborting stops generation; the call rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Each piece of text as it is generated, in order; concatenated they equal `ChatResult.text`. */
  onDelta?(text: string): void;
}

export interface ChatUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface ChatResult {
  text: string;
  /** The model (or inference profile) that answered. */
  model: string;
  usage: ChatUsage;
  /** `end_turn`, `max_tokens`, … as the model reported it. */
  stopReason: string;
}

/**
 * Writes text from instructions and grounding sources, streaming as it goes.
 * Adapters: `bedrock-chat-model` (Converse Stream; model ids may be inference
 * profiles) and `extractive-chat-model` (offline, composes answers from the
 * sources' own sentences; no language model, and it says so).
 *
 * @remarks
 * Failures are `RetryableJobError` only while nothing has been streamed; once a delta
 * has gone out, a failure is a `NonRetryableJobError`, because a retry would stream
 * the answer a second time after the part clients already hold.
 */
export interface ChatModel {
  /** Model id or inference profile id; reported in results. */
  readonly id: string;
  /** True when no language model is behind it (the offline answerer). */
  readonly extractive: boolean;
  stream(request: ChatRequest): Promise<ChatResult>;
}
