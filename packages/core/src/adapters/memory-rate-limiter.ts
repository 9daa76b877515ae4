import type { RateDecision, RateLimiter } from "../ports";

/** In-process `RateLimiter` for unit tests. */
export class MemoryRateLimiter implements RateLimiter {
  readonly #windows = new Map<string, { count: number; endsAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async take(key: string, limit: number, windowSeconds: number): Promise<RateDecision> {
    const now = this.now();
    let w = this.#windows.get(key);
    if (!w || w.endsAt <= now) {
      w = { count: 0, endsAt: now + windowSeconds * 1000 };
      this.#windows.set(key, w);
    }
    w.count += 1;
    return w.count <= limit ? { allowed: true, retryAfterMs: 0 } : { allowed: false, retryAfterMs: w.endsAt - now };
  }
}
