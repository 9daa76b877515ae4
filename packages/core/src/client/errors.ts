import { FerryError, RequestError } from "../errors";
import type { ActionName, ErrorCode } from "../protocol";

/**
 * The server (or the client, before sending) refused an action. `code` is the
 * wire `ErrorCode`, so callers handle both the same way.
 */
export class ActionRejectedError extends RequestError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly action: ActionName,
    readonly requestId: string | undefined,
    options?: ErrorOptions & { jobId?: string },
  ) {
    super(code, message, options);
  }
}

/** A frame would exceed API Gateway's 32 KB client frame limit; it was not sent. */
export class FrameTooLargeError extends ActionRejectedError {
  constructor(
    action: ActionName,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(
      "payload_too_large",
      `${action} frame is ${bytes} bytes; frames may not exceed ${limit} bytes (send large data with an upload)`,
      action,
      undefined,
    );
  }
}

/** No answer to a request arrived within its timeout while connected. */
export class RequestTimeoutError extends FerryError {
  constructor(
    readonly action: ActionName,
    readonly requestId: string,
    readonly timeoutMs: number,
  ) {
    super(`no answer to ${action} (${requestId}) within ${timeoutMs} ms`);
  }
}

/** The client stopped before a request was answered: `close()` was called, or the server refused the token. */
export class ClientClosedError extends FerryError {
  constructor(
    readonly reason: "closed" | "unauthorized",
    message = reason === "closed" ? "the client was closed" : "the server refused the connection (token rejected?)",
  ) {
    super(message);
  }
}

/**
 * The PUT of a file to its presigned URL failed: storage answered `status`
 * (not 2xx), or the request never got an answer (`status` 0).
 */
export class UploadFailedError extends FerryError {
  constructor(
    readonly filename: string,
    readonly status: number,
    readonly detail: string | undefined,
    options?: ErrorOptions,
  ) {
    super(
      status === 0
        ? `uploading ${filename} failed before storage answered${detail ? ` (${detail})` : ""}`
        : `uploading ${filename} failed: storage answered HTTP ${status}${detail ? ` (${detail})` : ""}`,
      options,
    );
  }
}
