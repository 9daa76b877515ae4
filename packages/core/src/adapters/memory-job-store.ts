import { JobNotFoundError, StaleAttemptError, TransitionRejectedError } from "../errors";
import { decodeCursor, encodeCursor, isAfter } from "../jobs/cursor";
import { applyPatch, isTerminal, newJobRecord, patchFor, type JobRecord, type NewJob } from "../jobs/job";
import type { JobEvent, JobEventDraft } from "../protocol";
import type { AppendOptions, JobPage, JobStore } from "../ports";

/** In-process `JobStore` for unit tests; the reference the other adapters are held to. */
export class MemoryJobStore implements JobStore {
  #jobs = new Map<string, JobRecord>();
  #logs = new Map<string, JobEvent[]>();
  #idempotency = new Map<string, string>();

  constructor(private readonly now: () => number = Date.now) {}

  async create(job: NewJob) {
    if (job.idempotencyKey) {
      const existingId = this.#idempotency.get(`${job.owner}\u0000${job.idempotencyKey}`);
      const existing = existingId ? this.#live(existingId) : undefined;
      if (existing) return { job: structuredClone(existing), created: false };
    }
    const record = newJobRecord(job);
    this.#jobs.set(job.jobId, record);
    this.#logs.set(job.jobId, []);
    if (job.idempotencyKey) this.#idempotency.set(`${job.owner}\u0000${job.idempotencyKey}`, job.jobId);
    return { job: structuredClone(record), created: true };
  }

  async get(jobId: string) {
    const job = this.#live(jobId);
    return job && structuredClone(job);
  }

  async control(jobId: string) {
    const job = this.#live(jobId);
    return job && { status: job.status, attempts: job.attempts, cancelRequested: job.cancelRequested };
  }

  async listByOwner(owner: string, page: { limit: number; cursor?: string }): Promise<JobPage> {
    const after = page.cursor ? decodeCursor(page.cursor) : undefined;
    const mine = [...this.#jobs.values()]
      .filter((j) => j.owner === owner && this.#live(j.jobId))
      .sort((a, b) => b.createdAt - a.createdAt || (a.jobId < b.jobId ? 1 : -1))
      .filter((j) => !after || isAfter(j, after));
    const jobs = mine.slice(0, page.limit).map((j) => structuredClone(j));
    const last = jobs.at(-1);
    return { jobs, cursor: mine.length > page.limit && last ? encodeCursor(last) : undefined };
  }

  async append(jobId: string, draft: JobEventDraft, options: AppendOptions = {}) {
    const job = this.#live(jobId);
    if (!job) throw new JobNotFoundError(jobId);
    if (options.expect && !options.expect.includes(job.status)) {
      throw new TransitionRejectedError(jobId, job.status, draft.type);
    }
    if (options.attempt !== undefined && options.attempt !== job.attempts) {
      throw new StaleAttemptError(jobId, options.attempt);
    }
    const now = this.now();
    const event = { ...draft, seq: job.lastSeq + 1, timestamp: now } as JobEvent;
    const next = { ...applyPatch(job, patchFor(draft), now), lastSeq: event.seq };
    this.#jobs.set(jobId, next);
    this.#logs.get(jobId)!.push(structuredClone(event));
    return event;
  }

  async events(jobId: string, afterSeq: number, limit = 1000) {
    if (!this.#live(jobId)) throw new JobNotFoundError(jobId);
    return structuredClone(this.#logs.get(jobId)!.filter((e) => e.seq > afterSeq).slice(0, limit));
  }

  async beginAttempt(jobId: string, options: { resume: boolean; now: number }) {
    const job = this.#live(jobId);
    if (!job) throw new JobNotFoundError(jobId);
    if (isTerminal(job.status)) throw new TransitionRejectedError(jobId, job.status, "processing");
    const next: JobRecord = {
      ...job,
      status: "processing",
      attempts: options.resume ? Math.max(job.attempts, 1) : job.attempts + 1,
      updatedAt: options.now,
    };
    this.#jobs.set(jobId, next);
    return structuredClone(next);
  }

  async saveCheckpoint(jobId: string, attempt: number, checkpoint: unknown) {
    const job = this.#live(jobId);
    if (!job) throw new JobNotFoundError(jobId);
    if (job.attempts !== attempt) throw new StaleAttemptError(jobId, attempt);
    this.#jobs.set(jobId, { ...job, checkpoint: structuredClone(checkpoint), updatedAt: this.now() });
  }

  async requestCancel(jobId: string) {
    const job = this.#live(jobId);
    if (!job) return undefined;
    const next = { ...job, cancelRequested: true, updatedAt: this.now() };
    this.#jobs.set(jobId, next);
    return structuredClone(next);
  }

  #live(jobId: string): JobRecord | undefined {
    const job = this.#jobs.get(jobId);
    if (job && job.expiresAt * 1000 <= this.now()) {
      this.#jobs.delete(jobId);
      this.#logs.delete(jobId);
      return undefined;
    }
    return job;
  }
}
