/**
 * The browser/Node client of the Ferry WebSocket API: `FerryClient` (connection,
 * typed actions, reconnects, uploads straight to storage through presigned URLs)
 * and `JobTracker` (per-job state from snapshots and `seq`-ordered events).
 * Depends only on the protocol schemas.
 * @module
 */
export {
  FerryClient,
  classifyHandshakeError,
  type ConnectionState,
  type ConnectionStatus,
  type FerryClientOptions,
  type InvalidFrame,
  type RequestOptions,
  type SubmitResult,
  type UploadFileOptions,
  type UploadRequest,
  type WebSocketConstructor,
  type WebSocketLike,
} from "./ferry-client";
export type { ActionFrame } from "./pending-requests";
export { JobTracker, reduce, type JobCursor, type JobState, type JobTrackerOptions } from "./job-tracker";
export { ActionRejectedError, ClientClosedError, FrameTooLargeError, RequestTimeoutError, UploadFailedError } from "./errors";
export {
  contentTypeOf,
  putToPresignedUrl,
  type PutOptions,
  type UploadProgress,
  type UploadableFile,
  type XhrConstructor,
  type XhrLike,
} from "./upload";
