import { describe, expect, it } from "vitest";
import { ActionRejectedError, UploadFailedError, type JobState, type SubmitResult, type UploadFileOptions } from "@ferry/core/client";
import { UploadQueue, type UploadClient, type UploadPhase } from "./uploads";

const job = (patch: Partial<JobState>): JobState => ({
  jobId: "j1",
  kind: "ingest_pdf",
  status: "queued",
  retrying: false,
  progress: 5,
  stage: undefined,
  message: "Ingest a PDF",
  output: "",
  result: undefined,
  resultUrl: undefined,
  error: undefined,
  errorCode: undefined,
  attempts: 0,
  queuePosition: 1,
  createdAt: 1,
  updatedAt: 1,
  lastSeq: 1,
  terminal: false,
  pendingEvents: 0,
  ...patch,
});

const pdf = (name: string, size = 10) => Object.assign(new Blob([new Uint8Array(size)], { type: "application/pdf" }), { name });

/** A client whose uploads finish when the test says so. */
function fakeClient() {
  const listeners = new Set<(job: JobState, event: undefined) => void>();
  const uploads: Array<{ name: string; options: UploadFileOptions; resolve(id: string): void; reject(e: unknown): void }> = [];
  const submitted: unknown[] = [];
  const cancelled: string[] = [];
  let jobs = 0;
  const client: UploadClient = {
    uploadFile: (file, options = {}) =>
      new Promise<string>((resolve, reject) => {
        uploads.push({ name: file.name, options, resolve, reject });
        options.signal?.addEventListener("abort", () => reject(options.signal!.reason));
      }),
    submitJob: async (kind, input, options) => {
      submitted.push({ kind, input, idempotencyKey: options?.idempotencyKey });
      const state = job({ jobId: `j${++jobs}` });
      return { jobId: state.jobId, job: state, duplicate: false } as SubmitResult;
    },
    cancelJob: async (jobId) => {
      cancelled.push(jobId);
      return job({ jobId, status: "cancelled", terminal: true });
    },
    onJob: (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
  return { client, uploads, submitted, cancelled, emit: (state: JobState) => listeners.forEach((l) => l(state, undefined)), listeners };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe("UploadQueue", () => {
  it("uploads, submits ingest_pdf with the upload id, and follows the job to ready", async () => {
    const fake = fakeClient();
    const queue = new UploadQueue(fake.client);
    const detach = queue.attach();
    const phases: UploadPhase[] = [];
    queue.onPhase((item) => phases.push(item.phase));

    const [item] = queue.add([pdf("report.pdf", 2048)]);
    expect(queue.busy).toBe(true);
    await tick();
    fake.uploads[0]!.options.onProgress?.({ loaded: 1024, total: 2048 });
    expect(queue.items[0]).toMatchObject({ id: item!.id, phase: "uploading", sent: 1024 });

    fake.uploads[0]!.resolve("up-1");
    await tick();
    expect(fake.submitted).toEqual([{ kind: "ingest_pdf", input: { uploadId: "up-1" }, idempotencyKey: "ingest_pdf:up-1" }]);
    expect(queue.items[0]).toMatchObject({ phase: "queued", jobId: "j1", sent: 2048, queuePosition: 1 });
    expect(queue.busy).toBe(false);

    fake.emit(job({ status: "processing", stage: "extracting", message: "Page 1 of 2", progress: 52 }));
    expect(queue.items[0]).toMatchObject({ phase: "ingesting", stage: "extracting", message: "Page 1 of 2", progress: 52 });
    fake.emit(job({ jobId: "other", status: "completed" }));
    fake.emit(
      job({
        status: "completed",
        terminal: true,
        progress: 100,
        result: { documentId: "up-1", pages: 2, chunks: 3, skippedPages: [2], warnings: ["page 2 has no text layer"] },
      }),
    );
    expect(queue.items[0]).toMatchObject({
      phase: "ready",
      result: { documentId: "up-1", pages: 2, chunks: 3, skippedPages: [2], warnings: ["page 2 has no text layer"] },
    });
    expect(phases).toEqual(["waiting", "uploading", "queued", "ingesting", "ready"]);

    queue.dismiss(item!.id);
    expect(queue.items).toEqual([]);
    detach();
    expect(fake.listeners.size).toBe(0);
  });

  it("shows the server's words when the upload is refused, storage fails, or the job fails", async () => {
    const fake = fakeClient();
    const queue = new UploadQueue(fake.client, { concurrency: 3 });
    queue.attach();
    queue.add([pdf("empty.pdf", 0), pdf("late.pdf"), pdf("locked.pdf")]);
    await tick();
    expect(fake.uploads.map((u) => u.name)).toEqual(["empty.pdf", "late.pdf", "locked.pdf"]);
    fake.uploads[0]!.reject(new ActionRejectedError("bad_request", "empty.pdf is empty (0 bytes); choose a file with content", "request_upload", "r1"));
    fake.uploads[1]!.reject(new UploadFailedError("late.pdf", 403, "AccessDenied: Request has expired"));
    fake.uploads[2]!.resolve("up-3");
    await tick();
    fake.emit(job({ jobId: "j1", status: "failed", terminal: true, error: "The PDF is password-protected; it cannot be read without its password." }));
    const byName = Object.fromEntries(queue.items.map((i) => [i.filename, i]));
    expect(byName["empty.pdf"]).toMatchObject({ phase: "failed", error: "empty.pdf is empty (0 bytes); choose a file with content" });
    expect(byName["late.pdf"]).toMatchObject({ phase: "failed", error: "uploading late.pdf failed: storage answered HTTP 403 (AccessDenied: Request has expired)" });
    expect(byName["locked.pdf"]).toMatchObject({ phase: "failed", error: "The PDF is password-protected; it cannot be read without its password." });
  });

  it("runs a few uploads at a time, the latest batch shown first", async () => {
    const fake = fakeClient();
    const queue = new UploadQueue(fake.client, { concurrency: 2 });
    queue.add([pdf("a.pdf"), pdf("b.pdf"), pdf("c.pdf")]);
    await tick();
    expect(queue.items.map((i) => `${i.filename}:${i.phase}`)).toEqual(["a.pdf:uploading", "b.pdf:uploading", "c.pdf:waiting"]);
    fake.uploads[0]!.resolve("up-a");
    await tick();
    await tick();
    expect(fake.uploads.map((u) => u.name)).toEqual(["a.pdf", "b.pdf", "c.pdf"]);
    queue.add([pdf("d.pdf")]);
    expect(queue.items.map((i) => i.filename)).toEqual(["d.pdf", "a.pdf", "b.pdf", "c.pdf"]);
  });

  it("cancels a waiting file, an upload in flight, and an ingest job through the server", async () => {
    const fake = fakeClient();
    const queue = new UploadQueue(fake.client, { concurrency: 1 });
    queue.attach();
    const [first, second] = queue.add([pdf("a.pdf"), pdf("b.pdf")]);
    await tick();
    await queue.cancel(second!.id);
    expect(queue.items.find((i) => i.id === second!.id)?.phase).toBe("cancelled");
    await queue.cancel(first!.id);
    await tick();
    expect(queue.items.find((i) => i.id === first!.id)?.phase).toBe("cancelled");
    expect(fake.uploads).toHaveLength(1);

    const [third] = queue.add([pdf("c.pdf")]);
    await tick();
    fake.uploads[1]!.resolve("up-c");
    await tick();
    await queue.cancel(third!.id);
    expect(fake.cancelled).toEqual(["j1"]);
    fake.emit(job({ jobId: "j1", status: "cancelled", terminal: true }));
    fake.emit(job({ jobId: "j1", status: "processing" }));
    expect(queue.items[0]).toMatchObject({ id: third!.id, phase: "cancelled" });
  });
});
