import { z } from "zod";

/** What travels through the queue: only ids; the job itself lives in the `JobStore`. */
export const QueueMessage = z.object({
  jobId: z.string().min(1),
  kind: z.string().min(1),
  /** True when a worker handed the job over before its deadline; the next one resumes from the checkpoint. */
  resume: z.boolean().optional(),
});
export type QueueMessage = z.infer<typeof QueueMessage>;

export interface EnqueueResult {
  /** 1-based position among waiting messages when the queue can tell it. */
  position?: number;
}

/**
 * Hands a job to the workers of a named queue (`ingest`, `analysis`).
 * Adapters: `bullmq-job-queue` (local and self-hosted), `sqs-job-queue` (AWS), `memory-job-queue` (tests).
 */
export interface JobQueue {
  enqueue(queue: string, message: QueueMessage, options?: { delayMs?: number }): Promise<EnqueueResult>;
  /** Messages waiting in the queue now, if the queue can tell; used for `queuePosition`. */
  waitingCount?(queue: string): Promise<number>;
}
