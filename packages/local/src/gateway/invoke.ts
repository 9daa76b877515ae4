import { newAwsRequestId } from "./ids";
import type { LambdaCallback, LambdaContext, LambdaHandler } from "./types";

/**
 * In-process "Lambda invoke". Everything a handler can do wrong (throw
 * synchronously, reject, call back with an error, never finish) becomes an
 * {@link InvocationOutcome}; nothing escapes to the gateway's event loop.
 */

export type InvocationOutcome =
  | { kind: "ok"; value: unknown }
  | { kind: "error"; error: unknown }
  /** The integration timeout passed first; the handler keeps running, as a real Lambda would. */
  | { kind: "timeout" };

export interface InvokeOptions {
  /** Shown as `context.functionName`, e.g. `ws-$default`. */
  functionName: string;
  timeoutMs: number;
  region: string;
  accountId: string;
}

/**
 * Runs a handler with a Lambda-like context and settles on the first of: the
 * returned promise, the callback, `context.done/succeed/fail`, or the timeout.
 * A handler declaring three parameters that returns `undefined` is treated as
 * callback style and awaited until it calls back.
 */
export async function invokeHandler(
  handler: LambdaHandler,
  event: unknown,
  options: InvokeOptions,
): Promise<InvocationOutcome> {
  let settle!: (outcome: InvocationOutcome) => void;
  const settled = new Promise<InvocationOutcome>((resolve) => {
    let done = false;
    settle = (outcome) => {
      if (done) return;
      done = true;
      resolve(outcome);
    };
  });
  const callback: LambdaCallback = (error, result) =>
    settle(error === undefined || error === null ? { kind: "ok", value: result } : { kind: "error", error });
  const deadline = Date.now() + options.timeoutMs;
  const context = lambdaContext(options, deadline, callback);
  const timer = setTimeout(() => settle({ kind: "timeout" }), options.timeoutMs);

  try {
    const returned = handler(event, context, callback);
    if (isPromiseLike(returned)) {
      returned.then(
        (value) => settle({ kind: "ok", value }),
        (error: unknown) => settle({ kind: "error", error }),
      );
    } else if (returned !== undefined || handler.length < 3) {
      settle({ kind: "ok", value: returned });
    }
  } catch (error) {
    settle({ kind: "error", error });
  }

  try {
    return await settled;
  } finally {
    clearTimeout(timer);
  }
}

function lambdaContext(options: InvokeOptions, deadline: number, callback: LambdaCallback): LambdaContext {
  const functionName = options.functionName.replace(/[^A-Za-z0-9_-]/g, "_");
  return {
    awsRequestId: newAwsRequestId(),
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:${options.region}:${options.accountId}:function:${functionName}`,
    memoryLimitInMB: "128",
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "local",
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: (error?: Error, result?: unknown) => callback(error, result),
    fail: (error: Error | string) => callback(error),
    succeed: (result: unknown) => callback(null, result),
  };
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

/** The message of anything a handler threw or called back with, for logs and `"Unauthorized"` checks. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === "string") return error;
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}
