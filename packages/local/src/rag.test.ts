import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RagQueryResult } from "@ferry/core/protocol";
import { citedNumbers } from "@ferry/core/rag";
import { startStack, type Stack } from "./stack";
import { uploadAndIngest } from "./testing/documents";
import { HAS_SHARED_PDFS, NO_SHARED_PDFS, PDF_DIR, readGroundTruth } from "./testing/manifest";
import { TestClient, type Frame } from "./testing/test-client";

/**
 * `rag_query` end to end on the offline stack: PDFs ingested through the WebSocket,
 * questions answered by a worker process with the offline embedder, the S3 Vectors
 * emulator and the extractive answerer, streamed back through the API Gateway emulator.
 */
let stack: Stack;
const documents: Record<string, { stories: string; zen?: string }> = {};

/** The offline answerer streams in a millisecond; paced, an answer takes a second or two, long enough to reconnect in. */
const PACE_MS = "30";

beforeAll(async () => {
  if (!HAS_SHARED_PDFS) return;
  stack = await startStack({ dir: mkdtempSync(join(tmpdir(), "ferry-rag-")), workers: 1, workerEnv: { FERRY_CHAT_PACE_MS: PACE_MS } });
  // Two users ingest the same PDF; Alice one more.
  for (const [user, files] of [
    ["alice", ["pdkids.pdf", "google-doc-document.pdf"]],
    ["bob", ["pdkids.pdf"]],
  ] as const) {
    const client = await connect(user);
    const ids: string[] = [];
    for (const file of files) {
      const { terminal } = await uploadAndIngest(client, readFileSync(join(PDF_DIR, file)), file);
      expect(terminal.type, `${user} ${file}: ${terminal.error}`).toBe("job_completed");
      ids.push((terminal.result as { documentId: string }).documentId);
    }
    documents[user] = { stories: ids[0]!, zen: ids[1] };
    await client.close();
  }
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

const connect = async (user: string) => TestClient.open(stack.outputs.websocketUrl, await stack.token(user));

let n = 0;
/** Submits a question and returns its job id (or the `error` frame of a refused submit). */
async function submit(client: TestClient, input: Record<string, unknown>): Promise<Frame> {
  const requestId = `ask-${++n}`;
  client.send({ action: "submit_job", requestId, kind: "rag_query", input });
  return client.next((f) => f.requestId === requestId);
}

/** Asks and waits for the answer: the terminal event, the result and the text the deltas add up to. */
async function ask(client: TestClient, input: Record<string, unknown>) {
  const queued = await submit(client, input);
  expect(queued.type, JSON.stringify(queued)).toBe("job_queued");
  const jobId = queued.jobId as string;
  const terminal = await client.next((f) => f.jobId === jobId && ["job_completed", "job_failed"].includes(f.type), 60_000);
  expect(terminal.type, terminal.error).toBe("job_completed");
  return { jobId, result: RagQueryResult.parse(terminal.result), streamed: outputAfter(client.ofJob(jobId), 0) };
}

/** The text of the `job_output` deltas after `seq`, each counted once and in `seq` order. */
function outputAfter(frames: Frame[], seq: number): string {
  const bySeq = new Map(frames.filter((f) => f.type === "job_output" && f.seq > seq).map((f) => [f.seq as number, f.delta as string]));
  return [...bySeq.entries()].sort(([a], [b]) => a - b).map(([, delta]) => delta).join("");
}

const normal = (text: string) => text.replace(/\s+/g, " ").trim();
/** A ground-truth question (MANIFEST §3) the offline retrieval ranks first: what Flax found at the foot of the rainbow. */
const rainbow = () => readGroundTruth().find((t) => t.file === "pdkids.pdf" && /rainbow/.test(t.question))!;

describe.skipIf(!HAS_SHARED_PDFS)(`rag_query on the offline stack ${HAS_SHARED_PDFS ? "" : NO_SHARED_PDFS}`, () => {
  it("streams an answer whose deltas are exactly the result, citing the right page of a ground-truth question", async () => {
    const truth = rainbow();
    const client = await connect("alice");
    const { result, streamed } = await ask(client, { question: truth.question });
    expect(streamed).toBe(result.answer);
    expect(result.grounded).toBe(true);
    expect(result.model).toMatch(/^offline-/);
    expect(normal(result.answer)).toContain(normal(truth.quote));
    for (const cited of citedNumbers(result.answer)) expect(result.citations.map((c) => c.n)).toContain(cited);
    expect(result.citations.length).toBeGreaterThan(0);
    expect(result.citations.some((c) => c.documentId === documents.alice!.stories && c.page === truth.page)).toBe(true);
    for (const c of result.citations) {
      expect(c.snippet.length).toBeLessThanOrEqual(300);
      expect(c.score).toBeGreaterThan(0);
    }
    expect(result.timings).toMatchObject({ retrievalMs: expect.any(Number), generationMs: expect.any(Number), firstDeltaMs: expect.any(Number) });
    await client.close();
  }, 60_000);

  it("never gives one user's chunks to another, even when asked for the other's document id", async () => {
    const truth = rainbow();
    const bob = await connect("bob");
    const own = await ask(bob, { question: truth.question });
    expect(own.result.citations.length).toBeGreaterThan(0);
    for (const c of own.result.citations) expect(c.documentId).toBe(documents.bob!.stories);

    const stolen = await ask(bob, { question: truth.question, documentIds: [documents.alice!.stories] });
    expect(stolen.result).toMatchObject({ grounded: false, citations: [] });
    expect(stolen.result.answer).toMatch(/do not seem to cover/);
    expect(stolen.streamed).toBe(stolen.result.answer);

    const mixed = await ask(bob, { question: truth.question, documentIds: [documents.alice!.stories, documents.bob!.stories] });
    expect(mixed.result.citations.length).toBeGreaterThan(0);
    for (const c of mixed.result.citations) expect(c.documentId).toBe(documents.bob!.stories);
    await bob.close();
  }, 60_000);

  it("says the documents do not cover a question about something else, citing nothing", async () => {
    const client = await connect("alice");
    const { result, streamed } = await ask(client, { question: "How do I bake sourdough bread at home?" });
    expect(result).toMatchObject({ grounded: false, citations: [] });
    expect(result.answer).toMatch(/documents do not seem to cover this question/);
    expect(citedNumbers(result.answer)).toEqual([]);
    expect(streamed).toBe(result.answer);
    await client.close();
  }, 60_000);

  it("gives a client that reconnects mid-answer the text so far, then only the new deltas", async () => {
    const first = await connect("alice");
    const queued = await submit(first, { question: rainbow().question, documentIds: [documents.alice!.stories] });
    const jobId = queued.jobId as string;
    await first.next((f) => f.jobId === jobId && f.type === "job_output", 30_000);
    await first.close();

    const second = await connect("alice");
    second.send({ action: "subscribe", requestId: "resub", jobIds: [jobId] });
    const snapshot = await second.next((f) => f.type === "job_snapshot" && f.requestId === "resub");
    const terminal = await second.next((f) => f.jobId === jobId && f.type === "job_completed", 60_000);
    const { answer } = RagQueryResult.parse(terminal.result);

    const sofar = snapshot.job.output as string;
    expect(snapshot.job.status).toBe("processing");
    expect(sofar.length).toBeGreaterThan(0);
    expect(sofar.length).toBeLessThan(answer.length);
    expect(sofar + outputAfter(second.ofJob(jobId), snapshot.seq)).toBe(answer);
    await second.close();
  }, 60_000);

  it("resolves a follow-up in a conversation: it cites the same document and page", async () => {
    const truth = rainbow();
    const client = await connect("alice");
    const first = await ask(client, { question: truth.question, conversationId: "rainbow-chat" });
    const follow = await ask(client, { question: "On which page is that?", conversationId: "rainbow-chat" });
    expect(follow.result.conversationId).toBe("rainbow-chat");
    expect(follow.result.grounded).toBe(true);
    const pagesOf = (r: RagQueryResult) => r.citations.filter((c) => c.documentId === documents.alice!.stories).map((c) => c.page);
    expect(pagesOf(first.result)).toContain(truth.page);
    expect(pagesOf(follow.result)).toContain(truth.page);
    expect(follow.streamed).toBe(follow.result.answer);

    // The same conversation id is a different, empty conversation for another user.
    const bob = await connect("bob");
    const bobs = await ask(bob, { question: "On which page is that?", conversationId: "rainbow-chat" });
    expect(bobs.result.citations).toEqual([]);
    await Promise.all([client.close(), bob.close()]);
  }, 60_000);

  it("refuses bad input with a clear error and keeps the connection", async () => {
    const client = await connect("alice");
    expect(await submit(client, { question: "   " })).toMatchObject({ type: "error", code: "bad_request", message: expect.stringMatching(/question: the question is empty/) });
    expect(await submit(client, { question: "Why?", topK: 0 })).toMatchObject({ type: "error", code: "bad_request", message: expect.stringMatching(/topK must be 1–20/) });
    expect(await submit(client, { question: "Why?", documentIds: [] })).toMatchObject({ type: "error", code: "bad_request", message: expect.stringMatching(/documentIds/) });
    client.send({ action: "ping", requestId: "still-there" });
    expect(await client.next((f) => f.requestId === "still-there")).toMatchObject({ type: "pong" });
    await client.close();
  });
});
