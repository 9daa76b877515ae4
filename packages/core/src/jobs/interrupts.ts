import { isTerminal } from "./job";
import type { JobStore } from "../ports";

/** Why a run's signal fired; `signal.reason` is one of these. */
export class JobInterrupt extends Error {
  constructor(readonly reason: "cancelled" | "deadline" | "superseded") {
    super(`job interrupted: ${reason}`);
    this.name = "JobInterrupt";
  }
}

/**
 * The `AbortSignal` a running attempt hands its handler. It fires when the user
 * cancels (seen by polling the job record — the same on Lambda and BullMQ, no
 * push channel needed), when another attempt takes the job over, and shortly
 * before the worker's deadline.
 */
export class InterruptWatch {
  readonly #controller = new AbortController();
  readonly #timers: Array<ReturnType<typeof setTimeout>> = [];

  constructor(
    store: JobStore,
    jobId: string,
    attempt: number,
    options: { cancelPollMs: number; deadlineMarginMs: number; deadline?: number },
  ) {
    if (options.deadline !== undefined) {
      // Short time limits (tests, small Lambdas) still leave the job most of its time.
      const remaining = options.deadline - Date.now();
      const margin = Math.min(options.deadlineMarginMs, remaining / 4);
      this.#timers.push(setTimeout(() => this.interrupt("deadline"), Math.max(0, remaining - margin)));
    }
    const poll = setInterval(() => {
      store.control(jobId).then(
        (job) => {
          if (!job || job.cancelRequested) this.interrupt("cancelled");
          else if (job.attempts !== attempt || isTerminal(job.status)) this.interrupt("superseded");
        },
        () => {},
      );
    }, options.cancelPollMs);
    this.#timers.push(poll);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  interrupt(reason: JobInterrupt["reason"]): void {
    if (!this.#controller.signal.aborted) this.#controller.abort(new JobInterrupt(reason));
  }

  /** The interrupt behind `error` (or behind the signal, if it fired), if any. */
  reasonOf(error?: unknown): JobInterrupt["reason"] | undefined {
    if (error instanceof JobInterrupt) return error.reason;
    return this.#controller.signal.aborted ? (this.#controller.signal.reason as JobInterrupt).reason : undefined;
  }

  stop(): void {
    for (const t of this.#timers) clearTimeout(t);
  }
}
