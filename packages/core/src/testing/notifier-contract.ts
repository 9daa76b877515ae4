import { describe, expect, it } from "vitest";
import { ConnectionGoneError } from "../errors";
import type { Notifier } from "../ports";

export interface NotifierHarness {
  notifier: Notifier;
  /** Opens a connection and returns its id and the frames it has received so far. */
  open(): Promise<{ connectionId: string; received(): Promise<string[]> }>;
  close(): Promise<void>;
}

/** The behaviour every `Notifier` adapter must show. */
export function runNotifierContract(name: string, makeHarness: () => Promise<NotifierHarness>) {
  describe(`Notifier contract: ${name}`, () => {
    it("delivers frames verbatim and in order, unicode included", async () => {
      const h = await makeHarness();
      try {
        const c = await h.open();
        const frames = ['{"type":"pong","timestamp":1}', '{"text":"ü → 日本語 ✓"}', "x".repeat(100 * 1024)];
        for (const f of frames) await h.notifier.post(c.connectionId, f);
        await expect.poll(() => c.received(), { timeout: 5000 }).toEqual(frames);
      } finally {
        await h.close();
      }
    });

    it("reports an unknown connection as gone", async () => {
      const h = await makeHarness();
      try {
        await expect(h.notifier.post("Zm9vYmFyYmF6cXV4=", "{}")).rejects.toBeInstanceOf(ConnectionGoneError);
      } finally {
        await h.close();
      }
    });

    it("disconnects a connection, after which it is gone", async () => {
      const h = await makeHarness();
      try {
        const c = await h.open();
        await h.notifier.disconnect(c.connectionId);
        await expect(h.notifier.post(c.connectionId, "{}")).rejects.toBeInstanceOf(ConnectionGoneError);
        await expect(h.notifier.disconnect(c.connectionId)).rejects.toBeInstanceOf(ConnectionGoneError);
      } finally {
        await h.close();
      }
    });
  });
}
