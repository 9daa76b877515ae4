import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BedrockChatModel } from "../adapters/bedrock-chat-model";
import { ExtractiveChatModel } from "../adapters/extractive-chat-model";
import { HashingEmbedder } from "../adapters/hashing-embedder";
import { MemoryConversationStore } from "../adapters/memory-conversation-store";
import { MemoryDocumentCatalog } from "../adapters/memory-document-catalog";
import { NonRetryableJobError, RetryableJobError } from "../errors";
import type { ChatModel, ChatRequest, ChatResult, ConversationStore } from "../ports";
import { RagQueryResult } from "../protocol";
import { startBedrockFake, type BedrockFake } from "../testing/bedrock-fake";
import { memoryWorld } from "../testing/memory-world";
import { citedNumbers } from "./citations";
import { CONVERSATION_KEEP_TURNS, CONVERSATION_TTL_SECONDS } from "./conversation";
import { ragQueryJob, type RagDeps } from "./rag-job";
import { BruteForceIndex, seedDocument } from "./test-support";

const HARBOUR = [
  ["The harbour office opens at eight and sells tickets for every crossing."],
  ["The night ferry Aurora carries up to 240 passengers and 60 cars across the strait."],
  ["Storms in winter can close the strait for a day or two; check the notices."],
];

/**
 * A `ChatModel` that plays a script: the answer's pieces (a function of the request,
 * so it can cite what it was given), and optionally a failure after some of them.
 */
class ScriptedChatModel implements ChatModel {
  readonly id = "scripted-model";
  readonly extractive = false;
  readonly requests: ChatRequest[] = [];
  constructor(private readonly script: (request: ChatRequest, call: number) => { pieces: string[]; failAfter?: { count: number; error: Error } }) {}

  async stream(request: ChatRequest): Promise<ChatResult> {
    this.requests.push(request);
    const { pieces, failAfter } = this.script(request, this.requests.length);
    let text = "";
    for (const [i, piece] of pieces.entries()) {
      if (failAfter && i === failAfter.count) throw failAfter.error;
      await new Promise((resolve) => setTimeout(resolve, 1));
      text += piece;
      request.onDelta?.(piece);
    }
    return { text, model: this.id, usage: { inputTokens: 120, outputTokens: pieces.length }, stopReason: "end_turn" };
  }
}

let parts: { catalog: MemoryDocumentCatalog; vectors: BruteForceIndex; embedder: HashingEmbedder; conversations: MemoryConversationStore };
beforeEach(async () => {
  parts = { catalog: new MemoryDocumentCatalog(), vectors: new BruteForceIndex(), embedder: new HashingEmbedder(), conversations: new MemoryConversationStore() };
  await seedDocument(parts, { owner: "ann", documentId: "ann-doc", filename: "harbour.pdf", title: "Harbour guide", pages: HARBOUR });
  await seedDocument(parts, { owner: "bob", documentId: "bob-doc", filename: "harbour.pdf", pages: HARBOUR });
});

async function setup(chat: ChatModel, deps: Partial<RagDeps> = {}) {
  const world = memoryWorld({ kinds: [ragQueryJob({ ...parts, chat, ...deps })] });
  const users = { ann: await world.connect("ann"), bob: await world.connect("bob") };
  /** Submits a question as `user`, runs the worker until the job ends, and returns its events and result. */
  async function ask(user: keyof typeof users, input: Record<string, unknown>) {
    const client = users[user];
    const requestId = `q${Math.random()}`;
    await client.send({ action: "submit_job", kind: "rag_query", input, requestId });
    const queued = client.received().find((f) => f.requestId === requestId)!;
    expect(queued.type, JSON.stringify(queued)).toBe("job_queued");
    let outcome;
    // The memory queue does not redeliver by itself: a retry is put back as the queue would.
    for (;;) {
      outcome = await world.work("analysis");
      if (outcome.type !== "retry") break;
      await world.queue.enqueue("analysis", { jobId: queued.jobId, kind: "rag_query" });
    }
    const events = client.received().filter((f) => f.jobId === queued.jobId && f.type !== "job_snapshot");
    const terminal = events.at(-1)!;
    const output = events.filter((e) => e.type === "job_output").map((e) => e.delta as string).join("");
    return { jobId: queued.jobId as string, outcome, events, terminal, output, result: terminal.type === "job_completed" ? RagQueryResult.parse(terminal.result) : undefined };
  }
  return { world, users, ask };
}

/** An answer that cites the first source it was given, and one it was not. */
const citingFirst = (request: ChatRequest) => ({ pieces: ["Aurora carries 240 passengers [", `${request.sources![0]!.n}]`, " and sails nightly [", "9]."] });

describe("rag_query", () => {
  it("streams an answer whose deltas are exactly the result, citing only sources it was given", async () => {
    const chat = new ScriptedChatModel(citingFirst);
    const { ask } = await setup(chat);
    const { events, output, result } = await ask("ann", { question: "  How many passengers does the night ferry Aurora carry? " });

    expect(result).toBeDefined();
    expect(result!.answer).toBe("Aurora carries 240 passengers [1] and sails nightly.");
    expect(output).toBe(result!.answer);
    expect(result!.citations).toEqual([
      expect.objectContaining({ n: 1, documentId: "ann-doc", title: "Harbour guide", page: 2, snippet: expect.stringContaining("240 passengers") }),
    ]);
    expect(result!.citations[0]!.score).toBeGreaterThan(0);
    expect(citedNumbers(result!.answer).every((n) => result!.citations.some((c) => c.n === n))).toBe(true);
    expect(result).toMatchObject({ model: "scripted-model", usage: { inputTokens: 120, outputTokens: 4 }, grounded: true });
    expect(result!.timings).toMatchObject({ retrievalMs: expect.any(Number), generationMs: expect.any(Number), firstDeltaMs: expect.any(Number) });

    // The model got the question (trimmed), the numbered sources in its instructions, and the same sources to read.
    const request = chat.requests[0]!;
    expect(request.messages).toEqual([{ role: "user", text: "How many passengers does the night ferry Aurora carry?" }]);
    expect(request.system).toContain("[1] (Harbour guide, p. 2) The night ferry Aurora carries up to 240 passengers");
    expect(request.sources![0]).toMatchObject({ n: 1, label: "Harbour guide, p. 2" });

    // Progress is coalesced, so the quick retrieve stage may not show; the stage the answer is written in always does.
    const last = events.filter((e) => e.type === "progress_update").at(-1)!;
    expect(`${last.stage}: ${last.message}`).toMatch(/^generate: Found \d+ passages? in 1 document$/);
  });

  it("answers offline with the extractive answerer: the fact, its page, and deltas that add up to the answer", async () => {
    const { ask } = await setup(new ExtractiveChatModel());
    const { output, result } = await ask("ann", { question: "How many passengers does the night ferry Aurora carry?" });
    expect(result!.answer).toContain("240 passengers");
    expect(output).toBe(result!.answer);
    expect(result!.model).toMatch(/^offline-/);
    expect(result!.citations.length).toBeGreaterThan(0);
    expect(result!.citations.every((c) => c.page === 2 && c.documentId === "ann-doc")).toBe(true);
    expect(citedNumbers(result!.answer).sort()).toEqual(result!.citations.map((c) => c.n).sort());
  });

  it("answers that the documents do not cover an unrelated question, without asking a model", async () => {
    const chat = new ScriptedChatModel(citingFirst);
    const { ask } = await setup(chat);
    const { output, result } = await ask("ann", { question: "What is the boiling point of mercury in kelvin?" });
    expect(chat.requests).toEqual([]);
    expect(result).toMatchObject({ citations: [], grounded: false, model: "none" });
    expect(result!.answer).toMatch(/documents do not seem to cover this question/);
    expect(output).toBe(result!.answer);
  });

  it("says so when the user has ingested nothing yet", async () => {
    const { ask } = await setup(new ScriptedChatModel(citingFirst));
    const { result } = await ask("ann", { question: "What is the boiling point of mercury in kelvin?", topK: 3 });
    expect(result!.grounded).toBe(false);
    await parts.catalog.deleteDocument("ann", "ann-doc");
    expect((await ask("ann", { question: "How many passengers does Aurora carry?" })).result!.answer).toMatch(/no ingested documents yet/);
  });

  it("gives another user's document id nothing: same answer as a document that does not cover it", async () => {
    const chat = new ScriptedChatModel(citingFirst);
    const { ask } = await setup(chat);
    const stolen = await ask("bob", { question: "How many passengers does the night ferry Aurora carry?", documentIds: ["ann-doc"] });
    const missing = await ask("bob", { question: "How many passengers does the night ferry Aurora carry?", documentIds: ["no-such-doc"] });
    expect(stolen.result).toMatchObject({ grounded: false, citations: [] });
    expect(stolen.result!.answer).toBe(missing.result!.answer);
    expect(chat.requests).toEqual([]);

    const own = await ask("bob", { question: "How many passengers does the night ferry Aurora carry?", documentIds: ["bob-doc", "ann-doc"] });
    expect(own.result!.citations.map((c) => c.documentId)).toEqual(["bob-doc"]);
    expect(chat.requests.flatMap((r) => r.sources!.map((s) => s.label))).not.toContain("Harbour guide, p. 2");
  });

  it("keeps a conversation per user: a follow-up sees the last turns and retrieves the same topic", async () => {
    const chat = new ScriptedChatModel(citingFirst);
    const { ask } = await setup(chat);
    const first = await ask("ann", { question: "How many passengers does the night ferry Aurora carry?", conversationId: "c1" });
    const follow = await ask("ann", { question: "On which page is that?", conversationId: "c1" });
    expect(follow.result).toMatchObject({ conversationId: "c1", grounded: true });
    expect(follow.result!.citations[0]).toMatchObject({ documentId: "ann-doc", page: 2 });
    expect(chat.requests[1]!.messages).toEqual([
      { role: "user", text: "How many passengers does the night ferry Aurora carry?" },
      { role: "assistant", text: "Aurora carries 240 passengers (Harbour guide, p. 2) and sails nightly." },
      { role: "user", text: "On which page is that?" },
    ]);
    expect(await parts.conversations.get("ann", "c1")).toEqual([
      expect.objectContaining({ question: "How many passengers does the night ferry Aurora carry?", answer: first.result!.answer, citations: [{ n: 1, documentId: "ann-doc", title: "Harbour guide", page: 2 }] }),
      expect.objectContaining({ question: "On which page is that?" }),
    ]);

    // Bob's "c1" is another conversation: his follow-up has no history and finds nothing to go on.
    const bobs = await ask("bob", { question: "On which page is that?", conversationId: "c1" });
    expect(bobs.result!.grounded).toBe(false);
    expect(await parts.conversations.get("bob", "c1")).toHaveLength(1);
  });

  it("keeps only the last turns, and renews the conversation's expiry with each", async () => {
    const seen: Array<{ keep: number; ttlSeconds: number }> = [];
    const store = new MemoryConversationStore();
    const spy: ConversationStore = {
      get: (owner, id) => store.get(owner, id),
      append: (owner, id, turn, options) => (seen.push(options), store.append(owner, id, turn, options)),
    };
    const { ask } = await setup(new ScriptedChatModel(citingFirst), { conversations: spy });
    for (let i = 0; i < CONVERSATION_KEEP_TURNS + 2; i++) await ask("ann", { question: `Aurora passengers, question ${i}?`, conversationId: "long" });
    const turns = await store.get("ann", "long");
    expect(turns.map((t) => t.question)).toEqual(Array.from({ length: CONVERSATION_KEEP_TURNS }, (_, i) => `Aurora passengers, question ${i + 2}?`));
    expect(seen.at(-1)).toEqual({ keep: CONVERSATION_KEEP_TURNS, ttlSeconds: CONVERSATION_TTL_SECONDS });
  });

  it("retries a model that fails before writing anything, and the answer goes out once", async () => {
    const chat = new ScriptedChatModel((request, call) =>
      call === 1 ? { pieces: ["x"], failAfter: { count: 0, error: new RetryableJobError("throttled") } } : citingFirst(request),
    );
    const { ask } = await setup(chat);
    const { output, result, events } = await ask("ann", { question: "How many passengers does the night ferry Aurora carry?" });
    expect(events.some((e) => e.status === "retrying")).toBe(true);
    expect(output).toBe(result!.answer);
    expect(output.match(/240 passengers/g)).toHaveLength(1);
  });

  it.each([
    ["the adapter's NonRetryableJobError", new NonRetryableJobError("Bedrock stream broke off after 2 deltas", "handler_error")],
    ["any other error", new Error("socket hang up")],
  ])("fails for good, keeping the partial answer, when the stream breaks after text went out (%s)", async (_, error) => {
    const chat = new ScriptedChatModel(() => ({ pieces: ["Aurora carries ", "240 passengers", " [1]."], failAfter: { count: 2, error } }));
    const { ask, users } = await setup(chat);
    const { jobId, terminal, output, outcome } = await ask("ann", { question: "How many passengers does the night ferry Aurora carry?" });
    expect(outcome.type).toBe("failed");
    expect(chat.requests).toHaveLength(1);
    expect(terminal).toMatchObject({ type: "job_failed", attempts: 1 });
    expect(terminal.error).toMatch(error.message);
    expect(output).toBe("Aurora carries 240 passengers");
    await users.ann.send({ action: "subscribe", jobIds: [jobId], requestId: "s" });
    expect(users.ann.ofType("job_snapshot").at(-1)!.job).toMatchObject({ status: "failed", output: "Aurora carries 240 passengers" });
  });

  it("never answers twice: a later attempt of a job whose answer had started fails at once", async () => {
    const job = ragQueryJob({ ...parts, chat: new ScriptedChatModel(citingFirst) });
    const ctx = {
      jobId: "j1",
      owner: "ann",
      attempt: 2,
      resumed: false,
      signal: new AbortController().signal,
      progress() {},
      output() {
        throw new Error("must not stream");
      },
      checkpoint: { streamed: true as const },
      saveCheckpoint: async () => {},
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    };
    await expect(job.run(job.input.parse({ question: "Aurora?" }), ctx)).rejects.toThrow(/interrupted after part of it had been sent/);
  });

  it("refuses bad input with a clear message when it is submitted", async () => {
    const { users } = await setup(new ScriptedChatModel(citingFirst));
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ question: "   " }, /question: the question is empty/],
      [{ question: "x".repeat(4001) }, /longer than 4,000 characters/],
      [{ question: "Why?", topK: 0 }, /topK: topK must be 1–20/],
      [{ question: "Why?", topK: 21 }, /topK must be 1–20/],
      [{ question: "Why?", documentIds: [] }, /documentIds: list at least one document/],
      [{ question: "Why?", conversationId: "" }, /conversationId/],
      [{ question: "Why?", extra: 1 }, /extra/],
    ];
    for (const [input, message] of cases) {
      const requestId = `bad${Math.random()}`;
      await users.ann.send({ action: "submit_job", kind: "rag_query", input, requestId });
      expect(users.ann.received().find((f) => f.requestId === requestId), JSON.stringify(input)).toMatchObject({
        type: "error",
        code: "bad_request",
        message: expect.stringMatching(message),
      });
    }
  });
});

/**
 * The job with the real Bedrock adapter and `@aws-sdk/client-bedrock-runtime`, against the
 * HTTP/2 fake that speaks ConverseStream's event-stream encoding: what a user of a deployed
 * stage sees when Claude answers, is throttled, or breaks off mid-answer.
 */
describe("rag_query with Claude on Bedrock (event-stream fake)", () => {
  const PROFILE = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
  let fake: BedrockFake;
  let chat: BedrockChatModel;
  beforeAll(async () => {
    fake = await startBedrockFake();
    chat = new BedrockChatModel({
      modelId: PROFILE,
      region: "us-east-1",
      endpoint: fake.endpoint,
      backoff: { baseMs: 5, capMs: 20 },
      clientConfig: { credentials: { accessKeyId: "local", secretAccessKey: "local" } },
    });
  });
  afterAll(async () => {
    chat.destroy();
    await fake.close();
  });
  beforeEach(() => fake.reset());
  const question = { question: "How many passengers does the night ferry Aurora carry?" };

  it("answers through the inference profile after a throttled first attempt, with Bedrock's token usage", async () => {
    fake.script({ error: "ThrottlingException" });
    fake.script({ converse: { deltas: ["The night ferry ", "Aurora carries up to ", "240 passengers [1]."], usage: { inputTokens: 812, outputTokens: 17 } } });
    const { ask } = await setup(chat);
    const { output, result } = await ask("ann", question);
    expect(result).toMatchObject({ model: PROFILE, usage: { inputTokens: 812, outputTokens: 17 }, grounded: true });
    expect(output).toBe(result!.answer);
    expect(result!.answer).toBe("The night ferry Aurora carries up to 240 passengers [1].");
    expect(result!.citations).toEqual([expect.objectContaining({ n: 1, documentId: "ann-doc", page: 2 })]);
    expect(fake.requests.map((r) => [r.operation, r.modelId, r.httpVersion])).toEqual([
      ["converse-stream", PROFILE, "2.0"],
      ["converse-stream", PROFILE, "2.0"],
    ]);
  });

  it("fails clearly and keeps the partial answer when the stream breaks midway", async () => {
    fake.script({ converse: { deltas: ["The night ferry ", "Aurora carries ", "up to 240 passengers [1]."], failAfter: { deltas: 2, exception: "modelStreamErrorException", message: "Model stream broke" } } });
    const { ask, users } = await setup(chat);
    const { jobId, terminal, output } = await ask("ann", question);
    expect(terminal).toMatchObject({ type: "job_failed", attempts: 1 });
    expect(terminal.error).toMatch(/Model stream broke/);
    expect(terminal.error).toMatch(/partial answer.*kept/);
    // What was streamed before the break stays with the job (a trailing space the answer never finished is not sent).
    expect(output).toBe("The night ferry Aurora carries");
    await users.ann.send({ action: "subscribe", jobIds: [jobId], requestId: "s" });
    expect(users.ann.ofType("job_snapshot").at(-1)!.job).toMatchObject({ status: "failed", output: "The night ferry Aurora carries" });
    expect(fake.requests).toHaveLength(1);
  });
});
