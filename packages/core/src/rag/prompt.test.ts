import { describe, expect, it } from "vitest";
import { retrievalText } from "./conversation";
import { conversationMessages, groundingSources, resolveMarkers, systemPrompt } from "./prompt";
import type { Source } from "./sources";

const sources: Source[] = [
  { n: 1, documentId: "d1", title: "Trace Trees", filename: "tracemonkey.pdf", page: 10, chunks: [40], text: "All experiments ran on a\nMacBook Pro.", distance: 0.3, bestText: "" },
  { n: 2, documentId: "d2", filename: "zen.pdf", page: 1, chunks: [0], text: "Refuse the temptation to guess.", distance: 0.5, bestText: "" },
];

describe("systemPrompt", () => {
  it("lists every source as [n] (title, p. X) text, after instructions to answer only from them and cite them", () => {
    const prompt = systemPrompt(sources);
    expect(prompt).toContain("[1] (Trace Trees, p. 10) All experiments ran on a MacBook Pro.");
    expect(prompt).toContain("[2] (zen.pdf, p. 1) Refuse the temptation to guess.");
    expect(prompt).toMatch(/only from the sources/i);
    expect(prompt).toMatch(/square brackets, like \[1\]/);
    expect(prompt).toMatch(/do not contain the answer, say plainly/);
    expect(prompt.indexOf("Rules:")).toBeLessThan(prompt.indexOf("[1] (Trace Trees"));
  });

  it("hands the same passages to the model as grounding sources", () => {
    expect(groundingSources(sources)).toEqual([
      { n: 1, text: "All experiments ran on a\nMacBook Pro.", label: "Trace Trees, p. 10" },
      { n: 2, text: "Refuse the temptation to guess.", label: "zen.pdf, p. 1" },
    ]);
  });
});

describe("conversationMessages", () => {
  const history = [
    { question: "What hardware ran the experiments?", answer: "A MacBook Pro [1] with 2 GB [1, 4].", citations: [{ n: 1, documentId: "d1", title: "Trace Trees", page: 10 }], at: 1 },
    { question: "And the OS?", answer: "The documents do not say.", citations: [], at: 2 },
  ];

  it("puts earlier questions and answers first, oldest first, then the new question", () => {
    expect(conversationMessages(history, "On which page is that?")).toEqual([
      { role: "user", text: "What hardware ran the experiments?" },
      { role: "assistant", text: "A MacBook Pro (Trace Trees, p. 10) with 2 GB (Trace Trees, p. 10)." },
      { role: "user", text: "And the OS?" },
      { role: "assistant", text: "The documents do not say." },
      { role: "user", text: "On which page is that?" },
    ]);
  });

  it("is just the question without history", () => {
    expect(conversationMessages([], "Why?")).toEqual([{ role: "user", text: "Why?" }]);
  });

  it("writes an old turn's markers out as document and page, dropping those it has no citation for", () => {
    expect(resolveMarkers("Yes [2] and no [9].", [{ n: 2, documentId: "d9", page: 4 }])).toBe("Yes (d9, p. 4) and no.");
  });
});

describe("retrievalText", () => {
  const turn = (question: string) => ({ question, answer: "…", citations: [], at: 0 });

  it("embeds a follow-up together with the previous question, which names the topic", () => {
    expect(retrievalText("On which page is that?", [turn("old"), turn("What hardware ran the experiments?")], 1000)).toBe(
      "What hardware ran the experiments?\nOn which page is that?",
    );
    expect(retrievalText("A first question", [], 1000)).toBe("A first question");
  });

  it("keeps within the embedder's limit by shortening the older question", () => {
    const text = retrievalText("new question", [turn("x".repeat(50))], 20);
    expect(text).toHaveLength(20);
    expect(text.endsWith("\nnew question")).toBe(true);
  });
});
