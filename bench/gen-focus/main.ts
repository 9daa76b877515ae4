/**
 * gen:focus — writes a labelled synthetic FOCUS 1.0 dataset and its `<name>.truth.json`
 * (what was planted: growth, seasonality, noise, anomaly, commitments, idle resources,
 * untagged share, region price gap, exact totals, the model's next period).
 * The generator itself is `@ferry/core/testing/focus-generator`, which tests call directly.
 *
 * Usage: npm run gen:focus -- [--months 12] [--rows 1000000] [--out DIR] [--format csv|csv.gz|parquet]
 *                             [--seed N] [--start YYYY-MM] [--from FILE|builtin]
 * `--from` defaults to the shared sample (../shared/data/focus/focus-1.0-sample_accounts-A.csv)
 * when it is present, and to the built-in templates otherwise.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { FOCUS_SAMPLE, HAS_FOCUS_SAMPLE, generateFocus, parseFocusGeneratorArgs, truthPathFor } from "@ferry/core/testing/focus-generator";

const root = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const USAGE = "usage: npm run gen:focus -- [--months 12] [--rows 1000000] [--out DIR] [--format csv|csv.gz|parquet] [--seed N] [--start YYYY-MM] [--from FILE|builtin]";

let values: Record<string, unknown>;
try {
  ({ values } = parseArgs({
    options: { months: { type: "string" }, rows: { type: "string" }, out: { type: "string" }, format: { type: "string" }, seed: { type: "string" }, start: { type: "string" }, from: { type: "string" } },
  }));
} catch (error) {
  console.error(`${error instanceof Error ? error.message : error}\n${USAGE}`);
  process.exit(2);
}
const parsed = parseFocusGeneratorArgs(values);
if (!parsed.ok) {
  console.error(`${parsed.message}\n${USAGE}`);
  process.exit(2);
}
const args = { ...parsed.args, out: parsed.args.out ?? join(root, ".local", "gen-focus") };

const template = args.from === "builtin" ? undefined : (args.from ?? (HAS_FOCUS_SAMPLE ? FOCUS_SAMPLE : undefined));
mkdirSync(args.out, { recursive: true });
const out = join(resolve(args.out), `focus-${args.months}m-${args.rows}r-seed${args.seed}.${args.format}`);
const started = performance.now();
const truth = await generateFocus({ months: args.months, rows: args.rows, start: args.start, seed: args.seed, out, format: args.format, template });
const seconds = (performance.now() - started) / 1000;
const truthFile = truthPathFor(out);
writeFileSync(truthFile, `${JSON.stringify(truth, null, 2)}\n`);

const usd = (x: string | number) => `$${Number(x).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const show = (p: string) => relative(process.cwd(), p) || p;
console.log(`wrote ${show(out)} — ${truth.file.rows.toLocaleString("en-US")} rows, ${(truth.file.bytes / 1e6).toFixed(1)} MB, ${seconds.toFixed(1)} s (${Math.round(truth.file.rows / seconds).toLocaleString("en-US")} rows/s)`);
console.log(`truth  ${show(truthFile)}`);
console.log(`from   ${template ? show(template) : "built-in templates"}; seed ${args.seed}; ${truth.parameters.usageStreams} usage streams\n`);
console.log("period     rows         billed        model (no noise, no anomaly)");
for (const p of truth.periods) console.log(`${p.period}  ${String(p.rows).padStart(9)}  ${usd(p.billedCost).padStart(14)}  ${usd(p.modelBilledCost).padStart(14)}`);
console.log(`${truth.forecast.period}  ${"forecast".padStart(9)}  ${"".padStart(14)}  ${usd(truth.forecast.billedCost).padStart(14)}\n`);
const a = truth.anomaly;
console.log(`anomaly         ${a.date} ${a.serviceName} in ${a.subAccountName} (${a.subAccountId}): +${usd(a.extraBilledCost)} = ${a.multiplier}× its normal ${usd(a.normalServiceDailyCost)}/day`);
const u = truth.commitments.unused;
console.log(`unused commit.  ${u.commitmentDiscountType} ${u.commitmentDiscountId}: ${usd(u.dailyCost)}/day, ${usd(u.billedCost)} in all, all Unused`);
const c = truth.commitments.used;
console.log(`used commit.    ${c.commitmentDiscountType} on ${c.serviceName}: list ${usd(c.listCost)}, effective ${usd(c.effectiveCost)}, saves ${usd(c.savings)}`);
for (const i of truth.idleResources) console.log(`idle resource   ${i.resourceId} (${i.serviceName}): ${usd(i.dailyCost)}/day, ${i.dailyPricingQuantity} ${i.pricingUnit}/day`);
const r = truth.regionPricing;
console.log(`region price    ${r.serviceName} per ${r.pricingUnit}: ${r.expensive.regionId} ${r.expensive.listUnitPrice} vs ${r.cheap.regionId} ${r.cheap.listUnitPrice} (${r.ratio}×)`);
console.log(`untagged        ${usd(truth.totals.untaggedBilledCost)} of ${usd(truth.totals.billedCost)} (${(truth.totals.untaggedShare * 100).toFixed(1)}%)`);
console.log(`growth/month    ${truth.services.map((s) => `${s.serviceName} ${(s.monthlyGrowth * 100).toFixed(1)}%`).join(", ")}`);
