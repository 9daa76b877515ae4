import { describe, expect, it } from "vitest";
import { ExtractiveChatModel } from "../adapters/extractive-chat-model";
import { PacedChatModel } from "./paced-chat-model";

const request = {
  system: "",
  messages: [{ role: "user" as const, text: "How many passengers does the night ferry Aurora carry?" }],
  sources: [{ n: 1, text: "The night ferry Aurora carries up to 240 passengers and 60 cars across the strait.", label: "harbour.pdf, p. 2" }],
};

describe("PacedChatModel", () => {
  it("gives out the inner model's deltas unchanged and in order, and its result", async () => {
    const inner = new ExtractiveChatModel();
    const deltas: string[] = [];
    const result = await new PacedChatModel(inner, 1).stream({ ...request, onDelta: (d) => deltas.push(d) });
    expect(result).toEqual(await inner.stream(request));
    expect(deltas.join("")).toBe(result.text);
    expect(deltas.length).toBeGreaterThan(5);
  });

  it("stops giving out deltas when the request is aborted", async () => {
    const controller = new AbortController();
    const deltas: string[] = [];
    const streaming = new PacedChatModel(new ExtractiveChatModel(), 20).stream({
      ...request,
      signal: controller.signal,
      onDelta: (d) => (deltas.push(d), deltas.length === 2 && controller.abort(new Error("cancelled"))),
    });
    await expect(streaming).rejects.toThrow("cancelled");
    expect(deltas).toHaveLength(2);
  });
});
