import type { DocumentPage, DocumentRecord } from "../ports";

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
