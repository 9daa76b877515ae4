import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExtractiveChatModel } from "../adapters/extractive-chat-model";
import { FocusDuckdbSource } from "../adapters/focus-duckdb-source";
import { FinopsResult, Limits } from "../protocol";
import { FOCUS_SAMPLE, HAS_FOCUS, NO_FOCUS_MESSAGE, column, exactSum, readFocusSample } from "../testing/focus-fixtures";
import { generateFocus, type FocusTruth } from "../testing/focus-generator";
import { analyzeCosts } from "./analyze";

/**
 * The analysis on real FOCUS data through DuckDB: the shared sample, whose sums are
 * written in shared/data/MANIFEST.md §1, and a generated six-month set whose planted
 * findings are known from the generator's truth.
 */

/** MANIFEST.md §1, copied by hand: "Ground-truth figures for subset A". */
const MANIFEST = {
  billed: 16.04336887679,
  effective: 13.21995266586,
  list: 16.08976887679,
  byProvider: [
    ["AWS", 15.5583422862],
    ["Oracle", 0.26507392473],
    ["Microsoft", 0.21995266586],
  ],
  topServices: [
    ["Amazon Elastic Compute Cloud", 14.6009359085],
    ["Azure DB for MySQL", 0.37096774194],
    ["Amazon Relational Database Service", 0.3522968852],
    ["Elastic Load Balancing", 0.3065808659],
    ["COMPUTE", 0.264],
  ],
  topSubAccounts: [
    ["11353890204", "Atlas Orion", 13.6164825497],
    ["85742851457", "Orion Odyssey", 0.2662317618],
    [/^ocid6\.tenancy\..*mz7ywh2/, "cloudnativecoop", 0.24],
  ],
  topRegions: [
    ["us-east-1", 13.6967409176],
    ["us-west-2", 1.0159163991],
    ["us-east-2", 0.4191189417],
  ],
  credit: -2.6137,
} as const;

/** "To the cent or better": amounts agree to 1e-9 (toBeCloseTo's 9 digits). */
const DIGITS = 9;

describe.skipIf(!HAS_FOCUS)(`finops on the shared FOCUS sample ${HAS_FOCUS ? "" : NO_FOCUS_MESSAGE}`, () => {
  let result: FinopsResult;
  beforeAll(async () => {
    const source = await FocusDuckdbSource.open({ path: FOCUS_SAMPLE });
    try {
      result = await analyzeCosts(source, { query: "Why did our bill grow, and where can we save?", chat: new ExtractiveChatModel() });
    } finally {
      await source.close();
    }
  });

  it("totals billed, effective and list cost exactly as MANIFEST §1 lists them", () => {
    const { totals } = result.cost_analysis;
    expect(totals.totalBilledCost).toBeCloseTo(MANIFEST.billed, DIGITS);
    expect(totals.totalEffectiveCost!).toBeCloseTo(MANIFEST.effective, DIGITS);
    expect(totals.totalListCost!).toBeCloseTo(MANIFEST.list, DIGITS);
    expect(totals.rows).toBe(670);
    expect(result.cost_analysis.currency).toBe("USD");
  });

  it("breaks spend down by provider, service, sub-account and region as MANIFEST §1 lists them", () => {
    const { breakdowns } = result.cost_analysis;
    expect(breakdowns.provider.rows.map((r) => r.key)).toEqual(MANIFEST.byProvider.map(([k]) => k));
    MANIFEST.byProvider.forEach(([, v], i) => expect(breakdowns.provider.rows[i]!.billedCost).toBeCloseTo(v, DIGITS));
    expect(breakdowns.service.rows.slice(0, 5).map((r) => r.key)).toEqual(MANIFEST.topServices.map(([k]) => k));
    MANIFEST.topServices.forEach(([, v], i) => expect(breakdowns.service.rows[i]!.billedCost).toBeCloseTo(v, DIGITS));
    MANIFEST.topSubAccounts.forEach(([id, name, v], i) => {
      const row = breakdowns.subAccount.rows[i]!;
      expect(row.key).toMatch(typeof id === "string" ? new RegExp(`^${id}$`) : id);
      expect(row.label).toBe(name);
      expect(row.billedCost).toBeCloseTo(v, DIGITS);
    });
    expect(breakdowns.region.rows.slice(0, 3).map((r) => r.key)).toEqual(MANIFEST.topRegions.map(([k]) => k));
    MANIFEST.topRegions.forEach(([, v], i) => expect(breakdowns.region.rows[i]!.billedCost).toBeCloseTo(v, DIGITS));
    const credit = breakdowns.chargeCategory.rows.find((r) => r.key === "Credit")!;
    expect(credit.billedCost).toBeCloseTo(MANIFEST.credit, DIGITS);
    expect(credit.rows).toBe(1);
  });

  it("measures untagged spend as the raw file's rows without Tags add up", () => {
    const table = readFocusSample();
    const tags = column(table, "Tags");
    const billed = column(table, "BilledCost");
    const untagged = exactSum(table.rows.filter((r) => tags(r) === null).map(billed));
    expect(table.rows.filter((r) => tags(r) !== null)).toHaveLength(519); // MANIFEST §1
    expect(result.cost_analysis.tags.untaggedCost!).toBeCloseTo(untagged, DIGITS);
  });

  it("says EffectiveCost is unreliable, and why, in the data and in the report", () => {
    const { cost_comparison } = result.cost_analysis;
    expect(cost_comparison.effectiveCostReliable).toBe(false);
    expect(cost_comparison.notes.join(" ")).toMatch(/EffectiveCost is 0 on \d+ of \d+ AWS rows/);
    expect(result.response).toMatch(/EffectiveCost looks unreliable in this data/);
    expect(result.cost_analysis.costBasis).toMatch(/^BilledCost/);
  });

  it("does not compare September with the October adjustment, and says what it did with one month", () => {
    const { dataset, movers, forecast } = result.cost_analysis;
    expect(dataset.periods).toEqual(["2024-09", "2024-10"]);
    expect(dataset.completePeriods).toEqual(["2024-09"]);
    expect(movers.available).toBe(false);
    expect(movers.reason).toMatch(/only 1 complete billing period \(2024-09\); 2024-10 is partial/);
    expect(forecast).toMatchObject({ available: true, period: "2024-10" });
    expect(forecast.method).toMatch(/^daily usage cost: weekday run rate/);
    expect(forecast.notes.join(" ")).toMatch(/one complete billing period \(2024-09\)/);
  });

  it("writes an offline narrative that says no language model wrote it, then the tables, within one message", () => {
    expect(result.narrativeByLanguageModel).toBe(false);
    expect(result.model).toBe("offline-extractive-v1");
    expect(result.response).toMatch(/^## Answer\n\n/);
    expect(result.response).toMatch(/no language model wrote this/);
    expect(result.response).toMatch(/Total billed cost from 2024-09-01 to 2024-09-30 was \$16\.04/);
    for (const heading of ["## Totals by billing period", "## Where the money goes", "## Daily anomalies", "## Forecast for 2024-10", "## Recommendations"]) {
      expect(result.response).toContain(heading);
    }
    expect(Buffer.byteLength(JSON.stringify(result))).toBeLessThan(Limits.maxInlineResultBytes);
    expect(FinopsResult.safeParse(JSON.parse(JSON.stringify(result))).success).toBe(true);
  });
});

describe("finops on a generated six-month FOCUS set with planted findings", () => {
  const dir = mkdtempSync(join(tmpdir(), "ferry-finops-gen-"));
  let truth: FocusTruth;
  let result: FinopsResult;
  beforeAll(async () => {
    const out = join(dir, "six-months.csv");
    truth = await generateFocus({ months: 6, rows: 20_000, seed: 11, out, format: "csv", ...(HAS_FOCUS ? { template: FOCUS_SAMPLE } : {}) });
    const source = await FocusDuckdbSource.open({ path: out });
    try {
      result = await analyzeCosts(source, { query: "Where can we save?", chat: new ExtractiveChatModel() });
    } finally {
      await source.close();
    }
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("finds the injected anomaly on its day, for its service", () => {
    const found = result.cost_analysis.anomalies.anomalies.filter((a) => a.day === truth.anomaly.date);
    expect(found.map((a) => (a.scope === "total" ? "total" : a.key))).toContain(truth.anomaly.serviceName);
    expect(result.cost_analysis.anomalies.anomalies[0]!.day).toBe(truth.anomaly.date);
  });

  it("recommends dropping the unused commitment by its id, first, with its unused cost per month", () => {
    const id = truth.commitments.unused.commitmentDiscountId;
    const rec = result.optimization_recommendations.find((r) => r.id === `commitment:${id}`);
    expect(rec).toMatchObject({ rank: 1, category: "commitment", confidence: "high" });
    expect(rec!.evidence.rows[0]).toMatchObject({ CommitmentDiscountId: id, utilization: 0 });
    // The unused fee over its six months, per month.
    const months = (Date.parse(`${truth.lastDay}T00:00:00Z`) - Date.parse(`${truth.firstDay}T00:00:00Z`)) / 86_400_000 / 30.4375 + 1 / 30.4375;
    expect(rec!.estimatedMonthlySaving!).toBeCloseTo(Number(truth.commitments.unused.effectiveCost) / months, 6);
  });

  it("flags every planted idle resource and the untagged share", () => {
    const idle = result.optimization_recommendations.filter((r) => r.category === "idle_resource").map((r) => r.id);
    for (const planted of truth.idleResources) expect(idle).toContain(`idle:${planted.resourceId}`);
    expect(result.cost_analysis.tags.untaggedCost!).toBeCloseTo(Number(truth.totals.untaggedBilledCost), 6);
  });

  it("totals each billing period to the generator's exact sums", () => {
    expect(result.cost_analysis.totals.byPeriod.map((p) => p.period)).toEqual(truth.periods.map((p) => p.period));
    truth.periods.forEach((p, i) => expect(result.cost_analysis.totals.byPeriod[i]!.billedCost).toBeCloseTo(Number(p.billedCost), 6));
  });

  /** Tolerance: 3 % of the generator's noise-free next period (its model: per-service compound growth, weekday factors). */
  const FORECAST_TOLERANCE = 0.03;

  it(`forecasts the next period within ${FORECAST_TOLERANCE * 100}% of the generator's truth`, () => {
    const { forecast } = result.cost_analysis;
    expect(forecast.period).toBe(truth.forecast.period);
    expect(Math.abs(forecast.billedCost! - truth.forecast.billedCost) / truth.forecast.billedCost).toBeLessThan(FORECAST_TOLERANCE);
    expect(forecast.method).toMatch(/exponential trend/);
  });
});
