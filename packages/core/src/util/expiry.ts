/**
 * The epoch second a record kept for `ttlSeconds` from `nowMs` expires at (DynamoDB's TTL
 * attribute is in seconds). Rounded up, so the record lives at least its TTL: rounding
 * down would let a one-second TTL written late in a second expire at the next tick,
 * before anyone could read it.
 */
export function expiresAtSeconds(nowMs: number, ttlSeconds: number): number {
  return Math.ceil((nowMs + ttlSeconds * 1000) / 1000);
}
