import { ConnectionGoneError } from "../errors";
import type { Notifier } from "../ports";

/** In-process `Notifier` for unit tests: records frames per connection; unknown ids are gone. */
export class MemoryNotifier implements Notifier {
  readonly frames = new Map<string, string[]>();

  open(connectionId: string) {
    this.frames.set(connectionId, []);
  }

  async post(connectionId: string, data: string) {
    const list = this.frames.get(connectionId);
    if (!list) throw new ConnectionGoneError(connectionId);
    list.push(data);
  }

  async disconnect(connectionId: string) {
    if (!this.frames.delete(connectionId)) throw new ConnectionGoneError(connectionId);
  }

  /** Parsed frames sent to a connection so far. */
  received(connectionId: string): Array<Record<string, unknown>> {
    return (this.frames.get(connectionId) ?? []).map((f) => JSON.parse(f));
  }
}
