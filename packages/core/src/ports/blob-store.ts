/** A presigned request a browser can make directly against object storage. */
export interface PresignedUpload {
  url: string;
  /** Headers the browser must send with the PUT, exactly as given (they are signed). */
  headers: Record<string, string>;
  /** Epoch milliseconds after which the URL no longer works. */
  expiresAt: number;
}

export interface BlobInfo {
  size: number;
  contentType?: string;
}

/**
 * Object storage for uploads. Browsers upload straight to it through presigned
 * URLs, so large files never pass through a 128 KB WebSocket frame or a Lambda.
 * Adapter: `s3-blob-store` (S3 on AWS, s3rver offline).
 */
export interface BlobStore {
  presignPut(key: string, options: { contentType: string; size: number; expiresInSeconds: number }): Promise<PresignedUpload>;
  presignGet(key: string, options: { expiresInSeconds: number; filename?: string }): Promise<string>;
  /** Size and type of a stored object, or undefined when there is none (the upload never happened). */
  head(key: string): Promise<BlobInfo | undefined>;
  /** The whole object; callers check `head` against their size cap first. */
  getBytes(key: string, options?: { signal?: AbortSignal }): Promise<Uint8Array>;
  /**
   * Streams an object into a local file (created or replaced), never holding it whole in
   * memory: billing exports run to gigabytes. Resolves with the bytes written.
   */
  download(key: string, filePath: string, options?: { signal?: AbortSignal }): Promise<number>;
  /** Stores an object the server produced itself (a result too big for one frame). */
  put(key: string, body: Uint8Array | string, options: { contentType: string }): Promise<void>;
  /** Copies an object within the store (an ingested upload moves to where documents are kept). */
  copy(fromKey: string, toKey: string): Promise<void>;
  delete(key: string): Promise<void>;
}
