import type { ChatModel, GroundingSource } from "../ports/chat-model";

/**
 * Why the prompt reads as it does: the figures were computed by queries and checked
 * by tests; a model that adds, rounds or extrapolates them produces numbers nobody
 * can trace. So it may only restate the numbered facts, quoting amounts verbatim.
 */
export const NARRATIVE_INSTRUCTIONS = [
  "You are Ferry's FinOps analyst. Answer the user's question about their cloud bill for a finance or engineering lead, in one short paragraph of 3 to 6 sentences, most important first.",
  "Use ONLY the numbered facts below. Quote every amount, percentage and date exactly as a fact writes it, and cite the fact as [n] after the sentence that uses it.",
  "Never compute new numbers: do not add, subtract, average, round, convert or extrapolate figures, and do not estimate anything the facts do not state.",
  "If the facts do not answer the question, say so plainly and state what they do show. Do not mention tables; they follow your answer.",
].join("\n");

/** The system prompt: the rules, then the facts as `[n] text`. */
export function narrativeSystemPrompt(facts: readonly GroundingSource[]): string {
  return `${NARRATIVE_INSTRUCTIONS}\n\nFacts:\n${facts.map((f) => `[${f.n}] ${f.text}`).join("\n")}`;
}

export interface Narrative {
  text: string;
  model: string;
  /** True when a language model wrote it; false for the offline extractive template. */
  byLanguageModel: boolean;
}

/** Facts every offline answer ends with, so the template reads as a summary whatever was asked. */
const HEADLINE_LABELS = ["totals", "month over month", "forecast", "billed vs effective cost", "recommendations"];
const HEADLINE_LIMIT = 6;

/**
 * Asks the chat model for the answer paragraph. The same facts go in the system prompt
 * (for a language model) and as `sources` (the offline extractive model quotes the ones
 * that match the question, under a line saying no language model wrote it).
 *
 * With the extractive model the answer then goes on with the headline facts it did not
 * quote — the total, the month-over-month change, the forecast, the EffectiveCost
 * caveat, the top recommendations — so the offline narrative is a complete template
 * even for a question it cannot match ("Summarise", "Where can we save?").
 */
export async function writeNarrative(
  chat: ChatModel,
  question: string,
  facts: readonly GroundingSource[],
  options: { signal?: AbortSignal; onDelta?(text: string): void } = {},
): Promise<Narrative> {
  const result = await chat.stream({
    system: narrativeSystemPrompt(facts),
    messages: [{ role: "user", text: question }],
    sources: facts,
    maxTokens: 700,
    temperature: 0,
    signal: options.signal,
    onDelta: options.onDelta,
  });
  let text = result.text;
  if (chat.extractive) {
    const quoted = new Set([...text.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1])));
    const headline = facts.filter((f) => HEADLINE_LABELS.includes(f.label ?? "") && !quoted.has(f.n)).slice(0, HEADLINE_LIMIT);
    if (headline.length) {
      const tail = `\n\nKey figures, as computed:\n${headline.map((f) => `- ${f.text} [${f.n}]`).join("\n")}`;
      options.signal?.throwIfAborted();
      options.onDelta?.(tail);
      text += tail;
    }
  }
  return { text, model: result.model, byLanguageModel: !chat.extractive };
}
