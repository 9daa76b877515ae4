import { describe, expect, it } from "vitest";
import { loadConversation, saveConversation } from "./conversation";

function memoryStorage() {
  const map = new Map<string, string>();
  return { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v), map };
}

describe("the Ask conversation in session storage", () => {
  it("comes back after a reload with its id and questions", () => {
    const storage = memoryStorage();
    const first = loadConversation(storage);
    expect(first.turns).toEqual([]);
    const turn = { question: "What is Ferry?", jobId: "j1", documentIds: undefined, askedAt: 1 };
    saveConversation(storage, { ...first, turns: [turn] });
    expect(loadConversation(storage)).toEqual({ id: first.id, turns: [turn] });
  });

  it("starts afresh when storage is missing or holds something else", () => {
    const storage = memoryStorage();
    storage.setItem("ferry.ask.conversation", "{not json");
    expect(loadConversation(storage).turns).toEqual([]);
    expect(loadConversation(undefined).id).toMatch(/.{8,}/);
    storage.setItem("ferry.ask.conversation", JSON.stringify({ id: "c", turns: [{ question: 1 }, { question: "q", jobId: "j", askedAt: 2 }] }));
    expect(loadConversation(storage)).toEqual({ id: "c", turns: [{ question: "q", jobId: "j", askedAt: 2, documentIds: undefined }] });
  });
});
