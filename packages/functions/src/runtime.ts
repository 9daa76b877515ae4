import type { Runtime } from "./runtime-parts";

export type { Runtime } from "./runtime-parts";
export { jobKinds } from "./job-kinds";

/**
 * Builds the runtime from the environment (the composition root): the offline
 * stack sets `FERRY_REDIS_URL`; on AWS, SST links the resources instead.
 */
export async function createRuntime(env: NodeJS.ProcessEnv = process.env): Promise<Runtime> {
  if (env.FERRY_REDIS_URL) {
    // A specifier bundlers cannot follow: the Lambdas never take this path, so Redis
    // and BullMQ stay out of their bundles.
    const local = "./local-runtime";
    const { createLocalRuntime } = (await import(/* @vite-ignore */ local)) as typeof import("./local-runtime");
    return createLocalRuntime(env);
  }
  const { createAwsRuntime } = await import("./aws-runtime");
  return createAwsRuntime(env);
}

let current: Promise<Runtime> | undefined;

/** The process-wide runtime, built on first use so that importing a handler connects to nothing. */
export function runtime(): Promise<Runtime> {
  current ??= createRuntime().catch((error) => {
    current = undefined; // a misconfiguration fixed by a redeploy should not need a cold start
    throw error;
  });
  return current;
}

/** Closes the process-wide runtime if one was ever built (never builds one just to close it). */
export async function closeRuntime(): Promise<void> {
  const closing = current;
  current = undefined;
  await (await closing?.catch(() => undefined))?.close();
}
