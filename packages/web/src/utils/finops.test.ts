import { describe, expect, it } from "vitest";
import type { FinopsResult } from "@ferry/core/protocol";
import { formatMoney, readFinopsResult } from "./finops";

const none = { available: false, reason: "offline test", queries: [] };
const breakdown = { ...none, dimension: "ServiceName", rows: [], otherBilledCost: 0 };

/** A minimal result that matches the wire schema: two recommendations, one without a saving. */
function result(): FinopsResult {
  const recommendation = {
    evidence: { query: "SELECT 1", rows: [] },
    ranking: "by estimated monthly saving, then spend at risk",
    savingMethod: "unused commitment per month",
    currency: "USD",
  };
  return {
    agent: "finops",
    query: "What can we save?",
    response: "# Costs\n\nMostly **EC2**.",
    model: "offline-extractive-1",
    narrativeByLanguageModel: false,
    optimization_recommendations: [
      { ...recommendation, id: "tagging:x", rank: 2, category: "tagging", title: "Tag untagged spend", description: "22% has no tags", estimatedMonthlySaving: null, spendAtRisk: 3.5, confidence: "medium" },
      { ...recommendation, id: "commitment:sp", rank: 1, category: "commitment", title: "Right-size the Savings Plan", description: "Unused hours", estimatedMonthlySaving: 1.25, spendAtRisk: null, confidence: "high" },
    ],
    cost_analysis: {
      currency: "USD",
      costBasis: "BilledCost, because EffectiveCost is unreliable here.",
      dataset: {
        source: "focus",
        currency: "USD",
        focusVersion: "1.0",
        rows: 670,
        providers: ["AWS", "Microsoft"],
        firstDay: "2024-09-01",
        lastDay: "2024-09-30",
        periods: ["2024-09"],
        completePeriods: ["2024-09"],
        completeCoverage: 0.9,
        warnings: ["EffectiveCost is 0 on many AWS rows"],
        queries: [],
      },
      totals: { totalBilledCost: 16.04336887679, totalEffectiveCost: 13.2, totalListCost: null, totalContractedCost: null, byPeriod: [], queries: [] },
      breakdowns: { provider: breakdown, service: breakdown, serviceCategory: breakdown, subAccount: breakdown, region: breakdown, chargeCategory: breakdown },
      movers: { ...none, rule: "", byService: [], bySubAccount: [], fastestGrowingServices: [] },
      anomalies: { ...none, method: "", zThreshold: 3, minDeltaShare: 0.1, daysAnalysed: 0, servicesAnalysed: [], anomalies: [] },
      forecast: { ...none, method: "", notes: [] },
      commitments: { ...none, utilization: null, coverage: null, coverageBasis: "", commitments: [] },
      tags: { ...none, byProvider: [], keys: [] },
      cost_comparison: {
        billedCost: 16.04,
        effectiveCost: 13.2,
        listCost: null,
        contractedCost: null,
        discountFromList: null,
        effectiveCostReliable: false,
        byProvider: [],
        notes: [],
        queries: [],
      },
      estimatedMonthlySavings: 1.25,
    },
  };
}

describe("reading a finops_analysis result", () => {
  it("reads the wire schema: recommendations in rank order, headline totals, the data it covers", () => {
    const view = readFinopsResult(result())!;
    expect(view.recommendations.map((r) => [r.rank, r.title, r.monthlySaving, r.spendAtRisk])).toEqual([
      [1, "Right-size the Savings Plan", 1.25, undefined],
      [2, "Tag untagged spend", undefined, 3.5],
    ]);
    expect(view.recommendations[0]!.tags).toEqual(["Commitment discounts", "high confidence"]);
    expect(view.totals.map((t) => t.label)).toEqual(["Billed cost", "Effective cost", "Estimated monthly savings"]);
    expect(view.dataset).toBe("FOCUS 1.0 · 670 rows · 2024-09-01 to 2024-09-30 · AWS, Microsoft");
    expect(view.warnings).toEqual(["EffectiveCost is 0 on many AWS rows"]);
    expect(view.narrativeByLanguageModel).toBe(false);
  });

  it("still shows what it can of a result from another worker version", () => {
    const view = readFinopsResult({
      response: "## Report",
      cost_analysis: { currency: "EUR", totals: { totalBilledCost: "12.5" } },
      optimization_recommendations: [{ title: "B", estimated_monthly_savings: 2 }, "Plain advice", { title: "A", estimatedMonthlySaving: 5 }],
    })!;
    expect(view.response).toBe("## Report");
    expect(view.recommendations.map((r) => [r.rank, r.title, r.monthlySaving])).toEqual([
      [1, "A", 5],
      [2, "B", 2],
      [3, "Plain advice", undefined],
    ]);
    expect(view.totals).toEqual([{ label: "Billed cost", value: 12.5, currency: "EUR" }]);
    expect(readFinopsResult({ nothing: true })).toBeUndefined();
    expect(readFinopsResult("text")).toBeUndefined();
  });

  it("keeps the cents that matter in small amounts", () => {
    expect(formatMoney(16.04336887679, "USD")).toMatch(/16\.04(?!\d)/);
    expect(formatMoney(0.2199526, "USD")).toMatch(/0\.22(?!\d)/);
    expect(formatMoney(0.0123, "USD")).toMatch(/0\.0123/);
  });
});
