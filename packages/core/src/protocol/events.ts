import { z } from "zod";

export const JobStatus = z.enum(["queued", "processing", "completed", "failed", "cancelled"]);
export type JobStatus = z.infer<typeof JobStatus>;

export const terminalStatuses: readonly JobStatus[] = ["completed", "failed", "cancelled"];

export const ErrorCode = z.enum([
  "bad_request",
  "unauthorized",
  "forbidden",
  "not_found",
  "rate_limited",
  "payload_too_large",
  "internal",
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** Why a job failed, machine-readable; the human text goes in `error`. */
export const FailureCode = z.enum([
  "invalid_input",
  "handler_error",
  "retries_exhausted",
  "timeout",
  "internal",
]);
export type FailureCode = z.infer<typeof FailureCode>;

const envelope = {
  jobId: z.string(),
  /** Strictly increasing per job, starting at 1; clients de-duplicate and detect gaps with it. */
  seq: z.number().int().positive(),
  /** Milliseconds since the epoch when the event was recorded. */
  timestamp: z.number().int(),
};

export const JobQueuedEvent = z.object({
  type: z.literal("job_queued"),
  ...envelope,
  kind: z.string(),
  message: z.string(),
  progress: z.number().min(0).max(100),
  /** 1-based place in the queue when the queue can tell it. */
  queuePosition: z.number().int().positive().optional(),
  requestId: z.string().optional(),
});

export const ProgressUpdateEvent = z.object({
  type: z.literal("progress_update"),
  ...envelope,
  status: z.enum(["processing", "retrying"]),
  stage: z.string(),
  message: z.string(),
  /** 0–100 and never lower than the previous value for the same job. */
  progress: z.number().min(0).max(100),
  attempt: z.number().int().positive().optional(),
});

export const JobOutputEvent = z.object({
  type: z.literal("job_output"),
  ...envelope,
  /** Text to append to the job's output, e.g. answer tokens batched ≥ 50 ms apart. */
  delta: z.string(),
});

export const JobCompletedEvent = z.object({
  type: z.literal("job_completed"),
  ...envelope,
  result: z.unknown().optional(),
  /** Set instead of `result` when the result would not fit in one 128 KB message. */
  resultUrl: z.string().optional(),
});

export const JobFailedEvent = z.object({
  type: z.literal("job_failed"),
  ...envelope,
  error: z.string(),
  code: FailureCode,
  attempts: z.number().int().min(0),
});

export const JobCancelledEvent = z.object({
  type: z.literal("job_cancelled"),
  ...envelope,
  message: z.string().optional(),
});

/** The public view of a job, as sent in `job_snapshot` and `job_list`. */
export const JobView = z.object({
  jobId: z.string(),
  kind: z.string(),
  status: JobStatus,
  progress: z.number(),
  stage: z.string().optional(),
  message: z.string(),
  /** Everything streamed so far through `job_output`, so a late subscriber needs no replay of deltas. */
  output: z.string().optional(),
  result: z.unknown().optional(),
  resultUrl: z.string().optional(),
  error: z.string().optional(),
  errorCode: FailureCode.optional(),
  attempts: z.number().int(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
  lastSeq: z.number().int(),
});
export type JobView = z.infer<typeof JobView>;

export const JobSnapshotEvent = z.object({
  type: z.literal("job_snapshot"),
  jobId: z.string(),
  /** Equal to the job's `lastSeq`: replay continues after it. */
  seq: z.number().int().min(0),
  timestamp: z.number().int(),
  job: JobView,
  requestId: z.string().optional(),
});

const jobEventSchemas = [
  JobQueuedEvent,
  ProgressUpdateEvent,
  JobOutputEvent,
  JobCompletedEvent,
  JobFailedEvent,
  JobCancelledEvent,
] as const;

/** Events recorded in a job's log, in `seq` order. */
export const JobEvent = z.discriminatedUnion("type", jobEventSchemas);
export type JobEvent = z.infer<typeof JobEvent>;
export type JobEventType = JobEvent["type"];
export const terminalEventTypes: readonly JobEventType[] = ["job_completed", "job_failed", "job_cancelled"];

/** A log event before the store numbers it. */
export type JobEventDraft = JobEvent extends infer E ? (E extends JobEvent ? Omit<E, "seq" | "timestamp"> : never) : never;

export const JobListEvent = z.object({
  type: z.literal("job_list"),
  timestamp: z.number().int(),
  jobs: z.array(JobView),
  cursor: z.string().optional(),
  requestId: z.string().optional(),
});

export const AuthenticatedEvent = z.object({
  type: z.literal("authenticated"),
  timestamp: z.number().int(),
  userId: z.string(),
  connectionId: z.string(),
  requestId: z.string().optional(),
});

export const PongEvent = z.object({
  type: z.literal("pong"),
  timestamp: z.number().int(),
  requestId: z.string().optional(),
});

export const UploadReadyEvent = z.object({
  type: z.literal("upload_ready"),
  timestamp: z.number().int(),
  /** Pass to `submit_job {kind: "ingest_pdf", input: {uploadId}}` once the PUT succeeded. */
  uploadId: z.string(),
  /** Presigned URL for one HTTP PUT of the file's bytes. */
  url: z.string(),
  /** Headers the PUT must carry exactly (they are signed). */
  headers: z.record(z.string(), z.string()),
  expiresAt: z.number().int(),
  requestId: z.string().optional(),
});

/** A user's document as `document_list` shows it. */
export const DocumentView = z.object({
  documentId: z.string(),
  filename: z.string(),
  title: z.string().optional(),
  status: z.enum(["ingesting", "ready", "failed"]),
  pages: z.number().int(),
  chunks: z.number().int(),
  jobId: z.string().optional(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type DocumentView = z.infer<typeof DocumentView>;

export const DocumentListEvent = z.object({
  type: z.literal("document_list"),
  timestamp: z.number().int(),
  documents: z.array(DocumentView),
  cursor: z.string().optional(),
  requestId: z.string().optional(),
});

export const DocumentDeletedEvent = z.object({
  type: z.literal("document_deleted"),
  timestamp: z.number().int(),
  documentId: z.string(),
  requestId: z.string().optional(),
});

export const ErrorEvent = z.object({
  type: z.literal("error"),
  timestamp: z.number().int(),
  code: ErrorCode,
  message: z.string(),
  requestId: z.string().optional(),
  jobId: z.string().optional(),
});

/** Every frame the server may send. */
export const ServerEvent = z.discriminatedUnion("type", [
  ...jobEventSchemas,
  JobSnapshotEvent,
  JobListEvent,
  AuthenticatedEvent,
  PongEvent,
  UploadReadyEvent,
  DocumentListEvent,
  DocumentDeletedEvent,
  ErrorEvent,
]);
export type ServerEvent = z.infer<typeof ServerEvent>;
export type ServerEventOf<T extends ServerEvent["type"]> = Extract<ServerEvent, { type: T }>;
