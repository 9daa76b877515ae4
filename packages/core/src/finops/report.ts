import type { FinopsBreakdown, FinopsRecommendation } from "../protocol/finops-result";
import { formatCount, formatMoney, formatPercent, markdownTable, shorten } from "./format";
import { completedAnalyses, type AnalysisState } from "./stage";
import { describeUntagged } from "./tags";

/** Rows per table in the markdown; the JSON keeps the full (capped) sections. */
const TABLE_ROWS = 8;

/**
 * The report a finance or engineering lead reads in two minutes: the answer to their
 * question first (the narrative), then compact tables — totals, where the money goes,
 * movers, anomalies, forecast, recommendations — and the notes on the data.
 */
export function renderReport(state: AnalysisState, recommendations: readonly FinopsRecommendation[], narrative: string): string {
  const { dataset, totals, breakdowns, movers, anomalies, forecast, commitments, tags, cost_comparison: comparison } = completedAnalyses(state);
  const money = (n: number | null | undefined) => (n === null || n === undefined ? "—" : formatMoney(n, dataset.currency));
  const out: string[] = [];

  out.push("## Answer", "", narrative.trim(), "");
  out.push(
    `_${dataset.source === "focus" ? `FOCUS ${dataset.focusVersion ?? ""} export`.replace("  ", " ") : dataset.source}` +
      `${dataset.rows !== undefined ? `, ${formatCount(dataset.rows)} rows` : ""}, charges from ${dataset.firstDay} to ${dataset.lastDay}, ` +
      `providers ${dataset.providers.join(", ") || "unknown"}. Amounts are BilledCost in ${dataset.currency} unless a column says otherwise._`,
    "",
  );

  out.push("## Totals by billing period", "");
  out.push(
    markdownTable(
      ["Billing period", "Billed", "Effective", "List", "Days with charges"],
      [
        ...totals.byPeriod.map((p) => [p.period, money(p.billedCost), money(p.effectiveCost), money(p.listCost), formatPercent(p.coverage)]),
        ["**Total**", `**${money(totals.totalBilledCost)}**`, money(totals.totalEffectiveCost), money(totals.totalListCost), ""],
      ],
      [false, true, true, true, true],
    ),
    "",
  );

  out.push("## Where the money goes", "");
  const breakdown = (title: string, b: FinopsBreakdown, n = 5) => {
    if (!b.available) return `**${title}:** not available (${b.reason}).`;
    const rows = b.rows.slice(0, n).map((r) => [r.label ? `${r.label} (${shorten(r.key, 24)})` : shorten(r.key) || "(none)", money(r.billedCost), formatPercent(r.share)]);
    return markdownTable([title, "Billed", "Share"], rows, [false, true, true]);
  };
  out.push(breakdown("Service", breakdowns.service, TABLE_ROWS), "", breakdown("Sub-account", breakdowns.subAccount), "", breakdown("Region", breakdowns.region), "");
  const compact = (b: FinopsBreakdown) => (b.available ? b.rows.slice(0, 6).map((r) => `${r.key || "(none)"} ${money(r.billedCost)}`).join(" · ") : `not available (${b.reason})`);
  out.push(`**Providers:** ${compact(breakdowns.provider)}  `, `**Service categories:** ${compact(breakdowns.serviceCategory)}  `, `**Charge categories:** ${compact(breakdowns.chargeCategory)}`, "");

  out.push("## Month-over-month movers", "");
  if (!movers.available) out.push(`Not available: ${movers.reason}.`, "");
  else {
    const moverRows = (list: typeof movers.byService) =>
      list.slice(0, TABLE_ROWS).map((m) => [m.label ? `${m.label} (${shorten(m.key, 24)})` : shorten(m.key) || "(none)", money(m.previousCost), money(m.currentCost), money(m.change), m.changeRatio === null ? "new" : formatPercent(m.changeRatio, { signed: true })]);
    const header = (what: string) => [what, movers.previousPeriod ?? "", movers.currentPeriod ?? "", "Change", "%"];
    out.push(markdownTable(header("Service"), moverRows(movers.byService), [false, true, true, true, true]), "");
    if (movers.bySubAccount.length) out.push(markdownTable(header("Sub-account"), moverRows(movers.bySubAccount), [false, true, true, true, true]), "");
  }

  out.push("## Daily anomalies", "");
  if (!anomalies.available) out.push(`Not available: ${anomalies.reason}.`, "");
  else if (!anomalies.anomalies.length) out.push(`No day stood out over ${anomalies.daysAnalysed} days.`, "");
  else {
    out.push(
      markdownTable(
        ["Day", "What", "Cost", "Usual", "Difference", "z"],
        anomalies.anomalies.slice(0, TABLE_ROWS).map((a) => [a.day, a.scope === "service" ? a.key ?? "" : "all usage", money(a.cost), money(a.baseline), money(a.delta), a.z.toFixed(1)]),
        [false, false, true, true, true, true],
      ),
      "",
    );
  }
  out.push(`_Method: ${anomalies.method}; flagged when |z| ≥ ${anomalies.zThreshold} and the difference is at least ${formatPercent(anomalies.minDeltaShare)} of the series' mean daily cost._`, "");

  out.push(`## Forecast${forecast.period ? ` for ${forecast.period}` : ""}`, "");
  if (!forecast.available || forecast.billedCost === undefined) out.push(`Not available: ${forecast.reason}.`, "");
  else {
    out.push(
      `**${money(forecast.billedCost)}** billed, ${formatPercent(forecast.confidence ?? 0.9)} band ${money(forecast.low)} – ${money(forecast.high)}` +
        `${forecast.trendPerDay ? `; trend ${forecast.trendPerDay >= 0 ? "+" : ""}${money(forecast.trendPerDay)} per day` : ""}.`,
      "",
      `_Method: ${forecast.method}.${forecast.notes.length ? ` ${forecast.notes.map((n) => `${n[0]!.toUpperCase()}${n.slice(1)}.`).join(" ")}` : ""}_`,
      "",
    );
  }

  out.push("## Recommendations", "");
  if (!recommendations.length) out.push("None: the data shows no unused commitment, idle-looking resource, region price gap, fast growth or untagged spend worth acting on.", "");
  else {
    out.push(
      markdownTable(
        ["#", "Recommendation", "Est. monthly saving", "Confidence"],
        recommendations.slice(0, 10).map((r) => [String(r.rank), r.title, r.estimatedMonthlySaving !== null ? money(r.estimatedMonthlySaving) : `none directly (${money(r.spendAtRisk)} concerned)`, r.confidence]),
        [true, false, true, false],
      ),
      "",
      `_Ranking: ${recommendations[0]!.ranking}. Each item's evidence rows and query are in \`optimization_recommendations\`._`,
      "",
    );
  }

  out.push("## Commitments, tags and cost basis", "");
  out.push(
    `- **Commitment discounts:** ${
      commitments.available && commitments.commitments.length
        ? `${commitments.commitments.length} found; utilization ${commitments.utilization === null ? "unknown" : formatPercent(commitments.utilization)}, coverage ${commitments.coverage === null ? "not measurable" : formatPercent(commitments.coverage)}.`
        : `not analysed: ${commitments.reason ?? "none in the data"}.`
    }`,
    `- **Tags:** ${
      tags.available && tags.untaggedShare !== undefined
        ? `${describeUntagged(tags, dataset.currency)}${tags.keys.length ? `; most used keys: ${tags.keys.slice(0, 5).map((k) => k.key).join(", ")}` : ""}.`
        : `not analysed: ${tags.reason ?? "no tag data"}.`
    }`,
    `- **Billed vs effective vs list:** billed ${money(comparison.billedCost)}, effective ${money(comparison.effectiveCost)}, list ${money(comparison.listCost)}.` +
      `${comparison.effectiveCostReliable ? "" : " **EffectiveCost looks unreliable in this data**, so the analysis uses BilledCost."}`,
    ...comparison.notes.filter((n) => !/^EffectiveCost looks unreliable/.test(n)).map((n) => `  - ${n}`),
    "",
  );

  const otherWarnings = dataset.warnings.filter((w) => !comparison.notes.includes(w));
  if (otherWarnings.length) out.push("## Data notes", "", ...otherWarnings.map((w) => `- ${w}`), "");
  out.push("_Every figure comes from a query listed under `queries` in the section of `cost_analysis` it belongs to._");
  return out.join("\n");
}
