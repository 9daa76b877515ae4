/**
 * bench/finops — rows/s of the whole cost analysis (FocusDuckdbSource.open + analyzeCosts
 * with the offline ExtractiveChatModel: load, type-check, ten analysis stages, report) next
 * to the plainest useful DuckDB query over the same file (`SELECT ServiceName,
 * SUM(BilledCost) … GROUP BY`), and their ratio.
 *
 * The dataset is a labelled synthetic FOCUS export (gen:focus; 1M rows over 12 months by
 * default), generated into .local/bench/ on the first run and reused after (its truth.json
 * must match the parameters and the file size). Each measurement runs in its own child
 * process (measure.ts), so memory peaks do not mix: the child samples its RSS every 10 ms
 * and also reports the kernel's high-water mark (maxRSS), which catches spikes between samples.
 * The analysis's figures are then held against the truth (anomaly day, forecast, unused
 * commitment, untagged share) as a sanity check, not a score.
 *
 * Not part of `npm test`. Usage:
 *   npm run bench:finops [-- --rows 1000000] [--months 12] [--format csv|csv.gz|parquet] [--seed 1] [--regenerate] [--rounds 1]
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { FOCUS_SAMPLE, type FocusTruth, HAS_FOCUS_SAMPLE, parseFocusGeneratorArgs, truthPathFor } from "@ferry/core/testing/focus-generator";
import type { AnalysisSummary, Measurement, Task } from "./measure";

const USAGE = "usage: npm run bench:finops -- [--rows 1000000] [--months 12] [--format csv|csv.gz|parquet] [--seed 1] [--regenerate] [--rounds 1] [--query TEXT]";
const root = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const DEFAULT_QUERY = "Where does our cloud money go, what changed, what will next month cost, and what should we fix first?";

let values: ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>["values"];
const OPTIONS = {
  rows: { type: "string" },
  months: { type: "string" },
  format: { type: "string" },
  seed: { type: "string" },
  rounds: { type: "string", default: "1" },
  query: { type: "string", default: DEFAULT_QUERY },
  regenerate: { type: "boolean", default: false },
} as const;
try {
  ({ values } = parseArgs({ options: OPTIONS }));
} catch (error) {
  console.error(`${error instanceof Error ? error.message : error}\n${USAGE}`);
  process.exit(2);
}
const parsed = parseFocusGeneratorArgs({ rows: values.rows, months: values.months, format: values.format, seed: values.seed });
const rounds = Number(values.rounds);
if (!parsed.ok || !Number.isInteger(rounds) || rounds < 1) {
  console.error(`${parsed.ok ? "--rounds must be a positive integer" : parsed.message}\n${USAGE}`);
  process.exit(2);
}
const { rows, months, format, seed } = parsed.args;

const dir = join(root, ".local", "bench");
mkdirSync(dir, { recursive: true });
const dataset = join(dir, `focus-${months}m-${rows}r-seed${seed}.${format}`);
const template = HAS_FOCUS_SAMPLE ? FOCUS_SAMPLE : undefined;

/** Runs one measurement in a fresh process and returns what it printed. */
function measure(task: Task): Promise<Measurement> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(new URL("./measure.ts", import.meta.url)), JSON.stringify(task)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("exit", (code) => {
      const last = out.trim().split("\n").pop() ?? "";
      if (code === 0 && last.startsWith("{")) resolvePromise(JSON.parse(last) as Measurement);
      else reject(new Error(`measure.ts ${task.task} exited with ${code}: ${out.slice(-2000)}`));
    });
  });
}

/** The truth of a dataset already on disk, when it was made with the same parameters and is complete. */
function reusableTruth(): FocusTruth | undefined {
  const truthFile = truthPathFor(dataset);
  if (values.regenerate || !existsSync(dataset) || !existsSync(truthFile)) return undefined;
  const truth = JSON.parse(readFileSync(truthFile, "utf8")) as FocusTruth;
  const p = truth.parameters;
  const same = p.rows === rows && p.months === months && p.seed === seed && p.format === format && p.template === (template ?? "builtin");
  return same && statSync(dataset).size === truth.file.bytes ? truth : undefined;
}

const best = (xs: Measurement[]) => xs.reduce((a, b) => (b.ms < a.ms ? b : a));
const fmtInt = (n: number) => Math.round(n).toLocaleString("en-US");
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const show = (p: string) => relative(process.cwd(), p) || p;

console.log(`bench/finops — Node ${process.version}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GB RAM; best of ${rounds} round(s) per measurement, each in its own process\n`);

let generated: Measurement | undefined;
let truth = reusableTruth();
if (truth) {
  console.log(`reusing ${show(dataset)} (${(truth.file.bytes / 1e6).toFixed(0)} MB); pass --regenerate to time the generator again`);
} else {
  console.log(`generating ${show(dataset)} from ${template ? show(template) : "the built-in templates"}…`);
  generated = await measure({ task: "generate", out: dataset, months, rows, seed, format, template });
  truth = JSON.parse(readFileSync(truthPathFor(dataset), "utf8")) as FocusTruth;
}
console.log(`dataset: ${fmtInt(truth.file.rows)} rows, ${truth.periods.length} billing periods (${truth.firstDay} … ${truth.lastDay}), ${format}, ${(truth.file.bytes / 1e6).toFixed(0)} MB\n`);

const plainRuns: Measurement[] = [];
const analysisRuns: Measurement[] = [];
for (let round = 0; round < rounds; round++) {
  plainRuns.push(await measure({ task: "plain", path: dataset, format }));
  console.log(`  plain DuckDB query, round ${round + 1}: ${seconds(plainRuns.at(-1)!.ms)}`);
  analysisRuns.push(await measure({ task: "analyze", path: dataset, query: values.query! }));
  console.log(`  full analysis, round ${round + 1}: ${seconds(analysisRuns.at(-1)!.ms)}`);
}
const plain = best(plainRuns);
const analysis = best(analysisRuns);
const n = truth.file.rows;

const table: string[][] = [["measurement", "time", "rows/s", "RSS at start", "peak RSS (10 ms samples)", "max RSS (kernel)"]];
const row = (label: string, m: Measurement) => [label, seconds(m.ms), fmtInt(n / (m.ms / 1000)), `${fmtInt(m.rssStart)} MB`, `${fmtInt(m.rssPeak)} MB`, `${fmtInt(m.maxRss)} MB`];
if (generated) table.push(row(`generate (gen:focus, ${format})`, generated));
table.push(row("analyzeCosts (open + stages + report)", analysis));
table.push(row("plain DuckDB: SUM(BilledCost) GROUP BY ServiceName", plain));
const widths = table[0]!.map((_, c) => Math.max(...table.map((r) => r[c]!.length)));
console.log("");
for (const [i, r] of table.entries()) {
  console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  "));
  if (i === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
}
console.log(`\nratio: the full analysis takes ${(analysis.ms / plain.ms).toFixed(1)}× the time of the plain query (${((plain.ms / analysis.ms) * 100).toFixed(0)}% of its speed)`);

if (analysis.stages && analysis.stages.length > 0) {
  console.log("\nanalysis stages (open = inspect the file and load it into a typed DuckDB table):");
  for (const [name, ms] of analysis.stages) console.log(`  ${name.padEnd(18)} ${seconds(ms).padStart(9)}  ${((ms / analysis.ms) * 100).toFixed(0).padStart(3)}%`);
}

// Sanity, not a score: does the analysis see what was planted?
const summary = analysis.detail as AnalysisSummary;
const plainDetail = plain.detail as { billed: number; rows: number };
const usd = (x: number | string) => `$${Number(x).toLocaleString("en-US", { maximumFractionDigits: 0 })}`;
const truthBilled = Number(truth.totals.billedCost);
console.log("\nagainst the dataset's truth:");
console.log(`  total billed         truth ${usd(truthBilled)}; plain query ${usd(plainDetail.billed)} over ${fmtInt(plainDetail.rows)} rows; analysis ${usd(summary.totalBilledCost)}`);
const a = truth.anomaly;
const hit = summary.anomalies.find((x) => x.day === a.date);
console.log(`  anomaly              truth ${a.date} ${a.serviceName} +${usd(a.extraBilledCost)}; analysis ${hit ? `found it (${hit.scope}${hit.key ? ` ${hit.key}` : ""}, +${usd(hit.delta)})` : `did not list it (top: ${summary.anomalies.map((x) => `${x.day} ${x.key ?? x.scope}`).join(", ") || "none"})`}`);
const f = summary.forecast;
console.log(
  `  forecast ${truth.forecast.period}     truth (model, no noise) ${usd(truth.forecast.billedCost)}; analysis ${f?.billedCost !== undefined ? `${usd(f.billedCost)} for ${f.period} (${(((f.billedCost - truth.forecast.billedCost) / truth.forecast.billedCost) * 100).toFixed(1)}%${f.low !== undefined && f.high !== undefined ? `, band ${usd(f.low)}–${usd(f.high)}` : ""})` : "none"}`,
);
const unused = summary.commitments.find((c) => c.id === truth.commitments.unused.commitmentDiscountId);
console.log(`  unused commitment    truth ${usd(truth.commitments.unused.billedCost)} unused; analysis ${unused ? `utilization ${unused.utilization}, unused ${usd(unused.unusedCost)}` : "not listed"}`);
console.log(`  untagged share       truth ${(truth.totals.untaggedShare * 100).toFixed(1)}%; analysis ${summary.untaggedShare === undefined ? "n/a" : `${(summary.untaggedShare * 100).toFixed(1)}%`}`);
const categories = [...new Set(summary.recommendations.map((r) => r.category))];
console.log(`  recommendations      ${summary.recommendations.length} (${categories.join(", ")}); planted: commitment, idle_resource, region, tagging`);
