/**
 * The two job queues, each with its own dead-letter queue. The workers that
 * drain them are in `workers.ts`; producers link them (`Resource.IngestQueue.url`,
 * `Resource.AnalysisQueue.url`). The DLQs are linked too
 * (`Resource.IngestDeadLetters.url`, `Resource.AnalysisDeadLetters.url`): a job
 * that fails for good is copied there by the worker with its reason, besides
 * SQS's own redrive after `maxReceiveCount` receives.
 *
 * - `IngestQueue`: `ingest_pdf` (parse, chunk, embed, write vectors).
 * - `AnalysisQueue`: `rag_query`, `finops_analysis`, `canary`.
 *
 * @module
 */
import { seconds, stageSettings, type WorkerSettings } from "./lib/settings";

const settings = stageSettings($app.stage);

/**
 * A queue and its DLQ. The visibility timeout is 6 × the worker's timeout (AWS's
 * advice for Lambda consumers: a message must not reappear while a 15-minute
 * invocation, and its retries of a throttled poll, may still be running). After
 * `maxReceiveCount` deliveries a message moves to the DLQ, which keeps it for
 * 14 days — longer than the source queue, since a dead letter's age counts from
 * its first enqueue — for inspection and redrive.
 */
function jobQueue(name: string, deadLetterName: string, w: WorkerSettings) {
  const dlq = new sst.aws.Queue(deadLetterName, {
    transform: { queue: { messageRetentionSeconds: w.dlqRetentionSeconds } },
  });
  const queue = new sst.aws.Queue(name, {
    visibilityTimeout: seconds(w.visibilityTimeoutSeconds),
    dlq: { queue: dlq.arn, retry: w.maxReceiveCount },
    transform: { queue: { messageRetentionSeconds: w.retentionSeconds } },
  });
  return { queue, dlq };
}

const ingest = jobQueue("IngestQueue", "IngestDeadLetters", settings.workers.ingest);
const analysis = jobQueue("AnalysisQueue", "AnalysisDeadLetters", settings.workers.analysis);

export const ingestQueue = ingest.queue;
export const ingestDlq = ingest.dlq;
export const analysisQueue = analysis.queue;
export const analysisDlq = analysis.dlq;
