import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { NonRetryableJobError, RetryableJobError } from "../errors";
import { UnsupportedCostQueryError, type CostDimension, type CostQuery } from "../ports/cost-source";
import { startCostExplorerFake, type CostExplorerFake, type CostLineItem } from "../testing/cost-explorer-fake";
import { amountUnits, CostExplorerSource, type CostExplorerSourceOptions } from "./cost-explorer-source";

const SERVICES = ["Amazon Elastic Compute Cloud - Compute", "Amazon Simple Storage Service", "AWS Lambda"];
const ACCOUNTS = [
  { account: "111111111111", accountName: "Production" },
  { account: "222222222222", accountName: "Staging – été" },
];
const REGIONS = ["us-east-1", "eu-west-3", "NoRegion"];

/** Line items with amounts in whole cents, so the test can sum them exactly on its own. */
interface Line extends CostLineItem {
  unblendedCents: number;
  amortizedCents: number;
}

function lineItems(): Line[] {
  let seed = 7;
  const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
  const lines: Line[] = [];
  for (let t = Date.UTC(2025, 0, 1); t < Date.UTC(2025, 2, 15); t += 86_400_000) {
    const date = new Date(t).toISOString().slice(0, 10);
    for (const service of SERVICES) {
      const { account, accountName } = ACCOUNTS[next() % 2]!;
      const region = REGIONS[next() % 3]!;
      const unblendedCents = next() % 10_000;
      lines.push(line({ date, service, account, accountName, region, recordType: "Usage", unblendedCents, amortizedCents: unblendedCents + (next() % 50) }));
    }
    if (date.endsWith("-01")) {
      lines.push(line({ date, service: "Tax", account: "111111111111", accountName: "Production", region: "NoRegion", recordType: "Tax", unblendedCents: 1_234, amortizedCents: 1_234 }));
    }
    if (date.endsWith("-15")) {
      lines.push(line({ date, service: SERVICES[0]!, account: "222222222222", accountName: "Staging – été", region: "us-east-1", recordType: "Credit", unblendedCents: -2_501, amortizedCents: -2_501 }));
    }
  }
  return lines;
}

function line(l: Omit<Line, "unblended" | "amortized">): Line {
  const text = (cents: number) => `${cents < 0 ? "-" : ""}${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, "0")}`;
  return { ...l, unblended: text(l.unblendedCents), amortized: text(l.amortizedCents) };
}

const LINES = lineItems();
const FIELD: Record<string, (l: Line) => string> = {
  service: (l) => l.service,
  subAccount: (l) => l.account,
  region: (l) => (l.region === "NoRegion" ? "" : l.region),
  chargeCategory: (l) => l.recordType,
  provider: () => "AWS",
};

/** What the source should answer, computed here from the line items (cents, then one division). */
function expected(lines: Line[], query: { granularity: CostQuery["granularity"]; groupBy?: CostDimension[] }) {
  const groups = new Map<string, { period?: string; keys: Record<string, string>; billed: number; effective: number }>();
  for (const l of lines) {
    const period = query.granularity === "month" ? l.date.slice(0, 7) : query.granularity === "day" ? l.date : undefined;
    const keys = Object.fromEntries((query.groupBy ?? []).map((d) => [d, FIELD[d]!(l)]));
    const id = JSON.stringify([period, keys]);
    const g = groups.get(id) ?? { ...(period ? { period } : {}), keys, billed: 0, effective: 0 };
    g.billed += l.unblendedCents;
    g.effective += l.amortizedCents;
    groups.set(id, g);
  }
  return [...groups.values()]
    .filter((g) => g.billed !== 0 || g.effective !== 0)
    .map((g) => ({ ...g, billed: g.billed / 100, effective: g.effective / 100 }));
}

const byId = (rows: Array<{ period?: string; keys: Record<string, string | undefined> }>) => rows.map((r) => JSON.stringify([r.period, r.keys])).sort();

let fake: CostExplorerFake;
const sources: CostExplorerSource[] = [];
beforeAll(async () => {
  fake = await startCostExplorerFake({ items: LINES, pageSize: 7, today: "2025-03-10" });
});
afterAll(async () => {
  await Promise.all(sources.map((s) => s.close()));
  await fake?.stop();
});
beforeEach(() => {
  fake.reset();
  fake.setItems(LINES);
});

function source(options: Partial<CostExplorerSourceOptions> = {}): CostExplorerSource {
  const s = new CostExplorerSource({
    start: "2025-01-01",
    end: "2025-04-01",
    backoff: { baseMs: 2, capMs: 10 },
    now: () => Date.UTC(2025, 2, 10, 15),
    ...options,
    client: { ...fake.clientConfig, ...options.client },
  });
  sources.push(s);
  return s;
}

const ceCalls = (operation = "GetCostAndUsage") => fake.requests.filter((r) => r.operation === operation);

describe("CostExplorerSource figures", () => {
  it("totals the range exactly to the cent, with list and contracted cost null", async () => {
    const { rows } = await source().costs({ granularity: "total" });
    const [want] = expected(LINES, { granularity: "total" });
    expect(rows).toEqual([{ keys: {}, billedCost: want!.billed, effectiveCost: want!.effective, listCost: null, contractedCost: null }]);
    expect(ceCalls()[0]!.body).toMatchObject({ Granularity: "MONTHLY", Metrics: ["UnblendedCost", "AmortizedCost"], TimePeriod: { Start: "2025-01-01", End: "2025-04-01" } });
  });

  it("sums amounts as decimals, not floats: 0.1 + 0.2 is 0.3", async () => {
    fake.setItems([
      { date: "2025-01-05", service: "S", account: "1", region: "us-east-1", recordType: "Usage", unblended: "0.1", amortized: "0.1" },
      { date: "2025-02-05", service: "S", account: "1", region: "us-east-1", recordType: "Usage", unblended: "0.2", amortized: "0.0000000001" },
    ]);
    const { rows } = await source().costs({ granularity: "total", groupBy: ["service"] });
    expect(rows.map((r) => [r.billedCost, r.effectiveCost])).toEqual([[0.3, 0.1000000001]]);
  });

  it("groups by service and region per month, follows every page, and sorts by period then billed cost", async () => {
    const { rows, query } = await source().costs({ granularity: "month", groupBy: ["service", "region"] });
    const want = expected(LINES, { granularity: "month", groupBy: ["service", "region"] });
    expect(ceCalls().length).toBeGreaterThan(2);
    expect(byId(rows)).toEqual(byId(want));
    for (const w of want) {
      expect(rows.find((r) => r.period === w.period && r.keys.service === w.keys.service && r.keys.region === w.keys.region)).toMatchObject({ billedCost: w.billed, effectiveCost: w.effective });
    }
    expect(rows.some((r) => r.keys.region === "")).toBe(true);
    const order = rows.map((r) => [r.period!, -r.billedCost] as const);
    expect(order).toEqual([...order].sort((a, b) => a[0].localeCompare(b[0]) || a[1] - b[1]));
    expect(query).toMatch(/^GetCostAndUsage \{/);
    expect(query).toContain(`"GroupBy":[{"Type":"DIMENSION","Key":"SERVICE"},{"Type":"DIMENSION","Key":"REGION"}]`);
  });

  it("answers per day with DAILY, and per month with MONTHLY", async () => {
    const days = await source().costs({ granularity: "day" });
    expect(ceCalls().at(-1)!.body.Granularity).toBe("DAILY");
    const wantDays = expected(LINES, { granularity: "day" });
    expect(days.rows).toHaveLength(wantDays.length);
    expect(days.rows.map((r) => [r.period, r.billedCost])).toEqual(wantDays.map((w) => [w.period, w.billed]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))));

    const months = await source().costs({ granularity: "month" });
    expect(ceCalls().at(-1)!.body.Granularity).toBe("MONTHLY");
    expect(months.rows.map((r) => [r.period, r.billedCost, r.effectiveCost])).toEqual(
      expected(LINES, { granularity: "month" }).map((w) => [w.period, w.billed, w.effective]),
    );
  });

  it("names linked accounts from their description attribute", async () => {
    const { rows } = await source().costs({ granularity: "total", groupBy: ["subAccount"] });
    expect(rows.map((r) => [r.keys.subAccount, r.labels?.subAccount]).sort()).toEqual(ACCOUNTS.map((a) => [a.account, a.accountName]));
    expect(ceCalls()[0]!.body.GroupBy).toEqual([{ Type: "DIMENSION", Key: "LINKED_ACCOUNT" }]);
  });

  it("filters with one Dimensions expression, or an And of several", async () => {
    const one = await source().costs({ granularity: "total", where: { chargeCategory: ["Usage"] } });
    expect(ceCalls()[0]!.body.Filter).toEqual({ Dimensions: { Key: "RECORD_TYPE", Values: ["Usage", "DiscountedUsage", "SavingsPlanCoveredUsage", "SavingsPlanNegation"] } });
    expect(one.rows[0]!.billedCost).toBe(expected(LINES.filter((l) => l.recordType === "Usage"), { granularity: "total" })[0]!.billed);

    const where = { service: [SERVICES[0]!, SERVICES[2]!], region: ["", "eu-west-3"], provider: ["AWS"] };
    const several = await source().costs({ granularity: "month", groupBy: ["service"], where });
    expect(ceCalls()[1]!.body.Filter).toEqual({
      And: [
        { Dimensions: { Key: "SERVICE", Values: [SERVICES[0], SERVICES[2]] } },
        { Dimensions: { Key: "REGION", Values: ["NoRegion", "eu-west-3"] } },
      ],
    });
    const kept = LINES.filter((l) => where.service.includes(l.service) && ["NoRegion", "eu-west-3"].includes(l.region));
    expect(several.rows.map((r) => [r.period, r.keys.service, r.billedCost]).sort()).toEqual(
      expected(kept, { granularity: "month", groupBy: ["service"] }).map((w) => [w.period, w.keys.service, w.billed]).sort(),
    );
  });

  it("reads Cost Explorer's record types as FOCUS charge categories: usage under a Savings Plan or a reservation is Usage", async () => {
    const covered = line({ date: "2025-02-03", service: SERVICES[0]!, account: "111111111111", accountName: "Production", region: "us-east-1", recordType: "SavingsPlanCoveredUsage", unblendedCents: 4_000, amortizedCents: 2_600 });
    const fee = line({ date: "2025-02-01", service: "Savings Plans for AWS Compute usage", account: "111111111111", accountName: "Production", region: "NoRegion", recordType: "SavingsPlanRecurringFee", unblendedCents: 9_900, amortizedCents: 0 });
    const refund = line({ date: "2025-02-20", service: SERVICES[1]!, account: "222222222222", accountName: "Staging – été", region: "eu-west-3", recordType: "Refund", unblendedCents: -300, amortizedCents: -300 });
    fake.setItems([...LINES, covered, fee, refund]);

    const { rows } = await source().costs({ granularity: "total", groupBy: ["chargeCategory"] });
    const byCategory = Object.fromEntries(rows.map((r) => [r.keys.chargeCategory, r.billedCost]));
    const cents = (type: string) => LINES.filter((l) => l.recordType === type).reduce((sum, l) => sum + l.unblendedCents, 0);
    expect(Object.keys(byCategory).sort()).toEqual(["Credit", "Purchase", "Tax", "Usage"]);
    expect(byCategory.Usage).toBe((cents("Usage") + 4_000) / 100);
    expect(byCategory.Purchase).toBe(99);
    expect(byCategory.Credit).toBe((cents("Credit") - 300) / 100);

    const usage = await source().costs({ granularity: "total", where: { chargeCategory: ["Usage"] } });
    expect(usage.rows[0]!.billedCost).toBe((cents("Usage") + 4_000) / 100);
  });

  it("treats provider as the constant AWS: grouped without a request group, filtered without a request", async () => {
    const grouped = await source().costs({ granularity: "total", groupBy: ["provider", "service", "region"] });
    expect(ceCalls()[0]!.body.GroupBy).toHaveLength(2);
    expect(grouped.rows.every((r) => r.keys.provider === "AWS")).toBe(true);
    expect(byId(grouped.rows)).toEqual(byId(expected(LINES, { granularity: "total", groupBy: ["provider", "service", "region"] })));

    fake.reset();
    const other = await source().costs({ granularity: "total", where: { provider: ["Microsoft"] } });
    expect(other.rows).toEqual([]);
    expect(other.query).toMatch(/only has AWS costs/);
    expect(fake.requests).toHaveLength(0);
  });

  it("keeps the `limit` costliest groups of each period", async () => {
    const { rows } = await source().costs({ granularity: "month", groupBy: ["service"], limit: 2 });
    const want = expected(LINES, { granularity: "month", groupBy: ["service"] });
    for (const period of ["2025-01", "2025-02", "2025-03"]) {
      const top = want.filter((w) => w.period === period).sort((a, b) => b.billed - a.billed).slice(0, 2);
      expect(rows.filter((r) => r.period === period).map((r) => [r.keys.service, r.billedCost])).toEqual(top.map((w) => [w.keys.service, w.billed]));
    }
  });
});

describe("CostExplorerSource refusals", () => {
  it.each([
    ["serviceCategory", "groupBy"],
    ["resource", "groupBy"],
    ["billingAccount", "groupBy"],
    ["resource", "where"],
  ] as const)("refuses %s in %s with a typed error naming it, before any request", async (dimension, where) => {
    const query: CostQuery = where === "groupBy" ? { granularity: "total", groupBy: [dimension] } : { granularity: "total", where: { [dimension]: ["x"] } };
    const error = await source().costs(query).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedCostQueryError);
    expect(error).toMatchObject({ code: "invalid_input", capability: `${where}:${dimension}` });
    expect((error as Error).message).toMatch(new RegExp(`Cost Explorer cannot (group|filter) by ${dimension}`));
    expect(fake.requests).toHaveLength(0);
  });

  it("refuses more than two Cost Explorer groups", async () => {
    const error = await source().costs({ granularity: "month", groupBy: ["service", "region", "subAccount"] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedCostQueryError);
    expect((error as Error).message).toMatch(/at most 2 dimensions.*service, region, subAccount/);
    expect(fake.requests).toHaveLength(0);
  });

  it("rejects a range that is not two calendar days in order", () => {
    expect(() => source({ start: "2025-02-30", end: "2025-03-01" })).toThrow(NonRetryableJobError);
    expect(() => source({ start: "2025-03-01", end: "2025-03-01" })).toThrow(/start must come before end/);
  });
});

describe("CostExplorerSource errors", () => {
  it("retries throttling with backoff, then answers", async () => {
    fake.fail("GetCostAndUsage", { type: "LimitExceededException", message: "Rate exceeded" }, 2);
    const { rows } = await source().costs({ granularity: "total" });
    expect(rows[0]!.billedCost).toBe(expected(LINES, { granularity: "total" })[0]!.billed);
    expect(ceCalls()).toHaveLength(3);
  });

  it("gives up on lasting throttling with a retryable error", async () => {
    fake.fail("GetCostAndUsage", { type: "LimitExceededException", message: "Rate exceeded" }, 10);
    const error = await source({ attempts: 3 }).costs({ granularity: "total" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableJobError);
    expect((error as Error).message).toMatch(/throttling GetCostAndUsage \(3 attempt/);
    expect(ceCalls()).toHaveLength(3);
  });

  it("stops waiting out throttling as soon as the job is cancelled", async () => {
    fake.fail("GetCostAndUsage", { type: "LimitExceededException" }, 10);
    const controller = new AbortController();
    const reason = new Error("cancelled by the user");
    const pending = source({ backoff: { baseMs: 60_000, capMs: 60_000 } }).costs({ granularity: "total" }, { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 50);
    await expect(pending).rejects.toBe(reason);
  });

  it("says which permission is missing when access is denied, without retrying", async () => {
    fake.fail("GetCostAndUsage", { type: "AccessDeniedException", message: "User: arn:aws:sts::1:assumed-role/worker is not authorized to perform: ce:GetCostAndUsage" });
    const error = await source().costs({ granularity: "total" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonRetryableJobError);
    expect((error as Error).message).toMatch(/needs the IAM permission ce:GetCostAndUsage/);
    expect(ceCalls()).toHaveLength(1);
  });

  it.each([
    ["ValidationException", "Time range exceeds 14 months for DAILY granularity", /rejected GetCostAndUsage for 2025-01-01 to 2025-04-01.*14 months/, "invalid_input"],
    ["DataUnavailableException", "Data is not available", /no data for 2025-01-01 to 2025-04-01/, "handler_error"],
    ["BillExpirationException", "The requested report expired", /no longer has the bill.*more recent start date/, "invalid_input"],
  ])("fails at once with a clear message on %s", async (type, message, pattern, code) => {
    fake.fail("GetCostAndUsage", { type, message });
    const error = await source().costs({ granularity: "day" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonRetryableJobError);
    expect(error).toMatchObject({ code, message: expect.stringMatching(pattern) });
    expect(ceCalls()).toHaveLength(1);
  });
});

describe("CostExplorerSource describe and forecast", () => {
  it("describes the range: periods up to today, currency from the amounts, what Cost Explorer lacks", async () => {
    const info = await source().describe();
    expect(info).toMatchObject({
      source: "cost-explorer",
      currency: ["USD"],
      providers: ["AWS"],
      firstDay: "2025-01-01",
      lastDay: "2025-03-10",
      periods: ["2025-01", "2025-02", "2025-03"],
      columns: [],
    });
    expect(info.warnings.join(" ")).toMatch(/no list or contracted cost/);
    expect(info.warnings.join(" ")).toMatch(/commitment-discount, tag or resource columns/);

    const eur = await startCostExplorerFake({ items: LINES, currency: "EUR", estimatedFrom: "2025-03-01" });
    try {
      const s = new CostExplorerSource({ start: "2024-12-01", end: "2025-03-01", client: eur.clientConfig, now: () => Date.UTC(2026, 0, 1) });
      const other = await s.describe();
      await s.close();
      expect(other).toMatchObject({ currency: ["EUR"], lastDay: "2025-02-28", periods: ["2024-12", "2025-01", "2025-02"] });
      expect(other.warnings).toHaveLength(1);
    } finally {
      await eur.stop();
    }
  });

  it("warns about months Cost Explorer still estimates", async () => {
    const estimating = await startCostExplorerFake({ items: LINES, estimatedFrom: "2025-03-01" });
    try {
      const s = new CostExplorerSource({ start: "2025-01-01", end: "2025-04-01", client: estimating.clientConfig, now: () => Date.UTC(2025, 2, 10) });
      const info = await s.describe();
      await s.close();
      expect(info.warnings.some((w) => /2025-03 as estimated/.test(w))).toBe(true);
      expect(info.warnings.some((w) => /2025-02/.test(w))).toBe(false);
    } finally {
      await estimating.stop();
    }
  });

  it("forecasts this month as month-to-date actuals plus Cost Explorer's forecast of the rest", async () => {
    const forecasting = await startCostExplorerFake({ items: LINES, today: "2025-03-10", forecast: () => ({ mean: "1000.25", low: "900.5", high: "1100.75" }) });
    try {
      const s = new CostExplorerSource({ start: "2025-01-01", end: "2025-04-01", client: forecasting.clientConfig, now: () => Date.UTC(2025, 2, 10, 15) });
      const forecast = await s.forecast();
      await s.close();
      const [request] = forecasting.requests.filter((r) => r.operation === "GetCostForecast");
      expect(request!.body).toEqual({ TimePeriod: { Start: "2025-03-10", End: "2025-04-01" }, Metric: "UNBLENDED_COST", Granularity: "MONTHLY", PredictionIntervalLevel: 80 });
      const [actuals] = forecasting.requests.filter((r) => r.operation === "GetCostAndUsage");
      expect(actuals!.body).toMatchObject({ TimePeriod: { Start: "2025-03-01", End: "2025-03-10" }, Metrics: ["UnblendedCost"] });
      const toDate = LINES.filter((l) => l.date >= "2025-03-01" && l.date < "2025-03-10").reduce((s, l) => s + l.unblendedCents, 0);
      expect(forecast).toMatchObject({
        period: "2025-03",
        billedCost: (toDate + 100_025) / 100,
        low: (toDate + 90_050) / 100,
        high: (toDate + 110_075) / 100,
      });
      expect(forecast.method).toMatch(/^AWS Cost Explorer GetCostForecast \(UNBLENDED_COST, 80% prediction interval\)/);
      expect(forecast.query).toContain("GetCostForecast {");
    } finally {
      await forecasting.stop();
    }
  });

  it("asks for no actuals on the first day of a month: the forecast is the whole month", async () => {
    const forecast = await source({ now: () => Date.UTC(2025, 3, 1, 8) }).forecast();
    expect(ceCalls()).toHaveLength(0);
    expect(ceCalls("GetCostForecast")[0]!.body.TimePeriod).toEqual({ Start: "2025-04-01", End: "2025-05-01" });
    expect(forecast.period).toBe("2025-04");
    expect(forecast.low).toBeLessThanOrEqual(forecast.billedCost);
    expect(forecast.high).toBeGreaterThanOrEqual(forecast.billedCost);
  });
});

describe("amountUnits", () => {
  it("reads Cost Explorer amounts exactly, in 1e-10 units", () => {
    expect(amountUnits("123.4567890123")).toBe(1_234_567_890_123n);
    expect(amountUnits("-0.01")).toBe(-100_000_000n);
    expect(amountUnits("1.2E-7")).toBe(1_200n);
    expect(amountUnits("0.00000000005")).toBe(1n);
    expect(amountUnits(undefined)).toBe(0n);
    expect(() => amountUnits("12,5")).toThrow(NonRetryableJobError);
  });
});
