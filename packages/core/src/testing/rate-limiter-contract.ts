import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { RateLimiter } from "../ports";

/** The behaviour every `RateLimiter` adapter must show. */
export function runRateLimiterContract(name: string, makeLimiter: () => Promise<RateLimiter> | RateLimiter) {
  describe(`RateLimiter contract: ${name}`, () => {
    it("allows `limit` requests per window per key, then refuses with the time left", async () => {
      const limiter = await makeLimiter();
      const key = randomUUID();
      const decisions = [];
      for (let i = 0; i < 4; i++) decisions.push(await limiter.take(key, 3, 60));
      expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
      expect(decisions[3]!.retryAfterMs).toBeGreaterThan(55_000);
      expect(decisions[3]!.retryAfterMs).toBeLessThanOrEqual(60_000);
      expect((await limiter.take(randomUUID(), 3, 60)).allowed).toBe(true);
    });

    it("opens a new window when the old one ends", async () => {
      const limiter = await makeLimiter();
      const key = randomUUID();
      expect((await limiter.take(key, 1, 1)).allowed).toBe(true);
      expect((await limiter.take(key, 1, 1)).allowed).toBe(false);
      await new Promise((r) => setTimeout(r, 1100));
      expect((await limiter.take(key, 1, 1)).allowed).toBe(true);
    });
  });
}
