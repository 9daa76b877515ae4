import { Coalescer } from "./coalescer";
import type { JobRecord } from "./job";
import type { ProgressReport } from "./kinds";
import type { EventPublisher } from "./publisher";

export interface ReporterOptions {
  /** Progress frames per second per job, at most. */
  progressPerSecond: number;
  /** Minimum spacing of `job_output` frames (and of progress frames). */
  outputIntervalMs: number;
}

/**
 * A running attempt's voice: progress (never decreasing, ≤ N frames a second) and
 * streamed output (frames ≥ 50 ms apart), each written to the job's log under the
 * attempt's fence and then posted to the owner.
 */
export class JobReporter {
  readonly #progress: Coalescer<Required<ProgressReport>>;
  readonly #output: Coalescer<string>;
  #state: Required<ProgressReport>;

  constructor(
    publisher: EventPublisher,
    job: JobRecord,
    options: ReporterOptions,
    /** Called when a write fails, e.g. because a newer attempt took over. */
    onWriteError: (error: unknown) => void,
  ) {
    const fence = { attempt: job.attempts };
    this.#state = {
      progress: Math.max(job.progress, 5),
      stage: job.stage && job.stage !== "queued" ? job.stage : "starting",
      message: job.message,
    };
    this.#progress = new Coalescer({
      limit: options.progressPerSecond,
      windowMs: 1000,
      minGapMs: options.outputIntervalMs,
      merge: (_, next) => next,
      emit: (p) => publisher.publish(job.owner, { type: "progress_update", jobId: job.jobId, status: "processing", ...p }, fence).then(() => {}),
      onError: onWriteError,
    });
    this.#output = new Coalescer<string>({
      limit: 1,
      windowMs: options.outputIntervalMs,
      merge: (previous, next) => (previous ?? "") + next,
      emit: (delta) => publisher.publish(job.owner, { type: "job_output", jobId: job.jobId, delta }, fence).then(() => {}),
      onError: onWriteError,
    });
  }

  /** The last reported state: what a `retrying` update repeats. */
  get state(): Readonly<Required<ProgressReport>> {
    return this.#state;
  }

  progress(report: ProgressReport): void {
    this.#state = {
      progress: Math.min(100, Math.max(this.#state.progress, report.progress ?? this.#state.progress)),
      stage: report.stage ?? this.#state.stage,
      message: report.message ?? this.#state.message,
    };
    this.#progress.push(this.#state);
  }

  output(delta: string): void {
    if (delta) this.#output.push(delta);
  }

  /** Sends what is pending; done before any terminal event so nothing arrives after it. */
  async flush(): Promise<void> {
    await Promise.all([this.#output.flush(), this.#progress.flush()]);
  }

  close(): void {
    this.#progress.close();
    this.#output.close();
  }
}
