import type { EnqueueResult, JobQueue, QueueMessage } from "../ports";

/** In-process `JobQueue` for unit tests: messages wait until a test takes them. */
export class MemoryJobQueue implements JobQueue {
  readonly #queues = new Map<string, QueueMessage[]>();
  readonly #listeners = new Set<() => void>();

  async enqueue(queue: string, message: QueueMessage, options?: { delayMs?: number }): Promise<EnqueueResult> {
    const push = () => {
      const list = this.#queues.get(queue) ?? [];
      list.push({ ...message });
      this.#queues.set(queue, list);
      for (const l of this.#listeners) l();
    };
    if (options?.delayMs) setTimeout(push, options.delayMs).unref?.();
    else push();
    return { position: this.#queues.get(queue)?.length ?? 1 };
  }

  async waitingCount(queue: string) {
    return this.#queues.get(queue)?.length ?? 0;
  }

  /** Removes and returns the oldest message, waiting up to `timeoutMs` for one. */
  async take(queue: string, timeoutMs = 2000): Promise<QueueMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const next = this.#queues.get(queue)?.shift();
      if (next) return next;
      if (Date.now() > deadline) throw new Error(`no message on ${queue} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const done = () => {
          this.#listeners.delete(done);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(done, Math.max(1, deadline - Date.now()));
        this.#listeners.add(done);
      });
    }
  }
}
