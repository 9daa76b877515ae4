/**
 * The arithmetic of bench/rag, apart from the stack it drives: one query's timeline as
 * the client saw it (frames stamped on arrival) next to the timings the job reports,
 * and the p50/p95 and time shares over many queries.
 * @module
 */
import { RagQueryResult } from "@ferry/core/protocol";
import { percentile } from "@ferry/local/testing/rag-eval";
import type { Frame } from "@ferry/local/testing/test-client";

/** A frame and when it arrived (`performance.now()` of this process). */
export interface Stamped {
  at: number;
  frame: Frame;
}

export interface QuerySample {
  question: string;
  offTopic: boolean;
  /** Client side, ms from sending `submit_job`: the `job_queued` answer, the first `job_output`, the terminal event. */
  queuedMs?: number;
  firstDeltaMs?: number;
  totalMs: number;
  /** `job_output` frames and the gaps between their arrivals (the server sends them ≥ 50 ms apart). */
  outputFrames: number;
  gapsMs: number[];
  /** The same gaps by the frames' own `timestamp` (when the server recorded them, whole ms): arrival jitter left out. */
  recordedGapsMs: number[];
  /** The job's own account (from the worker picking it up); absent when it failed. */
  result?: RagQueryResult;
  /** Why the query did not give a usable answer (refused, failed, deltas not adding up to the answer). */
  problem?: string;
}

const TERMINAL = new Set(["job_completed", "job_failed", "job_cancelled"]);

/**
 * What one `rag_query` looked like from the client: `log` holds every frame of the
 * connection (several queries may interleave), `requestId` the submit's id.
 */
export function sampleOf(question: string, offTopic: boolean, sentAt: number, requestId: string, log: readonly Stamped[]): QuerySample {
  const queued = log.find((s) => s.frame.requestId === requestId);
  if (!queued) return { question, offTopic, totalMs: Number.NaN, outputFrames: 0, gapsMs: [], recordedGapsMs: [], problem: "no answer to the submit" };
  if (queued.frame.type === "error") {
    return { question, offTopic, totalMs: queued.at - sentAt, outputFrames: 0, gapsMs: [], recordedGapsMs: [], problem: `submit refused: ${queued.frame.code}: ${queued.frame.message}` };
  }
  const jobId = queued.frame.jobId as string;
  const ofJob = log.filter((s) => s.frame.jobId === jobId);
  const outputs = ofJob.filter((s) => s.frame.type === "job_output");
  const end = ofJob.find((s) => TERMINAL.has(s.frame.type as string));
  const sample: QuerySample = {
    question,
    offTopic,
    queuedMs: queued.at - sentAt,
    firstDeltaMs: outputs[0] ? outputs[0].at - sentAt : undefined,
    totalMs: end ? end.at - sentAt : Number.NaN,
    outputFrames: outputs.length,
    gapsMs: outputs.slice(1).map((s, i) => s.at - outputs[i]!.at),
    recordedGapsMs: outputs.slice(1).map((s, i) => Number(s.frame.timestamp) - Number(outputs[i]!.frame.timestamp)),
  };
  if (!end) return { ...sample, problem: "no terminal event" };
  if (end.frame.type !== "job_completed") return { ...sample, problem: `${end.frame.type}: ${end.frame.error ?? end.frame.message ?? ""}` };
  const parsed = RagQueryResult.safeParse(end.frame.result);
  if (!parsed.success) return { ...sample, problem: `result does not match RagQueryResult: ${parsed.error.issues[0]?.message}` };
  const streamed = outputs.map((s) => String(s.frame.delta)).join("");
  const problem = streamed === parsed.data.answer ? undefined : `the job_output deltas (${streamed.length} chars) do not add up to the answer (${parsed.data.answer.length} chars)`;
  return { ...sample, result: parsed.data, ...(problem ? { problem } : {}) };
}

/** Retrieval's share of the job's own time (retrieval + generation), 0–1; `undefined` without timings. */
export function retrievalShare(sample: QuerySample): number | undefined {
  const t = sample.result?.timings;
  if (!t || t.retrievalMs + t.generationMs === 0) return undefined;
  return t.retrievalMs / (t.retrievalMs + t.generationMs);
}

export interface Shares {
  queries: number;
  /** Summed over the queries, as parts of the summed client-side total: the job's retrieval, its generation, and the rest (queue, pickup, WebSocket, the last batch's wait). */
  retrieval: number;
  generation: number;
  outside: number;
}

/** Where the client's waiting went, over the queries that reported timings. */
export function sharesOf(samples: readonly QuerySample[]): Shares {
  let retrieval = 0;
  let generation = 0;
  let total = 0;
  let queries = 0;
  for (const s of samples) {
    const t = s.result?.timings;
    if (!t || !Number.isFinite(s.totalMs)) continue;
    queries++;
    retrieval += t.retrievalMs;
    generation += t.generationMs;
    total += s.totalMs;
  }
  if (total === 0) return { queries, retrieval: Number.NaN, generation: Number.NaN, outside: Number.NaN };
  return { queries, retrieval: retrieval / total, generation: generation / total, outside: Math.max(0, total - retrieval - generation) / total };
}

/** `[label, min, p50, p95, max, n]` cells for a list of ms values (or counts, with `unit` ""). */
export function distributionRow(label: string, values: readonly number[], unit = " ms"): string[] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [label, "—", "—", "—", "—", "0"];
  const show = (v: number) => `${unit ? v.toFixed(1) : String(v)}${unit}`;
  return [label, show(Math.min(...finite)), show(percentile(finite, 50)), show(percentile(finite, 95)), show(Math.max(...finite)), String(finite.length)];
}

export const ms = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? "—" : v.toFixed(1));
export const pct = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? "—" : `${(v * 100).toFixed(0)}%`);
export const shorten = (text: string, max = 52) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
