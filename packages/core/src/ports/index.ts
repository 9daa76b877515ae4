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
export type { BlobStore, BlobInfo, PresignedUpload } from "./blob-store";
export type { VectorIndex, VectorRecord, VectorMatch, VectorFilter, VectorMetadata, VectorMetadataValue } from "./vector-index";
export type { DocumentCatalog, DocumentRecord, DocumentPage, DocumentStatus, UploadRecord } from "./document-catalog";
export { checkEmbedderInput, type Embedder } from "./embedder";
export type { ChatModel, ChatRequest, ChatResult, ChatTurn, ChatUsage, GroundingSource } from "./chat-model";
export type { ConversationStore, ConversationTurn, ConversationCitation } from "./conversation-store";
export type {
  CostSource,
  CostQuery,
  CostRow,
  CostAnswer,
  CostDimension,
  CostGranularity,
  CostDatasetInfo,
  CommitmentDiscountRow,
  CommitmentCoverageRow,
  CommitmentRow,
  TagCoverageSummaryRow,
  TagKeyRow,
  TagCoverageRow,
  ResourceRow,
  UnitCostRow,
} from "./cost-source";
export { UnsupportedCostQueryError } from "./cost-source";
