/** A source a past answer cited, kept so a follow-up can refer to it ("on which page is that?"). */
export interface ConversationCitation {
  n: number;
  documentId: string;
  title?: string;
  page: number;
}

export interface ConversationTurn {
  question: string;
  answer: string;
  citations: ConversationCitation[];
  /** Epoch milliseconds. */
  at: number;
}

/**
 * The last few question/answer turns of a user's conversation, so `rag_query`
 * follow-ups resolve. Keyed by owner and conversation id: another user's id names a
 * different (empty) conversation. Adapters: `memory-`, `redis-`, `dynamo-conversation-store`.
 */
export interface ConversationStore {
  /** The kept turns, oldest first; `[]` for an unknown or expired conversation. */
  get(owner: string, conversationId: string): Promise<ConversationTurn[]>;
  /** Appends a turn, keeps only the newest `keep` turns and renews the expiry to `ttlSeconds` from now. */
  append(owner: string, conversationId: string, turn: ConversationTurn, options: { keep: number; ttlSeconds: number }): Promise<void>;
}
