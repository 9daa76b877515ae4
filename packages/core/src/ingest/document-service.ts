import { randomUUID } from "node:crypto";
import { RequestError } from "../errors";
import { isTerminal } from "../jobs/job";
import type { BlobStore, DocumentCatalog, DocumentRecord, JobStore, PresignedUpload, VectorIndex } from "../ports";
import type { DocumentView } from "../protocol";
import { UploadOptions, formatBytes, uploadKey } from "./uploads";
import { expiresAtSeconds } from "../util/expiry";

export interface DocumentServiceDeps {
  blobs: BlobStore;
  catalog: DocumentCatalog;
  vectors: VectorIndex;
  /** To tell whether a document's ingest job is still running. */
  jobs: Pick<JobStore, "control">;
  options?: Partial<UploadOptions>;
}

/** The keys a document's chunks were stored under: `documentId#0 … #chunks-1`. */
export const chunkKeys = (documentId: string, chunks: number) => Array.from({ length: chunks }, (_, i) => `${documentId}#${i}`);

export const toDocumentView = (d: DocumentRecord): DocumentView => ({
  documentId: d.documentId,
  filename: d.filename,
  title: d.title,
  status: d.status,
  pages: d.pages,
  chunks: d.chunks,
  jobId: d.jobId,
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
});

/**
 * Uploads and documents, for the WebSocket actions `request_upload`,
 * `list_documents` and `delete_document`. Every method takes the caller as owner.
 */
export class DocumentService {
  readonly options: UploadOptions;

  constructor(private readonly deps: DocumentServiceDeps) {
    this.options = UploadOptions.parse(deps.options ?? {});
  }

  /** Checks what the client declared and hands back a presigned PUT for exactly that. */
  async requestUpload(owner: string, file: { filename: string; contentType: string; size: number }): Promise<PresignedUpload & { uploadId: string }> {
    const contentType = file.contentType.split(";")[0]!.trim().toLowerCase();
    const cap = this.options.types[contentType];
    if (cap === undefined) {
      throw new RequestError("bad_request", `cannot upload ${JSON.stringify(file.contentType)}; accepted types: ${Object.keys(this.options.types).join(", ")}`);
    }
    if (file.size <= 0) throw new RequestError("bad_request", `${file.filename} is empty (0 bytes); choose a file with content`);
    if (file.size > cap) {
      throw new RequestError("payload_too_large", `${file.filename} is ${formatBytes(file.size)}; the limit for ${contentType} is ${formatBytes(cap)}`);
    }
    const uploadId = randomUUID();
    const key = uploadKey(owner, uploadId);
    const now = Date.now();
    await this.deps.catalog.putUpload({
      uploadId,
      owner,
      key,
      filename: file.filename,
      contentType,
      size: file.size,
      createdAt: now,
      expiresAt: expiresAtSeconds(now, this.options.uploadTtlSeconds),
    });
    const presigned = await this.deps.blobs.presignPut(key, { contentType, size: file.size, expiresInSeconds: this.options.urlSeconds });
    return { uploadId, ...presigned };
  }

  async list(owner: string, page: { limit?: number; cursor?: string }) {
    const { documents, cursor } = await this.deps.catalog.listDocuments(owner, { limit: page.limit ?? 50, cursor: page.cursor });
    return { documents: (await Promise.all(documents.map((d) => this.#settle(d)))).map(toDocumentView), cursor };
  }

  /**
   * A document still marked `ingesting` whose job has ended (retries exhausted,
   * cancelled, its worker died) or expired will never be finished by it: it is
   * recorded as `failed`, so the list tells the truth and the document can be deleted.
   */
  async #settle(doc: DocumentRecord): Promise<DocumentRecord> {
    if (doc.status !== "ingesting" || !doc.jobId) return doc;
    const job = await this.deps.jobs.control(doc.jobId);
    if (job && !isTerminal(job.status)) return doc;
    const settled: DocumentRecord = { ...doc, status: "failed", updatedAt: Date.now() };
    await this.deps.catalog.putDocument(settled);
    return settled;
  }

  /**
   * Removes the document's vectors, its uploaded file and its record. A document
   * whose ingest job is still running is refused: the job would write vectors after
   * the delete. One whose job ended without finishing it can be deleted.
   */
  async delete(owner: string, documentId: string): Promise<void> {
    const doc = await this.deps.catalog.getDocument(owner, documentId);
    if (!doc) throw new RequestError("not_found", `document ${documentId} not found (or not yours)`);
    const job = doc.status === "ingesting" && doc.jobId ? await this.deps.jobs.control(doc.jobId) : undefined;
    if (job && !isTerminal(job.status)) {
      throw new RequestError("bad_request", `document ${documentId} is still being ingested${doc.jobId ? ` by job ${doc.jobId}` : ""}; cancel that job first or wait for it`, {
        jobId: doc.jobId,
      });
    }
    await this.deps.vectors.delete(chunkKeys(documentId, doc.chunks));
    // The PDF is under `documents/` once ingested, under `uploads/` before; remove both.
    await this.deps.blobs.delete(uploadKey(owner, doc.uploadId));
    if (doc.key) await this.deps.blobs.delete(doc.key);
    await this.deps.catalog.deleteDocument(owner, documentId);
  }
}
