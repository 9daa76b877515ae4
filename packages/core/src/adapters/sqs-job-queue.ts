import { GetQueueAttributesCommand, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { describeError, FerryError, RetryableJobError } from "../errors";
import { QueueMessage, type EnqueueResult, type JobQueue } from "../ports";

export interface SqsJobQueueOptions {
  client: SQSClient;
  /** Queue URL per Ferry queue name, e.g. `{ ingest: Resource.IngestQueue.url, analysis: … }`. */
  queueUrls: Record<string, string>;
}

/** SQS refuses a `DelaySeconds` above 15 minutes. */
export const MAX_DELAY_SECONDS = 900;

/**
 * `JobQueue` on SQS, the producer side: one `SendMessage` per job, the consumer being a
 * Lambda subscribed to the queue (`packages/functions/src/workers`).
 *
 * The body is the `QueueMessage` JSON; `jobId` and `kind` are repeated as message
 * attributes so the console, a DLQ redrive or a filter can see them without parsing.
 * Standard queues deliver at least once and do not deduplicate, which `runJob` is built for.
 */
export class SqsJobQueue implements JobQueue {
  readonly #client: SQSClient;
  readonly #urls: Record<string, string>;

  constructor(options: SqsJobQueueOptions) {
    this.#client = options.client;
    this.#urls = options.queueUrls;
  }

  /**
   * @param options.delayMs Held back for that long, rounded up to whole seconds.
   * SQS allows at most {@link MAX_DELAY_SECONDS} (15 minutes) per message, so a longer
   * delay is cut to 15 minutes: the message arrives early, which is safe (a retry comes
   * sooner), never late. Ferry's retry backoffs are far below the cap.
   */
  async enqueue(queue: string, message: QueueMessage, options?: { delayMs?: number }): Promise<EnqueueResult> {
    const url = this.#url(queue);
    const body = QueueMessage.parse(message);
    try {
      await this.#client.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: JSON.stringify(body),
          DelaySeconds: delaySeconds(options?.delayMs),
          MessageAttributes: {
            jobId: { DataType: "String", StringValue: body.jobId },
            kind: { DataType: "String", StringValue: body.kind },
          },
        }),
      );
    } catch (error) {
      throw translate(error, queue, url, "enqueue");
    }
    // SQS cannot tell a message's position; `waitingCount` gives an estimate of the backlog.
    return {};
  }

  /** `ApproximateNumberOfMessages`: visible messages, not delayed or in-flight ones; SQS says it is approximate. */
  async waitingCount(queue: string): Promise<number> {
    const url = this.#url(queue);
    try {
      const { Attributes } = await this.#client.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessages"] }),
      );
      return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
    } catch (error) {
      throw translate(error, queue, url, "count messages of");
    }
  }

  #url(queue: string): string {
    const url = Object.hasOwn(this.#urls, queue) ? this.#urls[queue] : undefined;
    if (!url) {
      throw new FerryError(`no SQS queue URL is configured for queue "${queue}" (configured: ${Object.keys(this.#urls).join(", ") || "none"})`);
    }
    return url;
  }
}

/** `delayMs` as SQS `DelaySeconds`: rounded up, within 0…{@link MAX_DELAY_SECONDS}; `undefined` keeps the queue's default. */
export function delaySeconds(delayMs: number | undefined): number | undefined {
  if (delayMs === undefined) return undefined;
  return Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil(delayMs / 1000)));
}

const throttlingNames = new Set(["RequestThrottled", "ThrottlingException", "Throttling", "KmsThrottled"]);

/**
 * SQS failures as Ferry errors: throttling that outlived the SDK's retries, server
 * errors and network failures may pass later (`RetryableJobError`); a missing queue
 * or a refused request is a configuration problem that will not.
 */
function translate(error: unknown, queue: string, url: string, action: string): FerryError {
  const e = error as { name?: string; $fault?: string; $metadata?: { httpStatusCode?: number } };
  const detail = describeError(error);
  if (e.name === "QueueDoesNotExist" || e.name === "AWS.SimpleQueueService.NonExistentQueue") {
    return new FerryError(`cannot ${action} queue "${queue}": SQS queue ${url} does not exist`, { cause: error });
  }
  if (throttlingNames.has(e.name ?? "") || e.$fault === "server" || e.$metadata?.httpStatusCode === undefined) {
    return new RetryableJobError(`cannot ${action} queue "${queue}" now: ${detail}`, { cause: error });
  }
  return new FerryError(`SQS refused to ${action} queue "${queue}": ${detail}`, { cause: error });
}
