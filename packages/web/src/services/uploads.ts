import type { FerryClient, JobState, UploadableFile } from "@ferry/core/client";
import { parseIngestResult, type IngestResult } from "../utils/files";

/**
 * Where one file is on its way to becoming a document:
 * `waiting` (for an upload slot) → `uploading` (PUT to storage, then `submit_job`)
 * → `queued` → `ingesting` → `ready` | `failed` | `cancelled`.
 */
export type UploadPhase = "waiting" | "uploading" | "queued" | "ingesting" | "ready" | "failed" | "cancelled";

export const finishedPhases: readonly UploadPhase[] = ["ready", "failed", "cancelled"];

/** One file added by the user. Immutable: every change makes a new object. */
export interface UploadItem {
  /** Local id; the file has no server id until its upload is accepted. */
  readonly id: string;
  readonly filename: string;
  readonly size: number;
  readonly phase: UploadPhase;
  /** Bytes sent to storage so far. */
  readonly sent: number;
  /** The `ingest_pdf` job, once submitted. */
  readonly jobId: string | undefined;
  /** The job's progress (0–100), stage and message. */
  readonly progress: number;
  readonly stage: string | undefined;
  readonly message: string | undefined;
  /** The last attempt failed and the job will try again. */
  readonly retrying: boolean;
  readonly queuePosition: number | undefined;
  readonly result: IngestResult | undefined;
  /** Why it failed, in the server's (or storage's) words. */
  readonly error: string | undefined;
}

/** The part of {@link FerryClient} the queue uses. */
export type UploadClient = Pick<FerryClient, "uploadFile" | "submitJob" | "cancelJob" | "onJob">;

const PHASE_OF_STATUS: Record<JobState["status"], UploadPhase> = {
  queued: "queued",
  processing: "ingesting",
  completed: "ready",
  failed: "failed",
  cancelled: "cancelled",
};

/**
 * The files the user added this session and what became of them. Uploads run a
 * few at a time; each accepted upload is submitted as an `ingest_pdf` job whose
 * events the queue follows through the client. Framework-free: React reads it
 * with `useSyncExternalStore` (see `hooks/useUploads.ts`).
 */
export class UploadQueue {
  #items: readonly UploadItem[] = [];
  /** Files not yet started, oldest first. */
  #waiting: Array<{ id: string; file: UploadableFile }> = [];
  readonly #controllers = new Map<string, AbortController>();
  readonly #listeners = new Set<() => void>();
  readonly #phaseListeners = new Set<(item: UploadItem) => void>();
  readonly #concurrency: number;
  #active = 0;
  #count = 0;

  constructor(
    private readonly client: UploadClient,
    options: { concurrency?: number } = {},
  ) {
    this.#concurrency = Math.max(1, options.concurrency ?? 2);
  }

  /** Every item, the latest batch first; the same array until something changes. */
  get items(): readonly UploadItem[] {
    return this.#items;
  }

  /** True while a file is waiting or being sent: leaving the page would lose it. */
  get busy(): boolean {
    return this.#items.some((item) => item.phase === "waiting" || item.phase === "uploading");
  }

  /** Calls `listener` after every change (for `useSyncExternalStore`). */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /** Calls `listener` each time an item moves to another phase (for announcements). */
  onPhase(listener: (item: UploadItem) => void): () => void {
    this.#phaseListeners.add(listener);
    return () => void this.#phaseListeners.delete(listener);
  }

  /**
   * Follows the client's job events; returns the detach function, which also
   * aborts uploads in progress. Separate from the constructor so that React can
   * attach and detach it from an effect.
   */
  attach(): () => void {
    const off = this.client.onJob((job) => this.#onJob(job));
    return () => {
      off();
      for (const controller of this.#controllers.values()) controller.abort(new DOMException("The page was closed.", "AbortError"));
    };
  }

  /** Adds files; they upload in order, a few at a time. Returns the new items. */
  add(files: readonly UploadableFile[]): UploadItem[] {
    const added = files.map(
      (file): UploadItem => ({
        id: `u${++this.#count}`,
        filename: file.name,
        size: file.size,
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
      }),
    );
    this.#waiting.push(...added.map((item, i) => ({ id: item.id, file: files[i]! })));
    // A new batch goes on top, in the order the files were chosen.
    this.#items = [...added, ...this.#items];
    this.#emit();
    for (const item of added) this.#phaseListeners.forEach((l) => l(item));
    this.#pump();
    return added;
  }

  /** Stops an upload, or asks the server to cancel the ingest job. */
  async cancel(id: string): Promise<void> {
    const item = this.#find(id);
    if (!item || finishedPhases.includes(item.phase)) return;
    if (item.jobId) {
      await this.client.cancelJob(item.jobId);
      return;
    }
    const controller = this.#controllers.get(id);
    if (controller) return controller.abort(new DOMException("Cancelled.", "AbortError"));
    this.#waiting = this.#waiting.filter((w) => w.id !== id);
    this.#update(id, { phase: "cancelled" });
  }

  /** Removes a finished item from the list. */
  dismiss(id: string): void {
    const item = this.#find(id);
    if (!item || !finishedPhases.includes(item.phase)) return;
    this.#items = this.#items.filter((i) => i.id !== id);
    this.#emit();
  }

  #pump(): void {
    while (this.#active < this.#concurrency && this.#waiting.length > 0) {
      const next = this.#waiting.shift()!;
      this.#active++;
      void this.#run(next.id, next.file).finally(() => {
        this.#active--;
        this.#pump();
      });
    }
  }

  async #run(id: string, file: UploadableFile): Promise<void> {
    const controller = new AbortController();
    this.#controllers.set(id, controller);
    this.#update(id, { phase: "uploading", sent: 0 });
    try {
      const uploadId = await this.client.uploadFile(file, {
        signal: controller.signal,
        onProgress: ({ loaded }) => this.#update(id, { sent: loaded }),
      });
      controller.signal.throwIfAborted();
      // Keyed by upload: re-sent after a reconnect, the submit still makes one job.
      const { jobId, job } = await this.client.submitJob("ingest_pdf", { uploadId }, { idempotencyKey: `ingest_pdf:${uploadId}` });
      this.#update(id, { jobId, sent: file.size });
      this.#onJob(job);
    } catch (error) {
      if (controller.signal.aborted) this.#update(id, { phase: "cancelled" });
      else this.#update(id, { phase: "failed", error: error instanceof Error ? error.message : String(error) });
    } finally {
      this.#controllers.delete(id);
    }
  }

  #onJob(job: JobState): void {
    const item = this.#items.find((i) => i.jobId === job.jobId);
    if (!item) return;
    const result = job.status === "completed" ? parseIngestResult(job.result) : undefined;
    this.#update(item.id, {
      phase: PHASE_OF_STATUS[job.status],
      progress: job.progress,
      stage: job.stage,
      message: job.message,
      retrying: job.retrying,
      queuePosition: job.queuePosition,
      result,
      error: job.status === "failed" ? (job.error ?? "The document could not be ingested.") : undefined,
    });
  }

  #find(id: string): UploadItem | undefined {
    return this.#items.find((i) => i.id === id);
  }

  #update(id: string, patch: Partial<UploadItem>): void {
    const before = this.#find(id);
    if (!before) return;
    // A late event must not move a finished item back (e.g. progress after a cancel).
    if (finishedPhases.includes(before.phase) && patch.phase !== undefined && patch.phase !== before.phase) return;
    const keys = Object.keys(patch) as Array<keyof UploadItem>;
    if (keys.every((key) => patch[key] === before[key])) return;
    const after = { ...before, ...patch };
    this.#items = this.#items.map((i) => (i.id === id ? after : i));
    this.#emit();
    if (after.phase !== before.phase) this.#phaseListeners.forEach((l) => l(after));
  }

  #emit(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}
