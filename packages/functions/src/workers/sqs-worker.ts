import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { ChangeMessageVisibilityCommand, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { describeError } from "@ferry/core/errors";
import { runJob, type RunOutcome, type RunnerDeps } from "@ferry/core/jobs";
import { QueueMessage, type Logger } from "@ferry/core/ports";

export interface SqsWorkerDeps {
  runner: RunnerDeps;
  sqs: SQSClient;
  logger: Logger;
  /** Where a message goes once its job has failed for good (the queue's DLQ), so operators can inspect and redrive it. */
  deadLetter?(record: SQSRecord, reason: string): Promise<void>;
}

/** `https://sqs.<region>.amazonaws.com/<account>/<name>` from the record's queue ARN. */
export function queueUrlOf(record: SQSRecord, endpoint?: string): string {
  const [, partition, , region, account, name] = record.eventSourceARN.split(":");
  const base = endpoint ?? `https://sqs.${region}.${partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com"}`;
  return `${base}/${account}/${name}`;
}

/**
 * Dead-lettering for jobs that failed for good: the message is copied, with the
 * reason as an attribute, into the DLQ of the queue it came from, so operators can
 * inspect and redrive it. `deadLetterUrls` maps a source queue's name to its DLQ's URL.
 */
export function sqsDeadLetter(sqs: SQSClient, deadLetterUrls: Record<string, string>) {
  return async (record: SQSRecord, reason: string): Promise<void> => {
    const source = record.eventSourceARN.split(":").at(-1)!;
    const url = deadLetterUrls[source];
    if (!url) throw new Error(`no dead-letter queue configured for ${source}`);
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: record.body,
        MessageAttributes: {
          reason: { DataType: "String", StringValue: reason.slice(0, 1000) || "failed" },
          sourceMessageId: { DataType: "String", StringValue: record.messageId },
        },
      }),
    );
  };
}

/** How soon a delivery that failed for an infrastructure reason comes back. */
const INFRA_RETRY_SECONDS = 30;

/** Thrown for a record SQS should deliver again (it is reported in `batchItemFailures`). */
class RedeliverLater extends Error {}

/**
 * The SQS worker Lambda: each record is one job delivery run through core's
 * `runJob`, the same function the local BullMQ worker calls.
 *
 * @remarks
 * - Partial batch responses (Powertools): only the records that must come back are
 *   reported, so one job's retry never re-runs its neighbours.
 * - The deadline is the Lambda's own (`getRemainingTimeInMillis`); `runJob` stops the
 *   job a margin before it, saves a checkpoint and re-enqueues it with `resume`.
 * - A retry is the same message made visible again after the backoff
 *   (`ChangeMessageVisibility`), so SQS's receive count still guards against a job
 *   that crashes the worker every time: after 3 receives it goes to the DLQ.
 * - Idempotent on job id: a redelivered message for a finished job is dropped by `runJob`.
 * - A body that is not a Ferry message cannot be run: it is reported as failed, so
 *   it reaches the DLQ after its receives instead of vanishing.
 */
export function makeSqsWorker(deps: () => SqsWorkerDeps | Promise<SqsWorkerDeps>, options: { sqsEndpoint?: string } = {}) {
  const processor = new BatchProcessor(EventType.SQS);

  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const d = await deps();
    const deadline = Date.now() + context.getRemainingTimeInMillis();

    /** Makes the message visible again after `seconds` (SQS allows 0–12 h). */
    const changeVisibility = (record: SQSRecord, seconds: number) =>
      d.sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrlOf(record, options.sqsEndpoint),
          ReceiptHandle: record.receiptHandle,
          VisibilityTimeout: Math.min(43_200, Math.max(0, seconds)),
        }),
      );

    const handleRecord = async (record: SQSRecord) => {
      const parsed = QueueMessage.safeParse(safeJson(record.body));
      if (!parsed.success) {
        d.logger.error("not a Ferry queue message", { messageId: record.messageId, body: record.body.slice(0, 200) });
        throw new Error("malformed queue message");
      }
      let outcome: RunOutcome;
      try {
        outcome = await runJob(d.runner, parsed.data, deadline);
      } catch (error) {
        // The store or the queue failed under the job (throttling, a network error): try
        // again soon rather than after the whole visibility timeout (90 min).
        d.logger.error("job delivery failed; redelivering shortly", { messageId: record.messageId, jobId: parsed.data.jobId, error: describeError(error) });
        await changeVisibility(record, INFRA_RETRY_SECONDS).catch(() => {});
        throw error;
      }
      const log = { messageId: record.messageId, jobId: parsed.data.jobId, outcome: outcome.type };
      switch (outcome.type) {
        case "retry":
          await changeVisibility(record, Math.ceil(outcome.delayMs / 1000));
          d.logger.info("job will be retried", { ...log, delayMs: outcome.delayMs });
          throw new RedeliverLater(outcome.error);
        case "failed":
          d.logger.warn("job failed for good", { ...log, error: outcome.error });
          if (d.deadLetter) await d.deadLetter(record, outcome.error).catch((e) => d.logger.error("dead-lettering failed", { ...log, error: describeError(e) }));
          return;
        default:
          d.logger.info("job delivery done", log);
      }
    };

    return processPartialResponse(event, handleRecord, processor, { context, throwOnFullBatchFailure: false });
  };
}

function safeJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}
