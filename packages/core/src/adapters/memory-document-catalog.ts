import type { DocumentCatalog, DocumentRecord, UploadRecord } from "../ports";
import { pageDocuments } from "./document-catalog-records";

/** `DocumentCatalog` in process memory, for unit tests. */
export class MemoryDocumentCatalog implements DocumentCatalog {
  readonly #uploads = new Map<string, UploadRecord>();
  readonly #docs = new Map<string, DocumentRecord>();

  async putUpload(upload: UploadRecord) {
    this.#uploads.set(upload.uploadId, structuredClone(upload));
  }

  async getUpload(uploadId: string) {
    const u = this.#uploads.get(uploadId);
    return u && u.expiresAt * 1000 > Date.now() ? structuredClone(u) : undefined;
  }

  async putDocument(document: DocumentRecord) {
    this.#docs.set(`${document.owner}\n${document.documentId}`, structuredClone(document));
  }

  async getDocument(owner: string, documentId: string) {
    const d = this.#docs.get(`${owner}\n${documentId}`);
    return d && structuredClone(d);
  }

  async listDocuments(owner: string, page: { limit: number; cursor?: string }) {
    return pageDocuments([...this.#docs.values()].filter((d) => d.owner === owner).map((d) => structuredClone(d)), page);
  }

  async deleteDocument(owner: string, documentId: string) {
    this.#docs.delete(`${owner}\n${documentId}`);
  }
}
