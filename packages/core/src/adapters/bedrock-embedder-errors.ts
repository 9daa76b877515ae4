import { NonRetryableJobError, RetryableJobError } from "../errors";

/** How a failed `InvokeModel` call should be handled. */
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
const TRANSIENT = new Set(["ServiceUnavailableException", "InternalServerException", "ModelTimeoutException", "TimeoutError"]);
const TRANSIENT_STATUS = new Set([408, 500, 502, 503, 504]);

/**
 * Sorts an SDK error. Anything without an HTTP status is a transport failure (reset,
 * refused, GOAWAY, stream timeout) and is retried, except missing credentials, which
 * no retry will find.
 */
export function classifyBedrockError(error: unknown): BedrockFailure {
  const e = error as { name?: unknown; message?: unknown; $metadata?: { httpStatusCode?: number } } | undefined;
  const name = typeof e?.name === "string" ? e.name : "Error";
  const message = typeof e?.message === "string" && e.message ? e.message : String(error);
  const status = e?.$metadata?.httpStatusCode;
  const throttled = THROTTLING.has(name) || status === 429;
  const transport = status === undefined && name !== "CredentialsProviderError";
  const retry = throttled || TRANSIENT.has(name) || (status !== undefined && TRANSIENT_STATUS.has(status)) || transport;
  return { name, message, status, retry, throttled };
}

/**
 * The Ferry error for a call that will not be retried here: whether the job may try
 * again later, and a message that names the model and says what to change.
 */
export function describeBedrockError(
  error: unknown,
  failure: BedrockFailure,
  at: { modelId: string; region: string; index: number; chars: number; attempt: number; ms: number },
): Error {
  const { modelId, region, index } = at;
  const options = { cause: error };
  const said = `${failure.name}: ${failure.message}`;
  if (failure.retry) {
    const span = `${at.attempt} attempts over ${(at.ms / 1000).toFixed(1)} s`;
    if (failure.throttled) {
      return new RetryableJobError(
        `Bedrock kept throttling ${modelId} (text #${index}, ${span}; ${said}). Titan embeddings are limited in requests per minute: ` +
          `the job will be retried later; if this persists, lower the embedder's concurrency or raise the model's InvokeModel quota.`,
        options,
      );
    }
    return new RetryableJobError(`Bedrock call to ${modelId} kept failing (text #${index}, ${span}; ${said})`, options);
  }
  switch (failure.name) {
    case "ValidationException": {
      const tooLong = /token|length|too (long|large)/i.test(failure.message);
      const hint = tooLong
        ? " The text is denser than the character budget assumes (8,192 tokens max); lower maxInputChars or chunk smaller."
        : /on-demand throughput|inference profile/i.test(failure.message)
          ? " Use an inference-profile id (us./eu./apac./global. + model id) or its ARN as modelId."
          : "";
      return new NonRetryableJobError(
        `Bedrock rejected the request to ${modelId} for text #${index} (${at.chars} characters): ${failure.message}.${hint}`,
        tooLong ? "invalid_input" : "handler_error",
        options,
      );
    }
    case "AccessDeniedException":
      return new NonRetryableJobError(`Bedrock denied access to ${modelId} (${failure.message}). ${iamHint(modelId, region)}`, "handler_error", options);
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
      return new RetryableJobError(`Bedrock could not serve ${modelId} (text #${index}; ${said})`, options);
  }
  if (failure.status === 401 || failure.status === 403) {
    return new NonRetryableJobError(`Bedrock refused the credentials for ${modelId} (${said})`, "handler_error", options);
  }
  return new RetryableJobError(`Bedrock call to ${modelId} failed (text #${index}; ${said})`, options);
}

/** What the role needs to call `modelId`: the model, and for a profile the profile and every Region it routes to. */
function iamHint(modelId: string, region: string): string {
  const access = "and check that access to the model is enabled for the account in the Bedrock console";
  if (modelId.includes(":application-inference-profile/")) {
    return `Allow bedrock:InvokeModel on ${modelId} and on the foundation model(s) it routes to, in every Region it routes to, ${access}.`;
  }
  const base = baseModelId(modelId);
  const model = `arn:aws:bedrock:${region}::foundation-model/${base}`;
  const profile = /(^|\/)(us-gov|us|eu|apac|jp|au|ca|global)\./.exec(modelId);
  if (!profile) return `Allow bedrock:InvokeModel on ${model}, ${access}.`;
  const profileArn = modelId.startsWith("arn:") ? modelId : `arn:aws:bedrock:${region}:{account}:inference-profile/${modelId}`;
  const destinations =
    profile[2] === "global"
      ? `and the region-less arn:aws:bedrock:::foundation-model/${base}`
      : `and the foundation model in every destination Region of the profile (arn:aws:bedrock:*::foundation-model/${base})`;
  return `${modelId} is an inference profile: allow bedrock:InvokeModel on the profile (${profileArn}), on ${model} ${destinations}, ${access}.`;
}

/**
 * The model behind an id: `arn:…:inference-profile/us.amazon.titan-embed-text-v2:0` →
 * `amazon.titan-embed-text-v2:0`. Profiles route to the same model, so they share vectors.
 */
export function baseModelId(modelId: string): string {
  const tail = modelId.startsWith("arn:") ? modelId.slice(modelId.lastIndexOf("/") + 1) : modelId;
  return tail.replace(/^(us-gov|us|eu|apac|jp|au|ca|global)\./, "");
}
