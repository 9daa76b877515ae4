/**
 * One interface per external capability, named by role. Adapters in `../adapters`
 * are named by technology and each passes the port's contract suite.
 * @module
 */
export type { JobStore, AppendOptions, JobPage, JobControl } from "./job-store";
export type { ConnectionStore, ConnectionRecord } from "./connection-store";
export type { Notifier } from "./notifier";
export type { RateLimiter, RateDecision } from "./rate-limiter";
export { QueueMessage, type JobQueue, type EnqueueResult } from "./job-queue";
export { createConsoleLogger, type Logger } from "./logger";
