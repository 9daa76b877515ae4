import { z } from "zod";
import { JobView, terminalStatuses, type FailureCode, type JobEventDraft, type JobStatus } from "../protocol";
import { expiresAtSeconds } from "../util/expiry";

/**
 * A job as stored: the public view plus what only the pipeline needs
 * (owner, input, checkpoint, cancel flag, idempotency key, TTL).
 */
export const JobRecord = JobView.extend({
  owner: z.string(),
  input: z.unknown(),
  output: z.string(),
  /** Attempts begun; a resume after a deadline is not a new attempt. */
  attempts: z.number().int(),
  checkpoint: z.unknown().optional(),
  cancelRequested: z.boolean(),
  idempotencyKey: z.string().optional(),
  /** Epoch seconds after which the store may forget the job (DynamoDB TTL semantics). */
  expiresAt: z.number().int(),
});
export type JobRecord = z.infer<typeof JobRecord>;

export interface NewJob {
  jobId: string;
  owner: string;
  kind: string;
  input: unknown;
  idempotencyKey?: string;
  now: number;
  ttlSeconds: number;
}

export function newJobRecord(job: NewJob): JobRecord {
  return {
    jobId: job.jobId,
    owner: job.owner,
    kind: job.kind,
    input: job.input,
    status: "queued",
    progress: 0,
    message: "Created",
    output: "",
    attempts: 0,
    createdAt: job.now,
    updatedAt: job.now,
    lastSeq: 0,
    cancelRequested: false,
    idempotencyKey: job.idempotencyKey,
    expiresAt: expiresAtSeconds(job.now, job.ttlSeconds),
  };
}

export const isTerminal = (status: JobStatus): boolean => terminalStatuses.includes(status);

/**
 * The part of a job record an event changes. Adapters apply it in the same
 * conditional write that numbers the event, so the snapshot and the log never disagree.
 */
export interface JobPatch {
  status?: JobStatus;
  progress?: number;
  stage?: string;
  message?: string;
  /** Appended to `output`, not replacing it. */
  outputDelta?: string;
  result?: unknown;
  resultUrl?: string;
  error?: string;
  errorCode?: FailureCode;
}

/** What recording `event` does to its job. */
export function patchFor(event: JobEventDraft): JobPatch {
  switch (event.type) {
    case "job_queued":
      return { status: "queued", progress: event.progress, message: event.message, stage: "queued" };
    case "progress_update":
      return { progress: event.progress, stage: event.stage, message: event.message };
    case "job_output":
      return { outputDelta: event.delta };
    case "job_completed":
      return {
        status: "completed",
        progress: 100,
        stage: "done",
        message: "Completed",
        result: event.result,
        resultUrl: event.resultUrl,
      };
    case "job_failed":
      return { status: "failed", stage: "failed", message: event.error, error: event.error, errorCode: event.code };
    case "job_cancelled":
      return { status: "cancelled", stage: "cancelled", message: event.message ?? "Cancelled" };
  }
}

/** Applies a patch to a record in memory; the reference semantics every store adapter must match. */
export function applyPatch(job: JobRecord, patch: JobPatch, now: number): JobRecord {
  const next: JobRecord = { ...job, updatedAt: now };
  if (patch.status !== undefined) next.status = patch.status;
  if (patch.progress !== undefined) next.progress = patch.progress;
  if (patch.stage !== undefined) next.stage = patch.stage;
  if (patch.message !== undefined) next.message = patch.message;
  if (patch.outputDelta !== undefined) next.output = job.output + patch.outputDelta;
  if (patch.result !== undefined) next.result = patch.result;
  if (patch.resultUrl !== undefined) next.resultUrl = patch.resultUrl;
  if (patch.error !== undefined) next.error = patch.error;
  if (patch.errorCode !== undefined) next.errorCode = patch.errorCode;
  return next;
}

/** The public view: what `job_snapshot` and `job_list` show a job's owner. */
export function toView(job: JobRecord): JobView {
  return {
    jobId: job.jobId,
    kind: job.kind,
    status: job.status,
    progress: job.progress,
    stage: job.stage,
    message: job.message,
    output: job.output || undefined,
    result: job.result,
    resultUrl: job.resultUrl,
    error: job.error,
    errorCode: job.errorCode,
    attempts: job.attempts,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    lastSeq: job.lastSeq,
  };
}
