/**
 * The errors the emulator answers with, one class per S3 Vectors error shape.
 * Everything thrown inside an operation ends up in {@link toWireError}, the only
 * place that knows statuses and body layout, so the SDK raises the same typed
 * exception class it would against AWS.
 */

/** Error codes of the S3 Vectors model, plus the one a restJson service uses for unknown paths. */
export type WireErrorType =
  | "ValidationException"
  | "NotFoundException"
  | "ConflictException"
  | "ServiceQuotaExceededException"
  | "ServiceUnavailableException"
  | "InternalServerException"
  | "UnknownOperationException";

/** Statuses from the model's `httpError` traits (ServiceQuotaExceeded really is 402). */
const WIRE_STATUS: Record<WireErrorType, number> = {
  ValidationException: 400,
  NotFoundException: 404,
  ConflictException: 409,
  ServiceQuotaExceededException: 402,
  ServiceUnavailableException: 503,
  InternalServerException: 500,
  UnknownOperationException: 404,
};

export interface ValidationField {
  path: string;
  message: string;
}

export abstract class S3VectorsError extends Error {
  abstract readonly errorType: WireErrorType;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A request AWS would refuse before touching any data (400). */
export class ValidationError extends S3VectorsError {
  readonly errorType = "ValidationException";
  constructor(
    message: string,
    readonly fieldList: ValidationField[] = [],
  ) {
    super(message);
  }
}

export class NotFoundError extends S3VectorsError {
  readonly errorType = "NotFoundException";
}

/** Name already taken, or a bucket that still holds indexes. */
export class ConflictError extends S3VectorsError {
  readonly errorType = "ConflictException";
}

export class ServiceQuotaExceededError extends S3VectorsError {
  readonly errorType = "ServiceQuotaExceededException";
}

export class UnknownOperationError extends S3VectorsError {
  readonly errorType = "UnknownOperationException";
}

export interface WireError {
  status: number;
  errorType: WireErrorType;
  body: { __type: WireErrorType; message: string; fieldList?: ValidationField[] };
}

/**
 * Maps anything thrown while serving a request to the wire: the SDK reads the
 * code from `x-amzn-errortype` first and `__type` second, so both are sent.
 * Unexpected failures become a retryable 500 without leaking internals.
 */
export function toWireError(error: unknown): WireError {
  if (error instanceof S3VectorsError) {
    const body: WireError["body"] = { __type: error.errorType, message: error.message };
    if (error instanceof ValidationError && error.fieldList.length > 0) body.fieldList = error.fieldList;
    return { status: WIRE_STATUS[error.errorType], errorType: error.errorType, body };
  }
  return {
    status: WIRE_STATUS.InternalServerException,
    errorType: "InternalServerException",
    body: { __type: "InternalServerException", message: "We encountered an internal error. Please try again." },
  };
}
