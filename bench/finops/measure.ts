/**
 * One measurement of bench/finops, run in its own process so its memory peak is its
 * own: `generate` (the FOCUS generator), `analyze` (FocusDuckdbSource + analyzeCosts
 * with the offline ExtractiveChatModel) or `plain` (one DuckDB GROUP BY over the file).
 * Takes one JSON argument and prints one JSON line: elapsed ms, RSS sampled every
 * 10 ms (start and peak) and the kernel's high-water mark (maxRSS), plus task details.
 */
import { writeFileSync } from "node:fs";
import { type FocusFormat, type FocusTruth, generateFocus, sqlString, truthPathFor, withScratchDuckdb } from "@ferry/core/testing/focus-generator";

export type Task =
  | { task: "generate"; out: string; months: number; rows: number; seed: number; format: FocusFormat; template?: string }
  | { task: "plain"; path: string; format: FocusFormat }
  | { task: "analyze"; path: string; query: string };

export interface Measurement {
  task: Task["task"];
  ms: number;
  rssStart: number;
  rssPeak: number;
  maxRss: number;
  /** Stage name → ms, in order (analyze only; `open` is loading the file into DuckDB). */
  stages?: Array<[string, number]>;
  /** What the task produced, small: totals for `plain`, headline figures for `analyze`. */
  detail?: unknown;
}

/** The figures of an analysis that bench/finops holds against the dataset's truth. */
export interface AnalysisSummary {
  totalBilledCost: number;
  anomalies: Array<{ day: string; scope: string; key?: string; delta: number }>;
  forecast: { period?: string; billedCost?: number; low?: number; high?: number } | null;
  commitments: Array<{ id: string; utilization: number | null; unusedCost: number }>;
  untaggedShare?: number;
  recommendations: Array<{ category: string; id: string; saving: number | null }>;
  responseChars: number;
}

const MB = 1024 * 1024;
let peak = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 10);

/** The analysis code, loaded only by the `analyze` task (so the others' memory does not include it) and before its clock starts. */
async function loadAnalysis() {
  const [{ FocusDuckdbSource }, { ExtractiveChatModel }, { analyzeCosts }] = await Promise.all([
    import("@ferry/core/adapters/focus-duckdb-source"),
    import("@ferry/core/adapters/extractive-chat-model"),
    import("@ferry/core/finops"),
  ]);
  return { FocusDuckdbSource, ExtractiveChatModel, analyzeCosts };
}

async function run(task: Task): Promise<Omit<Measurement, "ms" | "rssStart" | "rssPeak" | "maxRss">> {
  switch (task.task) {
    case "generate": {
      const truth: FocusTruth = await generateFocus({ months: task.months, rows: task.rows, seed: task.seed, format: task.format, out: task.out, template: task.template });
      writeFileSync(truthPathFor(task.out), `${JSON.stringify(truth, null, 2)}\n`);
      return { task: "generate", detail: { rows: truth.file.rows, bytes: truth.file.bytes } };
    }
    case "plain": {
      const from = task.format === "parquet" ? `read_parquet(${sqlString(task.path)})` : `read_csv(${sqlString(task.path)})`;
      const rows = await withScratchDuckdb(async (db) =>
        (await db.runAndReadAll(`SELECT ServiceName, SUM(BilledCost) AS billed, COUNT(*) AS n FROM ${from} GROUP BY ServiceName ORDER BY billed DESC`)).getRowObjectsJS(),
      );
      return {
        task: "plain",
        detail: { groups: rows.length, rows: rows.reduce((n, r) => n + Number(r.n), 0), billed: rows.reduce((s, r) => s + Number(r.billed), 0), top: String(rows[0]?.ServiceName) },
      };
    }
    case "analyze": {
      const stages: Array<[string, number]> = [];
      let mark = performance.now();
      const lap = (name: string) => {
        const now = performance.now();
        stages.push([name, now - mark]);
        mark = now;
      };
      const { FocusDuckdbSource, ExtractiveChatModel, analyzeCosts } = await analysisCode!;
      let current = "open";
      const source = await FocusDuckdbSource.open({ path: task.path });
      try {
        const result = await analyzeCosts(source, {
          query: task.query,
          chat: new ExtractiveChatModel(),
          onStage(stage) {
            lap(current);
            current = stage;
          },
        });
        lap(current);
        const c = result.cost_analysis;
        const detail: AnalysisSummary = {
          totalBilledCost: c.totals.totalBilledCost,
          anomalies: c.anomalies.anomalies.slice(0, 5).map((a) => ({ day: a.day, scope: a.scope, key: a.key, delta: a.delta })),
          forecast: c.forecast.available ? { period: c.forecast.period, billedCost: c.forecast.billedCost, low: c.forecast.low, high: c.forecast.high } : null,
          commitments: c.commitments.commitments.map((k) => ({ id: k.id, utilization: k.utilization, unusedCost: k.unusedCost })),
          untaggedShare: c.tags.untaggedShare,
          recommendations: result.optimization_recommendations.map((r) => ({ category: r.category, id: r.id, saving: r.estimatedMonthlySaving })),
          responseChars: result.response.length,
        };
        return { task: "analyze", stages, detail };
      } finally {
        await source.close();
      }
    }
  }
}

const task = JSON.parse(process.argv[2] ?? "{}") as Task;
const analysisCode = task.task === "analyze" ? loadAnalysis() : undefined;
await analysisCode;
const rssStart = process.memoryUsage().rss;
peak = rssStart;
const started = performance.now();
const result = await run(task);
const ms = performance.now() - started;
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss);
const measurement: Measurement = { ...result, ms, rssStart: rssStart / MB, rssPeak: peak / MB, maxRss: process.resourceUsage().maxRSS / 1024 };
process.stdout.write(`${JSON.stringify(measurement)}\n`);
