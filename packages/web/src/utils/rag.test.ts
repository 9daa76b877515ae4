import { describe, expect, it } from "vitest";
import { formatScore, modelLabel, parseRagResult, ragInput } from "./rag";

describe("rag_query on the page", () => {
  it("says when the answer came from the offline extractive answerer", () => {
    expect(modelLabel("offline-extractive-v1")).toBe("offline-extractive-v1 — extractive (offline)");
    expect(modelLabel("global.anthropic.claude-sonnet-4-5")).toBe("global.anthropic.claude-sonnet-4-5");
  });

  it("sends documents only when the search was narrowed, and keeps the conversation", () => {
    expect(ragInput("  Why?  ", "c1", undefined)).toEqual({ question: "Why?", conversationId: "c1" });
    expect(ragInput("Why?", "c1", [])).toEqual({ question: "Why?", conversationId: "c1" });
    expect(ragInput("Why?", "c1", ["d1"])).toEqual({ question: "Why?", conversationId: "c1", documentIds: ["d1"] });
  });

  it("reads results through the wire schema and scores as percentages", () => {
    const result = {
      answer: "Ferry streams progress [1].",
      citations: [{ n: 1, documentId: "d1", title: "Notes", page: 3, score: 0.834, snippet: "Progress comes back" }],
      model: "offline-extractive-v1",
      usage: { inputTokens: 10, outputTokens: 5 },
      grounded: true,
    };
    expect(parseRagResult(result)?.citations[0]?.page).toBe(3);
    expect(parseRagResult({ answer: "x" })).toBeUndefined();
    expect(formatScore(0.834)).toBe("83%");
  });
});
