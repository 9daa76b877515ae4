import { ReceiveMessageCommand, type Message, type SQSClient } from "@aws-sdk/client-sqs";
import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MemoryConnectionStore } from "@ferry/core/adapters/memory-connection-store";
import { MemoryJobStore } from "@ferry/core/adapters/memory-job-store";
import { MemoryNotifier } from "@ferry/core/adapters/memory-notifier";
import { MemoryRateLimiter } from "@ferry/core/adapters/memory-rate-limiter";
import { SqsJobQueue } from "@ferry/core/adapters/sqs-job-queue";
import { createTokenVerifier } from "@ferry/core/auth";
import { JobKindRegistry, canaryJob } from "@ferry/core/jobs";
import { quietLogger } from "@ferry/core/testing/memory-world";
import { startSqsFake, type SqsFake } from "@ferry/core/testing/sqs-fake";
import { createFerry } from "@ferry/core/wiring";
import { makeSqsWorker, sqsDeadLetter } from "./sqs-worker";

let fake: SqsFake;
let sqs: SQSClient;
beforeAll(async () => {
  fake = await startSqsFake();
  sqs = fake.client();
});
afterAll(async () => {
  sqs?.destroy();
  await fake?.stop();
});

/** A Lambda context with `ms` left, as the runtime passes it. */
const context = (ms: number): Context => {
  const end = Date.now() + ms;
  return { getRemainingTimeInMillis: () => end - Date.now(), awsRequestId: "req-1", functionName: "ingest-worker" } as unknown as Context;
};

let world: Awaited<ReturnType<typeof setup>>;
beforeEach(async () => {
  world = await setup();
});

async function setup() {
  const n = Math.random().toString(36).slice(2, 8);
  const names = { analysis: `analysis-${n}`, ingest: `ingest-${n}`, dlq: `analysis-dlq-${n}` };
  const queueUrls = { analysis: fake.createQueue(names.analysis), ingest: fake.createQueue(names.ingest) };
  const dlqUrl = fake.createQueue(names.dlq);
  const store = new MemoryJobStore();
  const notifier = new MemoryNotifier();
  const { api, runner } = createFerry(
    {
      store,
      connections: new MemoryConnectionStore(),
      notifier,
      queue: new SqsJobQueue({ client: sqs, queueUrls }),
      rateLimiter: new MemoryRateLimiter(),
      verifier: createTokenVerifier({ devSecret: "d".repeat(40) }),
      kinds: new JobKindRegistry([canaryJob]),
      logger: quietLogger,
    },
    { runner: { cancelPollMs: 20, retryBaseMs: 10, deadlineMarginMs: 300 } },
  );
  const caller = { connectionId: `c${n}`, userId: "alice" };
  notifier.open(caller.connectionId);
  await api.connect(caller);
  const worker = makeSqsWorker(() => ({ runner, sqs, logger: quietLogger, deadLetter: sqsDeadLetter(sqs, { [names.analysis]: dlqUrl }) }), {
    sqsEndpoint: fake.endpoint,
  });
  return {
    names,
    queueUrls,
    store,
    worker,
    frames: () => notifier.received(caller.connectionId) as Array<Record<string, any>>,
    async submit(input: Record<string, unknown>) {
      await api.handleFrame(caller, "submit_job", JSON.stringify({ action: "submit_job", kind: "canary", input }));
      return this.frames().find((f) => f.type === "job_queued")!.jobId as string;
    },
    /** Receives up to `max` messages as Lambda's event source mapping would, shaped as the SQS event Lambda delivers. */
    async receive(queue = names.analysis, max = 1, waitSeconds = 2): Promise<SQSEvent> {
      const out = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: fake.queueUrl(queue),
          MaxNumberOfMessages: max,
          WaitTimeSeconds: waitSeconds,
          MessageAttributeNames: ["All"],
          MessageSystemAttributeNames: ["All"],
        }),
      );
      return { Records: (out.Messages ?? []).map((m) => toRecord(queue, m)) };
    },
  };
}

function toRecord(queue: string, m: Message): SQSRecord {
  return {
    messageId: m.MessageId!,
    receiptHandle: m.ReceiptHandle!,
    body: m.Body!,
    attributes: {
      ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? "1",
      SentTimestamp: m.Attributes?.SentTimestamp ?? String(Date.now()),
      SenderId: "AIDAEXAMPLE",
      ApproximateFirstReceiveTimestamp: m.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: Object.fromEntries(
      Object.entries((m.MessageAttributes ?? {}) as Record<string, { StringValue?: string; DataType: string }>).map(([k, v]) => [
        k,
        { stringValue: v.StringValue, dataType: v.DataType, stringListValues: [], binaryListValues: [] },
      ]),
    ),
    md5OfBody: m.MD5OfBody!,
    eventSource: "aws:sqs",
    eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${queue}`,
    awsRegion: "us-east-1",
  };
}

describe("SQS worker (Lambda handler over runJob)", () => {
  it("runs a queued job to completion and reports no failed records", async () => {
    const jobId = await world.submit({ steps: 3, stepMs: 10 });
    const sent = fake.sent.filter((m) => m.queue === world.names.analysis);
    expect(sent.at(-1)!.attributes).toMatchObject({ jobId: { StringValue: jobId }, kind: { StringValue: "canary" } });
    const event = await world.receive();
    expect(event.Records).toHaveLength(1);
    const response = await world.worker(event, context(60_000));
    expect(response.batchItemFailures).toEqual([]);
    expect(world.frames().filter((f) => f.jobId === jobId).at(-1)).toMatchObject({ type: "job_completed", result: { steps: 3 } });
  });

  it("makes a retried delivery visible again after the backoff, and completes on the next receive", async () => {
    const jobId = await world.submit({ steps: 2, stepMs: 10, failAttempts: 1 });
    const first = await world.receive();
    const before = fake.calls.ChangeMessageVisibility ?? 0;
    const response = await world.worker(first, context(60_000));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: first.Records[0]!.messageId }]);
    expect(fake.calls.ChangeMessageVisibility).toBe(before + 1);
    expect(world.frames().some((f) => f.jobId === jobId && f.status === "retrying")).toBe(true);
    const again = await world.receive(world.names.analysis, 1, 5);
    expect(again.Records[0]?.messageId).toBe(first.Records[0]!.messageId);
    expect(again.Records[0]!.attributes.ApproximateReceiveCount).toBe("2");
    expect((await world.worker(again, context(60_000))).batchItemFailures).toEqual([]);
    expect((await world.store.get(jobId))?.status).toBe("completed");
  });

  it("hands a job over before the Lambda deadline: re-enqueued with resume, finished from its checkpoint", async () => {
    const jobId = await world.submit({ steps: 20, stepMs: 50 });
    const first = await world.receive();
    const response = await world.worker(first, context(800));
    expect(response.batchItemFailures).toEqual([]);
    const resumed = fake.sent.filter((m) => m.queue === world.names.analysis).at(-1)!;
    expect(JSON.parse(resumed.body)).toEqual({ jobId, kind: "canary", resume: true });
    expect((await world.store.get(jobId))?.status).toBe("processing");
    expect((await world.worker(await world.receive(), context(60_000))).batchItemFailures).toEqual([]);
    const done = await world.store.get(jobId);
    expect(done?.status).toBe("completed");
    expect((done?.result as { resumedFrom?: number }).resumedFrom).toBeGreaterThan(0);
  });

  it("acknowledges a redelivered message of a finished job without running it again", async () => {
    const jobId = await world.submit({ steps: 1, stepMs: 0 });
    const event = await world.receive();
    await world.worker(event, context(60_000));
    const events = (await world.store.get(jobId))!.lastSeq;
    expect((await world.worker(event, context(60_000))).batchItemFailures).toEqual([]);
    expect((await world.store.get(jobId))!.lastSeq).toBe(events);
  });

  it("sends a job that failed for good to the DLQ with the reason", async () => {
    const jobId = await world.submit({ steps: 1, stepMs: 0, failAttempts: 5 });
    for (let attempt = 1; attempt <= 3; attempt++) await world.worker(await world.receive(world.names.analysis, 1, 5), context(60_000));
    expect((await world.store.get(jobId))?.status).toBe("failed");
    const dead = fake.sent.filter((m) => m.queue === world.names.dlq);
    expect(dead).toHaveLength(1);
    expect(JSON.parse(dead[0]!.body)).toMatchObject({ jobId });
    expect(dead[0]!.attributes.reason?.StringValue).toMatch(/attempt/i);
  });

  it("reports only the bad record of a batch: a body that is not a Ferry message goes back (and to the DLQ after its receives)", async () => {
    const jobId = await world.submit({ steps: 1, stepMs: 0 });
    const good = await world.receive();
    const bad: SQSRecord = { ...good.Records[0]!, messageId: "m-bad", body: "{not json" };
    const response = await world.worker({ Records: [good.Records[0]!, bad] }, context(60_000));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: "m-bad" }]);
    expect((await world.store.get(jobId))?.status).toBe("completed");
  });
});
