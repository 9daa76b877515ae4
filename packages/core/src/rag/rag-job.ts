import { z } from "zod";
import { NonRetryableJobError, describeError, isRetryable } from "../errors";
import { defineJobKind, type JobContext } from "../jobs/kinds";
import type { ChatModel, ConversationStore, ConversationTurn, DocumentCatalog, Embedder, VectorIndex } from "../ports";
import type { RagQueryResult } from "../protocol";
import { CitationGuard, citationsFor } from "./citations";
import { CONVERSATION_KEEP_TURNS, CONVERSATION_TTL_SECONDS, retrievalText } from "./conversation";
import { conversationMessages, groundingSources, systemPrompt } from "./prompt";
import { DEFAULT_TOP_K, defaultRetrievalOptions, retrieve, type Retrieval, type RetrievalOptions } from "./retrieve";

export const RagQueryInput = z
  .object({
    question: z.string().trim().min(1, "the question is empty").max(4000, "the question is longer than 4,000 characters"),
    /** Only these of the caller's documents; all of them when absent. */
    documentIds: z.array(z.string().min(1).max(128)).min(1, "list at least one document, or leave documentIds out to ask all of them").max(50).optional(),
    topK: z.number().int().min(1, "topK must be 1–20").max(20, "topK must be 1–20").default(DEFAULT_TOP_K),
    /** Keeps the last turns, per user, so follow-ups ("on which page is that?") resolve. */
    conversationId: z.string().min(1).max(128).optional(),
  })
  .strict();
export type RagQueryInput = z.infer<typeof RagQueryInput>;

export interface RagDeps {
  catalog: DocumentCatalog;
  vectors: VectorIndex;
  /** The same embedder as ingestion: questions and chunks must share one vector space. */
  embedder: Embedder;
  chat: ChatModel;
  /** Without it, `conversationId` is echoed but no turns are kept (and the result says so). */
  conversations?: ConversationStore;
  options?: Partial<RagOptions>;
}

export interface RagOptions extends RetrievalOptions {
  conversationTurns: number;
  conversationTtlSeconds: number;
  /** Sampling temperature; low, because the answer should restate the sources, not embroider them. */
  temperature: number;
}

export const defaultRagOptions: RagOptions = {
  ...defaultRetrievalOptions,
  conversationTurns: CONVERSATION_KEEP_TURNS,
  conversationTtlSeconds: CONVERSATION_TTL_SECONDS,
  temperature: 0.2,
};

/** Set once the first delta has gone out: from then on another attempt would repeat the answer. */
interface RagCheckpoint {
  streamed: true;
}

/**
 * `rag_query {question, documentIds?, topK?, conversationId?}`: answers a question from
 * the caller's ingested PDFs, streaming the answer as `job_output` deltas and ending
 * with citations that name document and page.
 *
 * @remarks
 * - Retrieval is owner-scoped in the index filter itself (see `retrieve`); nothing of
 *   another user's documents is ever read.
 * - When no passage is close enough, no model is asked: the job answers that the
 *   documents do not cover the question (`grounded: false`, no citations), rather
 *   than let a model fill the gap.
 * - Every `[n]` in the answer names a source it was given (`CitationGuard` filters the
 *   stream), and `citations` lists exactly the numbers the answer uses.
 * - Once a delta is out, nothing may retry: clients hold the text, and a second run
 *   would stream it again after it. Failures after that point end the job, keeping
 *   the partial answer in its output; a later attempt (a crashed worker's redelivery,
 *   a handover at the deadline) fails at once instead of answering twice.
 */
export function ragQueryJob(deps: RagDeps) {
  const options = { ...defaultRagOptions, ...deps.options };

  return defineJobKind<RagQueryInput, RagQueryResult, RagCheckpoint>({
    name: "rag_query",
    queue: "analysis",
    input: RagQueryInput,
    describe: (input) => `Ask: ${input.question.length > 80 ? `${input.question.slice(0, 79)}…` : input.question}`,
    async run(input, ctx) {
      if (ctx.checkpoint?.streamed) {
        throw new NonRetryableJobError("the answer was interrupted after part of it had been sent; ask the question again", "handler_error");
      }
      const started = performance.now();
      const warnings: string[] = [];
      const history = await readHistory(deps, options, input, ctx, warnings);

      ctx.progress({
        stage: "retrieve",
        message: input.documentIds ? `Searching ${plural(input.documentIds.length, "selected document")}` : "Searching your documents",
        progress: 10,
      });
      const found = await retrieve(
        { ...deps, logger: ctx.logger },
        { owner: ctx.owner, text: retrievalText(input.question, history, deps.embedder.maxInputChars), documentIds: input.documentIds, topK: input.topK, signal: ctx.signal },
        options,
      );
      warnings.push(...found.warnings);
      const retrievalMs = performance.now() - started;

      const stream = new AnswerStream(ctx, started);
      const generating = performance.now();
      let answer: Omit<RagQueryResult, "timings" | "warnings" | "conversationId">;
      if (found.sources.length === 0) {
        ctx.progress({ stage: "generate", message: "No passage is close enough to the question", progress: 40 });
        const text = await notCoveredAnswer(deps, ctx.owner, input);
        for (const word of text.match(/\S+\s*/g) ?? []) stream.send(word);
        answer = { answer: stream.text, citations: [], model: "none", usage: { inputTokens: 0, outputTokens: 0 }, grounded: false };
      } else {
        ctx.progress({ stage: "generate", message: `Found ${passagesPhrase(found)}`, progress: 40 });
        answer = await generate(deps.chat, options, input.question, history, found, stream, ctx);
      }
      await stream.settled();
      const generationMs = performance.now() - generating;

      if (input.conversationId) {
        // A source without a title is remembered by its file name, which a follow-up's model can read.
        const filenames = new Map(found.sources.map((s) => [s.n, s.filename]));
        const citations = answer.citations.map(({ n, documentId, title, page }) => ({ n, documentId, title: title ?? filenames.get(n), page }));
        await saveTurn(deps, options, ctx, input.conversationId, { question: input.question, answer: answer.answer, citations, at: Date.now() }, warnings);
      }
      return {
        ...answer,
        ...(input.conversationId ? { conversationId: input.conversationId } : {}),
        ...(warnings.length ? { warnings } : {}),
        timings: { retrievalMs: round(retrievalMs), generationMs: round(generationMs), ...(stream.firstDeltaMs !== undefined ? { firstDeltaMs: round(stream.firstDeltaMs) } : {}) },
      };
    },
  });
}

/** Asks the model with the numbered sources and streams its answer through the citation guard. */
async function generate(
  chat: ChatModel,
  options: RagOptions,
  question: string,
  history: readonly ConversationTurn[],
  found: Retrieval,
  stream: AnswerStream,
  ctx: JobContext<RagCheckpoint>,
): Promise<Omit<RagQueryResult, "timings" | "warnings" | "conversationId">> {
  const guard = new CitationGuard(found.sources.map((s) => s.n));
  let deltas = 0;
  try {
    const result = await chat.stream({
      system: systemPrompt(found.sources),
      messages: conversationMessages(history, question),
      sources: groundingSources(found.sources),
      temperature: options.temperature,
      signal: ctx.signal,
      onDelta: (text) => {
        deltas++;
        stream.send(guard.push(text));
      },
    });
    // An adapter that returned its text without streaming it still gets it out, once.
    if (deltas === 0) stream.send(guard.push(result.text));
    stream.send(guard.end());
    return { answer: stream.text, citations: citationsFor(guard.used, found.sources), model: result.model, usage: result.usage, grounded: true };
  } catch (error) {
    // A cancel or deadline is the runner's to handle; anything else after text went out must not be retried.
    if (ctx.signal.aborted || !stream.started || !isRetryable(error)) throw error;
    throw new NonRetryableJobError(`the answer broke off after it had started: ${describeError(error)}`, "handler_error", { cause: error });
  }
}

/**
 * The answer's way out: every piece goes to `ctx.output` (the runner batches them into
 * `job_output` frames and keeps the whole text with the job), and the first one marks
 * the job as streamed, so no other attempt can answer again after it.
 */
class AnswerStream {
  text = "";
  firstDeltaMs: number | undefined;
  #marking: Promise<void> | undefined;

  constructor(
    private readonly ctx: JobContext<RagCheckpoint>,
    private readonly startedAt: number,
  ) {}

  get started(): boolean {
    return this.text.length > 0;
  }

  send(delta: string): void {
    if (!delta) return;
    if (!this.started) {
      this.firstDeltaMs = performance.now() - this.startedAt;
      this.#marking = this.ctx.saveCheckpoint({ streamed: true }).catch((error: unknown) => {
        this.ctx.logger.warn("rag_query: could not mark the answer as streamed", { jobId: this.ctx.jobId, error: describeError(error) });
      });
    }
    this.text += delta;
    this.ctx.output(delta);
  }

  /** Waits for the streamed mark to be written. */
  async settled(): Promise<void> {
    await this.#marking;
  }
}

/** The conversation's kept turns; an unreadable store costs the context, not the answer. */
async function readHistory(deps: RagDeps, options: RagOptions, input: RagQueryInput, ctx: JobContext<RagCheckpoint>, warnings: string[]): Promise<ConversationTurn[]> {
  if (!input.conversationId) return [];
  if (!deps.conversations) {
    warnings.push("this deployment keeps no conversations: the question was answered on its own");
    return [];
  }
  const turns = await deps.conversations.get(ctx.owner, input.conversationId);
  return turns.slice(-options.conversationTurns);
}

/**
 * Appends the finished turn. The answer has been streamed by now, so a failure here
 * must not fail (or retry) the job: the result carries a warning instead.
 */
async function saveTurn(deps: RagDeps, options: RagOptions, ctx: JobContext<RagCheckpoint>, conversationId: string, turn: ConversationTurn, warnings: string[]): Promise<void> {
  if (!deps.conversations) return;
  try {
    await deps.conversations.append(ctx.owner, conversationId, turn, { keep: options.conversationTurns, ttlSeconds: options.conversationTtlSeconds });
  } catch (error) {
    ctx.logger.warn("rag_query: could not save the conversation turn", { jobId: ctx.jobId, error: describeError(error) });
    warnings.push("this answer could not be added to the conversation; a follow-up will not see it");
  }
}

/** What the job answers when no passage is close enough, without asking any model. */
async function notCoveredAnswer(deps: RagDeps, owner: string, input: RagQueryInput): Promise<string> {
  if (input.documentIds) {
    return "The selected documents do not seem to cover this question: no passage in them is close enough to answer from. Try rephrasing it, or ask all your documents.";
  }
  const { documents } = await deps.catalog.listDocuments(owner, { limit: 1 });
  if (documents.length === 0) return "You have no ingested documents yet, so there is nothing to answer from. Upload a PDF first, then ask again.";
  return "Your documents do not seem to cover this question: no passage in them is close enough to answer from. Try rephrasing it, or ingest a document that covers it.";
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
const passagesPhrase = (found: Retrieval) => `${plural(found.sources.length, "passage")} in ${plural(found.documentCount, "document")}`;
const round = (ms: number) => Math.round(ms * 10) / 10;
