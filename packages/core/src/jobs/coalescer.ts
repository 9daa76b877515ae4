/**
 * Sends at most `limit` values per `windowMs`, merging what arrives while over the
 * limit, so a handler may report as often as it likes while clients get a steady
 * trickle — and a report that arrives when the budget allows goes out at once,
 * not at the next tick. `flush()` sends whatever is pending (before terminal events).
 *
 * @remarks Emissions never overlap: the next waits for the previous to settle, so
 * events reach the store in the order they were reported. The spacing holds between
 * the moments emissions actually start (when events are stamped), not only between
 * the moments they were scheduled: an emission that had to wait for a slow write
 * before it is still held back until `minGapMs` after that one started.
 */
export class Coalescer<T> {
  #pending: T | undefined;
  #hasPending = false;
  /** Times of the last `limit` emissions, oldest first. */
  #recent: number[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #inFlight: Promise<void> = Promise.resolve();
  /** When the last emission started (its `emit` was called). */
  #lastStart: number | undefined;
  #closed = false;

  constructor(
    private readonly options: {
      /** Emissions allowed per window: 4 per 1000 ms for progress, 1 per 50 ms for output. */
      limit: number;
      windowMs: number;
      /** Shortest gap between two emissions, so a burst of reports in one breath becomes one frame. */
      minGapMs?: number;
      merge: (previous: T | undefined, next: T) => T;
      emit: (value: T) => Promise<void>;
      onError: (error: unknown) => void;
    },
  ) {}

  push(value: T): void {
    if (this.#closed) return;
    this.#pending = this.options.merge(this.#hasPending ? this.#pending : undefined, value);
    this.#hasPending = true;
    if (this.#timer) return;
    const wait = this.#wait();
    if (wait <= 0) this.#drain();
    else this.#timer = setTimeout(() => this.#drain(), wait);
  }

  /**
   * Sends anything pending as soon as the limit allows and waits until every
   * emission has settled. Even the last value keeps the spacing clients rely on.
   */
  async flush(): Promise<void> {
    if (this.#hasPending) {
      const wait = this.#wait();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      this.#drain();
    }
    await this.#inFlight;
  }

  #wait(): number {
    const now = Date.now();
    const windowWait = this.#recent.length < this.options.limit ? 0 : this.#recent[0]! + this.options.windowMs - now;
    const last = this.#recent.at(-1);
    const gapWait = last === undefined ? 0 : last + (this.options.minGapMs ?? 0) - now;
    return Math.max(windowWait, gapWait);
  }

  /** The shortest gap between two emissions' starts: `minGapMs`, or the whole window when one emission is allowed per window. */
  #minGap(): number {
    return this.options.minGapMs ?? (this.options.limit === 1 ? this.options.windowMs : 0);
  }

  /** Drops anything pending and stops accepting values. */
  close(): void {
    this.#closed = true;
    this.#hasPending = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #drain(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!this.#hasPending) return;
    const value = this.#pending as T;
    this.#pending = undefined;
    this.#hasPending = false;
    this.#recent.push(Date.now());
    if (this.#recent.length > this.options.limit) this.#recent.shift();
    this.#inFlight = this.#inFlight
      .then(async () => {
        // One clock tick of margin: the store stamps an event a moment after it starts, in whole
        // milliseconds, so starts exactly a gap apart could read as one tick less.
        const hold = this.#lastStart === undefined ? 0 : this.#lastStart + this.#minGap() + 1 - Date.now();
        if (hold > 0) await new Promise((r) => setTimeout(r, hold));
        this.#lastStart = Date.now();
        await this.options.emit(value);
      })
      .catch((error) => this.options.onError(error));
  }
}
