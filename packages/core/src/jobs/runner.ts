import { NonRetryableJobError, StaleAttemptError, TransitionRejectedError, describeError, isRetryable } from "../errors";
import { Limits, type FailureCode, type JobEventDraft } from "../protocol";
import type { JobQueue, JobStore, Logger, QueueMessage } from "../ports";
import { InterruptWatch, JobInterrupt } from "./interrupts";
import { isTerminal, type JobRecord } from "./job";
import type { JobContext, JobKindRegistry } from "./kinds";
import { JobReporter } from "./reporter";
import type { EventPublisher } from "./publisher";

export interface RunnerOptions {
  /** Attempts before a retryable failure becomes `job_failed` (DESIGN: 3). */
  maxAttempts: number;
  /** Progress frames per second per job, at most (DESIGN: ~4). */
  progressPerSecond: number;
  /** Minimum spacing of `job_output` frames per job. */
  outputIntervalMs: number;
  /** How often a running job looks for a cancel request. */
  cancelPollMs: number;
  /** Stop this long before the deadline, to save a checkpoint and hand over. */
  deadlineMarginMs: number;
  /** First retry delay; doubles per attempt, with jitter. */
  retryBaseMs: number;
}

export const defaultRunnerOptions: RunnerOptions = {
  maxAttempts: 3,
  progressPerSecond: 4,
  outputIntervalMs: 50,
  cancelPollMs: 500,
  deadlineMarginMs: 15_000,
  retryBaseMs: 1_000,
};

export interface RunnerDeps {
  store: JobStore;
  publisher: EventPublisher;
  queue: JobQueue;
  kinds: JobKindRegistry;
  logger: Logger;
  options?: Partial<RunnerOptions>;
  /**
   * Stores a result too large for one message and returns a reference to it, which
   * goes out as `resultUrl` (the publisher's `resultUrl` hook makes it a URL).
   */
  offloadResult?: (jobId: string, json: string) => Promise<string>;
}

/**
 * How a run ended, for the queue adapter to act on: ack (`completed`, `failed`,
 * `cancelled`, `dropped`, `deferred`) or let the queue redeliver later (`retry`).
 * `failed` with `final` means the message belongs in the DLQ / failed set.
 */
export type RunOutcome =
  | { type: "completed" }
  | { type: "failed"; error: string }
  | { type: "cancelled" }
  | { type: "dropped"; reason: string }
  | { type: "deferred" }
  | { type: "retry"; error: string; delayMs: number };

/**
 * Runs one delivery of a queue message: the same code behind BullMQ locally and
 * SQS on AWS. Idempotent on job id — a redelivered message for a finished job is
 * dropped — and never throws for job failures; it reports them as a `RunOutcome`.
 *
 * @param deadline epoch ms by which the worker must have returned (Lambda's
 *   remaining time); the job is interrupted `deadlineMarginMs` before it and re-enqueued.
 */
export async function runJob(deps: RunnerDeps, message: QueueMessage, deadline?: number): Promise<RunOutcome> {
  const options = { ...defaultRunnerOptions, ...deps.options };
  const { store, publisher, logger } = deps;
  const found = await store.get(message.jobId);
  if (!found) return { type: "dropped", reason: "unknown job" };
  if (isTerminal(found.status)) return { type: "dropped", reason: `already ${found.status}` };
  const owner = found.owner;
  const log = (extra: Record<string, unknown> = {}) => ({ jobId: message.jobId, kind: found.kind, ...extra });

  const kind = deps.kinds.get(found.kind);
  const parsed = kind?.input.safeParse(found.input);
  if (found.cancelRequested) return finishCancelled(deps, owner, found.jobId);
  if (!message.resume && found.status === "processing" && found.attempts >= options.maxAttempts) {
    // The last allowed attempt never reported back: its worker died (out of memory,
    // killed, past its time limit) and this is the queue's redelivery. Say so instead
    // of starting an attempt the limit does not allow.
    const error = `the worker stopped without finishing this job ${found.attempts} times (out of memory, killed or over its time limit); giving up`;
    try {
      await publisher.publish(
        owner,
        { type: "job_failed", jobId: found.jobId, error, code: "retries_exhausted", attempts: found.attempts },
        { attempt: found.attempts, expect: ["processing"] },
      );
    } catch (writeError) {
      if (writeError instanceof StaleAttemptError || writeError instanceof TransitionRejectedError) return { type: "dropped", reason: "finished meanwhile" };
      throw writeError;
    }
    logger.warn("job failed: its worker kept dying", log({ attempts: found.attempts }));
    return { type: "failed", error };
  }

  let job: JobRecord;
  try {
    job = await store.beginAttempt(found.jobId, { resume: message.resume === true, now: Date.now() });
  } catch (error) {
    if (error instanceof TransitionRejectedError) return { type: "dropped", reason: "finished meanwhile" };
    throw error;
  }
  const attempt = job.attempts;
  const fence = { attempt };

  const fail = async (error: string, code: FailureCode): Promise<RunOutcome> => {
    await publisher.publish(owner, { type: "job_failed", jobId: job.jobId, error, code, attempts: attempt }, { ...fence, expect: ["processing"] });
    logger.warn("job failed", log({ attempt, error, code }));
    return { type: "failed", error };
  };
  if (!kind) return fail(`no worker knows job kind "${found.kind}"`, "invalid_input");
  if (!parsed?.success) return fail(`invalid input: ${parsed?.error.message ?? "unknown"}`, "invalid_input");

  const watch = new InterruptWatch(store, job.jobId, attempt, { ...options, deadline });
  const reporter = new JobReporter(publisher, job, options, (error) => {
    if (error instanceof StaleAttemptError || error instanceof TransitionRejectedError) watch.interrupt("superseded");
    else logger.warn("recording an event failed", log({ error: describeError(error) }));
  });
  const context: JobContext = {
    jobId: job.jobId,
    owner,
    attempt,
    resumed: message.resume === true,
    signal: watch.signal,
    progress: (report) => reporter.progress(report),
    output: (delta) => reporter.output(delta),
    checkpoint: job.checkpoint,
    saveCheckpoint: async (value) => {
      await store.saveCheckpoint(job.jobId, attempt, value);
      context.checkpoint = value;
    },
    logger,
  };

  try {
    reporter.progress({
      message: message.resume ? "Resuming from checkpoint" : attempt > 1 ? `Attempt ${attempt} of ${options.maxAttempts}` : "Started",
    });
    const result = await kind.run(parsed.data, context);
    // A newer attempt owns the job now. A cancel or the deadline that comes after the
    // handler finished its work is too late: the work is done, and saying "cancelled"
    // would hide side effects that happened (a document that is ready, say).
    if (watch.reasonOf() === "superseded") throw new JobInterrupt("superseded");
    await reporter.flush();
    const completed = await completion(deps, job.jobId, result);
    await publisher.publish(owner, completed, { ...fence, expect: ["processing"] });
    logger.info("job completed", log({ attempt }));
    return { type: "completed" };
  } catch (error) {
    await reporter.flush().catch(() => {});
    const stopped = watch.reasonOf(error);
    if (stopped === "superseded" || error instanceof StaleAttemptError) {
      return { type: "dropped", reason: "superseded by a newer attempt" };
    }
    if (stopped === "cancelled") return finishCancelled(deps, owner, job.jobId, fence);
    if (stopped === "deadline") {
      await deps.queue.enqueue(kind.queue, { jobId: job.jobId, kind: job.kind, resume: true });
      logger.info("job handed over before the deadline", log({ attempt }));
      return { type: "deferred" };
    }
    const text = describeError(error);
    if (isRetryable(error) && attempt < options.maxAttempts) {
      const delayMs = Math.round(options.retryBaseMs * 2 ** (attempt - 1) * (0.8 + Math.random() * 0.4));
      await publisher.publish(
        owner,
        {
          type: "progress_update",
          jobId: job.jobId,
          status: "retrying",
          ...reporter.state,
          message: `Attempt ${attempt} failed (${text}); retrying in ${Math.ceil(delayMs / 1000)} s`,
          attempt,
        },
        fence,
      );
      logger.warn("job attempt failed; will retry", log({ attempt, error: text, delayMs }));
      return { type: "retry", error: text, delayMs };
    }
    const code: FailureCode =
      error instanceof NonRetryableJobError ? error.code : isRetryable(error) ? "retries_exhausted" : "handler_error";
    const human = code === "retries_exhausted" ? `${text} (gave up after ${attempt} attempts)` : text;
    try {
      return await fail(human, code);
    } catch (writeError) {
      if (writeError instanceof StaleAttemptError || writeError instanceof TransitionRejectedError) {
        return { type: "dropped", reason: "finished by someone else" };
      }
      throw writeError;
    }
  } finally {
    watch.stop();
    reporter.close();
  }
}

async function finishCancelled(
  deps: RunnerDeps,
  owner: string,
  jobId: string,
  fence?: { attempt: number },
): Promise<RunOutcome> {
  try {
    await deps.publisher.publish(owner, { type: "job_cancelled", jobId, message: "Cancelled by the user" }, { ...fence, expect: ["queued", "processing"] });
  } catch (error) {
    if (!(error instanceof TransitionRejectedError || error instanceof StaleAttemptError)) throw error;
  }
  return { type: "cancelled" };
}

/** `job_completed` with the result inline, or by reference when it would not fit one message. */
async function completion(deps: RunnerDeps, jobId: string, result: unknown): Promise<JobEventDraft> {
  const json = JSON.stringify(result ?? null);
  if (Buffer.byteLength(json) <= Limits.maxInlineResultBytes) return { type: "job_completed", jobId, result };
  if (!deps.offloadResult) {
    throw new NonRetryableJobError(
      `result is ${Buffer.byteLength(json)} bytes, over the ${Limits.maxInlineResultBytes}-byte inline limit, and no result store is configured`,
      "handler_error",
    );
  }
  return { type: "job_completed", jobId, resultUrl: await deps.offloadResult(jobId, json) };
}
