import type { CostDimension, CostRow } from "../ports/cost-source";
import type { FinopsMover, FinopsMovers } from "../protocol/finops-result";
import { ifSupported, isUnsupported, need, type Stage } from "./stage";

/** Movers listed per dimension. */
export const MOVERS_LIMIT = 10;
/** Fastest-growing services listed. */
export const GROWERS_LIMIT = 5;
/** A service must be at least this share of its period's spend for its growth rate to count. */
export const GROWTH_MIN_SHARE = 0.01;

export const MOVERS_RULE =
  `the last two complete billing periods compared; movers ordered by absolute change, top ${MOVERS_LIMIT}; ` +
  `fastest-growing services: new services and those growing fastest in relative terms, counting only services ` +
  `that are at least ${GROWTH_MIN_SHARE * 100}% of the period's spend (a tiny base makes any growth rate huge)`;

/**
 * Every group's cost in `previous` and `current`, with the change; groups present in
 * only one period count as 0 in the other.
 */
export function compareGroups(rows: readonly CostRow[], dimension: CostDimension, previous: string, current: string): FinopsMover[] {
  const groups = new Map<string, FinopsMover>();
  for (const r of rows) {
    if (r.period !== previous && r.period !== current) continue;
    const key = r.keys[dimension] ?? "";
    const g = groups.get(key) ?? { key, previousCost: 0, currentCost: 0, change: 0, changeRatio: null };
    if (r.labels?.[dimension]) g.label = r.labels[dimension];
    if (r.period === previous) g.previousCost += r.billedCost;
    else g.currentCost += r.billedCost;
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => ({
    ...g,
    change: g.currentCost - g.previousCost,
    changeRatio: g.previousCost > 0 ? (g.currentCost - g.previousCost) / g.previousCost : null,
  }));
}

const byAbsoluteChange = (a: FinopsMover, b: FinopsMover) => Math.abs(b.change) - Math.abs(a.change) || a.key.localeCompare(b.key);

/** New services first (largest first), then the highest growth rate; only material ones (see `MOVERS_RULE`). */
export function fastestGrowing(movers: readonly FinopsMover[], previousTotal: number, currentTotal: number): FinopsMover[] {
  const fresh = movers.filter((m) => m.previousCost <= 0 && m.currentCost > 0 && m.currentCost >= GROWTH_MIN_SHARE * currentTotal);
  const growing = movers.filter((m) => m.previousCost > 0 && m.change > 0 && m.previousCost >= GROWTH_MIN_SHARE * previousTotal);
  return [...fresh.sort((a, b) => b.currentCost - a.currentCost), ...growing.sort((a, b) => b.changeRatio! - a.changeRatio!)].slice(0, GROWERS_LIMIT);
}

/** Month-over-month movers by service and sub-account. */
export const moversStage: Stage = {
  name: "movers",
  label: "Month-over-month movers",
  produces: "movers",
  async run({ source, state, signal }) {
    const dataset = need(state, "dataset");
    const complete = dataset.completePeriods;
    const empty = { byService: [], bySubAccount: [], fastestGrowingServices: [], rule: MOVERS_RULE, queries: [] };
    if (complete.length < 2) {
      const partial = dataset.periods.filter((p) => !complete.includes(p));
      const reason =
        dataset.periods.length < 2
          ? `the data covers one billing period (${dataset.periods.join("")}): there is no previous month to compare with`
          : `only ${complete.length} complete billing period${complete.length === 1 ? "" : "s"} (${complete.join(", ") || "none"}); ` +
            `${partial.join(", ")} ${partial.length === 1 ? "is" : "are"} partial (few or no charge days of ${partial.length === 1 ? "its" : "their"} own), so a comparison would mislead`;
      return { movers: { available: false, reason, ...empty } };
    }
    const [previous, current] = complete.slice(-2) as [string, string];
    const byPeriod = new Map(need(state, "totals").byPeriod.map((p) => [p.period, p.billedCost]));
    const services = await source.costs({ granularity: "month", groupBy: ["service"] }, { signal });
    const accounts = await ifSupported(() => source.costs({ granularity: "month", groupBy: ["subAccount"] }, { signal }));
    const serviceMovers = compareGroups(services.rows, "service", previous, current);
    const movers: FinopsMovers = {
      available: true,
      previousPeriod: previous,
      currentPeriod: current,
      rule: MOVERS_RULE,
      byService: [...serviceMovers].sort(byAbsoluteChange).slice(0, MOVERS_LIMIT),
      bySubAccount: isUnsupported(accounts) ? [] : compareGroups(accounts.rows, "subAccount", previous, current).sort(byAbsoluteChange).slice(0, MOVERS_LIMIT),
      fastestGrowingServices: fastestGrowing(serviceMovers, byPeriod.get(previous) ?? 0, byPeriod.get(current) ?? 0),
      queries: [services.query, ...(isUnsupported(accounts) ? [] : [accounts.query])],
    };
    return { movers };
  },
};
