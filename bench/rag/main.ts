/**
 * bench/rag — how long a `rag_query` takes on the offline stack, and where the time goes.
 * The PDFs that MANIFEST.md §3 asks about are ingested for one user through the WebSocket;
 * then each ground-truth question, and a few off-topic ones, is submitted as a client
 * would, and the bench prints per query:
 *  - client side, from sending `submit_job`: the `job_queued` answer, the first
 *    `job_output` delta (TTFD), `job_completed` (total), and the output frames' spacing;
 *  - the job's own `timings`: retrieval and generation, and retrieval's share of them;
 * then p50/p95 of each and how the summed client time splits into retrieval, generation
 * and everything outside the job (queue, pickup, WebSocket, the last batch's wait).
 * One warm-up query runs first and is not counted. The offline answerer composes its
 * answer at once; `--pace` makes it stream word by word like a model (FERRY_CHAT_PACE_MS).
 * Not part of `npm test`. Usage:
 *   npm run bench:rag [-- --rounds 1] [--pace 0] [--concurrency 1] [--data <folder with MANIFEST.md and pdfs/>]
 */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startStack } from "@ferry/local/stack";
import { uploadAndIngest } from "@ferry/local/testing/documents";
import { SHARED_DATA, readGroundTruth } from "@ferry/local/testing/manifest";
import { OFF_TOPIC_QUESTIONS, formatTable } from "@ferry/local/testing/rag-eval";
import type { RagQueryResult } from "@ferry/core/protocol";
import { TestClient } from "@ferry/local/testing/test-client";
import { distributionRow, ms, pct, retrievalShare, sampleOf, sharesOf, shorten, type QuerySample, type Stamped } from "./timeline";

const USAGE = "usage: npm run bench:rag -- [--rounds N ≥ 1] [--pace MS 0–1000] [--concurrency N ≥ 1] [--data <folder>]";
const OFF_TOPIC_COUNT = 3;

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "1" },
    pace: { type: "string", default: "0" },
    concurrency: { type: "string", default: "1" },
    data: { type: "string", default: SHARED_DATA },
  },
});
const int = (name: string, text: string, min: number, max: number) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    console.error(`--${name} ${text}: expected a whole number from ${min} to ${max}\n${USAGE}`);
    process.exit(2);
  }
  return n;
};
const rounds = int("rounds", values.rounds, 1, 1000);
const pace = int("pace", values.pace, 0, 1000); // the worker's FERRY_CHAT_PACE_MS accepts 0–1000
const concurrency = int("concurrency", values.concurrency, 1, 1000);

const manifestPath = join(values.data, "MANIFEST.md");
const pdfDir = join(values.data, "pdfs");
if (!existsSync(manifestPath) || !existsSync(pdfDir)) {
  console.log(`bench:rag skipped: no ${existsSync(manifestPath) ? "pdfs/ folder" : "MANIFEST.md"} in ${values.data} (the shared corpus lives in ../shared/data; pass --data <folder>)`);
  process.exit(0);
}
const truths = readGroundTruth(readFileSync(manifestPath, "utf8")).filter((t) => existsSync(join(pdfDir, t.file)));
if (truths.length === 0) {
  console.log(`bench:rag skipped: ${manifestPath} has no §3 ground-truth question about a PDF in ${pdfDir}`);
  process.exit(0);
}
const files = [...new Set(truths.map((t) => t.file))];
const questions = [
  ...truths.map((t) => ({ question: t.question, offTopic: false })),
  ...OFF_TOPIC_QUESTIONS.slice(0, OFF_TOPIC_COUNT).map((question) => ({ question, offTopic: true })),
];

// Ingests plus every round's questions would pass the default 120 submits a minute per user.
process.env.FERRY_SUBMITS_PER_MINUTE = "1000000";
const problems: string[] = [];
const stack = await startStack({
  dir: mkdtempSync(join(tmpdir(), "ferry-bench-rag-")),
  workers: 1,
  logLevel: "error",
  workerEnv: { FERRY_LOG_LEVEL: "error", FERRY_CHAT_PACE_MS: String(pace) },
});
const client = await TestClient.open(stack.outputs.websocketUrl, await stack.token("bench"));
/** Every frame of the connection, stamped on arrival: queries in flight at once share it. */
const log: Stamped[] = [];
client.ws.on("message", (data) => log.push({ at: performance.now(), frame: JSON.parse(String(data)) }));

console.log(
  `bench/rag — Node ${process.version}, ${cpus().length} cores; ${truths.length} ground-truth questions over ${files.length} PDFs + ${OFF_TOPIC_COUNT} off-topic, ` +
    `× ${rounds} round(s), ${concurrency} in flight, answer pace ${pace} ms/delta, 1 worker process\n`,
);

try {
  const ingestStarted = performance.now();
  for (const file of files) {
    const { terminal } = await uploadAndIngest(client, readFileSync(join(pdfDir, file)), file, 600_000);
    if (terminal.type !== "job_completed") problems.push(`${file} did not ingest: ${terminal.type} ${terminal.error ?? ""}`);
  }
  console.log(`ingested ${files.join(", ")} in ${((performance.now() - ingestStarted) / 1000).toFixed(1)} s\n`);

  await ask(questions[0]!.question, false); // warm-up: first-use costs of the worker's query path
  const work = Array.from({ length: rounds }, (_, round) => questions.map((q, i) => ({ ...q, label: rounds > 1 ? `${round + 1}.${i + 1}` : String(i + 1) }))).flat();
  const samples: Array<QuerySample & { label: string }> = new Array(work.length);
  let next = 0;
  const wallStarted = performance.now();
  // `concurrency` askers, each taking the next question as soon as its previous one has ended.
  await Promise.all(
    Array.from({ length: Math.min(concurrency, work.length) }, async () => {
      while (next < work.length) {
        const at = next++;
        const item = work[at]!;
        samples[at] = { ...(await ask(item.question, item.offTopic)), label: item.label };
      }
    }),
  );
  const wallMs = performance.now() - wallStarted;
  for (const s of samples) if (s.problem) problems.push(`#${s.label} "${shorten(s.question, 40)}": ${s.problem}`);

  const rows = samples.map((s) => {
    const t = s.result?.timings;
    const gapMin = s.gapsMs.length ? Math.min(...s.gapsMs) : undefined;
    return [s.label, ms(s.firstDeltaMs), ms(s.totalMs), ms(s.queuedMs), String(s.outputFrames), ms(gapMin), ms(t?.retrievalMs), ms(t?.generationMs), pct(retrievalShare(s)), s.result ? (s.result.grounded ? "yes" : "no") : "—", `${s.offTopic ? "(off-topic) " : ""}${shorten(s.question)}`];
  });
  console.log(formatTable(["#", "TTFD ms", "total ms", "queued ms", "frames", "min gap ms", "retrieval ms", "generation ms", "retrieval %", "grounded", "question"], rows));

  const timed = samples.filter((s) => s.result?.timings);
  const worker = (pick: (t: NonNullable<RagQueryResult["timings"]>) => number | undefined) => timed.map((s) => pick(s.result!.timings!) ?? Number.NaN);
  console.log(`\nsummary over ${samples.length} queries (${(samples.length / (wallMs / 1000)).toFixed(1)} queries/s; TTFD, total and queued are measured by the client from its submit, the rest by the job)`);
  console.log(
    formatTable(
      ["", "min", "p50", "p95", "max", "n"],
      [
        distributionRow("submit → job_queued", samples.map((s) => s.queuedMs ?? Number.NaN)),
        distributionRow("submit → first delta (TTFD)", samples.map((s) => s.firstDeltaMs ?? Number.NaN)),
        distributionRow("submit → job_completed", samples.map((s) => s.totalMs)),
        distributionRow("job: first delta", worker((t) => t.firstDeltaMs)),
        distributionRow("job: retrieval", worker((t) => t.retrievalMs)),
        distributionRow("job: generation", worker((t) => t.generationMs)),
        distributionRow("job: retrieval share", timed.map((s) => (retrievalShare(s) ?? Number.NaN) * 100), "%"),
        distributionRow("job_output frames per query", samples.map((s) => s.outputFrames), ""),
        distributionRow("job_output gap, on arrival", samples.flatMap((s) => s.gapsMs)),
        distributionRow("job_output gap, as recorded", samples.flatMap((s) => s.recordedGapsMs)),
      ],
    ),
  );
  const split = [
    ["all", sharesOf(samples)],
    ["ground truth", sharesOf(samples.filter((s) => !s.offTopic))],
    ["off-topic", sharesOf(samples.filter((s) => s.offTopic))],
  ] as const;
  console.log(`\nwhere the client's waiting went (summed submit → job_completed)`);
  console.log(
    formatTable(
      ["queries", "n", "retrieval", "generation", "outside the job", "retrieval of the job's time"],
      split.map(([name, s]) => [name, String(s.queries), pct(s.retrieval), pct(s.generation), pct(s.outside), pct(s.retrieval / (s.retrieval + s.generation))]),
    ),
  );
  const models = [...new Set(samples.map((s) => s.result?.model).filter(Boolean))];
  const under = (gaps: number[]) => `${gaps.filter((g) => g < 50).length}/${gaps.length}`;
  console.log(
    `\nmodels ${models.join(", ") || "—"}; grounded ${samples.filter((s) => s.result?.grounded).length}/${samples.length} (off-topic ${samples.filter((s) => s.offTopic && s.result?.grounded).length}/${samples.filter((s) => s.offTopic).length})` +
      `\njob_output gaps under 50 ms: ${under(samples.flatMap((s) => s.recordedGapsMs))} by the frames' timestamps, ${under(samples.flatMap((s) => s.gapsMs))} on arrival (network and event-loop jitter)`,
  );
  for (const p of problems) console.error(`error: ${p}`);
} catch (error) {
  problems.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
  console.error(`bench:rag failed: ${problems.at(-1)}`);
} finally {
  await client.close().catch(() => {});
  await stack.stop();
}
process.exit(problems.length ? 1 : 0);

/** Submits one `rag_query`, waits for its end, and reads its timeline off the frame log. */
async function ask(question: string, offTopic: boolean): Promise<QuerySample> {
  const requestId = `rag-${log.length}-${Math.random().toString(36).slice(2, 8)}`;
  const sentAt = performance.now();
  client.send({ action: "submit_job", requestId, kind: "rag_query", input: { question } });
  const queued = await client.next((f) => f.requestId === requestId);
  if (queued.type !== "error") await client.next((f) => f.jobId === queued.jobId && ["job_completed", "job_failed", "job_cancelled"].includes(f.type), 120_000);
  return sampleOf(question, offTopic, sentAt, requestId, log);
}
