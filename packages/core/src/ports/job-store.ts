import type { JobEvent, JobEventDraft, JobStatus } from "../protocol";
import type { JobRecord, NewJob } from "../jobs/job";

/** Conditions and effects of one append; all checked and applied in one atomic write. */
export interface AppendOptions {
  /** The job must currently be in one of these statuses, else `TransitionRejectedError`. */
  expect?: readonly JobStatus[];
  /** The writer's attempt number; if the job has moved on to a later attempt, `StaleAttemptError`. */
  attempt?: number;
}

/** The few fields a running attempt polls: cheap to read, whatever the job's output size. */
export type JobControl = Pick<JobRecord, "status" | "attempts" | "cancelRequested">;

export interface JobPage {
  jobs: JobRecord[];
  /** Opaque; pass back to get the next page. Absent on the last page. */
  cursor?: string;
}

/**
 * Job records and each job's event log.
 *
 * @remarks
 * The log is the source of truth for what a client has seen: every event gets its
 * `seq` here, in the same atomic write that updates the job record, *before* anyone
 * posts it. That is what lets `subscribe {afterSeq}` replay without gaps, and what
 * makes status transitions conditional (a redelivered message cannot complete a job twice).
 * Adapters: `redis-job-store` (local), `dynamo-job-store` (AWS), `memory-job-store` (unit tests).
 */
export interface JobStore {
  /**
   * Creates the job, or returns the existing one when `(owner, idempotencyKey)` was
   * used before within the TTL (`created: false`).
   */
  create(job: NewJob): Promise<{ job: JobRecord; created: boolean }>;
  get(jobId: string): Promise<JobRecord | undefined>;
  /** Status, attempt and cancel flag only; what a running job polls twice a second. */
  control(jobId: string): Promise<JobControl | undefined>;
  /** The owner's jobs, newest first. */
  listByOwner(owner: string, page: { limit: number; cursor?: string }): Promise<JobPage>;
  /**
   * Numbers `draft` with the next `seq`, stores it in the log and applies its effect
   * (`patchFor`) to the record. Throws `NotFound`, `TransitionRejectedError` or `StaleAttemptError`.
   */
  append(jobId: string, draft: JobEventDraft, options?: AppendOptions): Promise<JobEvent>;
  /** Log events with `seq > afterSeq`, in order, at most `limit`. */
  events(jobId: string, afterSeq: number, limit?: number): Promise<JobEvent[]>;
  /**
   * Starts an attempt: `queued | processing → processing`. Increments `attempts`
   * unless `resume` (a deadline hand-over continues the same attempt).
   * Throws `TransitionRejectedError` when the job has finished.
   */
  beginAttempt(jobId: string, options: { resume: boolean; now: number }): Promise<JobRecord>;
  /** Saves the handler's resume point; fenced on `attempt` like `append`. */
  saveCheckpoint(jobId: string, attempt: number, checkpoint: unknown): Promise<void>;
  /** Marks the job for cancellation; the worker notices at its next check. Returns the updated record. */
  requestCancel(jobId: string): Promise<JobRecord | undefined>;
}
