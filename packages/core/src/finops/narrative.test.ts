import { describe, expect, it } from "vitest";
import { ExtractiveChatModel } from "../adapters/extractive-chat-model";
import type { GroundingSource } from "../ports/chat-model";
import { NARRATIVE_INSTRUCTIONS, writeNarrative } from "./narrative";
import { RecordingChatModel } from "./test-charges";

const facts: GroundingSource[] = [
  { n: 1, label: "totals", text: "Total billed cost from 2024-01-01 to 2024-03-31 was $13,155.00, across 3 billing periods." },
  { n: 2, label: "month-over-month movers by service", text: "Compute grew 44% month over month, from $3,190.00 to $4,600.00." },
  { n: 3, label: "forecast", text: "The forecast for 2024-04 is $5,729.94 billed, with a 90% band from $5,550.98 to $5,908.91." },
  { n: 4, label: "recommendations", text: "Recommendation 1: Review Compute: +44% month over month, concerning $1,410.00 a month." },
];

describe("writeNarrative", () => {
  it("gives a language model the facts in its prompt, forbids new numbers, and keeps its text as it wrote it", async () => {
    const chat = new RecordingChatModel(false, "Compute grew 44% [2].");
    const narrative = await writeNarrative(chat, "Why?", facts);
    expect(narrative).toEqual({ text: "Compute grew 44% [2].", model: "recording-test-model", byLanguageModel: true });
    expect(chat.requests[0]!.system).toBe(`${NARRATIVE_INSTRUCTIONS}\n\nFacts:\n${facts.map((f) => `[${f.n}] ${f.text}`).join("\n")}`);
    expect(NARRATIVE_INSTRUCTIONS).toMatch(/Never compute new numbers/);
  });

  it("offline: quotes the facts that answer the question, then the headline figures it did not quote, streaming all of it", async () => {
    const deltas: string[] = [];
    const narrative = await writeNarrative(new ExtractiveChatModel(), "Why did the bill grow?", facts, { onDelta: (d) => deltas.push(d) });
    expect(narrative.byLanguageModel).toBe(false);
    expect(narrative.text).toMatch(/^Extractive answer, quoted from the documents \(no language model wrote this\):/);
    expect(narrative.text).toContain("- Compute grew 44% month over month, from $3,190.00 to $4,600.00. [2]");
    const [answer, tail] = narrative.text.split("\n\nKey figures, as computed:\n");
    const cited = (text: string) => [...text.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
    // Every fact appears once: quoted as an answer, or else among the headline figures.
    expect([...cited(answer!), ...cited(tail!)].sort()).toEqual([1, 2, 3, 4]);
    expect(tail).toContain("- Total billed cost from 2024-01-01 to 2024-03-31 was $13,155.00, across 3 billing periods. [1]");
    expect(deltas.join("")).toBe(narrative.text);
  });

  it("offline, for a question no fact matches, still gives the headline figures", async () => {
    const narrative = await writeNarrative(new ExtractiveChatModel(), "Summarise", facts);
    expect(narrative.text).toMatch(/^The sources do not contain an answer/);
    expect(narrative.text).toContain("[1]");
    expect(narrative.text).toContain("[4]");
  });
});
