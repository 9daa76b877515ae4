import type { z } from "zod";
import type { Logger } from "../ports";

/** One progress report from a handler; omitted fields keep their last value. */
export interface ProgressReport {
  stage?: string;
  message?: string;
  /** 0–100; lower values than the last one are raised to it (progress never goes back). */
  progress?: number;
}

/** What `runJob` hands a job handler. */
export interface JobContext<Checkpoint = unknown> {
  jobId: string;
  owner: string;
  /** 1 for the first attempt; a resume after a deadline keeps the number. */
  attempt: number;
  /** True when this run continues a run that handed over before its deadline. */
  resumed: boolean;
  /** Fires on cancel and shortly before the worker's deadline; `signal.reason` says which. */
  signal: AbortSignal;
  /** Coalesced to a few frames per second; the latest state always goes out. */
  progress(report: ProgressReport): void;
  /** Streams text to clients as `job_output` frames batched ≥ 50 ms apart. */
  output(delta: string): void;
  /** The last checkpoint saved by any attempt of this job. */
  checkpoint: Checkpoint | undefined;
  /** Saves a resume point; a later attempt or a resumed run starts from it. */
  saveCheckpoint(value: Checkpoint): Promise<void>;
  logger: Logger;
}

/**
 * A kind of job: its input schema, the queue its messages go to and its handler.
 * Handlers throw `NonRetryableJobError` for failures retrying cannot fix; any other
 * error is retried with backoff up to the attempt limit.
 */
export interface JobKind<Input = unknown, Output = unknown, Checkpoint = unknown> {
  name: string;
  /** Queue (and so worker pool) that runs this kind: `ingest` or `analysis`. */
  queue: string;
  input: z.ZodType<Input, unknown>;
  /** What `job_queued.message` says. */
  describe?(input: Input): string;
  run(input: Input, context: JobContext<Checkpoint>): Promise<Output>;
}

/** Identity helper that keeps the handler's types tied to its schema. */
export function defineJobKind<Input, Output, Checkpoint = unknown>(
  kind: JobKind<Input, Output, Checkpoint>,
): JobKind<Input, Output, Checkpoint> {
  return kind;
}

/** The kinds a deployment runs; `submit_job` refuses any other. */
export class JobKindRegistry {
  readonly #kinds = new Map<string, JobKind>();

  constructor(kinds: Array<JobKind<any, any, any>> = []) {
    for (const k of kinds) this.register(k);
  }

  register(kind: JobKind<any, any, any>): this {
    if (this.#kinds.has(kind.name)) throw new Error(`job kind ${kind.name} registered twice`);
    this.#kinds.set(kind.name, kind as JobKind);
    return this;
  }

  get(name: string): JobKind | undefined {
    return this.#kinds.get(name);
  }

  names(): string[] {
    return [...this.#kinds.keys()].sort();
  }

  queues(): string[] {
    return [...new Set([...this.#kinds.values()].map((k) => k.queue))].sort();
  }
}
