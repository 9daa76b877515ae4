import type { GroundingSource } from "../ports/chat-model";
import type { FinopsRecommendation } from "../protocol/finops-result";
import { formatMoney, formatPercent } from "./format";
import { WEEKDAYS, weekday } from "./periods";
import { completedAnalyses, type AnalysisState } from "./stage";
import { describeUntagged } from "./tags";

/** Facts handed to the model; enough for a two-minute answer, few enough to stay focused. */
const MAX_FACTS = 30;

/**
 * The computed figures as numbered sentences, the only material the narrative may
 * use. Each is complete on its own ("Amazon EC2 grew 41% month over month, from
 * $1,020.00 to $1,438.20"), so a model quoting one cannot misattribute its numbers,
 * and every amount is already formatted, so nothing needs computing.
 */
export function buildFacts(state: AnalysisState, recommendations: readonly FinopsRecommendation[]): GroundingSource[] {
  const { dataset, totals, breakdowns, movers, anomalies, forecast, commitments, tags, cost_comparison: comparison } = completedAnalyses(state);
  const money = (n: number) => formatMoney(n, dataset.currency);
  const facts: Array<Omit<GroundingSource, "n">> = [];
  const add = (label: string, text: string) => facts.push({ label, text });

  const alongside = [
    totals.totalListCost !== null ? `list cost ${money(totals.totalListCost)}` : "",
    totals.totalEffectiveCost !== null ? `effective cost ${money(totals.totalEffectiveCost)}` : "",
  ].filter(Boolean);
  add(
    "totals",
    `Total billed cost from ${dataset.firstDay} to ${dataset.lastDay} was ${money(totals.totalBilledCost)}${alongside.length ? ` (${alongside.join(", ")})` : ""}, ` +
      `across ${dataset.periods.length} billing period${dataset.periods.length === 1 ? "" : "s"}.`,
  );
  for (const p of totals.byPeriod.slice(-3)) {
    add("totals by billing period", `Billing period ${p.period} billed ${money(p.billedCost)}${p.coverage < dataset.completeCoverage ? ` (a partial period: ${formatPercent(p.coverage)} of its days have charges)` : ""}.`);
  }
  const top = (label: string, rows: typeof breakdowns.service.rows, noun: string, n: number) =>
    rows.slice(0, n).forEach((r, i) =>
      add(label, `${i === 0 ? `The largest ${noun}` : `The number ${i + 1} ${noun}`} is ${r.label ? `${r.label} (${r.key})` : r.key || "(none)"}, with ${money(r.billedCost)} billed (${formatPercent(r.share)} of the total).`),
    );
  top("spend by service", breakdowns.service.rows, "service", 3);
  top("spend by provider", breakdowns.provider.rows, "provider", 1);
  top("spend by sub-account", breakdowns.subAccount.rows, "sub-account", 2);
  top("spend by region", breakdowns.region.rows, "region", 1);

  if (movers.available) {
    const total = (period?: string) => totals.byPeriod.find((p) => p.period === period)?.billedCost;
    const before = total(movers.previousPeriod);
    const after = total(movers.currentPeriod);
    if (before !== undefined && after !== undefined) {
      const ratio = before !== 0 ? (after - before) / Math.abs(before) : null;
      add(
        "month over month",
        `The bill went from ${money(before)} in ${movers.previousPeriod} to ${money(after)} in ${movers.currentPeriod}` +
          `, a change of ${money(after - before)}${ratio !== null ? ` (${formatPercent(ratio, { signed: true })})` : ""}.`,
      );
    }
    for (const m of movers.byService.slice(0, 3)) add("month-over-month movers by service", moverSentence(m, money));
    for (const m of movers.bySubAccount.slice(0, 1)) add("month-over-month movers by sub-account", moverSentence({ ...m, key: m.label ? `Sub-account ${m.label} (${m.key})` : `Sub-account ${m.key}` }, money));
  } else {
    add("month over month", `No month-over-month comparison: ${movers.reason}.`);
  }

  if (anomalies.available && anomalies.anomalies.length) {
    for (const a of anomalies.anomalies.slice(0, 3)) {
      add(
        "daily anomalies",
        `On ${a.day} (a ${WEEKDAYS[weekday(a.day)]}), ${a.scope === "service" ? `${a.key} usage` : "daily usage"} cost ${money(a.cost)} against a usual ${money(a.baseline)} ` +
          `(${a.delta >= 0 ? "+" : ""}${money(a.delta)}, robust z = ${a.z.toFixed(1)}).`,
      );
    }
  } else if (anomalies.available) {
    add("daily anomalies", `No day stood out: no daily cost had a robust z-score of ${anomalies.zThreshold} or more over ${anomalies.daysAnalysed} days.`);
  }

  if (forecast.available && forecast.billedCost !== undefined) {
    add(
      "forecast",
      `The forecast for ${forecast.period} is ${money(forecast.billedCost)} billed, with a ${formatPercent(forecast.confidence ?? 0.9)} band from ${money(forecast.low!)} to ${money(forecast.high!)}` +
        `${dataset.completePeriods.length < 2 ? ", from less than two complete billing periods of history" : ""}.`,
    );
  }
  if (commitments.available && commitments.commitments.length) {
    add(
      "commitment discounts",
      `Commitment discounts: ${commitments.commitments.length} found, utilization ${commitments.utilization === null ? "unknown" : formatPercent(commitments.utilization)}` +
        `${commitments.coverage === null ? "" : `, coverage of eligible usage ${formatPercent(commitments.coverage)}`}.`,
    );
  }
  if (tags.available && tags.untaggedCost !== undefined) {
    const text = describeUntagged(tags, dataset.currency);
    add("tag coverage", `${text[0]!.toUpperCase()}${text.slice(1)}.`);
  }
  if (!comparison.effectiveCostReliable) {
    add(
      "billed vs effective cost",
      `EffectiveCost looks unreliable in this data (${comparison.notes[0] ?? "see the notes"}), so the analysis uses BilledCost; ` +
        `EffectiveCost totals ${comparison.effectiveCost === null ? "nothing" : money(comparison.effectiveCost)} against ${money(comparison.billedCost)} billed.`,
    );
  }
  const saving = recommendations.reduce((s, r) => s + (r.estimatedMonthlySaving ?? 0), 0);
  if (recommendations.length) {
    if (saving > 0) add("recommendations", `The recommendations add up to an estimated ${money(saving)} a month of savings.`);
    for (const r of recommendations.slice(0, 5)) {
      add(
        "recommendations",
        `Recommendation ${r.rank}: ${r.title}` +
          (r.estimatedMonthlySaving !== null ? `, saving an estimated ${money(r.estimatedMonthlySaving)} a month.` : r.spendAtRisk !== null ? `, concerning ${money(r.spendAtRisk)} a month.` : "."),
      );
    }
  } else {
    add("recommendations", "The data shows no unused commitment, idle-looking resource, region price gap, fast growth or untagged spend worth a recommendation.");
  }
  return facts.slice(0, MAX_FACTS).map((f, i) => ({ n: i + 1, ...f }));
}

function moverSentence(m: { key: string; previousCost: number; currentCost: number; change: number; changeRatio: number | null }, money: (n: number) => string): string {
  if (m.changeRatio === null) return `${m.key} is new: ${money(m.currentCost)}, against nothing the month before.`;
  const verb = m.change >= 0 ? "grew" : "fell";
  return `${m.key} ${verb} ${formatPercent(Math.abs(m.changeRatio))} month over month, from ${money(m.previousCost)} to ${money(m.currentCost)}.`;
}
