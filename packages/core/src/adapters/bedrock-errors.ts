import { NonRetryableJobError, RetryableJobError } from "../errors";

/**
 * Translation of `bedrock-runtime` failures into Ferry errors, shared by the Bedrock
 * adapters (embeddings over `InvokeModel`, chat over `ConverseStream`) so both retry
 * the same failures and give the same advice about model ids, Regions and IAM.
 * @module
 */

/** How a failed Bedrock call should be handled. */
export interface BedrockFailure {
  name: string;
  message: string;
  /** HTTP status, when a response arrived at all. */
  status: number | undefined;
  /** Worth another attempt after a pause. */
  retry: boolean;
  /** The service asked us to slow down (429, throttling, model warming up). */
  throttled: boolean;
}

const THROTTLING = new Set(["ThrottlingException", "ModelNotReadyException", "TooManyRequestsException"]);
const TRANSIENT = new Set([
  "ServiceUnavailableException",
  "InternalServerException",
  "ModelTimeoutException",
  // Sent inside a ConverseStream response when the model failed while generating.
  "ModelStreamErrorException",
  "TimeoutError",
]);
const TRANSIENT_STATUS = new Set([408, 500, 502, 503, 504]);

/**
 * Sorts an SDK error. Anything without an HTTP status is a transport failure (reset,
 * refused, GOAWAY, stream timeout) and is retried, except missing credentials, which
 * no retry will find, and exceptions the service sent inside a stream, which the SDK
 * throws without a status and are sorted by name like any other.
 */
export function classifyBedrockError(error: unknown): BedrockFailure {
  const e = error as { name?: unknown; message?: unknown; $metadata?: { httpStatusCode?: number } } | undefined;
  const name = typeof e?.name === "string" ? e.name : "Error";
  const message = typeof e?.message === "string" && e.message ? e.message : String(error);
  const status = e?.$metadata?.httpStatusCode;
  const throttled = THROTTLING.has(name) || status === 429;
  const permanent = NEVER_RETRIED.has(name);
  const transport = status === undefined && !permanent;
  const retry = !permanent && (throttled || TRANSIENT.has(name) || (status !== undefined && TRANSIENT_STATUS.has(status)) || transport);
  return { name, message, status, retry, throttled };
}

/** Failures that no later attempt fixes, whether they came as a response or inside a stream. */
const NEVER_RETRIED = new Set(["CredentialsProviderError", "ValidationException", "AccessDeniedException", "ResourceNotFoundException"]);

/** Where a failed call was going and what it carried, for the message. */
export interface BedrockCallSite {
  modelId: string;
  region: string;
  /** The IAM action the call needs: `bedrock:InvokeModel`, `bedrock:InvokeModelWithResponseStream`. */
  action: string;
  /** What was sent, as the message should name it: "text #3 (1200 characters)", "the chat request (4 turns)". */
  subject: string;
  attempt: number;
  ms: number;
  /** Advice when Bedrock kept throttling, e.g. which quota to raise. */
  throttleHint: string;
  /** Advice when a `ValidationException` says the input is too long. */
  tooLongHint: string;
}

/**
 * The Ferry error for a call that will not be retried here: whether the job may try
 * again later, and a message that names the model and says what to change.
 */
export function describeBedrockFailure(error: unknown, failure: BedrockFailure, at: BedrockCallSite): Error {
  const { modelId, region, subject } = at;
  const options = { cause: error };
  const said = `${failure.name}: ${failure.message}`;
  if (failure.retry) {
    const span = `${at.attempt} attempt${at.attempt === 1 ? "" : "s"} over ${(at.ms / 1000).toFixed(1)} s`;
    if (failure.throttled) {
      return new RetryableJobError(`Bedrock kept throttling ${modelId} (${subject}, ${span}; ${said}). ${at.throttleHint}`, options);
    }
    return new RetryableJobError(`Bedrock call to ${modelId} kept failing (${subject}, ${span}; ${said})`, options);
  }
  switch (failure.name) {
    case "ValidationException": {
      const tooLong = /token|length|too (long|large)/i.test(failure.message);
      const hint = tooLong
        ? ` ${at.tooLongHint}`
        : /on-demand throughput|inference profile/i.test(failure.message)
          ? " Use an inference-profile id (us./eu./apac./global. + model id) or its ARN as modelId."
          : "";
      return new NonRetryableJobError(
        `Bedrock rejected the request to ${modelId} for ${subject}: ${failure.message}.${hint}`,
        tooLong ? "invalid_input" : "handler_error",
        options,
      );
    }
    case "AccessDeniedException":
      return new NonRetryableJobError(
        `Bedrock denied access to ${modelId} (${failure.message}). ${bedrockIamHint(modelId, region, at.action)}`,
        "handler_error",
        options,
      );
    case "ResourceNotFoundException":
      return new NonRetryableJobError(
        `Bedrock does not know the model ${modelId} in ${region} (${failure.message}). Check the id, that the model is offered in this Region, or use an inference profile.`,
        "handler_error",
        options,
      );
    case "CredentialsProviderError":
      return new NonRetryableJobError(`No AWS credentials for Bedrock (${modelId}): ${failure.message}`, "handler_error", options);
    case "ServiceQuotaExceededException":
    case "ModelErrorException":
      // Not a blip worth hammering, but a later attempt of the job may well succeed.
      return new RetryableJobError(`Bedrock could not serve ${modelId} (${subject}; ${said})`, options);
  }
  if (failure.status === 401 || failure.status === 403) {
    return new NonRetryableJobError(`Bedrock refused the credentials for ${modelId} (${said})`, "handler_error", options);
  }
  return new RetryableJobError(`Bedrock call to ${modelId} failed (${subject}; ${said})`, options);
}

/**
 * What the role needs to call `modelId` with `action`: the model, and for a profile the
 * profile and every Region it routes to.
 */
export function bedrockIamHint(modelId: string, region: string, action: string): string {
  const access = "and check that access to the model is enabled for the account in the Bedrock console (Model access)";
  if (modelId.includes(":application-inference-profile/")) {
    return `Allow ${action} on ${modelId} and on the foundation model(s) it routes to, in every Region it routes to, ${access}.`;
  }
  const base = baseModelId(modelId);
  const model = `arn:aws:bedrock:${region}::foundation-model/${base}`;
  const profile = /(^|\/)(us-gov|us|eu|apac|jp|au|ca|global)\./.exec(modelId);
  if (!profile) return `Allow ${action} on ${model}, ${access}.`;
  const profileArn = modelId.startsWith("arn:") ? modelId : `arn:aws:bedrock:${region}:{account}:inference-profile/${modelId}`;
  const destinations =
    profile[2] === "global"
      ? `and the region-less arn:aws:bedrock:::foundation-model/${base}`
      : `and the foundation model in every destination Region of the profile (arn:aws:bedrock:*::foundation-model/${base})`;
  return `${modelId} is an inference profile: allow ${action} on the profile (${profileArn}), on ${model} ${destinations}, ${access}.`;
}

/**
 * The model behind an id: `arn:…:inference-profile/us.amazon.titan-embed-text-v2:0` →
 * `amazon.titan-embed-text-v2:0`. Profiles route to the same model, so they share vectors.
 */
export function baseModelId(modelId: string): string {
  const tail = modelId.startsWith("arn:") ? modelId.slice(modelId.lastIndexOf("/") + 1) : modelId;
  return tail.replace(/^(us-gov|us|eu|apac|jp|au|ca|global)\./, "");
}
