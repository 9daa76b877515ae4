import type { DocumentCatalog, Embedder, VectorFilter, VectorIndex, VectorMatch, VectorMetadata, VectorRecord } from "../ports";

/**
 * Test support for `rag/`: a brute-force `VectorIndex` in memory that understands the
 * filters `rag_query` sends (`$eq`, `$in`, `$and`, bare values) and records each
 * query, plus a helper that stores a document the way `ingest_pdf` does. The real
 * index (the S3 Vectors emulator) is exercised end to end in `packages/local`.
 */
export class BruteForceIndex implements VectorIndex {
  readonly records = new Map<string, VectorRecord>();
  readonly queries: Array<{ topK: number; filter?: VectorFilter }> = [];

  async put(records: readonly VectorRecord[]) {
    for (const r of records) this.records.set(r.key, r);
  }

  async query(request: { vector: Float32Array; topK: number; filter?: VectorFilter; returnMetadata?: boolean }): Promise<VectorMatch[]> {
    this.queries.push({ topK: request.topK, filter: request.filter });
    return [...this.records.values()]
      .filter((r) => !request.filter || matches(r.metadata, request.filter))
      .map((r) => ({ key: r.key, distance: 1 - dot(r.vector, request.vector), ...(request.returnMetadata ? { metadata: r.metadata } : {}) }))
      .sort((a, b) => a.distance - b.distance)
      .slice(0, request.topK);
  }

  async delete(keys: readonly string[]) {
    for (const k of keys) this.records.delete(k);
  }

  async get(keys: readonly string[]) {
    return keys.flatMap((key) => {
      const r = this.records.get(key);
      return r ? [{ key, metadata: r.metadata }] : [];
    });
  }
}

function matches(metadata: VectorMetadata, filter: VectorFilter): boolean {
  return Object.entries(filter).every(([key, condition]) => {
    if (key === "$and") return (condition as VectorFilter[]).every((f) => matches(metadata, f));
    if (key === "$or") return (condition as VectorFilter[]).some((f) => matches(metadata, f));
    const value = metadata[key];
    if (condition && typeof condition === "object" && !Array.isArray(condition)) {
      const [op, operand] = Object.entries(condition as Record<string, unknown>)[0] ?? [];
      if (op === "$eq") return value === operand;
      if (op === "$in") return (operand as unknown[]).includes(value);
      throw new Error(`BruteForceIndex: operator ${op} not supported`);
    }
    return value === condition;
  });
}

const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);

/** Stores a ready document whose page `p` (1-based) holds the chunks `pages[p-1]`, as ingestion would. */
export async function seedDocument(
  parts: { catalog: DocumentCatalog; vectors: VectorIndex; embedder: Embedder },
  doc: { owner: string; documentId: string; filename: string; title?: string; pages: string[][]; embedder?: string },
): Promise<void> {
  const chunks = doc.pages.flatMap((texts, i) => texts.map((text) => ({ page: i + 1, text })));
  const vectors = await parts.embedder.embed(chunks.map((c) => c.text));
  await parts.vectors.put(
    chunks.map((c, i) => ({
      key: `${doc.documentId}#${i}`,
      vector: vectors[i]!,
      metadata: { documentId: doc.documentId, owner: doc.owner, page: c.page, chunk: i, text: c.text },
    })),
  );
  const now = Date.now();
  await parts.catalog.putDocument({
    documentId: doc.documentId,
    owner: doc.owner,
    uploadId: doc.documentId,
    filename: doc.filename,
    title: doc.title,
    status: "ready",
    pages: doc.pages.length,
    chunks: chunks.length,
    embedder: doc.embedder ?? parts.embedder.id,
    createdAt: now,
    updatedAt: now,
  });
}
