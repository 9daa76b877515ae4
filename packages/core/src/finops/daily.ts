import type { CostDimension, CostQuery, CostRow, CostSource } from "../ports/cost-source";
import type { DailyCost } from "./anomaly-detector";
import { daysBetween } from "./periods";
import { ifSupported, isUnsupported } from "./stage";

export interface DailySeries {
  /** One value per day from the first to the last charge day, missing days as 0. */
  days: DailyCost[];
  /** Per group when grouped, on the same days. */
  groups: Map<string, DailyCost[]>;
  query: string;
  /** True when only `Usage` charges are in it; false when the source could not filter. */
  usageOnly: boolean;
}

/**
 * Daily cost of `Usage` charges: purchases, taxes and credits land on billing dates
 * (the 1st of the month, invoice day) and would look like spikes every month, and
 * usage is what people change. Falls back to every charge when the source cannot
 * filter by charge category or has no `Usage` rows.
 */
export async function dailyUsage(
  source: CostSource,
  options: { groupBy?: CostDimension; where?: CostQuery["where"]; signal?: AbortSignal; range?: { firstDay: string; lastDay: string } },
): Promise<DailySeries> {
  const base: CostQuery = { granularity: "day", ...(options.groupBy ? { groupBy: [options.groupBy] } : {}), ...(options.where ? { where: options.where } : {}) };
  const usage = await ifSupported(() => source.costs({ ...base, where: { ...base.where, chargeCategory: ["Usage"] } }, { signal: options.signal }));
  const answer = !isUnsupported(usage) && usage.rows.length > 0 ? usage : await source.costs(base, { signal: options.signal });
  const usageOnly = answer === usage;
  return { ...toSeries(answer.rows, options.groupBy, options.range), query: answer.query, usageOnly };
}

function toSeries(rows: readonly CostRow[], groupBy: CostDimension | undefined, range?: { firstDay: string; lastDay: string }) {
  const seen = rows.map((r) => r.period ?? "").filter(Boolean).sort();
  const first = range?.firstDay ?? seen[0];
  const last = range?.lastDay ?? seen.at(-1);
  const days = first && last ? daysBetween(first, last) : [];
  const totals = new Map<string, number>();
  const byGroup = new Map<string, Map<string, number>>();
  for (const r of rows) {
    const day = r.period ?? "";
    totals.set(day, (totals.get(day) ?? 0) + r.billedCost);
    if (groupBy) {
      const key = r.keys[groupBy] ?? "";
      const g = byGroup.get(key) ?? new Map<string, number>();
      g.set(day, (g.get(day) ?? 0) + r.billedCost);
      byGroup.set(key, g);
    }
  }
  const fill = (values: Map<string, number>) => days.map((day) => ({ day, cost: values.get(day) ?? 0 }));
  return { days: fill(totals), groups: new Map([...byGroup].map(([k, v]) => [k, fill(v)])) };
}
