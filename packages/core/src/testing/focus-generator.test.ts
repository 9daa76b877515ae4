import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FOCUS_COLUMNS,
  FOCUS_MANDATORY_COLUMNS,
  FOCUS_SAMPLE,
  type FocusTruth,
  HAS_FOCUS_SAMPLE,
  generateFocus,
  sqlString,
  tokenizeCsv,
  unquote,
  withScratchDuckdb,
} from "./focus-generator";

const dir = mkdtempSync(join(tmpdir(), "ferry-focus-gen-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An exact decimal parse written for the test, independent of the generator's own. */
function cents11(text: string): bigint {
  const [whole, frac = ""] = text.split(".");
  const negative = whole!.startsWith("-");
  const units = BigInt(whole!.replace("-", "")) * 10n ** 11n + BigInt(frac.padEnd(11, "0").slice(0, 11) || "0");
  expect(frac.replace(/0+$/, "").length).toBeLessThanOrEqual(11);
  return negative ? -units : units;
}

type Row = Record<string, string | null>;

function readRows(path: string): { header: string[]; raw: string[][]; rows: Row[] } {
  const [header, ...raw] = tokenizeCsv(readFileSync(path, "utf8"));
  const names = header!.map((h) => unquote(h)!);
  return { header: names, raw, rows: raw.map((r) => Object.fromEntries(names.map((n, i) => [n, unquote(r[i]!)]))) };
}

const sum = (rows: Row[], column: string) => rows.reduce((s, r) => s + (r[column] === null ? 0n : cents11(r[column]!)), 0n);
const day = (r: Row) => r.ChargePeriodStart!.slice(0, 10);

describe("generateFocus on the built-in templates", () => {
  let truth: FocusTruth;
  let rows: Row[];
  let raw: string[][];
  let header: string[];
  const out = join(dir, "three-months.csv");

  beforeAll(async () => {
    truth = await generateFocus({ months: 3, rows: 4_321, seed: 42, out, format: "csv" });
    ({ rows, raw, header } = readRows(out));
  });

  it("writes exactly the rows and billing periods asked for", () => {
    expect(rows).toHaveLength(4_321);
    expect(truth.totals.rows).toBe(4_321);
    expect([...new Set(rows.map((r) => r.BillingPeriodStart))].sort()).toEqual(["2024-01-01 00:00:00", "2024-02-01 00:00:00", "2024-03-01 00:00:00"]);
    expect(truth.periods.map((p) => p.period)).toEqual(["2024-01", "2024-02", "2024-03"]);
    expect(truth.periods.reduce((n, p) => n + p.rows, 0)).toBe(4_321);
    expect(truth.firstDay).toBe("2024-01-01");
    expect(truth.lastDay).toBe("2024-03-31");
    expect(new Set(rows.map(day)).size).toBe(91);
    expect(new Set(rows.map((r) => r.Id)).size).toBe(4_321);
  });

  it("keeps every FOCUS 1.0 mandatory column, filled on every row", () => {
    expect(header).toEqual([...FOCUS_COLUMNS]);
    for (const r of raw) expect(r).toHaveLength(FOCUS_COLUMNS.length);
    for (const column of FOCUS_MANDATORY_COLUMNS) {
      if (column === "ChargeClass") continue; // null unless the row corrects another
      expect(rows.filter((r) => r[column] === null || r[column] === "").length, column).toBe(0);
    }
  });

  it("writes the sample's quirks: unquoted NULL, timestamps without T/Z, JSON tags with doubled quotes", () => {
    const line = readFileSync(out, "utf8").split("\n")[1]!;
    expect(line).toMatch(/(^|,)NULL,/);
    expect(rows[0]!.ChargePeriodStart).toMatch(/^\d{4}-\d\d-\d\d \d\d:00:00$/);
    const tagged = raw.find((r) => r[FOCUS_COLUMNS.indexOf("Tags")] !== "NULL")!;
    expect(tagged[FOCUS_COLUMNS.indexOf("Tags")]).toMatch(/^"\{""[a-z_]+"": ""/);
    expect(JSON.parse(unquote(tagged[FOCUS_COLUMNS.indexOf("Tags")]!)!)).toBeTypeOf("object");
  });

  it("reports totals equal to an exact sum of the file, per period and overall", () => {
    for (const p of truth.periods) {
      const inPeriod = rows.filter((r) => r.BillingPeriodStart!.startsWith(p.period));
      expect(inPeriod).toHaveLength(p.rows);
      expect(cents11(p.billedCost)).toBe(sum(inPeriod, "BilledCost"));
      expect(cents11(p.effectiveCost)).toBe(sum(inPeriod, "EffectiveCost"));
      expect(cents11(p.listCost)).toBe(sum(inPeriod, "ListCost"));
      expect(cents11(p.untaggedBilledCost)).toBe(sum(inPeriod.filter((r) => r.Tags === null), "BilledCost"));
      for (const [service, amount] of Object.entries(p.byService)) expect(cents11(amount), service).toBe(sum(inPeriod.filter((r) => r.ServiceName === service), "BilledCost"));
    }
    expect(cents11(truth.totals.billedCost)).toBe(sum(rows, "BilledCost"));
    expect(cents11(truth.totals.listCost)).toBe(sum(rows, "ListCost"));
    expect(truth.totals.untaggedShare).toBeGreaterThan(0.02);
    expect(truth.totals.untaggedShare).toBeLessThan(0.6);
  });

  it("plants an anomaly day far above the service's neighbouring days", () => {
    const a = truth.anomaly;
    const daily = new Map<string, bigint>();
    for (const r of rows.filter((r) => r.ServiceName === a.serviceName)) daily.set(day(r), (daily.get(day(r)) ?? 0n) + cents11(r.BilledCost!));
    const onDay = daily.get(a.date)!;
    expect(onDay).toBe(cents11(a.serviceBilledCostOnDay));
    const t = Date.parse(a.date);
    for (const offset of [-3, -2, -1, 1, 2, 3]) {
      const neighbour = daily.get(new Date(t + offset * 86_400_000).toISOString().slice(0, 10))!;
      expect(onDay, `vs ${offset} days`).toBeGreaterThan(5n * neighbour);
    }
    expect(a.multiplier).toBeGreaterThanOrEqual(6);
    expect(rows.some((r) => r.SubAccountId === a.subAccountId && r.ServiceName === a.serviceName && day(r) === a.date)).toBe(true);
  });

  it("bills the unused commitment every day with only Unused rows, and the used one with only Used rows", () => {
    const unused = truth.commitments.unused;
    const mine = rows.filter((r) => r.CommitmentDiscountId === unused.commitmentDiscountId);
    expect(mine).toHaveLength(91);
    expect(new Set(mine.map((r) => r.CommitmentDiscountStatus))).toEqual(new Set(["Unused"]));
    expect(new Set(mine.map((r) => r.CommitmentDiscountType))).toEqual(new Set([unused.commitmentDiscountType]));
    expect(sum(mine, "EffectiveCost")).toBe(cents11(unused.effectiveCost));
    expect(sum(mine, "EffectiveCost")).toBeGreaterThan(0n);
    for (const [period, amount] of Object.entries(unused.byPeriod)) expect(sum(mine.filter((r) => r.BillingPeriodStart!.startsWith(period)), "BilledCost")).toBe(cents11(amount));

    const used = truth.commitments.used;
    const covered = rows.filter((r) => r.CommitmentDiscountId === used.commitmentDiscountId);
    expect(covered.length).toBeGreaterThan(0);
    expect(new Set(covered.map((r) => r.CommitmentDiscountStatus))).toEqual(new Set(["Used"]));
    expect(sum(covered, "ListCost")).toBeGreaterThan(sum(covered, "EffectiveCost"));
    expect(cents11(used.savings)).toBe(sum(covered, "ListCost") - sum(covered, "EffectiveCost"));
  });

  it("plants idle resources with the same cost and usage every day", () => {
    expect(truth.idleResources.length).toBeGreaterThan(0);
    for (const idle of truth.idleResources) {
      const mine = rows.filter((r) => r.ResourceId === idle.resourceId);
      expect(mine).toHaveLength(91);
      expect(new Set(mine.map((r) => r.BilledCost))).toEqual(new Set([idle.dailyCost]));
      expect(new Set(mine.map((r) => r.PricingQuantity))).toEqual(new Set([idle.dailyPricingQuantity]));
    }
  });

  it("prices one service higher per unit in one region than in another", () => {
    const rp = truth.regionPricing;
    const unitPrice = (region: string) => {
      const mine = rows.filter((r) => r.ServiceName === rp.serviceName && r.PricingUnit === rp.pricingUnit && r.RegionId === region);
      expect(mine.length).toBeGreaterThan(0);
      return Number(sum(mine, "ListCost")) / mine.reduce((q, r) => q + Number(r.PricingQuantity), 0) / 1e11;
    };
    const cheap = unitPrice(rp.cheap.regionId);
    const dear = unitPrice(rp.expensive.regionId);
    expect(cheap).toBeCloseTo(rp.cheap.listUnitPrice, 6);
    expect(dear / cheap).toBeCloseTo(rp.ratio, 3);
    expect(rp.ratio).toBeGreaterThan(1.2);
  });

  it("states a model that the data follows within the stated noise", () => {
    for (const p of truth.periods) {
      const anomaly = truth.anomaly.date.startsWith(p.period) ? Number(cents11(truth.anomaly.extraBilledCost)) / 1e11 : 0;
      const actual = Number(cents11(p.billedCost)) / 1e11 - anomaly;
      expect(Math.abs(actual - p.modelBilledCost) / p.modelBilledCost, p.period).toBeLessThan(truth.noise.halfWidth / 4);
    }
    expect(truth.forecast.period).toBe("2024-04");
    const last = truth.periods.at(-1)!.modelBilledCost;
    expect(truth.forecast.billedCost / last).toBeGreaterThan(0.85);
    expect(truth.forecast.billedCost / last).toBeLessThan(1.2);
  });
});

describe("generateFocus output files", () => {
  const options = { months: 1, rows: 800, seed: 7, format: "csv" as const };

  it("gives byte-identical files for the same seed, and different ones for another", async () => {
    const a = join(dir, "a.csv");
    const b = join(dir, "b.csv");
    const c = join(dir, "c.csv");
    await generateFocus({ ...options, out: a });
    await generateFocus({ ...options, out: b });
    await generateFocus({ ...options, seed: 8, out: c });
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    expect(readFileSync(a).equals(readFileSync(c))).toBe(false);
  });

  it("writes csv.gz that gunzips to the same CSV", async () => {
    const csv = join(dir, "same.csv");
    const gz = join(dir, "same.csv.gz");
    const plain = await generateFocus({ ...options, out: csv });
    const zipped = await generateFocus({ ...options, out: gz, format: "csv.gz" });
    expect(gunzipSync(readFileSync(gz)).equals(readFileSync(csv))).toBe(true);
    expect(zipped.totals).toEqual(plain.totals);
    expect(zipped.file.bytes).toBeLessThan(plain.file.bytes / 4);
  });

  it("writes Parquet whose exact sums DuckDB reads back equal to the truth", async () => {
    const out = join(dir, "small.parquet");
    const truth = await generateFocus({ ...options, out, format: "parquet" });
    const [row] = await withScratchDuckdb(async (db) =>
      (await db.runAndReadAll(`SELECT COUNT(*)::INTEGER AS n, SUM(BilledCost)::VARCHAR AS billed, SUM(ListCost)::VARCHAR AS list, COUNT(*) FILTER (WHERE Tags IS NULL)::INTEGER AS untagged FROM read_parquet(${sqlString(out)})`)).getRowObjectsJS(),
    );
    expect(row!.n).toBe(800);
    expect(cents11(String(row!.billed))).toBe(cents11(truth.totals.billedCost));
    expect(cents11(String(row!.list))).toBe(cents11(truth.totals.listCost));
    expect(row!.untagged).toBeGreaterThan(0);
  });

  it("refuses a row count too small for the months asked", async () => {
    await expect(generateFocus({ months: 12, rows: 1_000, seed: 1, out: join(dir, "tiny.csv"), format: "csv" })).rejects.toThrow(/too few/);
  });
});

describe.skipIf(!HAS_FOCUS_SAMPLE)("generateFocus from the shared FOCUS sample", () => {
  it("reuses the sample's providers, services and sub-accounts, with exact totals", async () => {
    const out = join(dir, "from-sample.csv");
    const truth = await generateFocus({ months: 2, rows: 3_000, seed: 3, out, format: "csv", template: FOCUS_SAMPLE });
    const { rows } = readRows(out);
    const sample = readRows(FOCUS_SAMPLE).rows;
    expect(rows).toHaveLength(3_000);
    const sampleServices = new Set(sample.map((r) => r.ServiceName));
    const sampleAccounts = new Set(sample.map((r) => r.SubAccountId));
    const usage = rows.filter((r) => r.CommitmentDiscountStatus === null);
    expect(usage.every((r) => sampleServices.has(r.ServiceName) && sampleAccounts.has(r.SubAccountId))).toBe(true);
    expect(new Set(rows.map((r) => r.ProviderName)).size).toBeGreaterThan(1);
    expect(cents11(truth.totals.billedCost)).toBe(sum(rows, "BilledCost"));
    expect(truth.parameters.template).toBe(FOCUS_SAMPLE);
  });
});
