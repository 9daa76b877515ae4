import { describe, expect, it } from "vitest";
import { costComparisonStage } from "./cost-comparison";
import { MemoryCostSource } from "./memory-cost-source";
import type { AnalysisState } from "./stage";

const source = new MemoryCostSource([]);

describe("cost comparison", () => {
  const base = (warnings: string[], providers: Array<[string, number, number | null]>, commitmentProviders: string[] = []): AnalysisState => ({
    dataset: { source: "focus", currency: "USD", providers: [], firstDay: "2024-09-01", lastDay: "2024-09-30", periods: ["2024-09"], completePeriods: ["2024-09"], completeCoverage: 0.9, warnings, queries: [] },
    totals: { totalBilledCost: 100, totalEffectiveCost: 80, totalListCost: 120, totalContractedCost: null, byPeriod: [], queries: ["SELECT total"] },
    breakdowns: {
      provider: {
        available: true,
        dimension: "ProviderName",
        otherBilledCost: 0,
        queries: ["SELECT by provider"],
        rows: providers.map(([key, billedCost, effectiveCost]) => ({ key, billedCost, effectiveCost, listCost: null, contractedCost: null, share: billedCost / 100 })),
      },
    } as AnalysisState["breakdowns"],
    commitments: {
      available: true,
      utilization: null,
      coverage: null,
      coverageBasis: "",
      queries: [],
      commitments: commitmentProviders.map((provider) => ({ id: `c-${provider}`, provider, usedCost: 1, unusedCost: 0, utilization: 1, monthlyUnusedCost: 0, firstDay: "2024-09-01", lastDay: "2024-09-30" })),
    },
  });

  it("trusts EffectiveCost when nothing points against it", async () => {
    const { cost_comparison } = await costComparisonStage.run({ source, state: base([], [["AWS", 90, 85], ["Azure", 10, 10]]) });
    expect(cost_comparison).toMatchObject({ effectiveCostReliable: true, notes: [], discountFromList: 20, queries: ["SELECT total", "SELECT by provider"] });
    expect(cost_comparison!.byProvider[0]!.effectiveToBilled).toBeCloseTo(85 / 90, 12);
  });

  it("calls it unreliable when the source warned, or a provider's effective total is far from billed without a commitment", async () => {
    const warned = await costComparisonStage.run({ source, state: base(["EffectiveCost is 0 on 604 of 942 AWS rows with BilledCost > 0 (64%)"], [["AWS", 100, 80]]) });
    expect(warned.cost_comparison).toMatchObject({ effectiveCostReliable: false });
    expect(warned.cost_comparison!.notes[0]).toMatch(/^EffectiveCost is 0 on 604/);

    const gap = await costComparisonStage.run({ source, state: base([], [["AWS", 90, 85], ["Oracle", 10, 0]]) });
    expect(gap.cost_comparison!.effectiveCostReliable).toBe(false);
    expect(gap.cost_comparison!.notes[0]).toBe("Oracle: EffectiveCost $0.00 against BilledCost $10.00 (0%), with no commitment discount to explain the difference");

    const explained = await costComparisonStage.run({ source, state: base([], [["AWS", 90, 30]], ["AWS"]) });
    expect(explained.cost_comparison!.effectiveCostReliable).toBe(true);
  });
});

