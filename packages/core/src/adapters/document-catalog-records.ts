import { z } from "zod";
import type { DocumentPage, DocumentRecord, UploadRecord } from "../ports";

/** What catalog adapters read back from their store, checked before it is trusted. */
export const UploadRecordSchema: z.ZodType<UploadRecord> = z.object({
  uploadId: z.string(),
  owner: z.string(),
  key: z.string(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number(),
  createdAt: z.number(),
  expiresAt: z.number(),
});

export const DocumentRecordSchema: z.ZodType<DocumentRecord> = z.object({
  documentId: z.string(),
  owner: z.string(),
  uploadId: z.string(),
  filename: z.string(),
  key: z.string().optional(),
  title: z.string().optional(),
  status: z.enum(["ingesting", "ready", "failed"]),
  pages: z.number(),
  chunks: z.number(),
  embedder: z.string(),
  jobId: z.string().optional(),
  createdAt: z.number(),
  updatedAt: z.number(),
});

/**
 * One page of an owner's documents, newest first. A user has tens or hundreds of
 * documents, not millions, so adapters load the owner's set and page by offset;
 * ties on `createdAt` are broken by id so pages never skip or repeat.
 */
export function pageDocuments(all: DocumentRecord[], page: { limit: number; cursor?: string }): DocumentPage {
  const sorted = all.sort((a, b) => b.createdAt - a.createdAt || (a.documentId < b.documentId ? -1 : 1));
  const offset = page.cursor ? Number.parseInt(Buffer.from(page.cursor, "base64url").toString(), 10) || 0 : 0;
  const documents = sorted.slice(offset, offset + page.limit);
  const next = offset + documents.length;
  return { documents, cursor: next < sorted.length ? Buffer.from(String(next)).toString("base64url") : undefined };
}
