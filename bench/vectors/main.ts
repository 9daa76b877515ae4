/**
 * bench/vectors — QueryVectors latency on the local S3 Vectors emulator, next to
 * a plain brute-force scan in the same process over the same data.
 *
 * Starts the emulator (in memory, in a child process so server and client each
 * get a core), creates a 1024-d cosine index, loads random
 * unit vectors through the real `@aws-sdk/client-s3vectors` (PutVectors batches
 * of 500, 4 in flight) up to each size, then times topK-10 queries through the
 * SDK, unfiltered and with a metadata filter matching 10% of the vectors. The
 * baseline is the obvious implementation: a `for` loop over `number[][]` that
 * computes cosine for every vector and sorts them all. The emulator's times
 * include the SDK and HTTP round trip; the baseline's are compute only.
 *
 * Not part of `npm test`. Usage:
 *   node --import tsx bench/vectors/main.ts [--sizes 10000,100000] [--queries 200] [--naive-queries N]
 * Without --naive-queries the baseline runs as many of the same queries as fit in
 * about 15 s per row (at least 20), which keeps the whole run near a minute and a half.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { cpus } from "node:os";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { CreateIndexCommand, CreateVectorBucketCommand, PutVectorsCommand, QueryVectorsCommand, S3VectorsClient } from "@aws-sdk/client-s3vectors";
import { mulberry32 } from "@ferry/core/testing/random";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const option = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
};
const SIZES = option("sizes", "10000,100000").split(",").map(Number).sort((a, b) => a - b);
const QUERIES = Number(option("queries", "200"));
/** The baseline is slow at 100k; by default its query count adapts to a time budget (see `measure`). */
const NAIVE_QUERIES = option("naive-queries", "auto");
const NAIVE_BUDGET_MS = 15_000;
const DIMENSION = 1024;
const TOP_K = 10;
const BATCH = 500;
const IN_FLIGHT = 4;
const CATEGORIES = 10;
const FILTER = { category: "c3" };

if (SIZES.some((n) => !Number.isInteger(n) || n < TOP_K) || !(QUERIES > 0) || (NAIVE_QUERIES !== "auto" && !(Number(NAIVE_QUERIES) > 0))) {
  console.error("usage: main.ts [--sizes 10000,100000] [--queries 200] [--naive-queries N]");
  process.exit(1);
}


/** A random unit vector; 6 decimals keep the JSON short without changing the ranking. */
function unitVector(random: () => number): number[] {
  const v = new Array<number>(DIMENSION);
  let norm = 0;
  for (let j = 0; j < DIMENSION; j++) {
    const x = random() * 2 - 1;
    v[j] = x;
    norm += x * x;
  }
  const inv = 1 / Math.sqrt(norm);
  for (let j = 0; j < DIMENSION; j++) v[j] = Math.round(v[j]! * inv * 1e6) / 1e6;
  return v;
}

const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

// ---- the baseline ---------------------------------------------------------
const rows: number[][] = [];
const keys: string[] = [];
const categories: string[] = [];

/** The obvious brute force: score every vector (cosine, norms included), sort them all, take k. */
function naiveQuery(q: number[], k: number, category?: string): string[] {
  const scored: Array<{ key: string; distance: number }> = [];
  for (let i = 0; i < rows.length; i++) {
    if (category !== undefined && categories[i] !== category) continue;
    const v = rows[i]!;
    let dot = 0;
    let nv = 0;
    let nq = 0;
    for (let j = 0; j < v.length; j++) {
      dot += q[j]! * v[j]!;
      nv += v[j]! * v[j]!;
      nq += q[j]! * q[j]!;
    }
    scored.push({ key: keys[i]!, distance: 1 - dot / Math.sqrt(nv * nq) });
  }
  scored.sort((a, b) => a.distance - b.distance);
  return scored.slice(0, k).map((s) => s.key);
}

// ---- the emulator -----------------------------------------------------------
const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(new URL("./emulator-process.ts", import.meta.url))], {
  stdio: ["pipe", "pipe", "inherit"],
});
const [firstLine] = (await once(createInterface({ input: child.stdout! }), "line")) as [string];
const emulator = JSON.parse(firstLine) as { url: string };
const client = new S3VectorsClient({
  endpoint: emulator.url,
  region: "us-east-1",
  credentials: { accessKeyId: "local", secretAccessKey: "local" },
});
const at = { vectorBucketName: "bench", indexName: "chunks" };
await client.send(new CreateVectorBucketCommand({ vectorBucketName: at.vectorBucketName }));
await client.send(new CreateIndexCommand({ ...at, dataType: "float32", dimension: DIMENSION, distanceMetric: "cosine" }));

/** The SDK + HTTP round trip alone: QueryVectors on an index holding one vector. */
async function roundTripFloor(): Promise<number[]> {
  const floor = { vectorBucketName: at.vectorBucketName, indexName: "floor" };
  await client.send(new CreateIndexCommand({ ...floor, dataType: "float32", dimension: DIMENSION, distanceMetric: "cosine" }));
  const v = unitVector(mulberry32(7));
  await client.send(new PutVectorsCommand({ ...floor, vectors: [{ key: "only", data: { float32: v } }] }));
  const ms: number[] = [];
  for (let i = 0; i < 105; i++) {
    const t0 = performance.now();
    await client.send(new QueryVectorsCommand({ ...floor, topK: TOP_K, queryVector: { float32: v } }));
    if (i >= 5) ms.push(performance.now() - t0);
  }
  return ms;
}

const dataRandom = mulberry32(1);
/** Grows the data set to `size`, writing the new vectors through PutVectors; returns vectors/s. */
async function loadUpTo(size: number): Promise<number> {
  const start = rows.length;
  for (let i = start; i < size; i++) {
    rows.push(unitVector(dataRandom));
    keys.push(`doc-${Math.floor(i / 20)}#${i % 20}`);
    categories.push(`c${i % CATEGORIES}`);
  }
  const t0 = performance.now();
  let next = start;
  const worker = async () => {
    while (next < size) {
      const from = next;
      next = Math.min(size, next + BATCH);
      const vectors = [];
      for (let i = from; i < next; i++) vectors.push({ key: keys[i]!, data: { float32: rows[i]! }, metadata: { category: categories[i]!, n: i } });
      await client.send(new PutVectorsCommand({ ...at, vectors }));
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return (size - start) / ((performance.now() - t0) / 1000);
}

async function emulatorQuery(q: number[], filtered: boolean): Promise<{ ms: number; keys: string[] }> {
  const t0 = performance.now();
  const { vectors } = await client.send(new QueryVectorsCommand({ ...at, topK: TOP_K, queryVector: { float32: q }, ...(filtered && { filter: FILTER }) }));
  return { ms: performance.now() - t0, keys: vectors!.map((v) => v.key!) };
}

interface Row {
  size: number;
  loadRate: number | undefined;
  label: string;
  emulator: number[];
  naive: number[];
  recall: number;
}

async function measure(size: number, loadRate: number, filtered: boolean): Promise<Row> {
  const random = mulberry32(1000 + size + (filtered ? 1 : 0));
  const queries = Array.from({ length: QUERIES }, () => unitVector(random));
  for (const q of queries.slice(0, 5)) await emulatorQuery(q, filtered); // warm-up
  const emulatorMs: number[] = [];
  const answers: string[][] = [];
  for (const q of queries) {
    const { ms, keys } = await emulatorQuery(q, filtered);
    emulatorMs.push(ms);
    answers.push(keys);
  }
  const naiveMs: number[] = [];
  let agreed = 0;
  const category = filtered ? FILTER.category : undefined;
  const warm = performance.now();
  naiveQuery(queries[0]!, TOP_K, category);
  const naiveCount =
    NAIVE_QUERIES === "auto" ? Math.max(20, Math.min(QUERIES, Math.floor(NAIVE_BUDGET_MS / (performance.now() - warm)))) : Math.min(QUERIES, Number(NAIVE_QUERIES));
  for (let i = 0; i < naiveCount; i++) {
    const t0 = performance.now();
    const expected = naiveQuery(queries[i]!, TOP_K, category);
    naiveMs.push(performance.now() - t0);
    agreed += expected.filter((key) => answers[i]!.includes(key)).length;
  }
  return {
    size,
    loadRate: filtered ? undefined : loadRate,
    label: filtered ? `filter ${JSON.stringify(FILTER)} (10%)` : "no filter",
    emulator: emulatorMs,
    naive: naiveMs,
    recall: agreed / (naiveMs.length * TOP_K),
  };
}

console.log(
  `bench/vectors — Node ${process.version}, ${cpus().length} cores, ${DIMENSION}-d cosine, topK ${TOP_K}; ` +
    `${QUERIES} emulator queries per row (n = baseline queries)\n` +
    "emulator = QueryVectors through @aws-sdk/client-s3vectors over HTTP (SIMD scan, typed top-K); " +
    "naive = for-loop over number[][] + full sort, in process\n",
);
const started = performance.now();
const floor = await roundTripFloor();
const results: Row[] = [];
for (const size of SIZES) {
  const rate = await loadUpTo(size);
  for (const filtered of [false, true]) {
    const row = await measure(size, rate, filtered);
    results.push(row);
    console.log(`  measured ${size.toLocaleString("en-US")} ${row.label} (${((performance.now() - started) / 1000).toFixed(0)} s so far)`);
  }
}
child.stdin!.end();
await once(child, "exit");

const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
const header = ["vectors", "load (vec/s)", "query", "emulator p50", "emulator p99", "naive p50", "naive p99", "n", "p50 speed-up", "recall@10"];
const table = results.map((r) => [
  r.size.toLocaleString("en-US"),
  r.loadRate === undefined ? "" : Math.round(r.loadRate).toLocaleString("en-US"),
  r.label,
  `${fmt(percentile(r.emulator, 50))} ms`,
  `${fmt(percentile(r.emulator, 99))} ms`,
  `${fmt(percentile(r.naive, 50))} ms`,
  `${fmt(percentile(r.naive, 99))} ms`,
  String(r.naive.length),
  `${(percentile(r.naive, 50) / percentile(r.emulator, 50)).toFixed(1)}×`,
  `${(r.recall * 100).toFixed(1)}%`,
]);
const widths = header.map((h, c) => Math.max(h.length, ...table.map((row) => row[c]!.length)));
const line = (cells: string[]) => cells.map((cell, c) => (c <= 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  ");
console.log(`\n${line(header)}\n${widths.map((w) => "-".repeat(w)).join("  ")}`);
for (const row of table) console.log(line(row));
console.log(
  `\nSDK + HTTP round trip alone (QueryVectors on a 1-vector index): p50 ${fmt(percentile(floor, 50))} ms, p99 ${fmt(percentile(floor, 99))} ms`,
);
console.log(`total ${((performance.now() - started) / 1000).toFixed(0)} s; recall@10 = share of the baseline's top 10 the emulator also returned (exact search: expect 100%)`);
