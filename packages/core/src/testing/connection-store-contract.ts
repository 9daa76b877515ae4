import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { ConnectionStore } from "../ports";

/** The behaviour every `ConnectionStore` adapter must show. */
export function runConnectionStoreContract(name: string, makeStore: () => Promise<ConnectionStore> | ConnectionStore) {
  const nowSec = () => Math.floor(Date.now() / 1000);
  const conn = (userId: string, ttl = 3600) => ({
    connectionId: `${randomUUID().slice(0, 15)}=`,
    userId,
    connectedAt: Date.now(),
    expiresAt: nowSec() + ttl,
  });

  describe(`ConnectionStore contract: ${name}`, () => {
    it("stores a connection and finds it by id and by user", async () => {
      const store = await makeStore();
      const user = `u-${randomUUID()}`;
      const a = conn(user);
      const b = conn(user);
      await store.put(a);
      await store.put(b);
      await store.put(conn(`other-${randomUUID()}`));
      expect(await store.get(a.connectionId)).toEqual(a);
      expect((await store.listByUser(user)).sort()).toEqual([a.connectionId, b.connectionId].sort());
    });

    it("forgets a deleted connection everywhere", async () => {
      const store = await makeStore();
      const user = `u-${randomUUID()}`;
      const a = conn(user);
      await store.put(a);
      await store.delete(a.connectionId);
      expect(await store.get(a.connectionId)).toBeUndefined();
      expect(await store.listByUser(user)).toEqual([]);
      await store.delete("never-existed");
    });

    it("does not list expired connections", async () => {
      const store = await makeStore();
      const user = `u-${randomUUID()}`;
      const shortLived = conn(user, 1);
      const live = conn(user);
      await store.put(shortLived);
      await store.put(live);
      await new Promise((r) => setTimeout(r, 2100));
      expect(await store.listByUser(user)).toEqual([live.connectionId]);
      expect(await store.get(shortLived.connectionId)).toBeUndefined();
    });
  });
}
