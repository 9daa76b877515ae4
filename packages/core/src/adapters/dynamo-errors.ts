import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { describeError, FerryError, NonRetryableJobError, RetryableJobError } from "../errors";

/**
 * True when a conditional write lost. Checked by name, not `instanceof`: the class may
 * come from another copy of the SDK than the client that threw it.
 */
export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && (error.name === "ConditionalCheckFailedException" || error.name === "TransactionCanceledException");
}

/** DynamoDB refuses items above 400 KB with a `ValidationException` of this wording. */
function isItemTooLarge(error: unknown): boolean {
  return error instanceof Error && error.name === "ValidationException" && /item size/i.test(error.message);
}

/**
 * What an adapter throws for a DynamoDB failure. A lost condition is returned as is,
 * because only the caller knows what it means (a rejected transition, a stale attempt,
 * a race to retry); an oversized item will not fit next time either; anything else
 * (throttling that outlived the SDK's retries, a network error, a 5xx) may pass.
 */
export function translateDynamoError(error: unknown): unknown {
  if (isConditionalCheckFailed(error) || error instanceof FerryError) return error;
  if (isItemTooLarge(error)) {
    return new NonRetryableJobError(`a record would exceed DynamoDB's 400 KB item limit: ${describeError(error)}`, "internal", { cause: error });
  }
  return new RetryableJobError(`DynamoDB request failed: ${describeError(error)}`, { cause: error });
}

/** `doc.send` that throws {@link translateDynamoError}'s errors instead of the SDK's. */
export function translatingSend(doc: DynamoDBDocumentClient): DynamoDBDocumentClient["send"] {
  const send = (command: unknown) =>
    doc.send(command as never).catch((error: unknown) => {
      throw translateDynamoError(error);
    });
  return send as DynamoDBDocumentClient["send"];
}

/** Optimistic writers retry a lost race this many times before giving up. */
export const MAX_WRITE_RACES = 200;

/**
 * Waits before retrying a lost conditional write: a random time ("full jitter", so
 * racing writers spread out) under a ceiling that doubles with each loss, from 4 ms
 * up to 250 ms. Optimistic writes cost O(n²) requests under n-way contention, and
 * backing off this way about halves the waste; but a job normally has one writer
 * process at a time, whose appends the job store also queues locally, and then
 * nothing is lost at all.
 */
export function backoff(losses: number): Promise<void> {
  const ceiling = Math.min(250, 4 * 2 ** Math.min(losses, 6));
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}

/**
 * The error for a record that kept changing under an optimistic writer: another
 * attempt later will most likely get through, so it is a retryable one.
 */
export function contention(what: string): RetryableJobError {
  return new RetryableJobError(`gave up writing ${what} after ${MAX_WRITE_RACES} lost races with other writers`);
}
