import { describe, expect, it } from "vitest";
import type { ResourceRow, UnitCostRow } from "../ports/cost-source";
import type { FinopsDataset } from "../protocol/finops-result";
import { toCommitment } from "./commitments";
import {
  RANKING_RULE,
  commitmentRecommendations,
  idleResources,
  rankRecommendations,
  regionRecommendations,
  taggingRecommendations,
} from "./recommendations";
import type { AnalysisState } from "./stage";

const dataset: FinopsDataset = {
  source: "memory",
  currency: "USD",
  providers: ["AWS"],
  firstDay: "2024-01-01",
  lastDay: "2024-03-31",
  periods: ["2024-01", "2024-02", "2024-03"],
  completePeriods: ["2024-01", "2024-02", "2024-03"],
  completeCoverage: 0.9,
  warnings: [],
  queries: [],
};

type Draft = Parameters<typeof rankRecommendations>[0][number];
const draft = (id: string, saving: number | null, atRisk: number | null = null): Draft => ({
  id,
  category: "growth",
  title: id,
  description: "",
  estimatedMonthlySaving: saving,
  spendAtRisk: atRisk,
  savingMethod: "",
  confidence: "medium",
  evidence: { query: "q", rows: [] },
});

describe("rankRecommendations", () => {
  it("puts every money-saving item first by saving, then the rest by spend at risk, however large", () => {
    const ranked = rankRecommendations([draft("tag", null, 9_000), draft("small", 10), draft("big", 500), draft("growth", null, 700)], "EUR");
    expect(ranked.map((r) => [r.rank, r.id])).toEqual([
      [1, "big"],
      [2, "small"],
      [3, "tag"],
      [4, "growth"],
    ]);
    expect(ranked.every((r) => r.currency === "EUR" && r.ranking === RANKING_RULE)).toBe(true);
  });
});

describe("commitmentRecommendations", () => {
  const row = (id: string, used: number, unused: number, firstDay = "2024-01-01", lastDay = "2024-03-31") =>
    toCommitment({ kind: "commitment", commitmentDiscountId: id, name: "", category: "Spend", type: "Savings Plan", provider: "AWS", usedCost: used, unusedCost: unused, usedListCost: null, billedCost: used + unused, effectiveCost: used + unused, rows: 1, firstDay, lastDay });
  const state = (commitments: ReturnType<typeof row>[]): AnalysisState => ({
    dataset,
    commitments: { available: true, utilization: null, coverage: null, coverageBasis: "", commitments, queries: ["SELECT commitments"] },
  });

  it("recommends unused and under-used commitments with their unused cost per month, and nothing for a well-used or expired one", () => {
    const recs = commitmentRecommendations(state([row("sp-unused", 0, 910), row("sp-half", 500, 500), row("sp-fine", 950, 50), row("sp-ended", 0, 300, "2024-01-01", "2024-01-31")]));
    expect(recs.map((r) => r.id)).toEqual(["commitment:sp-unused", "commitment:sp-half"]);
    // 91 days = 2.99 months of 30.4375 days: 910 / 2.9897…
    expect(recs[0]!.estimatedMonthlySaving).toBeCloseTo(910 / (91 / 30.4375), 9);
    expect(recs[0]!.title).toBe("Unused Savings Plan sp-unused: 0% used");
    expect(recs[1]!.title).toBe("Under-used Savings Plan sp-half: 50% used");
    expect(recs[0]!.evidence).toEqual({ query: "SELECT commitments", rows: [expect.objectContaining({ CommitmentDiscountId: "sp-unused", unusedCost: 910, utilization: 0 })] });
  });
});

describe("idleResources", () => {
  const resource = (over: Partial<ResourceRow>): ResourceRow => ({
    resourceId: "r",
    resourceName: "",
    resourceType: "Volume",
    provider: "AWS",
    service: "EBS",
    region: "us-east-1",
    subAccount: "1",
    subAccountName: "",
    billedCost: 910,
    effectiveCost: 910,
    days: 91,
    firstDay: "2024-01-01",
    lastDay: "2024-03-31",
    meanDailyCost: 10,
    dailyCostStddev: 0,
    consumedUnit: "GB-Mo",
    consumedQuantity: 91 * 100,
    firstDayQuantity: 100,
    lastDayQuantity: 100,
    dailyQuantityStddev: 0,
    ...over,
  });

  it("finds resources billed the same every day whose usage never moves, and nothing else", () => {
    const rows = [
      resource({ resourceId: "idle" }),
      resource({ resourceId: "busy", dailyQuantityStddev: 20 }),
      resource({ resourceId: "spiky-cost", dailyCostStddev: 3 }),
      resource({ resourceId: "short-lived", days: 10, firstDay: "2024-03-22" }),
      resource({ resourceId: "no-usage-data", consumedQuantity: null, dailyQuantityStddev: null }),
    ];
    expect(idleResources(rows, dataset).map((r) => r.resourceId)).toEqual(["idle"]);
  });
});

describe("regionRecommendations", () => {
  const unit = (region: string, perUnit: number, quantity: number, sku?: string): UnitCostRow & { sku?: string } => ({
    provider: "AWS",
    service: "EC2",
    region,
    unit: "Hours",
    unitSource: "pricing",
    billedCost: perUnit * quantity,
    effectiveCost: perUnit * quantity,
    quantity,
    billedCostPerUnit: perUnit,
    effectiveCostPerUnit: perUnit,
    rows: 1,
    ...(sku ? { sku } : {}),
  });

  it("claims a saving for a region paying more for the same SKU, per month of data", () => {
    const [rec, ...rest] = regionRecommendations([unit("us-east-1", 1, 3000, "m5.large"), unit("us-west-2", 1.3, 3000, "m5.large")], "SELECT unit costs", dataset);
    expect(rest).toEqual([]);
    expect(rec).toMatchObject({ id: "region:AWS:EC2:Hours:m5.large:us-west-2", confidence: "medium", spendAtRisk: null });
    expect(rec!.estimatedMonthlySaving).toBeCloseTo((0.3 * 3000) / (91 / 30.4375), 9);
  });

  it("without SKUs, reports the gap for review and claims no saving; a gap of several times is a SKU mix and is ignored", () => {
    const recs = regionRecommendations([unit("us-east-1", 1, 3000), unit("us-west-2", 1.3, 3000), unit("eu-west-1", 4, 100), unit("us-east-2", 1.05, 50)], "q", dataset);
    expect(recs.map((r) => [r.id, r.estimatedMonthlySaving, r.confidence])).toEqual([["region:AWS:EC2:Hours:us-west-2", null, "low"]]);
    expect(recs[0]!.spendAtRisk).toBeCloseTo((0.3 * 3000) / (91 / 30.4375), 9);
    expect(recs[0]!.description).toMatch(/do not name their SKU/);
  });
});

describe("taggingRecommendations", () => {
  const tags = (untaggedCost: number, untaggedShare: number): AnalysisState => ({
    dataset,
    tags: { available: true, taggedCost: 1000 - untaggedCost, untaggedCost, untaggedShare, byProvider: [], keys: [], queries: ["SELECT tags"] },
  });

  it("asks to tag untagged spend from 5% of the bill, with no saving and the monthly spend at risk", () => {
    const [rec] = taggingRecommendations(tags(300, 0.3));
    expect(rec).toMatchObject({ id: "tagging:untagged", estimatedMonthlySaving: null, title: "Tag the 30% of spend that carries no tags" });
    expect(rec!.spendAtRisk).toBeCloseTo(300 / (91 / 30.4375), 9);
    expect(taggingRecommendations(tags(40, 0.04))).toEqual([]);
    expect(taggingRecommendations(tags(-5, -0.005))).toEqual([]);
  });
});
