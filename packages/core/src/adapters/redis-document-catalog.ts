import type { Redis } from "ioredis";
import type { DocumentCatalog, DocumentRecord, UploadRecord } from "../ports";
import { DocumentRecordSchema as Document, UploadRecordSchema as Upload, pageDocuments } from "./document-catalog-records";



/**
 * `DocumentCatalog` on Redis: an upload is a JSON string that expires with it; an
 * owner's documents are one hash (documentId → JSON), so listing is one round trip.
 */
export class RedisDocumentCatalog implements DocumentCatalog {
  readonly #prefix: string;

  constructor(
    private readonly redis: Redis,
    options: { prefix?: string } = {},
  ) {
    this.#prefix = options.prefix ?? "ferry:";
  }

  #upload = (id: string) => `${this.#prefix}upload:${id}`;
  #docs = (owner: string) => `${this.#prefix}owner:${owner}:docs`;

  async putUpload(upload: UploadRecord) {
    await this.redis.set(this.#upload(upload.uploadId), JSON.stringify(upload), "EXAT", upload.expiresAt);
  }

  async getUpload(uploadId: string) {
    const raw = await this.redis.get(this.#upload(uploadId));
    return raw ? Upload.parse(JSON.parse(raw)) : undefined;
  }

  async putDocument(document: DocumentRecord) {
    await this.redis.hset(this.#docs(document.owner), document.documentId, JSON.stringify(document));
  }

  async getDocument(owner: string, documentId: string) {
    const raw = await this.redis.hget(this.#docs(owner), documentId);
    return raw ? Document.parse(JSON.parse(raw)) : undefined;
  }

  async listDocuments(owner: string, page: { limit: number; cursor?: string }) {
    const all = Object.values(await this.redis.hgetall(this.#docs(owner))).map((raw) => Document.parse(JSON.parse(raw)));
    return pageDocuments(all, page);
  }

  async deleteDocument(owner: string, documentId: string) {
    await this.redis.hdel(this.#docs(owner), documentId);
  }
}
