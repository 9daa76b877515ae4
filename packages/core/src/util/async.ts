/**
 * Waiting helpers shared by the adapters and job kinds: abortable sleep, jittered
 * backoff and a counting semaphore.
 * @module
 */

/** Exponential backoff with "equal jitter": attempt n waits between half and all of min(cap, base·2ⁿ⁻¹). */
export class Backoff {
  constructor(
    readonly baseMs: number,
    readonly capMs: number,
  ) {}

  delay(attempt: number): number {
    const ceiling = Math.min(this.capMs, this.baseMs * 2 ** (attempt - 1));
    // Half fixed so throttled callers really pause; half random so they do not come back in step.
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }
}

/** Sleeps `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * A counting semaphore: at most `size` holders at once, served first come first served.
 * Shared by every `embed` call of one embedder, so the bound holds for the process.
 */
export class Slots {
  #free: number;
  readonly #waiting: Array<() => void> = [];

  constructor(size: number) {
    this.#free = size;
  }

  /** Resolves with a release function once a slot is free; rejects if `signal` aborts first. */
  acquire(signal: AbortSignal): Promise<() => void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free++;
    };
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve(release);
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal.removeEventListener("abort", onAbort);
        resolve(release);
      };
      const onAbort = () => {
        const at = this.#waiting.indexOf(grant);
        if (at >= 0) this.#waiting.splice(at, 1);
        reject(signal.reason);
      };
      this.#waiting.push(grant);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }
}
