import { describe, expect, it } from "vitest";
import { MemoryCostSource } from "./memory-cost-source";
import { compareGroups, fastestGrowing, moversStage } from "./movers";
import type { AnalysisState } from "./stage";
import { datasetStage, totalsStage } from "./totals";

describe("movers", () => {
  it("compares two periods, treating a group missing from one as 0 there", () => {
    const rows = [
      { period: "2024-01", keys: { service: "A" }, billedCost: 100, effectiveCost: null, listCost: null, contractedCost: null },
      { period: "2024-02", keys: { service: "A" }, billedCost: 150, effectiveCost: null, listCost: null, contractedCost: null },
      { period: "2024-01", keys: { service: "Gone" }, billedCost: 40, effectiveCost: null, listCost: null, contractedCost: null },
      { period: "2023-12", keys: { service: "A" }, billedCost: 999, effectiveCost: null, listCost: null, contractedCost: null },
    ];
    expect(compareGroups(rows, "service", "2024-01", "2024-02")).toEqual([
      { key: "A", previousCost: 100, currentCost: 150, change: 50, changeRatio: 0.5 },
      { key: "Gone", previousCost: 40, currentCost: 0, change: -40, changeRatio: -1 },
    ]);
  });

  it("ranks growth by rate only for services that are at least 1% of the bill, new ones first", () => {
    const m = (key: string, previousCost: number, currentCost: number) => ({ key, previousCost, currentCost, change: currentCost - previousCost, changeRatio: previousCost > 0 ? (currentCost - previousCost) / previousCost : null });
    const list = [m("tiny", 0.5, 5), m("big", 500, 600), m("bigger", 1000, 1500), m("new", 0, 80), m("new-crumbs", 0, 1)];
    expect(fastestGrowing(list, 1500, 2200).map((x) => x.key)).toEqual(["new", "bigger", "big"]);
  });

  it("refuses to compare a whole month with a partial one, saying which is partial", async () => {
    const state: AnalysisState = {};
    const bill = new MemoryCostSource([
      { day: "2024-09-01", billedCost: 10 },
      { day: "2024-09-30", billedCost: 10 },
      { day: "2024-09-30", period: "2024-10", billedCost: 1 },
    ]);
    Object.assign(state, await datasetStage.run({ source: bill, state }));
    Object.assign(state, await totalsStage.run({ source: bill, state }));
    const { movers } = await moversStage.run({ source: bill, state });
    expect(movers).toMatchObject({ available: false, reason: "only 1 complete billing period (2024-09); 2024-10 is partial (few or no charge days of its own), so a comparison would mislead" });
  });
});

