/**
 * A set of callbacks with an `add` that returns its own remover. A throwing
 * listener is reported and skipped so one bad subscriber cannot starve the others.
 */
export class Listeners<Args extends unknown[]> {
  readonly #set = new Set<(...args: Args) => void>();

  constructor(private readonly onListenerError: (error: unknown) => void = () => {}) {}

  add(listener: (...args: Args) => void): () => void {
    this.#set.add(listener);
    return () => {
      this.#set.delete(listener);
    };
  }

  emit(...args: Args): void {
    for (const listener of [...this.#set]) {
      try {
        listener(...args);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  clear(): void {
    this.#set.clear();
  }
}
