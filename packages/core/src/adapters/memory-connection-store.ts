import type { ConnectionRecord, ConnectionStore } from "../ports";

/** In-process `ConnectionStore` for unit tests. */
export class MemoryConnectionStore implements ConnectionStore {
  #byId = new Map<string, ConnectionRecord>();

  constructor(private readonly now: () => number = Date.now) {}

  async put(connection: ConnectionRecord) {
    this.#byId.set(connection.connectionId, { ...connection });
  }

  async get(connectionId: string) {
    const c = this.#byId.get(connectionId);
    return c && c.expiresAt * 1000 > this.now() ? { ...c } : undefined;
  }

  async delete(connectionId: string) {
    this.#byId.delete(connectionId);
  }

  async listByUser(userId: string) {
    const now = this.now();
    return [...this.#byId.values()]
      .filter((c) => c.userId === userId && c.expiresAt * 1000 > now)
      .map((c) => c.connectionId);
  }
}
