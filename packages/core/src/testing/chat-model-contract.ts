import { describe, expect, it } from "vitest";
import { NonRetryableJobError } from "../errors";
import type { ChatModel, ChatRequest, GroundingSource } from "../ports";

export interface ChatModelHarness {
  model: ChatModel;
  close?(): Promise<void> | void;
}

/** Numbered out of order and with gaps, as retrieval hands them over, so a marker cannot exist by luck. */
const SOURCES: GroundingSource[] = [
  { n: 2, text: "The tracer records hot loops as traces and compiles them to machine code. Traces are recorded while the interpreter runs.", label: "tracemonkey.pdf p. 1" },
  { n: 5, text: "All experiments were performed on a MacBook Pro with 2.2 GHz Core 2 processor and 2 GB RAM.", label: "tracemonkey.pdf p. 10" },
  { n: 7, text: "The Moon got trapped and buried in the bog, and the people feared the dark.", label: "pdkids.pdf p. 1" },
];

/** What a prompt builder would send: the same passages, numbered, in the instructions. */
function groundedRequest(question: string, extra: Partial<ChatRequest> = {}): ChatRequest {
  const listing = SOURCES.map((s) => `[${s.n}] ${s.text}`).join("\n");
  return {
    system: `Answer only from the numbered sources below and cite them as [n].\n\n${listing}`,
    messages: [{ role: "user", text: question }],
    sources: SOURCES,
    ...extra,
  };
}

/**
 * The behaviour every `ChatModel` adapter must show: streamed pieces that add up to the
 * answer exactly, sane usage, abort with the caller's reason, and citations that point
 * only at sources it was given.
 */
export function runChatModelContract(name: string, makeHarness: () => Promise<ChatModelHarness> | ChatModelHarness) {
  describe(`ChatModel contract: ${name}`, () => {
    const withHarness = async (test: (model: ChatModel) => Promise<void>) => {
      const h = await makeHarness();
      try {
        await test(h.model);
      } finally {
        await h.close?.();
      }
    };

    it("describes itself with a non-empty id and says whether it is extractive", () =>
      withHarness(async (model) => {
        expect(model.id).toMatch(/\S/);
        expect(typeof model.extractive).toBe("boolean");
      }));

    it("streams deltas in order that concatenate exactly to the answer, and reports usage and a stop reason", () =>
      withHarness(async (model) => {
        const deltas: string[] = [];
        const result = await model.stream(groundedRequest("On what hardware were the experiments performed?", { onDelta: (d) => deltas.push(d) }));
        expect(result.text).toMatch(/\S/);
        expect(deltas.length).toBeGreaterThan(1);
        expect(deltas.every((d) => d.length > 0)).toBe(true);
        expect(deltas.join("")).toBe(result.text);
        expect(result.model).toBe(model.id);
        expect(result.stopReason).toMatch(/\S/);
        for (const count of [result.usage.inputTokens, result.usage.outputTokens]) {
          expect(Number.isInteger(count) && count >= 0).toBe(true);
        }
        expect(result.usage.outputTokens).toBeGreaterThan(0);
      }));

    it("answers a grounded question citing only sources it was given", () =>
      withHarness(async (model) => {
        const result = await model.stream(groundedRequest("How does the tracer compile hot loops?"));
        const cited = Array.from(result.text.matchAll(/\[(\d+)\]/g), (m) => Number(m[1]));
        expect(cited.length).toBeGreaterThan(0);
        for (const n of cited) expect(SOURCES.map((s) => s.n)).toContain(n);
      }));

    it("rejects a conversation that does not end with a user question, before streaming anything", () =>
      withHarness(async (model) => {
        const deltas: string[] = [];
        const error = await model
          .stream(groundedRequest("unused", { messages: [{ role: "user", text: "Hi" }, { role: "assistant", text: "Hello." }], onDelta: (d) => deltas.push(d) }))
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(NonRetryableJobError);
        expect(error).toMatchObject({ code: "invalid_input" });
        expect((error as Error).message).toContain(model.id);
        expect(deltas).toEqual([]);
      }));

    it("rejects with the signal's reason when aborted before it starts", () =>
      withHarness(async (model) => {
        const controller = new AbortController();
        const reason = new Error("cancelled before start");
        controller.abort(reason);
        await expect(model.stream(groundedRequest("What got buried in the bog?", { signal: controller.signal }))).rejects.toBe(reason);
      }));

    it("stops streaming when aborted mid-answer and rejects with the signal's reason", () =>
      withHarness(async (model) => {
        const controller = new AbortController();
        const reason = new Error("job cancelled");
        const deltas: string[] = [];
        const pending = model.stream(
          groundedRequest("What got buried in the bog?", {
            signal: controller.signal,
            onDelta: (d) => {
              deltas.push(d);
              controller.abort(reason);
            },
          }),
        );
        await expect(pending).rejects.toBe(reason);
        expect(deltas).toHaveLength(1);
      }));
  });
}
