import { z } from "zod";
import type { ConversationTurn } from "../ports";

/** What conversation adapters read back from their store, checked before it is trusted. */
export const ConversationTurnSchema: z.ZodType<ConversationTurn> = z.object({
  question: z.string(),
  answer: z.string(),
  citations: z.array(
    z.object({
      n: z.number(),
      documentId: z.string(),
      title: z.string().optional(),
      page: z.number(),
    }),
  ),
  at: z.number(),
});

/**
 * Refuses `append` options that would silently keep everything or nothing: Redis reads
 * `LTRIM key -0 -1` as "keep the whole list", and a zero TTL would expire the turn at once.
 */
export function checkAppendOptions(options: { keep: number; ttlSeconds: number }): void {
  if (!Number.isInteger(options.keep) || options.keep < 1) throw new RangeError(`keep must be a positive integer, got ${options.keep}`);
  if (!(options.ttlSeconds > 0)) throw new RangeError(`ttlSeconds must be positive, got ${options.ttlSeconds}`);
}
