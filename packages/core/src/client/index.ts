/**
 * The browser/Node client of the Ferry WebSocket API: `FerryClient` (connection,
 * typed actions, reconnects) and `JobTracker` (per-job state from snapshots and
 * `seq`-ordered events). Depends only on the protocol schemas.
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
  type WebSocketConstructor,
  type WebSocketLike,
} from "./ferry-client";
export type { ActionFrame } from "./pending-requests";
export { JobTracker, reduce, type JobCursor, type JobState, type JobTrackerOptions } from "./job-tracker";
export { ActionRejectedError, ClientClosedError, FrameTooLargeError, RequestTimeoutError } from "./errors";
