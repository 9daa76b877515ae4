import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Coalescer } from "./coalescer";

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

/** A coalescer of text whose n-th emission takes `emitMs(n)` (a store write) and records when it started. */
function textCoalescer(emitMs: (n: number) => number) {
  const starts: number[] = [];
  const sent: string[] = [];
  const coalescer = new Coalescer<string>({
    limit: 1,
    windowMs: 50,
    merge: (previous, next) => (previous ?? "") + next,
    emit: async (value) => {
      starts.push(Date.now());
      sent.push(value);
      await new Promise((r) => setTimeout(r, emitMs(sent.length)));
    },
    onError: (error) => {
      throw error;
    },
  });
  return { coalescer, starts, sent };
}

describe("Coalescer", () => {
  it("merges what arrives within the window and loses nothing", async () => {
    const { coalescer, sent } = textCoalescer(() => 0);
    for (let i = 0; i < 100; i++) {
      coalescer.push(`${i},`);
      await vi.advanceTimersByTimeAsync(3);
    }
    const flushed = coalescer.flush();
    await vi.runAllTimersAsync();
    await flushed;
    expect(sent.join("")).toBe(Array.from({ length: 100 }, (_, i) => `${i},`).join(""));
    expect(sent.length).toBeLessThan(100 / 5);
  });

  it("keeps emissions' starts a window apart when a slow write held one back and the next is fast", async () => {
    // Every other write takes longer than the window: the emission after it starts late, and the
    // one after that must still wait a full window from that late start.
    const { coalescer, starts, sent } = textCoalescer((n) => (n % 2 === 1 ? 80 : 0));
    for (let i = 0; i < 60; i++) {
      coalescer.push("x");
      await vi.advanceTimersByTimeAsync(7);
    }
    const flushed = coalescer.flush();
    await vi.runAllTimersAsync();
    await flushed;
    expect(sent.join("")).toBe("x".repeat(60));
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(50);
  });
});
