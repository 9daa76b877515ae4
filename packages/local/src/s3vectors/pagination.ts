import { ValidationError } from "./errors";
import { z } from "zod";

/**
 * Opaque continuation tokens. A token names the last item returned rather than
 * an offset, so a listing neither skips nor repeats items that existed
 * throughout while others are written or deleted between pages.
 */
export function encodeToken(cursor: object): string {
  return Buffer.from(JSON.stringify(cursor), "utf8").toString("base64url");
}

/** @throws {ValidationError} for a token this emulator did not issue for this kind of request. */
export function decodeToken<T>(token: string, schema: z.ZodType<T>): T {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    decoded = undefined;
  }
  const result = schema.safeParse(decoded);
  if (!result.success) {
    throw new ValidationError("nextToken is invalid: pass back the nextToken of the previous response unchanged", [
      { path: "nextToken", message: "not a token issued for this request" },
    ]);
  }
  return result.data;
}

/** First position in a sorted list whose item is greater than `after` (binary search). */
export function positionAfter(sorted: readonly string[], after: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** FNV-1a over UTF-16 code units: a stable key → segment assignment for parallel ListVectors. */
export function segmentOf(key: string, segmentCount: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % segmentCount;
}
