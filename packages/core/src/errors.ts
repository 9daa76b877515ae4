import type { ErrorCode, FailureCode } from "./protocol";

/**
 * Base of every error Ferry raises on purpose. Subclasses carry meaning a caller
 * acts on (which wire code to send, whether a job may be retried); adapters
 * translate vendor errors into these so core never sees an SDK exception.
 */
export class FerryError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A request a client may correct and resend; maps to an `error` frame with `code`. */
export class RequestError extends FerryError {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: ErrorOptions & { jobId?: string },
  ) {
    super(message, options);
    this.jobId = options?.jobId;
  }
  readonly jobId: string | undefined;
}

/** A conditional write lost: the job was not in a state that allows the change. */
export class TransitionRejectedError extends FerryError {
  constructor(
    readonly jobId: string,
    readonly actual: string | undefined,
    readonly wanted: string,
  ) {
    super(`job ${jobId} cannot move to ${wanted} from ${actual ?? "nowhere"}`);
  }
}

/** Another attempt has taken the job over; the holder of an older attempt must stop writing. */
export class StaleAttemptError extends FerryError {
  constructor(readonly jobId: string, readonly attempt: number) {
    super(`attempt ${attempt} of job ${jobId} has been superseded`);
  }
}

/** The connection is gone (API Gateway 410); its record should be removed. */
export class ConnectionGoneError extends FerryError {
  constructor(readonly connectionId: string, options?: ErrorOptions) {
    super(`connection ${connectionId} is gone`, options);
  }
}

/** A job handler failure that will not go away by retrying (bad input, corrupt file…). */
export class NonRetryableJobError extends FerryError {
  constructor(message: string, readonly code: FailureCode = "handler_error", options?: ErrorOptions) {
    super(message, options);
  }
}

/** A job handler failure worth another attempt after a backoff (throttling, a flaky dependency…). */
export class RetryableJobError extends FerryError {}

/** Token missing, malformed, expired or signed by someone we do not trust. */
export class AuthError extends FerryError {}

/** True for errors a later attempt may not hit: explicit retryables and unknown crashes. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof NonRetryableJobError) return false;
  if (error instanceof RequestError) return false;
  return true;
}

/** A human-readable one-liner for any thrown value, for `job_failed.error` and logs. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return typeof error === "string" ? error : JSON.stringify(error);
}

/** A job id that is unknown to the store, or has expired. */
export class JobNotFoundError extends FerryError {
  constructor(readonly jobId: string) {
    super(`job ${jobId} not found`);
  }
}
