import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { DocumentCatalog, DocumentRecord, UploadRecord } from "../ports";

const upload = (over: Partial<UploadRecord> = {}): UploadRecord => ({
  uploadId: randomUUID(),
  owner: "alice",
  key: `uploads/alice/${randomUUID()}`,
  filename: "Notes – été.pdf",
  contentType: "application/pdf",
  size: 1234,
  createdAt: Date.now(),
  expiresAt: Math.floor(Date.now() / 1000) + 3600,
  ...over,
});

const doc = (over: Partial<DocumentRecord> = {}): DocumentRecord => ({
  documentId: randomUUID(),
  owner: "alice",
  uploadId: randomUUID(),
  filename: "a.pdf",
  status: "ready",
  pages: 3,
  chunks: 7,
  embedder: "offline-hashing-v1",
  createdAt: Date.now(),
  updatedAt: Date.now(),
  ...over,
});

/** The behaviour every `DocumentCatalog` adapter must show; `makeCatalog` returns an empty one. */
export function runDocumentCatalogContract(name: string, makeCatalog: () => Promise<DocumentCatalog> | DocumentCatalog) {
  describe(`DocumentCatalog contract: ${name}`, () => {
    it("stores uploads and forgets them once expired", async () => {
      const catalog = await makeCatalog();
      const live = upload();
      await catalog.putUpload(live);
      expect(await catalog.getUpload(live.uploadId)).toEqual(live);
      const expired = upload({ expiresAt: Math.floor(Date.now() / 1000) - 1 });
      await catalog.putUpload(expired);
      expect(await catalog.getUpload(expired.uploadId)).toBeUndefined();
      expect(await catalog.getUpload("nope")).toBeUndefined();
    });

    it("keeps documents per owner: another owner can neither read nor delete them", async () => {
      const catalog = await makeCatalog();
      const mine = doc({ title: "Mine" });
      await catalog.putDocument(mine);
      expect(await catalog.getDocument("alice", mine.documentId)).toEqual(mine);
      expect(await catalog.getDocument("bob", mine.documentId)).toBeUndefined();
      await catalog.deleteDocument("bob", mine.documentId);
      expect(await catalog.getDocument("alice", mine.documentId)).toEqual(mine);
      expect((await catalog.listDocuments("bob", { limit: 10 })).documents).toEqual([]);
      await catalog.deleteDocument("alice", mine.documentId);
      expect(await catalog.getDocument("alice", mine.documentId)).toBeUndefined();
    });

    it("replaces a document written again (an ingest retry) instead of adding one", async () => {
      const catalog = await makeCatalog();
      const first = doc({ status: "ingesting", chunks: 0 });
      await catalog.putDocument(first);
      await catalog.putDocument({ ...first, status: "ready", chunks: 42 });
      const { documents } = await catalog.listDocuments("alice", { limit: 10 });
      expect(documents).toHaveLength(1);
      expect(documents[0]).toMatchObject({ status: "ready", chunks: 42 });
    });

    it("lists newest first across pages without skipping or repeating", async () => {
      const catalog = await makeCatalog();
      const owner = randomUUID();
      const t = Date.now();
      const docs = Array.from({ length: 7 }, (_, i) => doc({ owner, createdAt: t + (i % 3) }));
      for (const d of docs) await catalog.putDocument(d);
      const seen: DocumentRecord[] = [];
      let cursor: string | undefined;
      do {
        const page = await catalog.listDocuments(owner, { limit: 3, cursor });
        expect(page.documents.length).toBeLessThanOrEqual(3);
        seen.push(...page.documents);
        cursor = page.cursor;
      } while (cursor);
      expect(seen.map((d) => d.documentId).sort()).toEqual(docs.map((d) => d.documentId).sort());
      expect(seen.map((d) => d.createdAt)).toEqual([...seen.map((d) => d.createdAt)].sort((a, b) => b - a));
    });
  });
}
