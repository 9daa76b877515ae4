/**
 * Documents: uploads, the `ingest_pdf` job and the document actions.
 * @module
 */
export { ingestPdfJob, IngestPdfInput, compactRanges, type IngestDeps } from "./ingest-job";
export { DocumentService, chunkKeys, toDocumentView, type DocumentServiceDeps } from "./document-service";
export { UploadOptions, documentKey, uploadKey, formatBytes, BILLING_CONTENT_TYPES, DEFAULT_MAX_BILLING_MB, billingUploadTypes } from "./uploads";
