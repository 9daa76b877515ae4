import { NonRetryableJobError } from "../errors";

/**
 * Why a document could not be read. The wire's `FailureCode` is deliberately coarse
 * (every one of these is `invalid_input`: the user must upload another file), so the
 * precise reason travels beside it for logs, metrics and a dashboard hint.
 */
export type DocumentErrorReason = "empty_file" | "not_a_pdf" | "pdf_damaged" | "pdf_encrypted";

/**
 * Base of the errors raised while opening a document. They are non-retryable:
 * the same bytes fail the same way on every attempt, so retrying only delays the
 * `job_failed` the user needs to see.
 */
export abstract class DocumentError extends NonRetryableJobError {
  abstract readonly reason: DocumentErrorReason;

  constructor(message: string, options?: ErrorOptions) {
    super(message, "invalid_input", options);
  }
}

/** The upload has zero bytes: usually an interrupted or mis-addressed upload. */
export class EmptyFileError extends DocumentError {
  readonly reason = "empty_file";

  constructor() {
    super("The file is empty (0 bytes); upload the PDF again.");
  }
}

/** No `%PDF-` header in the first 1024 bytes, so the file is some other format. */
export class NotAPdfError extends DocumentError {
  readonly reason = "not_a_pdf";

  constructor(readonly detected?: string) {
    super(`The file is not a PDF${detected ? ` (it looks like ${detected})` : ""}: it has no %PDF- header.`);
  }
}

/**
 * The PDF's structure cannot be read, or the file ends early (an interrupted
 * download or upload). `truncated` distinguishes the latter so the message can
 * suggest uploading again rather than repairing the file.
 */
export class PdfDamagedError extends DocumentError {
  readonly reason = "pdf_damaged";

  constructor(readonly truncated: boolean, detail?: string, options?: ErrorOptions) {
    super(
      truncated
        ? `The PDF is truncated (the end of the file is missing) and cannot be read; upload the complete file again.${detail ? ` (${detail})` : ""}`
        : `The PDF is damaged and cannot be read${detail ? `: ${detail}` : "."}`,
      options,
    );
  }
}

/**
 * The PDF is password-protected. `incorrectPassword` is true when a password was
 * given and rejected, false when none was given.
 */
export class PdfEncryptedError extends DocumentError {
  readonly reason = "pdf_encrypted";

  constructor(readonly incorrectPassword: boolean, options?: ErrorOptions) {
    super(
      incorrectPassword
        ? "The PDF is password-protected and the password given is incorrect."
        : "The PDF is password-protected; it cannot be read without its password.",
      options,
    );
  }
}
