/**
 * Sends at most one value per `intervalMs`, merging what arrives in between, so
 * a handler may report as often as it likes while clients get a steady trickle.
 * The first value goes out at once; later ones wait for the interval; `flush()`
 * sends whatever is pending immediately (used before terminal events).
 *
 * @remarks Emissions never overlap: the next waits for the previous to settle, so
 * events reach the store in the order they were reported.
 */
export class Coalescer<T> {
  #pending: T | undefined;
  #hasPending = false;
  #lastEmit = -Infinity;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #inFlight: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(
    private readonly options: {
      intervalMs: number;
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
    const wait = this.#lastEmit + this.options.intervalMs - Date.now();
    if (wait <= 0) this.#drain();
    else this.#timer = setTimeout(() => this.#drain(), wait);
  }

  /** Sends anything pending now and waits until every emission has settled. */
  async flush(): Promise<void> {
    if (this.#hasPending) this.#drain();
    await this.#inFlight;
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
    this.#lastEmit = Date.now();
    this.#inFlight = this.#inFlight
      .then(() => this.options.emit(value))
      .catch((error) => this.options.onError(error));
  }
}
