import { randomUUID } from "node:crypto";
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FerryError, RetryableJobError } from "../errors";
import { QueueMessage } from "../ports";
import { runJobQueueContract, type JobQueueHarness } from "../testing/job-queue-contract";
import { md5OfMessageAttributes, startSqsFake, type SqsFake } from "../testing/sqs-fake";
import { delaySeconds, SqsJobQueue } from "./sqs-job-queue";

/**
 * The contract seen from a consumer: the adapter sends through the real SDK, and the
 * harness receives like the Lambda event source would (receive, then delete).
 *
 * The contract counts messages on a queue name it makes up, while the adapter only
 * knows the queues it was configured with; the harness's URL map therefore answers
 * for any name, creating that queue on the fake.
 */
async function harness(): Promise<JobQueueHarness> {
  const fake = await startSqsFake();
  const client = fake.client();
  const anyQueue = new Proxy({} as Record<string, string>, {
    get: (_, name) => (typeof name === "string" ? fake.createQueue(name) : undefined),
    getOwnPropertyDescriptor: (_, name) =>
      typeof name === "string" ? { value: fake.createQueue(name), configurable: true, enumerable: true, writable: false } : undefined,
  });
  return {
    queue: new SqsJobQueue({ client, queueUrls: anyQueue }),
    async next(name, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const QueueUrl = fake.createQueue(name);
        const { Messages = [] } = await client.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1, MaxNumberOfMessages: 1 }));
        const [message] = Messages;
        if (!message) continue;
        await client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
        return QueueMessage.parse(JSON.parse(message.Body!));
      }
      throw new Error(`nothing on ${name} within ${timeoutMs} ms`);
    },
    close: () => fake.stop(),
  };
}

runJobQueueContract("sqs", harness);

describe("SqsJobQueue as an SQS producer", () => {
  let fake: SqsFake;
  let urls: { ingest: string; analysis: string };
  beforeEach(async () => {
    fake = await startSqsFake();
    urls = { ingest: fake.createQueue("ferry-ingest"), analysis: fake.createQueue("ferry-analysis") };
  });
  afterEach(() => fake.stop());

  it("sends the message JSON with jobId and kind as String attributes, to the named queue's URL", async () => {
    const queue = new SqsJobQueue({ client: fake.client(), queueUrls: urls });
    const message = { jobId: randomUUID(), kind: "ingest_pdf", resume: true };
    expect(await queue.enqueue("ingest", message)).toEqual({});
    expect(fake.sent).toHaveLength(1);
    const [sent] = fake.sent;
    expect(sent).toMatchObject({ queue: "ferry-ingest", delaySeconds: 0 });
    expect(JSON.parse(sent!.body)).toEqual(message);
    expect(sent!.attributes).toEqual({
      jobId: { DataType: "String", StringValue: message.jobId },
      kind: { DataType: "String", StringValue: "ingest_pdf" },
    });
    expect(fake.pending("ferry-analysis")).toEqual([]);
  });

  it("computes SQS's attribute checksum as the SQS guide defines it, which the SDK accepts", async () => {
    expect(md5OfMessageAttributes({ SellerName: { DataType: "String", StringValue: "Example Store" } })).toBe("cd28f3b68aeee4b2eac9c66f2f694b58");
    const client = fake.client();
    const sent = await client.send(
      new SendMessageCommand({
        QueueUrl: urls.ingest,
        MessageBody: "héllo 🙂",
        MessageAttributes: {
          b: { DataType: "Binary", BinaryValue: new Uint8Array([0, 1, 2]) },
          a: { DataType: "Number", StringValue: "42" },
        },
      }),
    );
    // The SDK has already checked the body's MD5 (it throws on a mismatch); the attributes' is ours to check.
    expect(sent.MD5OfMessageAttributes).toBe(
      md5OfMessageAttributes({ a: { DataType: "Number", StringValue: "42" }, b: { DataType: "Binary", BinaryValue: "AAEC" } }),
    );
    const { Messages = [] } = await client.send(new ReceiveMessageCommand({ QueueUrl: urls.ingest, MessageAttributeNames: ["All"] }));
    expect(Messages[0]?.MD5OfMessageAttributes).toBe(sent.MD5OfMessageAttributes);
    expect(Messages[0]?.Body).toBe("héllo 🙂");
  });

  it("rounds delays up to whole seconds and caps them at SQS's 15 minutes", async () => {
    expect([undefined, 0, 1, 400, 1000, 1001, 900_000, 10_000_000, -5].map(delaySeconds)).toEqual([undefined, 0, 1, 1, 1, 2, 900, 900, 0]);
    const queue = new SqsJobQueue({ client: fake.client(), queueUrls: urls });
    await queue.enqueue("analysis", { jobId: randomUUID(), kind: "canary" }, { delayMs: 1500 });
    await queue.enqueue("analysis", { jobId: randomUUID(), kind: "canary" }, { delayMs: 3_600_000 });
    expect(fake.sent.map((m) => m.delaySeconds)).toEqual([2, 900]);
    expect(await queue.waitingCount("analysis")).toBe(0);
  });

  it("refuses a queue name it has no URL for, before calling SQS", async () => {
    const queue = new SqsJobQueue({ client: fake.client(), queueUrls: urls });
    const error = await queue.enqueue("toString", { jobId: "j", kind: "canary" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FerryError);
    expect((error as Error).message).toMatch(/no SQS queue URL is configured for queue "toString" \(configured: ingest, analysis\)/);
    await expect(queue.waitingCount("nope")).rejects.toBeInstanceOf(FerryError);
    expect(fake.calls.SendMessage ?? 0).toBe(0);
  });

  it("rides out a throttle through the SDK's retries, and reports a lasting one as retryable", async () => {
    const queue = new SqsJobQueue({ client: fake.client({ maxAttempts: 3 }), queueUrls: urls });
    fake.throttle(1);
    await queue.enqueue("ingest", { jobId: randomUUID(), kind: "ingest_pdf" });
    expect(fake.calls.SendMessage).toBe(2);
    expect(fake.sent).toHaveLength(1);

    fake.throttle(5);
    const error = await queue.enqueue("ingest", { jobId: randomUUID(), kind: "ingest_pdf" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableJobError);
    expect((error as Error).cause).toMatchObject({ name: "RequestThrottled" });
    expect(fake.sent).toHaveLength(1);
  });

  it("names a queue URL that does not exist, without exposing SQS's error type", async () => {
    const queue = new SqsJobQueue({ client: fake.client(), queueUrls: { ...urls, ingest: fake.queueUrl("deleted-queue") } });
    const error = await queue.enqueue("ingest", { jobId: randomUUID(), kind: "ingest_pdf" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FerryError);
    expect(error).not.toBeInstanceOf(RetryableJobError);
    expect((error as Error).message).toContain("does not exist");
    expect((error as Error).cause).toMatchObject({ name: "QueueDoesNotExist" });
  });
});
