import { z } from "zod";

/** Correlates a reply (or an `error`) with the frame that caused it; echoed verbatim. */
const requestId = z.string().min(1).max(128).optional();
const jobId = z.string().min(1).max(128);

export const AuthenticateAction = z.object({
  action: z.literal("authenticate"),
  requestId,
  token: z.string().min(1).max(8192),
});

export const SubmitJobAction = z.object({
  action: z.literal("submit_job"),
  requestId,
  kind: z.string().min(1).max(64),
  /** Validated against the kind's own schema by the job registry, not here. */
  input: z.unknown().default({}),
  /** The same key from the same user within the job TTL returns the first job instead of a new one. */
  idempotencyKey: z.string().min(1).max(256).optional(),
});

export const SubscribeAction = z.object({
  action: z.literal("subscribe"),
  requestId,
  /** Jobs to snapshot and replay; omitted means the caller's most recent jobs. */
  jobIds: z.array(jobId).min(1).max(100).optional(),
  /** Replay only events with `seq` greater than this (per job). */
  afterSeq: z.number().int().min(0).optional(),
});

export const ListJobsAction = z.object({
  action: z.literal("list_jobs"),
  requestId,
  limit: z.number().int().min(1).max(100).optional(),
  cursor: z.string().max(512).optional(),
});

export const CancelJobAction = z.object({
  action: z.literal("cancel_job"),
  requestId,
  jobId,
});

export const RequestUploadAction = z.object({
  action: z.literal("request_upload"),
  requestId,
  /** Shown in the document list; any name, the storage key never uses it. */
  filename: z.string().trim().min(1).max(255),
  contentType: z.string().min(1).max(128),
  /** Bytes the client will PUT; checked against the cap here and signed into the URL. */
  size: z.number().int(),
});

export const ListDocumentsAction = z.object({
  action: z.literal("list_documents"),
  requestId,
  limit: z.number().int().min(1).max(100).optional(),
  cursor: z.string().max(512).optional(),
});

export const DeleteDocumentAction = z.object({
  action: z.literal("delete_document"),
  requestId,
  documentId: z.string().min(1).max(128),
});

export const PingAction = z.object({
  action: z.literal("ping"),
  requestId,
});

/**
 * Every frame a client may send. API Gateway routes on `action`
 * (`$request.body.action`); anything else lands on `$default`.
 */
export const ClientAction = z.discriminatedUnion("action", [
  AuthenticateAction,
  SubmitJobAction,
  SubscribeAction,
  ListJobsAction,
  CancelJobAction,
  PingAction,
  RequestUploadAction,
  ListDocumentsAction,
  DeleteDocumentAction,
]);
export type ClientAction = z.infer<typeof ClientAction>;
export type ActionName = ClientAction["action"];

/** Route keys the WebSocket API declares, one per action. */
export const actionNames = ClientAction.options.map((o) => o.shape.action.value) as ActionName[];
