import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SQSClient } from "@aws-sdk/client-sqs";

/** A message attribute as SQS's JSON protocol carries it (`BinaryValue` is base64). */
export interface SqsMessageAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

/** One `SendMessage` the fake accepted, in arrival order. */
export interface SentMessage {
  queue: string;
  messageId: string;
  body: string;
  attributes: Record<string, SqsMessageAttribute>;
  delaySeconds: number;
  sentAt: number;
}

export interface SqsFakeOptions {
  /** `VisibilityTimeout` of queues created without one, in seconds (SQS: 30). */
  visibilityTimeoutSeconds?: number;
}

/**
 * An SQS endpoint for tests that speaks the wire protocol the real `@aws-sdk/client-sqs`
 * uses (AWS JSON 1.0: `POST /`, `X-Amz-Target: AmazonSQS.<Operation>`,
 * `application/x-amz-json-1.0`), so the SDK runs unchanged against it, checksums included.
 *
 * Operations: `CreateQueue`, `GetQueueUrl`, `GetQueueAttributes`, `SendMessage`,
 * `ReceiveMessage` (long polling, visibility timeout, `RedrivePolicy` to a DLQ),
 * `DeleteMessage`, `ChangeMessageVisibility`. Signatures are not checked.
 */
export interface SqsFake {
  endpoint: string;
  /** A real `SQSClient` pointed at the fake, with dummy credentials. */
  client(options?: { maxAttempts?: number }): SQSClient;
  /** Creates a queue (idempotent) and returns its URL. */
  createQueue(name: string, attributes?: Record<string, string>): string;
  /** The URL a queue named `name` has (or would have) on this fake. */
  queueUrl(name: string): string;
  /** Every message accepted, in order, also after it was received and deleted. */
  readonly sent: readonly SentMessage[];
  /** Messages of `queue` not yet deleted, visible or not. */
  pending(queue: string): SentMessage[];
  /** Requests received per operation, answered or refused. */
  readonly calls: Readonly<Record<string, number>>;
  /** The next `times` calls of `operation` are refused as SQS refuses throttled requests. */
  throttle(times?: number, operation?: string): void;
  stop(): Promise<void>;
}

interface StoredMessage extends SentMessage {
  md5OfBody: string;
  md5OfAttributes?: string;
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  receiptHandle?: string;
}

interface Queue {
  name: string;
  attributes: Record<string, string>;
  messages: StoredMessage[];
}

class SqsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly queryCode = code,
  ) {
    super(message);
  }
}

const ACCOUNT = "000000000000";
const REGION = "us-east-1";

/** Starts the fake on a free loopback port. */
export async function startSqsFake(options: SqsFakeOptions = {}): Promise<SqsFake> {
  const queues = new Map<string, Queue>();
  const sent: SentMessage[] = [];
  const calls: Record<string, number> = {};
  const throttled = new Map<string, number>();
  const clients: SQSClient[] = [];
  let endpoint = "";

  const queueUrl = (name: string) => `${endpoint}/${ACCOUNT}/${name}`;
  const createQueue = (name: string, attributes: Record<string, string> = {}) => {
    if (!/^[A-Za-z0-9_-]{1,80}(\.fifo)?$/.test(name)) throw new SqsError("InvalidParameterValue", `invalid queue name: ${name}`);
    if (!queues.has(name)) {
      queues.set(name, {
        name,
        attributes: { VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 30), DelaySeconds: "0", ...attributes },
        messages: [],
      });
    }
    return queueUrl(name);
  };
  const queueOf = (url: unknown): Queue => {
    const name = typeof url === "string" ? url.split("/").at(-1) : undefined;
    const queue = name ? queues.get(name) : undefined;
    if (!queue) throw new SqsError("QueueDoesNotExist", "The specified queue does not exist.", 400, "AWS.SimpleQueueService.NonExistentQueue");
    return queue;
  };

  const operations: Record<string, (input: Record<string, any>) => unknown | Promise<unknown>> = {
    CreateQueue: (input) => ({ QueueUrl: createQueue(String(input.QueueName), input.Attributes) }),
    GetQueueUrl: (input) => ({ QueueUrl: queueUrl(queueOf(queueUrl(String(input.QueueName))).name) }),
    GetQueueAttributes: (input) => {
      const queue = queueOf(input.QueueUrl);
      const now = Date.now();
      const all: Record<string, string> = {
        ...queue.attributes,
        QueueArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${queue.name}`,
        ApproximateNumberOfMessages: String(queue.messages.filter((m) => m.visibleAt <= now).length),
        ApproximateNumberOfMessagesNotVisible: String(queue.messages.filter((m) => m.visibleAt > now && m.receiveCount > 0).length),
        ApproximateNumberOfMessagesDelayed: String(queue.messages.filter((m) => m.visibleAt > now && m.receiveCount === 0).length),
      };
      const names: string[] = input.AttributeNames ?? [];
      const Attributes = names.includes("All") ? all : Object.fromEntries(names.filter((n) => n in all).map((n) => [n, all[n]!]));
      return { Attributes };
    },
    SendMessage: (input) => {
      const queue = queueOf(input.QueueUrl);
      const body = input.MessageBody;
      if (typeof body !== "string" || body.length === 0) throw new SqsError("InvalidParameterValue", "MessageBody must not be empty");
      const delaySeconds = input.DelaySeconds ?? Number(queue.attributes.DelaySeconds);
      if (!Number.isInteger(delaySeconds) || delaySeconds < 0 || delaySeconds > 900) {
        throw new SqsError("InvalidParameterValue", `Value ${delaySeconds} for parameter DelaySeconds is invalid. Reason: must be between 0 and 900, if provided.`);
      }
      const attributes: Record<string, SqsMessageAttribute> = input.MessageAttributes ?? {};
      for (const [name, a] of Object.entries(attributes)) {
        if (!a?.DataType || (a.StringValue === undefined && a.BinaryValue === undefined)) {
          throw new SqsError("InvalidParameterValue", `The message attribute '${name}' must contain a non-empty value and data type.`);
        }
      }
      const now = Date.now();
      const message: StoredMessage = {
        queue: queue.name,
        messageId: randomUUID(),
        body,
        attributes,
        delaySeconds,
        sentAt: now,
        md5OfBody: md5Hex(body),
        md5OfAttributes: Object.keys(attributes).length ? md5OfMessageAttributes(attributes) : undefined,
        visibleAt: now + delaySeconds * 1000,
        receiveCount: 0,
      };
      queue.messages.push(message);
      sent.push({ queue: queue.name, messageId: message.messageId, body, attributes, delaySeconds, sentAt: now });
      return { MessageId: message.messageId, MD5OfMessageBody: message.md5OfBody, MD5OfMessageAttributes: message.md5OfAttributes };
    },
    ReceiveMessage: async (input) => {
      const queue = queueOf(input.QueueUrl);
      const max = Math.min(10, Math.max(1, input.MaxNumberOfMessages ?? 1));
      const deadline = Date.now() + Math.min(20, input.WaitTimeSeconds ?? 0) * 1000;
      for (;;) {
        const taken = take(queue, max, input.VisibilityTimeout);
        if (taken.length || Date.now() >= deadline || stopped) {
          return taken.length ? { Messages: taken.map((m) => view(m, input)) } : {};
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    DeleteMessage: (input) => {
      const queue = queueOf(input.QueueUrl);
      const i = queue.messages.findIndex((m) => m.receiptHandle === input.ReceiptHandle);
      if (i >= 0) queue.messages.splice(i, 1);
      return {};
    },
    ChangeMessageVisibility: (input) => {
      const queue = queueOf(input.QueueUrl);
      const message = queue.messages.find((m) => m.receiptHandle === input.ReceiptHandle);
      if (!message) throw new SqsError("ReceiptHandleIsInvalid", "The input receipt handle is invalid.");
      message.visibleAt = Date.now() + Number(input.VisibilityTimeout) * 1000;
      return {};
    },
  };

  /** Makes up to `max` visible messages invisible and hands them out; moves over-received ones to the DLQ. */
  function take(queue: Queue, max: number, visibilityTimeout?: number): StoredMessage[] {
    const now = Date.now();
    const redrive = queue.attributes.RedrivePolicy ? (JSON.parse(queue.attributes.RedrivePolicy) as { deadLetterTargetArn: string; maxReceiveCount: number }) : undefined;
    const taken: StoredMessage[] = [];
    for (const message of [...queue.messages]) {
      if (taken.length >= max) break;
      if (message.visibleAt > now) continue;
      if (redrive && message.receiveCount >= Number(redrive.maxReceiveCount)) {
        const dlq = queues.get(redrive.deadLetterTargetArn.split(":").at(-1) ?? "");
        queue.messages.splice(queue.messages.indexOf(message), 1);
        dlq?.messages.push({ ...message, queue: dlq.name, visibleAt: now, receiveCount: 0, receiptHandle: undefined });
        continue;
      }
      message.receiveCount += 1;
      message.firstReceivedAt ??= now;
      message.receiptHandle = randomUUID();
      message.visibleAt = now + (visibilityTimeout ?? Number(queue.attributes.VisibilityTimeout)) * 1000;
      taken.push(message);
    }
    return taken;
  }

  function view(message: StoredMessage, input: Record<string, any>) {
    const wantedSystem: string[] = [...(input.MessageSystemAttributeNames ?? []), ...(input.AttributeNames ?? [])];
    const system: Record<string, string> = {
      SentTimestamp: String(message.sentAt),
      ApproximateReceiveCount: String(message.receiveCount),
      ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt),
    };
    const Attributes = wantedSystem.includes("All")
      ? system
      : Object.fromEntries(wantedSystem.filter((n) => n in system).map((n) => [n, system[n]!]));
    const wanted: string[] = input.MessageAttributeNames ?? [];
    const picked = Object.fromEntries(
      Object.entries(message.attributes).filter(([name]) =>
        wanted.some((w) => w === "All" || w === ".*" || w === name || (w.endsWith(".*") && name.startsWith(w.slice(0, -1)))),
      ),
    );
    const hasPicked = Object.keys(picked).length > 0;
    return {
      MessageId: message.messageId,
      ReceiptHandle: message.receiptHandle,
      MD5OfBody: message.md5OfBody,
      Body: message.body,
      Attributes: Object.keys(Attributes).length ? Attributes : undefined,
      MessageAttributes: hasPicked ? picked : undefined,
      MD5OfMessageAttributes: hasPicked ? md5OfMessageAttributes(picked) : undefined,
    };
  }

  let stopped = false;
  const server = createServer((req, res) => {
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const requestId = randomUUID();
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = JSON.stringify(body);
      res.writeHead(status, {
        "content-type": "application/x-amz-json-1.0",
        "content-length": String(Buffer.byteLength(text)),
        "x-amzn-requestid": requestId,
        ...headers,
      });
      res.end(text);
    };
    const fail = (error: SqsError) =>
      reply(error.status, { __type: `com.amazonaws.sqs#${error.code}`, message: error.message }, { "x-amzn-query-error": `${error.queryCode};Sender` });
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const target = String(req.headers["x-amz-target"] ?? "");
      const operation = target.startsWith("AmazonSQS.") ? target.slice("AmazonSQS.".length) : "";
      if (req.method !== "POST" || !String(req.headers["content-type"]).startsWith("application/x-amz-json-1.0")) {
        return fail(new SqsError("InvalidAction", "expected a POST of application/x-amz-json-1.0"));
      }
      calls[operation] = (calls[operation] ?? 0) + 1;
      const handler = operations[operation];
      if (!handler) return fail(new SqsError("UnknownOperationException", `operation ${target} is not supported by this fake`));
      const left = throttled.get(operation) ?? 0;
      if (left > 0) {
        throttled.set(operation, left - 1);
        return fail(new SqsError("RequestThrottled", "Request is throttled."));
      }
      const input = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, unknown>;
      reply(200, (await handler(input)) ?? {});
    } catch (error) {
      if (error instanceof SqsError) return fail(error);
      reply(500, { __type: "com.amazonaws.sqs#InternalError", message: String(error) });
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    endpoint,
    client(clientOptions = {}) {
      const client = new SQSClient({
        endpoint,
        region: REGION,
        credentials: { accessKeyId: "local", secretAccessKey: "local" },
        maxAttempts: clientOptions.maxAttempts ?? 3,
      });
      clients.push(client);
      return client;
    },
    createQueue,
    queueUrl,
    sent,
    pending: (queue) => (queues.get(queue)?.messages ?? []).map(({ queue: q, messageId, body, attributes, delaySeconds, sentAt }) => ({ queue: q, messageId, body, attributes, delaySeconds, sentAt })),
    calls,
    throttle(times = 1, operation = "SendMessage") {
      throttled.set(operation, (throttled.get(operation) ?? 0) + times);
    },
    async stop() {
      stopped = true;
      clients.forEach((c) => c.destroy());
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function md5Hex(text: string | Buffer): string {
  return createHash("md5").update(text).digest("hex");
}

/**
 * SQS's `MD5OfMessageAttributes`: for each attribute in name order, the name, the data
 * type (each as a 4-byte big-endian length and UTF-8 bytes), a transport byte
 * (1 string/number, 2 binary) and the value (length-prefixed too), all hashed together.
 * See "Calculating the MD5 message digest for message attributes" in the SQS guide.
 */
export function md5OfMessageAttributes(attributes: Record<string, SqsMessageAttribute>): string {
  const lengthPrefixed = (bytes: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    return [length, bytes];
  };
  const parts: Buffer[] = [];
  for (const name of Object.keys(attributes).sort()) {
    const attribute = attributes[name]!;
    parts.push(...lengthPrefixed(Buffer.from(name, "utf8")), ...lengthPrefixed(Buffer.from(attribute.DataType, "utf8")));
    if (attribute.BinaryValue !== undefined) {
      parts.push(Buffer.from([2]), ...lengthPrefixed(Buffer.from(attribute.BinaryValue, "base64")));
    } else {
      parts.push(Buffer.from([1]), ...lengthPrefixed(Buffer.from(attribute.StringValue ?? "", "utf8")));
    }
  }
  return md5Hex(Buffer.concat(parts));
}
