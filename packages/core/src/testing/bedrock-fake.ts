import http, { type IncomingMessage, type ServerResponse } from "node:http";
import http2, { type Http2ServerRequest, type Http2ServerResponse } from "node:http2";
import type { AddressInfo, Server } from "node:net";
import type { Socket } from "node:net";
import { EventStreamCodec, type Message } from "@smithy/eventstream-codec";
import { sleep } from "../util/async";
import { mulberry32 } from "./random";

/**
 * An HTTP-level fake of `bedrock-runtime` for contract tests of the Bedrock adapters,
 * driven through the real `@aws-sdk/client-bedrock-runtime` client.
 *
 * @remarks
 * Two ports, one per protocol: the SDK (3.1163) talks HTTP/2 to bedrock-runtime by
 * default (`NodeHttp2Handler`, cleartext h2c against an `http://` endpoint) — that is
 * `endpoint` — and a client configured with `NodeHttpHandler` talks HTTP/1.1 to
 * `http1Endpoint`. Each Node server owns its sockets natively: sniffing one port and
 * handing HTTP/2 a JS stream would run it over Node's JSStreamSocket, which corrupted the
 * heap under load when streams were torn down mid-request. Handlers use the
 * request/response API both Node servers share.
 *
 * Routes live in one table keyed by operation: `invoke` (Titan embeddings) and
 * `converse-stream` (a chat model answering in `application/vnd.amazon.eventstream`
 * frames, as Bedrock does). Replies can be scripted: queued replies are used first, in
 * arrival order; then the rules; then the operation's normal answer.
 *
 * @example
 * ```ts
 * const fake = await startBedrockFake();
 * fake.script({ error: "ThrottlingException" }, 2); // the next two calls are throttled
 * fake.script({ converse: { text: "Partial ans", failAfter: { deltas: 2, exception: "modelStreamErrorException" } } });
 * const client = new BedrockRuntimeClient({ endpoint: fake.endpoint, region: "us-east-1" });
 * ```
 */
export interface BedrockFake {
  /** `http://127.0.0.1:<port>` speaking HTTP/2 (h2c), for the client's `endpoint`. */
  readonly endpoint: string;
  /** The same fake over HTTP/1.1, for a client given a `NodeHttpHandler`. */
  readonly http1Endpoint: string;
  /** Every request that reached a route, in arrival order. */
  readonly requests: readonly RecordedRequest[];
  /** Requests being handled right now, and the most seen at once. */
  readonly inFlight: number;
  readonly maxInFlight: number;
  /** TCP connections accepted, by protocol (a multiplexing HTTP/2 client needs one). */
  readonly connections: { h2: number; http1: number };
  /** Queue `reply` for the next `times` requests (of any route), after those already queued. */
  script(reply: FakeReply, times?: number): void;
  /** Add a standing rule; the first rule that returns a reply wins. Returns a remover. */
  rule(rule: (request: RecordedRequest) => FakeReply | undefined): () => void;
  /** Forget recorded requests, queued replies, rules and counters. */
  reset(): void;
  close(): Promise<void>;
}

export interface RecordedRequest {
  operation: string;
  /** Decoded from the path: the SDK percent-encodes it (`:` → `%3A`, an ARN's `/` → `%2F`). */
  modelId: string;
  /** The path as sent, still encoded. */
  rawPath: string;
  httpVersion: string;
  headers: Record<string, string | string[] | undefined>;
  /** The JSON body, or the raw text when it is not JSON. */
  body: unknown;
  /** Set when the client went away before the answer was sent (abort, timeout). */
  aborted: boolean;
}

/** Bedrock's modelled errors, with the status the real service sends. */
export const BEDROCK_ERROR_STATUS = {
  ThrottlingException: 429,
  ModelNotReadyException: 429,
  ServiceUnavailableException: 503,
  ModelTimeoutException: 408,
  ModelErrorException: 424,
  ValidationException: 400,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  ServiceQuotaExceededException: 400,
  InternalServerException: 500,
} as const;
export type BedrockErrorType = keyof typeof BEDROCK_ERROR_STATUS;

/**
 * How to answer one request. With no `error`/`json`, the route's normal answer is sent
 * (after `delayMs`, if given).
 */
export interface FakeReply {
  delayMs?: number;
  error?: BedrockErrorType;
  /** Overrides the error's usual status or the 200 of a `json` reply. */
  status?: number;
  message?: string;
  /** A literal JSON body (status 200 unless `status` says otherwise). */
  json?: unknown;
  /** How a `converse-stream` call answers when no `error`/`json` is given. */
  converse?: ConverseStreamScript;
}

/** Exceptions Bedrock sends inside a ConverseStream response, named as `:exception-type` names them. */
export type StreamExceptionType =
  | "modelStreamErrorException"
  | "throttlingException"
  | "internalServerException"
  | "serviceUnavailableException"
  | "validationException";

/**
 * One scripted ConverseStream answer. Without one the fake answers in one sentence that
 * cites up to two `[n]` markers found in the system prompt, so grounded-answer tests
 * pass through the real adapter end to end.
 */
export interface ConverseStreamScript {
  /** The answer, sent as deltas of a few characters each. */
  text?: string;
  /** The exact deltas to send (overrides `text`). */
  deltas?: readonly string[];
  /** Pause before every event after `messageStart`, in ms, so a test can act mid-stream. */
  eventDelayMs?: number;
  /** `messageStop.stopReason` (default `end_turn`). */
  stopReason?: string;
  /** `metadata.usage` (default: about four characters per token). */
  usage?: { inputTokens: number; outputTokens: number };
  /** After this many deltas (at most all of them), send an exception event instead of the rest and end the response. */
  failAfter?: { deltas: number; exception?: StreamExceptionType; message?: string };
  /** After this many deltas, go silent with the response open until the client gives up. */
  stallAfter?: number;
}

/** What a route handler gets; it answers with `send*` unless the fake already replied. */
export interface RouteContext {
  request: RecordedRequest;
  /** The reply chosen for this request (scripted, from a rule, or `{}`). */
  reply: FakeReply;
  /** Aborts when the client goes away, so a streaming route stops writing. */
  signal: AbortSignal;
  res: ServerResponse | Http2ServerResponse;
  sendJson(status: number, body: unknown): void;
  sendError(type: BedrockErrorType, message: string, status?: number): void;
}

type Route = { operation: string; handle: (ctx: RouteContext) => void | Promise<void> };

/** `POST /model/{modelId}/{operation}`; Bedrock's only path shape for runtime calls. */
const MODEL_PATH = /^\/model\/([^/]+)\/([a-z-]+)$/;

/** Operation → handler. */
const ROUTES: Record<string, Route> = {
  invoke: { operation: "invoke", handle: invokeTitanEmbedding },
  "converse-stream": { operation: "converse-stream", handle: converseStream },
};

/** Starts the fake on a free local port. */
export async function startBedrockFake(): Promise<BedrockFake> {
  const requests: RecordedRequest[] = [];
  let queue: FakeReply[] = [];
  let rules: Array<(request: RecordedRequest) => FakeReply | undefined> = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const connections = { h2: 0, http1: 0 };
  const sockets = new Set<Socket>();

  const onRequest = (req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse) => {
    const rawPath = req.url ?? "";
    const match = req.method === "POST" ? MODEL_PATH.exec(rawPath.split("?")[0]!) : null;
    const route = match ? ROUTES[match[2]!] : undefined;
    if (!match || !route) {
      writeError(res, "UnknownOperationException", `no route for ${req.method} ${rawPath}`, 404);
      return;
    }
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let request: RecordedRequest | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let closed = false;
    const gone = new AbortController();
    res.on("close", () => {
      closed = true;
      gone.abort(new Error("client went away"));
      // Not "finish": the HTTP/2 compat layer emits it even for a stream the client reset.
      if (request && !res.writableEnded) request.aborted = true;
      if (timer) clearTimeout(timer);
      inFlight--;
    });
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const recorded: RecordedRequest = {
        operation: route.operation,
        modelId: decodeURIComponent(match[1]!),
        rawPath,
        httpVersion: req.httpVersion,
        headers: { ...req.headers },
        body: parseJson(text),
        aborted: false,
      };
      request = recorded;
      requests.push(recorded);
      const reply = queue.shift() ?? firstRule(rules, recorded) ?? {};
      const answer = () => {
        timer = undefined;
        if (closed || res.writableEnded) return;
        if (reply.error) writeError(res, reply.error, reply.message ?? defaultMessage(reply.error), reply.status);
        else if (reply.json !== undefined) writeJson(res, reply.status ?? 200, reply.json);
        else {
          const ctx: RouteContext = {
            request: recorded,
            reply,
            signal: gone.signal,
            res,
            sendJson: (status, body) => writeJson(res, status, body),
            sendError: (type, message, status) => writeError(res, type, message, status),
          };
          Promise.resolve(route.handle(ctx)).catch((error: unknown) =>
            writeError(res, "InternalServerException", String(error)),
          );
        }
      };
      if (reply.delayMs) timer = setTimeout(answer, reply.delayMs);
      else answer();
    });
  };

  const h1 = http.createServer(onRequest);
  const h2 = http2.createServer(onRequest);
  const track = (socket: Socket) => {
    // As node:http does: without it Nagle holds small frames back ~40 ms.
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  };
  h1.on("connection", (socket: Socket) => {
    connections.http1++;
    track(socket);
  });
  h2.on("connection", (socket: Socket) => {
    connections.h2++;
    track(socket);
  });
  const listen = async (server: Server) => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  const endpoint = await listen(h2);
  const http1Endpoint = await listen(h1);

  return {
    endpoint,
    http1Endpoint,
    requests,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    connections,
    script(reply, times = 1) {
      for (let i = 0; i < times; i++) queue.push(reply);
    },
    rule(rule) {
      rules.push(rule);
      return () => {
        rules = rules.filter((r) => r !== rule);
      };
    },
    reset() {
      requests.length = 0;
      queue = [];
      rules = [];
      maxInFlight = inFlight;
      connections.h2 = 0;
      connections.http1 = 0;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await Promise.all([h1, h2].map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    },
  };
}

/**
 * The vector the fake returns for `text`: seeded by the text, so equal texts give equal
 * vectors and different texts unrelated ones. Exported so tests can check order.
 */
export function fakeEmbedding(text: string, dimension: number, normalize = true): number[] {
  let seed = 0x811c9dc5; // FNV-1a of the text seeds the generator
  for (let i = 0; i < text.length; i++) seed = Math.imul(seed ^ text.charCodeAt(i), 0x01000193);
  const random = mulberry32(seed);
  const out: number[] = [];
  let norm = 0;
  for (let i = 0; i < dimension; i++) {
    const v = random() - 0.5;
    out.push(v);
    norm += v * v;
  }
  const scale = normalize ? 1 / Math.sqrt(norm) : 1;
  return out.map((v) => v * scale);
}

/** `InvokeModel` for Titan Text Embeddings V2: the same validation and response shape as the service. */
function invokeTitanEmbedding({ request, sendJson, sendError }: RouteContext): void {
  const body = request.body as { inputText?: unknown; dimensions?: unknown; normalize?: unknown } | undefined;
  if (!body || typeof body !== "object") return sendError("ValidationException", "Malformed input request, please reformat your input and try again.");
  const { inputText, dimensions = 1024, normalize = true } = body;
  if (typeof inputText !== "string" || inputText.length === 0) {
    return sendError("ValidationException", "Malformed input request: expected minLength: 1, actual: 0, please reformat your input and try again.");
  }
  if (inputText.length > 50_000) {
    return sendError("ValidationException", `Malformed input request: expected maxLength: 50000, actual: ${inputText.length}, please reformat your input and try again.`);
  }
  if (dimensions !== 256 && dimensions !== 512 && dimensions !== 1024) {
    return sendError("ValidationException", `Malformed input request: ${String(dimensions)} is not a valid enum value, please reformat your input and try again.`);
  }
  const embedding = fakeEmbedding(inputText, dimensions, normalize !== false);
  sendJson(200, {
    embedding,
    inputTextTokenCount: Math.ceil(inputText.length / 4.7),
    embeddingsByType: { float: embedding },
  });
}

interface ConverseBody {
  messages?: Array<{ role?: unknown; content?: Array<{ text?: unknown }> }>;
  system?: Array<{ text?: unknown }>;
  inferenceConfig?: { maxTokens?: unknown; temperature?: unknown };
}

const codec = new EventStreamCodec(
  (bytes) => new TextDecoder().decode(bytes),
  (text) => new TextEncoder().encode(text),
);

/**
 * `ConverseStream`: checks the request as Bedrock does (a user turn first, roles
 * alternating, no blank text), then streams `messageStart`, the deltas,
 * `contentBlockStop`, `messageStop` and `metadata` as event-stream frames, or an
 * exception frame part-way when the script says so.
 */
async function converseStream({ request, reply, signal, res, sendError }: RouteContext): Promise<void> {
  const body = (request.body ?? {}) as ConverseBody;
  const problem = converseProblem(body);
  if (problem) return sendError("ValidationException", problem);
  const script = reply.converse ?? {};
  const text = script.text ?? defaultAnswer(body);
  const deltas = script.deltas ?? splitDeltas(text);
  const started = Date.now();

  res.writeHead(200, { "content-type": "application/vnd.amazon.eventstream", "x-amzn-requestid": requestId() });
  let first = true;
  const send = async (message: Message): Promise<boolean> => {
    if (!first && script.eventDelayMs) await sleep(script.eventDelayMs, signal).catch(() => undefined);
    first = false;
    if (signal.aborted) return false;
    // Both response types take a chunk; their overload sets just do not unify.
    (res as { write(chunk: Uint8Array): boolean }).write(codec.encode(message));
    return true;
  };

  if (!(await send(streamEvent("messageStart", { role: "assistant" })))) return;
  // A failure scripted past the last delta comes after all the text, before `messageStop`.
  const failAt = script.failAfter ? Math.min(script.failAfter.deltas, deltas.length) : deltas.length;
  for (let i = 0; i <= failAt; i++) {
    if (i === script.stallAfter) {
      // Silent with the response open: only the client's timeout or abort ends it.
      if (!signal.aborted) await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
      return;
    }
    if (i === failAt) break;
    if (!(await send(streamEvent("contentBlockDelta", { contentBlockIndex: 0, delta: { text: deltas[i] } })))) return;
  }
  if (script.failAfter) {
    const type = script.failAfter.exception ?? "modelStreamErrorException";
    const message = script.failAfter.message ?? `${type} (scripted by the fake)`;
    if (await send(streamException(type, message))) res.end();
    return;
  }
  const usage = script.usage ?? {
    inputTokens: Math.ceil(JSON.stringify(body.messages ?? []).length / 4 + JSON.stringify(body.system ?? []).length / 4),
    outputTokens: Math.ceil(deltas.join("").length / 4),
  };
  if (!(await send(streamEvent("contentBlockStop", { contentBlockIndex: 0 })))) return;
  if (!(await send(streamEvent("messageStop", { stopReason: script.stopReason ?? "end_turn" })))) return;
  const metadata = { usage: { ...usage, totalTokens: usage.inputTokens + usage.outputTokens }, metrics: { latencyMs: Date.now() - started } };
  if (await send(streamEvent("metadata", metadata))) res.end();
}

/** Bedrock's own wording for the conversation rules a Converse request breaks, if any. */
function converseProblem(body: ConverseBody): string | undefined {
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) return "A conversation must start with a user message. Try again with a conversation that starts with a user message.";
  if (messages[0]?.role !== "user") return "A conversation must start with a user message. Try again with a conversation that starts with a user message.";
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    if (m.role !== "user" && m.role !== "assistant") return `messages.${i}.role: must be one of user, assistant`;
    if (i > 0 && messages[i - 1]!.role === m.role) {
      return "A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.";
    }
    if (!Array.isArray(m.content) || m.content.length === 0) return `messages.${i}.content: must not be empty`;
    for (const block of m.content) {
      if (typeof block.text !== "string" || block.text.trim() === "") {
        return "The text field in the ContentBlock object is blank. Add text to the text field, and try again.";
      }
    }
  }
  return undefined;
}

/** A one-sentence answer to the last user turn citing up to two `[n]` seen in the system prompt. */
function defaultAnswer(body: ConverseBody): string {
  const system = (body.system ?? []).map((b) => String(b.text ?? "")).join("\n");
  const cited = [...new Set(Array.from(system.matchAll(/\[(\d+)\]/g), (m) => m[1]!))].slice(0, 2);
  const last = body.messages?.at(-1)?.content?.map((b) => String(b.text ?? "")).join(" ") ?? "";
  const question = last.length > 60 ? `${last.slice(0, 57)}...` : last;
  if (cited.length === 0) return `The fake model has no sources for "${question}".`;
  return `The sources answer "${question}" directly [${cited[0]}]${cited[1] ? `, and add detail [${cited[1]}]` : ""}.`;
}

/** Pieces of about eight characters, never splitting a surrogate pair, like a model's token chunks. */
function splitDeltas(text: string): string[] {
  const chars = Array.from(text);
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += 8) out.push(chars.slice(i, i + 8).join(""));
  return out;
}

function streamEvent(type: string, payload: unknown): Message {
  return {
    headers: {
      ":message-type": { type: "string", value: "event" },
      ":event-type": { type: "string", value: type },
      ":content-type": { type: "string", value: "application/json" },
    },
    body: new TextEncoder().encode(JSON.stringify(payload)),
  };
}

function streamException(type: StreamExceptionType, message: string): Message {
  const payload = type === "modelStreamErrorException" ? { message, originalStatusCode: 500, originalMessage: message } : { message };
  return {
    headers: {
      ":message-type": { type: "string", value: "exception" },
      ":exception-type": { type: "string", value: type },
      ":content-type": { type: "string", value: "application/json" },
    },
    body: new TextEncoder().encode(JSON.stringify(payload)),
  };
}

function firstRule(rules: Array<(r: RecordedRequest) => FakeReply | undefined>, request: RecordedRequest) {
  for (const rule of rules) {
    const reply = rule(request);
    if (reply) return reply;
  }
  return undefined;
}

function writeJson(res: ServerResponse | Http2ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "x-amzn-requestid": requestId() });
  res.end(text);
}

/** Bedrock's restJson1 error: the SDK reads the type from `x-amzn-errortype` first, then the body. */
function writeError(res: ServerResponse | Http2ServerResponse, type: string, message: string, status?: number): void {
  const code = status ?? BEDROCK_ERROR_STATUS[type as BedrockErrorType] ?? 400;
  res.writeHead(code, {
    "content-type": "application/json",
    "x-amzn-errortype": `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
    "x-amzn-requestid": requestId(),
  });
  res.end(JSON.stringify({ __type: type, message }));
}

function defaultMessage(type: BedrockErrorType): string {
  switch (type) {
    case "ThrottlingException":
      return "Too many requests, please wait before trying again.";
    case "AccessDeniedException":
      return "You don't have access to the model with the specified model ID.";
    case "ResourceNotFoundException":
      return "Could not resolve the foundation model from the provided model identifier.";
    case "ValidationException":
      return "Malformed input request, please reformat your input and try again.";
    case "ModelNotReadyException":
      return "Model is not ready to serve inference requests.";
    default:
      return `${type} (scripted by the fake)`;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

let nextRequestId = 0;
function requestId(): string {
  return `fake-${(++nextRequestId).toString(16).padStart(8, "0")}`;
}
