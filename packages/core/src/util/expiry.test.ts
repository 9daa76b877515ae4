import { expect, it } from "vitest";
import { expiresAtSeconds } from "./expiry";

it("keeps a record for at least its TTL, whatever the millisecond it is written in", () => {
  for (const now of [10_000, 10_001, 10_999]) {
    const at = expiresAtSeconds(now, 1) * 1000;
    expect(at - now).toBeGreaterThanOrEqual(1000);
    expect(at - now).toBeLessThan(2000);
  }
});
