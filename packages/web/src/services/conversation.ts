/**
 * The Ask page's conversation: its id (sent with every question so follow-ups
 * resolve on the server) and the questions asked, each with the `rag_query` job
 * that answers it. Answers themselves are not stored: the job tracker holds them
 * and a re-subscribe brings them back. Kept in `sessionStorage`, so leaving the
 * page or reloading the tab does not lose the conversation.
 * @module
 */

export interface AskTurn {
  question: string;
  jobId: string;
  /** The documents searched; undefined means all ready documents. */
  documentIds: string[] | undefined;
  askedAt: number;
}

export interface Conversation {
  id: string;
  turns: AskTurn[];
}

type SessionStorage = Pick<Storage, "getItem" | "setItem">;

const KEY = "ferry.ask.conversation";
/** Older turns are dropped from storage; the server keeps only the last few anyway. */
const MAX_TURNS = 50;

export function newConversationId(): string {
  const crypto = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (typeof crypto?.randomUUID === "function") return crypto.randomUUID();
  return `c-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

export function newConversation(): Conversation {
  return { id: newConversationId(), turns: [] };
}

/** The stored conversation, or a new one when there is none or it cannot be read. */
export function loadConversation(storage: SessionStorage | undefined): Conversation {
  try {
    const raw = storage?.getItem(KEY);
    if (!raw) return newConversation();
    const value = JSON.parse(raw) as Partial<Conversation>;
    if (typeof value.id !== "string" || !Array.isArray(value.turns)) return newConversation();
    const turns = value.turns.filter(
      (t): t is AskTurn => !!t && typeof t.question === "string" && typeof t.jobId === "string" && typeof t.askedAt === "number",
    );
    return { id: value.id, turns: turns.map((t) => ({ ...t, documentIds: Array.isArray(t.documentIds) ? t.documentIds : undefined })) };
  } catch {
    return newConversation();
  }
}

export function saveConversation(storage: SessionStorage | undefined, conversation: Conversation): void {
  try {
    storage?.setItem(KEY, JSON.stringify({ ...conversation, turns: conversation.turns.slice(-MAX_TURNS) }));
  } catch {
    // full or blocked: the conversation still works for this page's lifetime
  }
}

/** `sessionStorage`, or undefined where privacy settings block it. */
export function sessionStore(): SessionStorage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}
