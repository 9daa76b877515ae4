import type { ConversationTurn } from "../ports";

/**
 * Turns a conversation keeps. Follow-ups refer to the last answer or two; six turns
 * carry that with room to spare while keeping the prompt (and a DynamoDB item) small.
 */
export const CONVERSATION_KEEP_TURNS = 6;

/** A conversation expires a day after its last question: long enough to come back to, short enough to forget. */
export const CONVERSATION_TTL_SECONDS = 24 * 60 * 60;

/**
 * The text a question is embedded as. A follow-up such as "and on which page is that?"
 * has almost nothing to search with, so it goes out together with the conversation's
 * previous question, which names the topic; retrieval then lands on the same passages
 * and the model resolves "that" from the conversation.
 */
export function retrievalText(question: string, history: readonly ConversationTurn[], maxChars: number): string {
  const previous = history.at(-1)?.question;
  const text = previous ? `${previous}\n${question}` : question;
  // The newest question matters most: if the pair is too long, the older one gives way.
  return text.length <= maxChars ? text : text.slice(text.length - maxChars);
}
