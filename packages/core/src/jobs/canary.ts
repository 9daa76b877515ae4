import { z } from "zod";
import { RetryableJobError } from "../errors";
import { sleep } from "../util/async";
import { defineJobKind } from "./kinds";

export const CanaryInput = z
  .object({
    steps: z.number().int().min(1).max(10_000).default(5),
    stepMs: z.number().int().min(0).max(60_000).default(200),
    /** Fail this many first attempts with a retryable error, to exercise retries end to end. */
    failAttempts: z.number().int().min(0).max(10).default(0),
    /**
     * Benchmark aid: end each step's progress message with `@<epoch ms>` (sub-ms,
     * from `performance`) taken just before the progress call, so a client can
     * measure worker-to-browser latency.
     */
    probe: z.boolean().default(false),
  })
  .strict();
export type CanaryInput = z.infer<typeof CanaryInput>;

export interface CanaryResult {
  steps: number;
  attempt: number;
  resumedFrom: number | undefined;
  durationMs: number;
}


/**
 * A synthetic job that walks through stages, reports progress, streams a line of
 * output per step, saves a checkpoint after each step and honours cancel. Smoke
 * tests and benchmarks drive the whole path with it.
 */
export const canaryJob = defineJobKind<CanaryInput, CanaryResult, { step: number }>({
  name: "canary",
  queue: "analysis",
  input: CanaryInput,
  describe: (input) => `Canary: ${input.steps} steps of ${input.stepMs} ms`,
  async run(input, ctx) {
    const started = Date.now();
    if (ctx.attempt <= input.failAttempts) {
      throw new RetryableJobError(`canary told to fail attempt ${ctx.attempt} of ${input.failAttempts}`);
    }
    const from = ctx.checkpoint?.step ?? 0;
    ctx.progress({ stage: "prepare", message: from ? `Resuming at step ${from + 1}` : "Preparing", progress: 10 });
    for (let step = from + 1; step <= input.steps; step++) {
      await sleep(input.stepMs, ctx.signal);
      const stamp = input.probe ? ` @${(performance.timeOrigin + performance.now()).toFixed(3)}` : "";
      ctx.progress({
        stage: "step",
        message: `Step ${step} of ${input.steps}${stamp}`,
        progress: 10 + Math.floor((85 * step) / input.steps),
      });
      ctx.output(`step ${step} done\n`);
      await ctx.saveCheckpoint({ step });
    }
    ctx.progress({ stage: "finish", message: "Finishing", progress: 98 });
    return { steps: input.steps, attempt: ctx.attempt, resumedFrom: from || undefined, durationMs: Date.now() - started };
  },
});
