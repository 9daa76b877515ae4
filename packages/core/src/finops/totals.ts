import { NonRetryableJobError } from "../errors";
import type { FinopsDataset, FinopsTotals } from "../protocol/finops-result";
import { periodCoverage } from "./periods";
import { need, type Stage } from "./stage";

/**
 * Coverage at or above which a billing period counts as complete. Below it the period
 * is an export cut mid-month or holds only late adjustments, and comparing it with a
 * whole month would report a collapse that did not happen.
 */
export const COMPLETE_COVERAGE = 0.9;

/** What the data is: currency, periods (and which are complete), providers, quirks. */
export const datasetStage: Stage = {
  name: "dataset",
  label: "Reading the billing data",
  produces: "dataset",
  async run({ source, signal }) {
    const info = await source.describe({ signal });
    if (info.periods.length === 0 || !info.firstDay || !info.lastDay) {
      throw new NonRetryableJobError("the billing data holds no charges: there is nothing to analyse", "invalid_input");
    }
    const warnings = [...info.warnings];
    const currency = info.currency[0] ?? "USD";
    if (info.currency.length === 0) warnings.push("the data names no billing currency; amounts are shown as USD");
    if (info.currency.length > 1) {
      warnings.push(`the data mixes billing currencies (${info.currency.join(", ")}); amounts are summed as they are and shown in ${currency}`);
    }
    const completePeriods = info.periods.filter((p) => periodCoverage(p, info.firstDay, info.lastDay) >= COMPLETE_COVERAGE);
    const dataset: FinopsDataset = {
      source: info.source,
      currency,
      focusVersion: info.focusVersion,
      rows: info.rows,
      providers: info.providers,
      firstDay: info.firstDay,
      lastDay: info.lastDay,
      periods: info.periods,
      completePeriods,
      completeCoverage: COMPLETE_COVERAGE,
      warnings,
      queries: [`describe(): the ${info.source} source's summary of the data (rows, currencies, providers, charge days, billing periods, quirks)`],
    };
    return { dataset };
  },
};

/** Totals over the whole dataset and per billing period. */
export const totalsStage: Stage = {
  name: "totals",
  label: "Totals by billing period",
  produces: "totals",
  async run({ source, state, signal }) {
    const dataset = need(state, "dataset");
    const overall = await source.costs({ granularity: "total" }, { signal });
    const monthly = await source.costs({ granularity: "month" }, { signal });
    const total = overall.rows[0];
    const totals: FinopsTotals = {
      totalBilledCost: total?.billedCost ?? 0,
      totalEffectiveCost: total ? total.effectiveCost : null,
      totalListCost: total ? total.listCost : null,
      totalContractedCost: total ? total.contractedCost : null,
      rows: total?.rows,
      byPeriod: monthly.rows.map((r) => ({
        period: r.period ?? "",
        billedCost: r.billedCost,
        effectiveCost: r.effectiveCost,
        listCost: r.listCost,
        contractedCost: r.contractedCost,
        rows: r.rows,
        coverage: periodCoverage(r.period ?? "", dataset.firstDay, dataset.lastDay),
      })),
      queries: [overall.query, monthly.query],
    };
    return { totals };
  },
};
