/**
 * bench/eval-rag — how well `rag_query` finds and states the MANIFEST.md §3 ground truth
 * on the offline stack. Every readable PDF of the data folder is ingested for one user
 * through the WebSocket, then for each question:
 *  - rank: where the question's embedding ranks the expected page among all the user's
 *    chunks (its embedder, `VectorIndex.query` with `ownerFilter`, the index's
 *    100-candidate cap; cosine distance only, before the job's lexical re-ranking);
 *    "quote" does the same for the verbatim quote;
 *  - src: the expected page's place among the sources `retrieve()` hands the answerer
 *    (after the distance threshold and neighbour merging, default topK);
 *  - fact / cites: a `rag_query` job submitted through the WebSocket — does its answer
 *    state the MANIFEST answer (see `factMatch`), and does it cite the expected page?
 * Quality is reported, not asserted: the exit code is non-zero only when something
 * broke (the stack, an ingest of a ground-truth file, a job).
 * Usage: npm run eval:rag [-- --data <folder with MANIFEST.md and pdfs/>] [--verbose]
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { HashingEmbedder } from "@ferry/core/adapters/hashing-embedder";
import { RedisDocumentCatalog } from "@ferry/core/adapters/redis-document-catalog";
import { S3VectorsIndex } from "@ferry/core/adapters/s3vectors-index";
import { RagQueryResult } from "@ferry/core/protocol";
import { DEFAULT_TOP_K, MAX_CANDIDATES, defaultRetrievalOptions, lexicalWeightFor, maxDistanceFor, ownerFilter, retrieve } from "@ferry/core/rag";
import { startStack } from "@ferry/local/stack";
import { uploadAndIngest } from "@ferry/local/testing/documents";
import { SHARED_DATA, readGroundTruth } from "@ferry/local/testing/manifest";
import { OFF_TOPIC_QUESTIONS, factMatch, formatTable, percentile, rankOfPage, summarizeRanks, type PageRef, type RankSummary } from "@ferry/local/testing/rag-eval";
import { TestClient, type Frame } from "@ferry/local/testing/test-client";

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const data = arg("data", SHARED_DATA);
const verbose = process.argv.includes("--verbose");
const manifestPath = join(data, "MANIFEST.md");
const pdfDir = join(data, "pdfs");
if (!existsSync(manifestPath) || !existsSync(pdfDir)) {
  console.log(`eval:rag skipped: no ${existsSync(manifestPath) ? "pdfs/ folder" : "MANIFEST.md"} in ${data} (the shared corpus lives in ../shared/data; pass --data <folder>)`);
  process.exit(0);
}
const truths = readGroundTruth(readFileSync(manifestPath, "utf8"));
const files = readdirSync(pdfDir).filter((f) => f.endsWith(".pdf")).sort();
if (truths.length === 0) {
  console.log(`eval:rag skipped: ${manifestPath} has no §3 ground-truth table`);
  process.exit(0);
}

const USER = "eval";
let submitted = 0;
const problems: string[] = [];
const stack = await startStack({ dir: mkdtempSync(join(tmpdir(), "ferry-eval-rag-")), workers: 1, logLevel: "error", workerEnv: { FERRY_LOG_LEVEL: "error" } });
const redis = new Redis(stack.outputs.redisUrl, { maxRetriesPerRequest: null });
const client = await TestClient.open(stack.outputs.websocketUrl, await stack.token(USER));

try {
  const embedder = new HashingEmbedder();
  const deps = {
    catalog: new RedisDocumentCatalog(redis, { prefix: "ferry:" }),
    vectors: new S3VectorsIndex({ vectorBucketName: "ferry-vectors", indexName: "chunks", client: { endpoint: stack.outputs.s3VectorsUrl, region: "us-east-1" } }),
    embedder,
  };
  console.log(`eval:rag — ${truths.length} questions over ${files.length} PDFs in ${pdfDir}; embedder ${embedder.id}, answerer offline\n`);

  const documents = new Map<string, string>();
  const ingestRows: string[][] = [];
  for (const file of files) {
    const { terminal } = await uploadAndIngest(client, readFileSync(join(pdfDir, file)), file, 600_000);
    if (terminal.type === "job_completed") {
      const r = terminal.result as { documentId: string; pages: number; chunks: number; skippedPages: number[] };
      documents.set(file, r.documentId);
      ingestRows.push([file, "ready", String(r.pages), String(r.chunks), r.skippedPages.length ? `skipped ${r.skippedPages.length} of ${r.pages} pages` : ""]);
    } else {
      ingestRows.push([file, terminal.type.replace("job_", ""), "—", "—", String(terminal.error ?? "").slice(0, 70)]);
      if (truths.some((t) => t.file === file)) problems.push(`${file} holds ground truth but did not ingest: ${terminal.error}`);
    }
  }
  console.log(formatTable(["file", "status", "pages", "chunks", "note"], ingestRows), "\n");

  /** Pages of the owner's chunks nearest to `text`, best first, as the job's query sees them. */
  const ranked = async (text: string) => {
    const [vector] = await embedder.embed([text]);
    const matches = await deps.vectors.query({ vector: vector!, topK: MAX_CANDIDATES, filter: ownerFilter(USER), returnMetadata: true });
    return matches.map((m) => ({ documentId: String(m.metadata?.documentId), page: Number(m.metadata?.page), distance: m.distance }));
  };

  const rows: string[][] = [];
  const questionRanks: Array<number | undefined> = [];
  const quoteRanks: Array<number | undefined> = [];
  const sourceRanks: Array<number | undefined> = [];
  /** The expected page's place in the job's own order (re-ranked, neighbours merged), 20 sources, no distance threshold. */
  const jobRanks: Array<number | undefined> = [];
  const answers = { asked: 0, found: 0, exact: 0, core: 0, tokens: 0, cites: 0, grounded: 0 };
  const timings = { retrieval: [] as number[], generation: [] as number[], firstDelta: [] as number[] };
  let ragUnavailable: string | undefined;

  for (const [i, truth] of truths.entries()) {
    const documentId = documents.get(truth.file);
    const expected: PageRef | undefined = documentId ? { documentId, page: truth.page } : undefined;
    const hits = await ranked(truth.question);
    const rank = expected && rankOfPage(hits, expected);
    const quoteRank = expected && rankOfPage(await ranked(truth.quote), expected);
    const sources = (await retrieve(deps, { owner: USER, text: truth.question, topK: DEFAULT_TOP_K })).sources;
    const sourceRank = expected && rankOfPage(sources, expected);
    const unfiltered = (await retrieve(deps, { owner: USER, text: truth.question, topK: 20 }, { ...defaultRetrievalOptions, maxDistance: Number.POSITIVE_INFINITY })).sources;
    jobRanks.push(expected && rankOfPage(unfiltered, expected));
    questionRanks.push(rank);
    quoteRanks.push(quoteRank);
    sourceRanks.push(sourceRank);

    let fact = "—";
    let cites = "—";
    if (!ragUnavailable) {
      const outcome = await ask(client, truth.question);
      if ("refused" in outcome) {
        ragUnavailable = outcome.refused;
      } else if ("failed" in outcome) {
        problems.push(`question ${i + 1}: rag_query failed: ${outcome.failed}`);
        fact = "failed";
      } else {
        const { result } = outcome;
        const match = factMatch(result.answer, truth.answer);
        const cited = expected ? result.citations.some((c) => c.documentId === expected.documentId && c.page === expected.page) : false;
        answers.asked++;
        if (match.found) answers.found++;
        if (match.kind !== "none") answers[match.kind]++;
        if (cited) answers.cites++;
        if (result.grounded) answers.grounded++;
        fact = match.found ? match.kind : `no ${Math.round(match.coverage * 100)}%`;
        cites = result.grounded ? (cited ? "yes" : "no") : "ungrounded";
        if (result.timings) {
          timings.retrieval.push(result.timings.retrievalMs);
          timings.generation.push(result.timings.generationMs);
          if (result.timings.firstDeltaMs !== undefined) timings.firstDelta.push(result.timings.firstDeltaMs);
        }
        if (verbose) console.log(`#${i + 1} ${truth.question}\n   expected: ${truth.answer}\n   answer:   ${result.answer.replace(/\s+/g, " ").slice(0, 400)}\n`);
      }
    }
    const distance = expected ? hits.find((h) => h.documentId === expected.documentId && h.page === expected.page)?.distance : undefined;
    rows.push([
      String(i + 1),
      `${truth.file} p.${truth.page}`,
      show(rank),
      show(quoteRank),
      distance === undefined ? "—" : distance.toFixed(2),
      show(sourceRank),
      fact,
      cites,
      truth.question,
    ]);
  }

  console.log(formatTable(["#", "expected page", "rank", "quote", "dist", "src", "fact", "cites", "question"], rows));
  const n = truths.length;
  const threshold = maxDistanceFor(embedder.id);
  const lexicalWeight = lexicalWeightFor(embedder.id);

  // Off-topic questions: refused by the threshold (no source), by the answerer (grounded, nothing quoted), or answered.
  const offTopic = { threshold: 0, answerer: 0, answered: 0 };
  if (!ragUnavailable) {
    for (const question of OFF_TOPIC_QUESTIONS) {
      const outcome = await ask(client, question);
      if (!("result" in outcome)) {
        problems.push(`off-topic "${question}": rag_query ${"failed" in outcome ? outcome.failed : outcome.refused}`);
        continue;
      }
      const { result } = outcome;
      if (!result.grounded) offTopic.threshold++;
      else if (result.citations.length === 0) offTopic.answerer++;
      else offTopic.answered++;
    }
  }

  // The distance threshold's trade-off: expected pages kept among the sources, off-topic questions let through.
  const sweep: string[][] = [];
  for (const maxDistance of [0.78, 0.8, 0.82, 0.84, 0.86, 0.88, 0.9]) {
    let kept = 0;
    for (const truth of truths) {
      const documentId = documents.get(truth.file);
      const { sources } = await retrieve(deps, { owner: USER, text: truth.question, topK: DEFAULT_TOP_K }, { ...defaultRetrievalOptions, maxDistance });
      if (documentId && rankOfPage(sources, { documentId, page: truth.page }) !== undefined) kept++;
    }
    let through = 0;
    for (const question of OFF_TOPIC_QUESTIONS) {
      const { sources } = await retrieve(deps, { owner: USER, text: question, topK: DEFAULT_TOP_K }, { ...defaultRetrievalOptions, maxDistance });
      if (sources.length > 0) through++;
    }
    sweep.push([maxDistance.toFixed(2) + (Math.abs(maxDistance - threshold) < 1e-9 ? " (job)" : ""), `${kept}/${n}`, `${through}/${OFF_TOPIC_QUESTIONS.length}`]);
  }
  console.log(`
rank  = the expected page's first place among the user's ${MAX_CANDIDATES} nearest chunks (— = not among them); quote = the same for its verbatim quote
dist  = cosine distance of that page's nearest chunk (the job ranks and keeps sources at ≤ ${threshold} on this distance blended ${lexicalWeight} with lexical coverage)
src   = its number among the ≤ ${DEFAULT_TOP_K} sources the job's retrieve() returns (threshold applied, neighbours merged)
fact  = the answer states the MANIFEST answer: exact, core (without its parentheses), tokens (≥ 75% of its words, every number), or no + coverage

questions      ${summary(summarizeRanks(questionRanks))}  (cosine distance alone, chunks)
job ranking    ${summary(summarizeRanks(jobRanks))}  (the job's order: blended distance, merged sources, no threshold)
quotes         ${summary(summarizeRanks(quoteRanks))}
job retrieval  expected page among the sources for ${sourceRanks.filter((r) => r !== undefined).length}/${n}, first for ${sourceRanks.filter((r) => r === 1).length}/${n}`);
  if (ragUnavailable) {
    console.log(`answers        not evaluated: rag_query was refused (${ragUnavailable})`);
  } else {
    console.log(`answers        state the fact ${answers.found}/${answers.asked} (exact ${answers.exact}, core ${answers.core}, tokens ${answers.tokens}); cite the expected page ${answers.cites}/${answers.asked}; grounded ${answers.grounded}/${answers.asked}`);
    const off = OFF_TOPIC_QUESTIONS.length;
    console.log(`off-topic      ${off} everyday questions: refused for want of a close source ${offTopic.threshold}/${off}, by the answerer ${offTopic.answerer}/${off}, answered with citations ${offTopic.answered}/${off}`);
    if (timings.retrieval.length) {
      const ms = (values: number[]) => `p50 ${percentile(values, 50).toFixed(0)} ms, p95 ${percentile(values, 95).toFixed(0)} ms`;
      console.log(`job timings    retrieval ${ms(timings.retrieval)}; generation ${ms(timings.generation)}; first delta ${ms(timings.firstDelta)}`);
    }
  }
  console.log(`\nthreshold sweep (retrieve() with another maxDistance on the blended distance; the job uses ${threshold} for ${embedder.id})\n${formatTable(["max distance", "expected page kept", "off-topic with sources"], sweep)}`);
  for (const p of problems) console.error(`error: ${p}`);
} catch (error) {
  problems.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
  console.error(`eval:rag failed: ${problems.at(-1)}`);
} finally {
  await client.close().catch(() => {});
  redis.disconnect();
  await stack.stop();
}
process.exit(problems.length ? 1 : 0);

function show(rank: number | undefined): string {
  return rank === undefined ? "—" : String(rank);
}

function summary(s: RankSummary): string {
  return `hit@1 ${s.hit1}/${s.n}, hit@5 ${s.hit5}/${s.n}, MRR ${s.mrr.toFixed(2)}`;
}

/** Submits `rag_query` and waits for its end: the parsed result, the failure, or the refusal of the submit itself. */
async function ask(client: TestClient, question: string): Promise<{ result: RagQueryResult } | { failed: string } | { refused: string }> {
  const requestId = `eval-${++submitted}`;
  client.send({ action: "submit_job", requestId, kind: "rag_query", input: { question } });
  const queued: Frame = await client.next((f) => f.requestId === requestId);
  if (queued.type === "error") return { refused: `${queued.code}: ${queued.message}` };
  const jobId = queued.jobId as string;
  const terminal = await client.next((f) => f.jobId === jobId && ["job_completed", "job_failed", "job_cancelled"].includes(f.type), 120_000);
  if (terminal.type !== "job_completed") return { failed: `${terminal.type}: ${terminal.error ?? ""}` };
  return { result: RagQueryResult.parse(terminal.result) };
}
