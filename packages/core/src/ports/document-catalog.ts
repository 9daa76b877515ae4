/** An upload a user asked for: the object key it may write and what it declared. */
export interface UploadRecord {
  uploadId: string;
  owner: string;
  key: string;
  filename: string;
  contentType: string;
  /** Bytes the client declared; the real object is checked again before use. */
  size: number;
  createdAt: number;
  /** Epoch seconds. */
  expiresAt: number;
}

export type DocumentStatus = "ingesting" | "ready" | "failed";

/** A user's document: an ingested (or ingesting) upload and its place in the vector index. */
export interface DocumentRecord {
  documentId: string;
  owner: string;
  uploadId: string;
  filename: string;
  /** Where the PDF is kept once ingested (`documents/…`); until then it is the upload's key. */
  key?: string;
  title?: string;
  status: DocumentStatus;
  pages: number;
  /** Chunks stored so far; their keys are `documentId#0 … #chunks-1`. */
  chunks: number;
  /** The embedder whose vectors the index holds for this document. */
  embedder: string;
  jobId?: string;
  createdAt: number;
  updatedAt: number;
}

export interface DocumentPage {
  documents: DocumentRecord[];
  cursor?: string;
}

/**
 * Uploads and documents, per owner. Adapters: `memory-document-catalog`,
 * `redis-document-catalog`, `dynamo-document-catalog`.
 */
export interface DocumentCatalog {
  putUpload(upload: UploadRecord): Promise<void>;
  /** The upload, if it exists and has not expired. */
  getUpload(uploadId: string): Promise<UploadRecord | undefined>;
  /** Creates or replaces the document (an ingest retry rewrites the same record). */
  putDocument(document: DocumentRecord): Promise<void>;
  getDocument(owner: string, documentId: string): Promise<DocumentRecord | undefined>;
  /** The owner's documents, newest first. */
  listDocuments(owner: string, page: { limit: number; cursor?: string }): Promise<DocumentPage>;
  deleteDocument(owner: string, documentId: string): Promise<void>;
}
