/** The answer to one request for a unit of a rate-limited budget. */
export interface RateDecision {
  allowed: boolean;
  /** When refused: how long until the current window ends. */
  retryAfterMs: number;
}

/**
 * Fixed-window rate limits shared by every handler instance (Lambdas do not share
 * memory, so the count must live in the store). Adapters: `redis-rate-limiter`,
 * `memory-rate-limiter`.
 */
export interface RateLimiter {
  /** Counts one request against `key`; refused once `limit` were counted in the current window. */
  take(key: string, limit: number, windowSeconds: number): Promise<RateDecision>;
}
