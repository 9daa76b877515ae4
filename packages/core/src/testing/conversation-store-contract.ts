import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { ConversationStore, ConversationTurn } from "../ports";

/** A store under test and a way to let time pass for it. */
export interface ConversationStoreHarness {
  store: ConversationStore;
  /**
   * Lets `ms` pass as the store sees time: moves its injected clock, or sleeps for real
   * when expiry is the server's (Redis).
   */
  elapse(ms: number): Promise<void>;
}

const turn = (n: number, over: Partial<ConversationTurn> = {}): ConversationTurn => ({
  question: `question ${n}?`,
  answer: `answer ${n}.`,
  citations: [{ n: 1, documentId: `doc-${n}`, page: n }],
  at: 1_700_000_000_000 + n,
  ...over,
});

const keep = (n: number, ttlSeconds = 3600) => ({ keep: n, ttlSeconds });

/** The behaviour every `ConversationStore` adapter must show; each harness starts empty. */
export function runConversationStoreContract(name: string, makeHarness: () => Promise<ConversationStoreHarness> | ConversationStoreHarness) {
  describe(`ConversationStore contract: ${name}`, () => {
    it("answers [] for a conversation nobody started", async () => {
      const { store } = await makeHarness();
      expect(await store.get("alice", randomUUID())).toEqual([]);
    });

    it("keeps only the newest `keep` turns, oldest first", async () => {
      const { store } = await makeHarness();
      const id = randomUUID();
      for (let n = 1; n <= 5; n++) await store.append("alice", id, turn(n), keep(3));
      expect(await store.get("alice", id)).toEqual([turn(3), turn(4), turn(5)]);
      await store.append("alice", id, turn(6), keep(2));
      expect(await store.get("alice", id)).toEqual([turn(5), turn(6)]);
    });

    it("keeps every turn of appends racing on one conversation", async () => {
      const { store } = await makeHarness();
      const id = randomUUID();
      await Promise.all(Array.from({ length: 8 }, (_, i) => store.append("alice", id, turn(i), keep(20))));
      const turns = await store.get("alice", id);
      expect(turns.map((t) => t.question).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `question ${i}?`).sort());
    });

    it("keeps owners apart: the same conversation id names another, empty conversation", async () => {
      const { store } = await makeHarness();
      const id = randomUUID();
      await store.append("alice", id, turn(1), keep(5));
      expect(await store.get("bob", id)).toEqual([]);
      await store.append("bob", id, turn(2), keep(5));
      expect(await store.get("alice", id)).toEqual([turn(1)]);
      expect(await store.get("bob", id)).toEqual([turn(2)]);
      // Separators inside owners or ids must not make two conversations one.
      for (const sep of [":", "#", "\n"]) {
        await store.append(`a${sep}b`, `c-${id}`, turn(3), keep(5));
        expect(await store.get("a", `b${sep}c-${id}`)).toEqual([]);
      }
    });

    it("forgets a conversation after its TTL, renews the TTL on each turn, and never revives expired turns", async () => {
      const { store, elapse } = await makeHarness();
      const id = randomUUID();
      await store.append("alice", id, turn(1), keep(5, 1));
      await elapse(600);
      await store.append("alice", id, turn(2), keep(5, 1));
      // Past the first turn's expiry, within the second's: the renewal kept both.
      await elapse(600);
      expect(await store.get("alice", id)).toEqual([turn(1), turn(2)]);
      await elapse(1900);
      expect(await store.get("alice", id)).toEqual([]);
      await store.append("alice", id, turn(3), keep(5));
      expect(await store.get("alice", id)).toEqual([turn(3)]);
    });

    it("gives turns back exactly: unicode, long answers, citations with and without titles", async () => {
      const { store } = await makeHarness();
      const id = randomUUID();
      const odd = "Ünïcödé — 日本語, עברית, emoji 🙂👩‍💻, \u0000 nul, \"quotes\" and \\ backslash\n\ttabs";
      const long = `${"Répondre longuement. ".repeat(1000).slice(0, 19_998)}🙂`;
      const turns: ConversationTurn[] = [
        {
          question: odd,
          answer: long,
          citations: [
            { n: 1, documentId: "doc#1:ü", title: "Notes – été.pdf", page: 12 },
            { n: 2, documentId: "doc-2", page: 1 },
          ],
          at: 1_735_689_600_123,
        },
        { question: "", answer: "", citations: [], at: 0 },
      ];
      for (const t of turns) await store.append("alice", id, t, keep(5));
      const back = await store.get("alice", id);
      expect(back).toStrictEqual(turns);
      expect(back[0]!.answer.length).toBe(20_000);
    });
  });
}
