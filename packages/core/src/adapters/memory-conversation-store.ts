import type { ConversationStore, ConversationTurn } from "../ports";
import { checkAppendOptions } from "./conversation-turn-records";

/** `ConversationStore` in process memory, for unit tests; `now` lets a test move time on. */
export class MemoryConversationStore implements ConversationStore {
  readonly #conversations = new Map<string, { turns: ConversationTurn[]; expiresAtMs: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async get(owner: string, conversationId: string): Promise<ConversationTurn[]> {
    return structuredClone(this.#live(owner, conversationId) ?? []);
  }

  async append(owner: string, conversationId: string, turn: ConversationTurn, options: { keep: number; ttlSeconds: number }): Promise<void> {
    checkAppendOptions(options);
    const turns = [...(this.#live(owner, conversationId) ?? []), structuredClone(turn)].slice(-options.keep);
    this.#conversations.set(key(owner, conversationId), { turns, expiresAtMs: this.now() + options.ttlSeconds * 1000 });
  }

  #live(owner: string, conversationId: string): ConversationTurn[] | undefined {
    const entry = this.#conversations.get(key(owner, conversationId));
    return entry && entry.expiresAtMs > this.now() ? entry.turns : undefined;
  }
}

const key = (owner: string, conversationId: string) => JSON.stringify([owner, conversationId]);
