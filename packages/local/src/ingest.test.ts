import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HashingEmbedder } from "@ferry/core/adapters/hashing-embedder";
import { S3VectorsIndex } from "@ferry/core/adapters/s3vectors-index";
import { S3BlobStore } from "@ferry/core/adapters/s3-blob-store";
import { chunkKeys, documentKey, uploadKey } from "@ferry/core/ingest";
import { IngestPdfResult } from "@ferry/core/protocol";
import { documentHeading, headedChunk } from "@ferry/core/rag";
import { S3RVER_CREDENTIALS } from "@ferry/core/testing/s3rver";
import { makePdf } from "@ferry/core/testing/pdf-fixtures";
import { startStack, type Stack } from "./stack";
import { HAS_SHARED_PDFS, NO_SHARED_PDFS, PDF_DIR, readGroundTruth } from "./testing/manifest";
import { ingest, upload, uploadAndIngest, type IngestOutcome } from "./testing/documents";
import { TestClient } from "./testing/test-client";

/**
 * `ingest_pdf` end to end through the offline stack: browser-style upload to s3rver,
 * a worker process running pdf.js, the offline embedder and the S3 Vectors emulator.
 */
let stack: Stack;
let index: S3VectorsIndex;
beforeAll(async () => {
  stack = await startStack({
    dir: mkdtempSync(join(tmpdir(), "ferry-ingest-")),
    workers: 1,
    workerEnv: { FERRY_WORKER_LOCK_MS: "2000", FERRY_WORKER_STALLED_MS: "1000" },
  });
  index = new S3VectorsIndex({ vectorBucketName: "ferry-vectors", indexName: "chunks", client: { endpoint: stack.outputs.s3VectorsUrl, region: "us-east-1" } });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const connect = async (user: string) => TestClient.open(stack.outputs.websocketUrl, await stack.token(user));
const pdf = (name: string) => readFileSync(join(PDF_DIR, name));

/** What each shared PDF must do (MANIFEST.md §2); any other file is only required not to crash. */
const expected: Record<string, { pages: number; skipped?: number[]; noisy?: true } | { fails: RegExp }> = {
  "tracemonkey.pdf": { pages: 14 },
  "pdkids.pdf": { pages: 55 },
  "freeculture.pdf": { pages: 352, skipped: [1] },
  "google-doc-document.pdf": { pages: 1 },
  "bug1997343.pdf": { pages: 2 },
  // Body pages whose fonts have no Unicode map extract as symbol noise (MANIFEST): skipped, named.
  "TAMReview.pdf": { pages: 23, noisy: true },
  "issue16063.pdf": { pages: 1 },
  "habibi.pdf": { pages: 1 },
  "copy_paste_ligatures.pdf": { pages: 1 },
  "issue5421.pdf": { pages: 1 },
  // A bad OCR layer (Cyrillic read as Latin look-alikes).
  "issue12963.pdf": { pages: 8, noisy: true },
  "Brotli-Prototype-FileA.pdf": { pages: 25 },
  "bug1815476.pdf": { pages: 1 },
  "c02-22.pdf": { pages: 1, skipped: [1] },
  "pr6531_1.pdf": { fails: /password-protected/i },
  "bug1020226.pdf": { fails: /damaged|truncated|cannot be read/i },
  "TAMReview_truncated_400KiB.pdf": { fails: /truncated/i },
  "c-empty.pdf": { fails: /no pages/i },
};

describe.skipIf(!HAS_SHARED_PDFS)(`ingest_pdf on the shared PDFs ${HAS_SHARED_PDFS ? "" : NO_SHARED_PDFS}`, () => {
  const outcomes = new Map<string, IngestOutcome>();

  it("ingests every manifest PDF with the right outcome: pages, chunks in the index, clear failures", async () => {
    const client = await connect("alice");
    for (const [file, want] of Object.entries(expected)) {
      const outcome = await uploadAndIngest(client, pdf(file), file);
      outcomes.set(file, outcome);
      const { terminal } = outcome;
      if ("fails" in want) {
        expect(terminal, file).toMatchObject({ type: "job_failed", code: "invalid_input" });
        expect(terminal.error, file).toMatch(want.fails);
        continue;
      }
      expect(terminal.type, `${file}: ${terminal.error}`).toBe("job_completed");
      const result = terminal.result as { documentId: string; pages: number; chunks: number; skippedPages: number[]; warnings: string[] };
      expect(result.pages, file).toBe(want.pages);
      if (want.noisy) {
        expect(result.skippedPages.length, file).toBeGreaterThan(0);
        expect(result.warnings.join(" "), file).toMatch(/reads as noise/);
      } else {
        expect(result.skippedPages, file).toEqual(want.skipped ?? []);
      }
      if (want.skipped?.length) expect(result.warnings.join(" "), file).toMatch(/text layer/);
      const indexedPages = want.pages - result.skippedPages.length;
      expect(result.chunks, file).toBeGreaterThanOrEqual(indexedPages);
      if (file === "TAMReview.pdf") {
        // Its first and last pages are clean text and must stay in.
        expect(result.skippedPages).not.toContain(1);
        expect(result.skippedPages).not.toContain(23);
      }
      // Every chunk the result counts is in the index, and none beyond.
      const stored = await index.get(chunkKeys(result.documentId, result.chunks + 5));
      expect(stored.length, file).toBe(result.chunks);
      // Progress went forward stage by stage.
      const progress = outcome.events.filter((e) => e.type === "progress_update").map((e) => e.progress as number);
      expect(progress, file).toEqual([...progress].sort((a, b) => a - b));
    }
    client.send({ action: "list_documents", requestId: "list", limit: 100 });
    const list = await client.next((f) => f.requestId === "list");
    const byFile = Object.fromEntries((list.documents as Array<{ filename: string; status: string }>).map((d) => [d.filename, d.status]));
    expect(byFile["tracemonkey.pdf"]).toBe("ready");
    expect(byFile["pr6531_1.pdf"]).toBe("failed");
    await client.close();
  }, 300_000);

  it("finds each ground-truth sentence on its page among the top 5 chunks (offline embedder)", async () => {
    const embedder = new HashingEmbedder();
    const misses: string[] = [];
    for (const truth of readGroundTruth()) {
      const documentId = (outcomes.get(truth.file)?.terminal.result as { documentId: string } | undefined)?.documentId;
      expect(documentId, truth.file).toBeDefined();
      const [vector] = await embedder.embed([truth.quote]);
      const hits = await index.query({ vector: vector!, topK: 5, filter: { owner: "alice" }, returnMetadata: true });
      const found = hits.some((h) => h.metadata?.documentId === documentId && h.metadata?.page === truth.page);
      if (!found) misses.push(`${truth.file} p.${truth.page}: ${truth.quote} → ${hits.map((h) => `${h.metadata?.page}`).join(",")}`);
    }
    expect(misses).toEqual([]);
  });

  it("embeds each chunk under its document's name, and stores and quotes the page's own text", async () => {
    const embedder = new HashingEmbedder();
    const result = IngestPdfResult.parse(outcomes.get("google-doc-document.pdf")!.terminal.result);
    const heading = documentHeading({ title: result.title, filename: "google-doc-document.pdf" });
    const [chunk] = await index.get(chunkKeys(result.documentId, 1));
    const text = String(chunk!.metadata!.text);
    expect(text.startsWith(heading)).toBe(false);
    const [headed, plain] = await embedder.embed([headedChunk(heading, text), text]);
    const nearest = async (vector: Float32Array) => (await index.query({ vector, topK: 1, filter: { owner: "alice", documentId: result.documentId } }))[0]!;
    expect(await nearest(headed!)).toMatchObject({ key: chunk!.key, distance: expect.closeTo(0, 5) });
    expect((await nearest(plain!)).distance).toBeGreaterThan(1e-3);
  });

  it("resumes a worker killed mid-ingest from its checkpoint, leaving exactly what a clean ingest leaves", async () => {
    const client = await connect("carol");
    const bytes = pdf("freeculture.pdf");
    const uploadId = await upload(client, bytes, "freeculture.pdf");
    client.send({ action: "submit_job", requestId: "kill", kind: "ingest_pdf", input: { uploadId } });
    const jobId = (await client.next((f) => f.requestId === "kill")).jobId as string;
    await client.next((f) => f.jobId === jobId && f.type === "progress_update" && f.progress >= 30, 120_000);
    const victim = stack.workers[0]!;
    victim.process.kill("SIGKILL");
    await victim.exited;
    await stack.startWorker();
    const done = await client.next((f) => f.jobId === jobId && (f.type === "job_completed" || f.type === "job_failed"), 180_000);
    expect(done.type, done.error).toBe("job_completed");
    expect(client.ofJob(jobId).some((e) => e.stage === "resume")).toBe(true);

    const clean = await uploadAndIngest(client, bytes, "freeculture.pdf", 180_000);
    const a = done.result as { documentId: string; chunks: number };
    const b = clean.terminal.result as { documentId: string; chunks: number };
    expect(a.chunks).toBe(b.chunks);
    const stored = async (r: { documentId: string; chunks: number }) =>
      (await index.get(chunkKeys(r.documentId, r.chunks + 50)))
        .map(({ key, metadata }) => `${key.split("#")[1]}|${metadata?.page}|${metadata?.text}`)
        .sort();
    expect(await stored(a)).toEqual(await stored(b));
    await client.close();
  }, 400_000);
});

describe("documents over time", () => {
  const blobs = () =>
    new S3BlobStore({
      bucket: "ferry-uploads",
      client: { endpoint: stack.outputs.s3Url, region: "us-east-1", forcePathStyle: true, credentials: S3RVER_CREDENTIALS },
    });

  it("keeps an ingested PDF out of the expiring uploads/ folder, and ingesting it again finds it there", async () => {
    const client = await connect("gina");
    const bytes = makePdf([[{ text: "Tides follow the moon; lighthouses warn ships of the rocks.", y: 700 }], [{ text: "A second page about harbours.", y: 700 }]]);
    const first = await uploadAndIngest(client, bytes, "tides.pdf");
    const { documentId, chunks } = first.terminal.result as { documentId: string; chunks: number };
    expect(await blobs().head(uploadKey("gina", first.uploadId))).toBeUndefined();
    expect(await blobs().head(documentKey("gina", documentId))).toMatchObject({ size: bytes.byteLength });

    const again = await ingest(client, first.uploadId);
    expect(again.terminal.type, again.terminal.error).toBe("job_completed");
    expect(again.terminal.result).toMatchObject({ documentId, chunks });
    expect((await index.get(chunkKeys(documentId, chunks + 5))).length).toBe(chunks);

    client.send({ action: "delete_document", requestId: "del", documentId });
    expect(await client.next((f) => f.requestId === "del")).toMatchObject({ type: "document_deleted" });
    expect(await blobs().head(documentKey("gina", documentId))).toBeUndefined();
    await client.close();
  });

  it("shows a document whose ingest was cancelled as failed, and lets it be deleted", async () => {
    const client = await connect("hugo");
    const pages = Array.from({ length: 2000 }, (_, i) => [{ text: `Page ${i + 1} tells of harbours, tides and the keepers of lighthouses along the coast.`, y: 700 }]);
    const uploadId = await upload(client, makePdf(pages), "long.pdf");
    client.send({ action: "submit_job", requestId: "long", kind: "ingest_pdf", input: { uploadId } });
    const jobId = (await client.next((f) => f.requestId === "long")).jobId as string;
    await client.next((f) => f.jobId === jobId && f.type === "progress_update" && f.stage === "extracting", 60_000);
    client.send({ action: "cancel_job", requestId: "cancel", jobId });
    await client.next((f) => f.jobId === jobId && (f.type === "job_cancelled" || f.type === "job_completed"), 60_000);
    expect(client.ofJob(jobId).at(-1)!.type).toBe("job_cancelled");
    client.send({ action: "list_documents", requestId: "ls" });
    const list = await client.next((f) => f.requestId === "ls");
    expect(list.documents.find((d: { documentId: string }) => d.documentId === uploadId)).toMatchObject({ status: "failed" });
    client.send({ action: "delete_document", requestId: "del", documentId: uploadId });
    expect(await client.next((f) => f.requestId === "del")).toMatchObject({ type: "document_deleted" });
    await client.close();
  });
});

describe("uploads", () => {
  it("refuses empty files, other types and files over the cap when the upload is requested", async () => {
    const client = await connect("dave");
    const ask = async (frame: Record<string, unknown>) => {
      const requestId = `r${Math.random()}`;
      client.send({ action: "request_upload", requestId, ...frame });
      return client.next((f) => f.requestId === requestId);
    };
    expect(await ask({ filename: "empty.pdf", contentType: "application/pdf", size: 0 })).toMatchObject({ type: "error", code: "bad_request", message: expect.stringMatching(/empty/) });
    expect(await ask({ filename: "notes.txt", contentType: "text/plain", size: 10 })).toMatchObject({ type: "error", code: "bad_request", message: expect.stringMatching(/application\/pdf/) });
    expect(await ask({ filename: "huge.pdf", contentType: "application/pdf", size: 60 * 1024 * 1024 })).toMatchObject({
      type: "error",
      code: "payload_too_large",
      message: expect.stringMatching(/50 MB/),
    });
    await client.close();
  });

  it("fails clearly on a file that is not a PDF, and on an upload that never happened", async () => {
    const client = await connect("erin");
    const png = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
    const notPdf = await uploadAndIngest(client, png, "picture.pdf");
    expect(notPdf.terminal).toMatchObject({ type: "job_failed", code: "invalid_input" });
    expect(notPdf.terminal.error).toMatch(/not a PDF/i);

    const requestId = "never";
    client.send({ action: "request_upload", requestId, filename: "ghost.pdf", contentType: "application/pdf", size: 1000 });
    const ready = await client.next((f) => f.requestId === requestId);
    const ghost = await ingest(client, ready.uploadId);
    expect(ghost.terminal).toMatchObject({ type: "job_failed", code: "invalid_input" });
    expect(ghost.terminal.error).toMatch(/never uploaded/);
    await client.close();
  });

  it("keeps uploads and documents to their owner: another user can neither ingest, list nor delete them", async () => {
    const alice = await connect("frank");
    const mallory = await connect("mallory");
    const minimal = makePdf([[{ text: "The owner wrote this page about lighthouses and tides.", y: 700 }]]);
    const mine = await uploadAndIngest(alice, minimal, "mine.pdf");
    const documentId = (mine.terminal.result as { documentId: string }).documentId;

    const stolen = await ingest(mallory, mine.uploadId);
    expect(stolen.terminal).toMatchObject({ type: "job_failed" });
    expect(stolen.terminal.error).toMatch(/not found/);
    mallory.send({ action: "delete_document", requestId: "del", documentId });
    expect(await mallory.next((f) => f.requestId === "del")).toMatchObject({ type: "error", code: "not_found" });
    mallory.send({ action: "list_documents", requestId: "ls" });
    expect((await mallory.next((f) => f.requestId === "ls")).documents).toEqual([]);

    // The owner deletes it: its vectors go too.
    const before = await index.get(chunkKeys(documentId, 5));
    expect(before.length).toBeGreaterThan(0);
    alice.send({ action: "delete_document", requestId: "del", documentId });
    expect(await alice.next((f) => f.requestId === "del")).toMatchObject({ type: "document_deleted", documentId });
    expect(await index.get(chunkKeys(documentId, 50))).toEqual([]);
    alice.send({ action: "list_documents", requestId: "ls" });
    expect((await alice.next((f) => f.requestId === "ls")).documents.map((d: { documentId: string }) => d.documentId)).not.toContain(documentId);
    await Promise.all([alice.close(), mallory.close()]);
  });
});
