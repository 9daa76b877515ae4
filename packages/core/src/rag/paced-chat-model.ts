import { sleep } from "../util/async";
import type { ChatModel, ChatRequest, ChatResult } from "../ports";

/**
 * A `ChatModel` that gives another model's deltas out no faster than one per
 * `delayMs`. The offline answerer composes its whole answer in a millisecond; paced,
 * it streams like a language model, so demos show an answer being written and tests
 * can reconnect in the middle of one. Not for production paths: it only adds time.
 */
export class PacedChatModel implements ChatModel {
  constructor(
    private readonly inner: ChatModel,
    private readonly delayMs: number,
  ) {}

  get id(): string {
    return this.inner.id;
  }

  get extractive(): boolean {
    return this.inner.extractive;
  }

  async stream(request: ChatRequest): Promise<ChatResult> {
    const deltas: string[] = [];
    const result = await this.inner.stream({ ...request, onDelta: (text) => deltas.push(text) });
    for (const [i, delta] of deltas.entries()) {
      if (i > 0) await sleep(this.delayMs, request.signal);
      request.onDelta?.(delta);
    }
    return result;
  }
}
