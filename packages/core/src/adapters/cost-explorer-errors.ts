import { NonRetryableJobError, RetryableJobError } from "../errors";

/** How a failed Cost Explorer call should be handled. */
export interface CostExplorerFailure {
  name: string;
  message: string;
  /** HTTP status, when a response arrived at all. */
  status: number | undefined;
  /** Worth another request after a pause. */
  retry: boolean;
  /** Cost Explorer asked us to slow down. */
  throttled: boolean;
}

const THROTTLING = new Set(["LimitExceededException", "ThrottlingException", "TooManyRequestsException"]);
const TRANSIENT = new Set(["ServiceUnavailableException", "InternalServerException", "InternalServerError", "TimeoutError"]);

/**
 * Sorts an SDK error by name (not `instanceof`: the class may come from another copy of
 * the SDK). No HTTP status means a transport failure (reset, refused, timeout), which is
 * retried, except missing credentials, which no retry will find.
 */
export function classifyCostExplorerError(error: unknown): CostExplorerFailure {
  const e = error as { name?: unknown; message?: unknown; $metadata?: { httpStatusCode?: number } } | undefined;
  const name = typeof e?.name === "string" ? e.name : "Error";
  const message = typeof e?.message === "string" && e.message ? e.message : String(error);
  const status = e?.$metadata?.httpStatusCode;
  const throttled = THROTTLING.has(name) || status === 429;
  const transport = status === undefined && name !== "CredentialsProviderError";
  const retry = throttled || TRANSIENT.has(name) || (status !== undefined && status >= 500) || transport;
  return { name, message, status, retry, throttled };
}

/**
 * The Ferry error for a call that will not be retried here, naming the operation and
 * the date range and saying what to change.
 */
export function describeCostExplorerError(
  error: unknown,
  failure: CostExplorerFailure,
  at: { operation: string; start: string; end: string; attempt: number; ms: number },
): Error {
  const options = { cause: error };
  const said = `${failure.name}: ${failure.message}`;
  const range = `${at.start} to ${at.end} (end exclusive)`;
  if (failure.retry) {
    const span = `${at.attempt} attempt(s) over ${(at.ms / 1000).toFixed(1)} s`;
    if (failure.throttled) {
      return new RetryableJobError(
        `Cost Explorer kept throttling ${at.operation} (${span}; ${said}). Its request rate is limited per account and shared with every other tool calling it; the job will be retried later.`,
        options,
      );
    }
    return new RetryableJobError(`Cost Explorer ${at.operation} kept failing (${span}; ${said})`, options);
  }
  switch (failure.name) {
    case "AccessDeniedException":
    case "UnauthorizedOperation":
    case "UnrecognizedClientException":
      return new NonRetryableJobError(
        `Cost Explorer denied ${at.operation} (${failure.message}). The role needs the IAM permission ce:${at.operation} ` +
          `(ce:GetCostAndUsage for costs, ce:GetCostForecast for the forecast), and Cost Explorer must be enabled for the account.`,
        "handler_error",
        options,
      );
    case "DataUnavailableException":
      return new NonRetryableJobError(
        `Cost Explorer has no data for ${range} (${failure.message}). It holds data from when it was enabled for the account ` +
          `(the first data takes up to 24 hours to prepare), for the last 13 months by default; move the range or wait for the data.`,
        "handler_error",
        options,
      );
    case "BillExpirationException":
      return new NonRetryableJobError(`Cost Explorer no longer has the bill for ${range} (${failure.message}): choose a more recent start date.`, "invalid_input", options);
    case "ValidationException":
      return new NonRetryableJobError(
        `Cost Explorer rejected ${at.operation} for ${range}: ${failure.message}. Daily data reaches back 14 months at most, ` +
          `monthly data 13 months (38 with multi-year data enabled), and a forecast cannot start before today.`,
        "invalid_input",
        options,
      );
    case "InvalidNextTokenException":
    case "RequestChangedException":
      // The pagination went stale; a later attempt starts it over.
      return new RetryableJobError(`Cost Explorer ${at.operation} lost its place between pages (${said})`, options);
    case "CredentialsProviderError":
      return new NonRetryableJobError(`No AWS credentials for Cost Explorer ${at.operation}: ${failure.message}`, "handler_error", options);
  }
  if (failure.status !== undefined && failure.status >= 400 && failure.status < 500) {
    return new NonRetryableJobError(`Cost Explorer refused ${at.operation} for ${range} (${said})`, "handler_error", options);
  }
  return new RetryableJobError(`Cost Explorer ${at.operation} failed (${said})`, options);
}
