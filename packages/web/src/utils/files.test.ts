import { describe, expect, it } from "vitest";
import type { UploadItem } from "../services/uploads";
import { formatBytes, MAX_UPLOAD_BYTES, parseIngestResult, plural, stageLabel, uploadProblem, uploadStatusText } from "./files";

const item = (patch: Partial<UploadItem>): UploadItem => ({
  id: "u1",
  filename: "a.pdf",
  size: 2 * 1024 * 1024,
  phase: "waiting",
  sent: 0,
  jobId: undefined,
  progress: 0,
  stage: undefined,
  message: undefined,
  retrying: false,
  queuePosition: undefined,
  result: undefined,
  error: undefined,
  ...patch,
});

describe("files", () => {
  it("accepts PDFs up to the limit and says why it refuses the rest", () => {
    expect(uploadProblem({ name: "a.pdf", type: "application/pdf", size: 10 })).toBeUndefined();
    expect(uploadProblem({ name: "A.PDF", type: "", size: 10 })).toBeUndefined();
    expect(uploadProblem({ name: "a.pdf", type: "application/pdf", size: MAX_UPLOAD_BYTES })).toBeUndefined();
    expect(uploadProblem({ name: "notes.txt", type: "text/plain", size: 10 })).toBe("notes.txt is not a PDF (text/plain); only PDF files can be added.");
    expect(uploadProblem({ name: "scan", type: "", size: 10 })).toBe("scan is not a PDF (unknown type); only PDF files can be added.");
    expect(uploadProblem({ name: "big.pdf", type: "application/pdf", size: MAX_UPLOAD_BYTES + 1 })).toBe("big.pdf is 50 MB; the limit is 50 MB.");
    expect(uploadProblem({ name: "big.pdf", type: "application/pdf", size: 60 * 1024 * 1024 })).toBe("big.pdf is 60 MB; the limit is 50 MB.");
    // Empty files are the server's call (it answers bad_request with its own words).
    expect(uploadProblem({ name: "empty.pdf", type: "application/pdf", size: 0 })).toBeUndefined();
  });

  it("formats sizes and counts", () => {
    expect(formatBytes(0)).toBe("0 bytes");
    expect(formatBytes(1)).toBe("1 byte");
    expect(formatBytes(2048)).toBe("2 KB");
    expect(formatBytes(3.4 * 1024 * 1024)).toBe("3.4 MB");
    expect(formatBytes(12.6 * 1024 * 1024)).toBe("13 MB");
    expect(plural(1, "page")).toBe("1 page");
    expect(plural(1200, "chunk")).toBe(`${(1200).toLocaleString()} chunks`);
  });

  it("reads an ingest_pdf result, and nothing else", () => {
    expect(parseIngestResult({ documentId: "d", pages: 3, chunks: 4, skippedPages: [2], warnings: ["w"], title: " " })).toEqual({
      documentId: "d",
      title: undefined,
      pages: 3,
      chunks: 4,
      skippedPages: [2],
      warnings: ["w"],
    });
    expect(parseIngestResult({ documentId: "d", pages: 3, chunks: 4, skippedPages: [2, "x"], warnings: [] })).toBeUndefined();
    expect(parseIngestResult({ steps: 3 })).toBeUndefined();
    expect(parseIngestResult("done")).toBeUndefined();
  });

  it("says where an upload is", () => {
    expect(uploadStatusText(item({ phase: "uploading", sent: 1024 * 1024 }))).toBe("Uploading: 50% (1 MB of 2 MB)");
    expect(uploadStatusText(item({ phase: "queued", queuePosition: 2 }))).toBe("Uploaded; queued for ingestion (#2)");
    expect(uploadStatusText(item({ phase: "ingesting", stage: "extracting", message: "Page 3 of 10" }))).toBe("Extracting text: Page 3 of 10");
    expect(uploadStatusText(item({ phase: "ingesting", stage: "ocr", message: "Reading" }))).toBe("ocr: Reading");
    expect(uploadStatusText(item({ phase: "ready", result: { documentId: "d", pages: 1, chunks: 2, skippedPages: [], warnings: [] } }))).toBe(
      "Ready: 1 page, 2 chunks",
    );
    expect(uploadStatusText(item({ phase: "failed", error: "The PDF is password-protected." }))).toBe("The PDF is password-protected.");
    expect(stageLabel(undefined)).toBeUndefined();
  });
});
