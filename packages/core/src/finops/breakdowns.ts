import type { CostDimension } from "../ports/cost-source";
import type { FinopsBreakdown, FinopsCostAnalysis } from "../protocol/finops-result";
import { ifSupported, isUnsupported, need, type Stage } from "./stage";

/** Groups listed per dimension; the rest is summed into `otherBilledCost`. */
export const BREAKDOWN_LIMIT = 15;

/** The dimensions a breakdown is made for, with their FOCUS column. */
export const BREAKDOWN_DIMENSIONS = [
  ["provider", "ProviderName"],
  ["service", "ServiceName"],
  ["serviceCategory", "ServiceCategory"],
  ["subAccount", "SubAccountId"],
  ["region", "RegionId"],
  ["chargeCategory", "ChargeCategory"],
] as const satisfies ReadonlyArray<readonly [CostDimension, string]>;

/** Spend by provider, service, service category, sub-account, region and charge category. */
export const breakdownsStage: Stage = {
  name: "breakdowns",
  label: "Spend by provider, service, category, sub-account, region and charge category",
  produces: "breakdowns",
  async run({ source, state, signal }) {
    const total = need(state, "totals").totalBilledCost;
    const out: Partial<Record<CostDimension, FinopsBreakdown>> = {};
    for (const [dimension, column] of BREAKDOWN_DIMENSIONS) {
      signal?.throwIfAborted();
      const answer = await ifSupported(() => source.costs({ granularity: "total", groupBy: [dimension], limit: BREAKDOWN_LIMIT }, { signal }));
      if (isUnsupported(answer)) {
        out[dimension] = { available: false, reason: answer.unsupported, dimension: column, rows: [], otherBilledCost: 0, queries: [] };
        continue;
      }
      const rows = answer.rows.map((r) => ({
        key: r.keys[dimension] ?? "",
        ...(r.labels?.[dimension] ? { label: r.labels[dimension] } : {}),
        billedCost: r.billedCost,
        effectiveCost: r.effectiveCost,
        listCost: r.listCost,
        contractedCost: r.contractedCost,
        share: total !== 0 ? r.billedCost / total : 0,
        ...(r.rows !== undefined ? { rows: r.rows } : {}),
      }));
      // Fewer groups than the limit means all are listed; a subtraction would leave float dust.
      const other = rows.length < BREAKDOWN_LIMIT ? 0 : total - rows.reduce((sum, r) => sum + r.billedCost, 0);
      out[dimension] = { available: true, dimension: column, rows, otherBilledCost: other, queries: [answer.query] };
    }
    return { breakdowns: out as FinopsCostAnalysis["breakdowns"] };
  },
};
