import { DelayedError, Queue, UnrecoverableError, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { describeError } from "../errors";
import type { RunOutcome } from "../jobs/runner";
import { QueueMessage, type EnqueueResult, type JobQueue, type Logger } from "../ports";

export interface BullmqOptions {
  /** BullMQ key prefix; lets several stacks share one Redis. */
  prefix?: string;
}

/**
 * `JobQueue` on BullMQ. The BullMQ job id is Ferry's job id, so a double enqueue of
 * the same new job is a no-op; hand-overs after a deadline get their own id.
 */
export class BullmqJobQueue implements JobQueue {
  readonly #queues = new Map<string, Queue>();

  constructor(
    private readonly connection: Redis,
    private readonly options: BullmqOptions = {},
  ) {}

  #queue(name: string): Queue {
    let q = this.#queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection, prefix: this.options.prefix ?? "ferry-bull" });
      q.on("error", () => {});
      this.#queues.set(name, q);
    }
    return q;
  }

  async enqueue(queue: string, message: QueueMessage, options?: { delayMs?: number }): Promise<EnqueueResult> {
    const q = this.#queue(queue);
    await q.add(message.kind, message, {
      jobId: message.resume ? `${message.jobId}.resume.${Date.now()}` : message.jobId,
      delay: options?.delayMs,
      attempts: 1,
      removeOnComplete: { age: 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
    return {};
  }

  async waitingCount(queue: string): Promise<number> {
    return this.#queue(queue).getWaitingCount();
  }

  async close(): Promise<void> {
    await Promise.all([...this.#queues.values()].map((q) => q.close()));
  }
}

export interface BullmqWorkerOptions extends BullmqOptions {
  queue: string;
  connection: Redis;
  /** Jobs run at once by this process; canary-like jobs mostly wait, so this can be high. */
  concurrency?: number;
  /**
   * Longest one delivery may run before the job hands over from its checkpoint, like
   * Lambda's 15-minute limit; keeps local behaviour faithful to AWS.
   */
  timeLimitMs?: number;
  /** How long a lock lives without renewal: a killed worker's job is taken over after about this. */
  lockDurationMs?: number;
  /** How often BullMQ looks for jobs whose worker died. */
  stalledIntervalMs?: number;
  logger: Logger;
  run: (message: QueueMessage, deadline: number | undefined) => Promise<RunOutcome>;
}

/**
 * The local consumer: a BullMQ `Worker` that validates each payload and calls
 * `runJob` through `run`, translating its outcome into BullMQ's terms — `retry` is
 * a delayed move (not a failure), a final failure lands in the failed set.
 */
export function startBullmqWorker(options: BullmqWorkerOptions): Worker {
  const worker = new Worker(
    options.queue,
    async (job: Job, token?: string) => {
      const parsed = QueueMessage.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`malformed queue message: ${parsed.error.message}`);
      const deadline = options.timeLimitMs ? Date.now() + options.timeLimitMs : undefined;
      const outcome = await options.run(parsed.data, deadline);
      switch (outcome.type) {
        case "retry":
          await job.moveToDelayed(Date.now() + outcome.delayMs, token);
          throw new DelayedError();
        case "failed":
          throw new UnrecoverableError(outcome.error);
        default:
          return outcome;
      }
    },
    {
      connection: options.connection,
      prefix: options.prefix ?? "ferry-bull",
      concurrency: options.concurrency ?? 50,
      lockDuration: options.lockDurationMs ?? 30_000,
      stalledInterval: options.stalledIntervalMs ?? 30_000,
      maxStalledCount: 3,
    },
  );
  worker.on("error", (error) => options.logger.warn("bullmq worker error", { error: describeError(error) }));
  return worker;
}
