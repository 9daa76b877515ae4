import type { FinopsCostComparison } from "../protocol/finops-result";
import { formatMoney, formatPercent } from "./format";
import { need, type Stage } from "./stage";

/** A provider's EffectiveCost outside this share of its BilledCost, unexplained by commitments, is suspect. */
export const EFFECTIVE_RATIO_RANGE = [0.5, 1.5] as const;
/** Providers smaller than this share of spend are not judged (their ratios swing on cents). */
const MIN_PROVIDER_SHARE = 0.01;

/**
 * BilledCost (what the invoice charges) vs EffectiveCost (amortised, after discounts)
 * vs ListCost (public prices). EffectiveCost is called unreliable when the source
 * warned about it, or when a provider's effective total is below half or above 1.5×
 * its billed total and no commitment discount of that provider explains the gap: then
 * an "amortised savings" figure would be an artefact of the export, not a saving.
 */
export const costComparisonStage: Stage = {
  name: "cost_comparison",
  label: "Billed vs effective vs list cost",
  produces: "cost_comparison",
  async run({ state }) {
    const dataset = need(state, "dataset");
    const totals = need(state, "totals");
    const providers = need(state, "breakdowns").provider;
    const commitments = need(state, "commitments");
    const currency = dataset.currency;
    const notes = dataset.warnings.filter((w) => /effective\s*cost/i.test(w));
    const committed = new Set(commitments.commitments.map((c) => c.provider ?? ""));
    let reliable = notes.length === 0;
    const byProvider = providers.rows.map((p) => {
      const ratio = p.effectiveCost !== null && p.billedCost !== 0 ? p.effectiveCost / p.billedCost : null;
      const material = Math.abs(p.billedCost) >= MIN_PROVIDER_SHARE * Math.abs(totals.totalBilledCost);
      if (ratio !== null && material && !committed.has(p.key) && (ratio < EFFECTIVE_RATIO_RANGE[0] || ratio > EFFECTIVE_RATIO_RANGE[1])) {
        reliable = false;
        notes.push(
          `${p.key || "(no provider)"}: EffectiveCost ${formatMoney(p.effectiveCost!, currency)} against BilledCost ${formatMoney(p.billedCost, currency)} ` +
            `(${formatPercent(ratio)}), with no commitment discount to explain the difference`,
        );
      }
      return { provider: p.key, billedCost: p.billedCost, effectiveCost: p.effectiveCost, listCost: p.listCost, contractedCost: p.contractedCost, effectiveToBilled: ratio };
    });
    if (!reliable) notes.push("EffectiveCost looks unreliable in this data: amortised \"savings\" computed from it would be artefacts, so every analysis here uses BilledCost");
    const comparison: FinopsCostComparison = {
      billedCost: totals.totalBilledCost,
      effectiveCost: totals.totalEffectiveCost,
      listCost: totals.totalListCost,
      contractedCost: totals.totalContractedCost,
      discountFromList: totals.totalListCost === null ? null : totals.totalListCost - totals.totalBilledCost,
      effectiveCostReliable: reliable,
      byProvider,
      notes,
      queries: [...totals.queries.slice(0, 1), ...providers.queries],
    };
    return { cost_comparison: comparison };
  },
};
