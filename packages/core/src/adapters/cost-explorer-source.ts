import {
  CostExplorerClient,
  GetCostAndUsageCommand,
  GetCostForecastCommand,
  type CostExplorerClientConfig,
  type Expression as CeExpression,
  type GetCostAndUsageCommandInput,
  type GetCostForecastCommandInput,
} from "@aws-sdk/client-cost-explorer";
import { z } from "zod";
import { NonRetryableJobError } from "../errors";
import {
  UnsupportedCostQueryError,
  type CostAnswer,
  type CostDatasetInfo,
  type CostDimension,
  type CostQuery,
  type CostRow,
  type CostSource,
} from "../ports/cost-source";
import { Backoff, sleep } from "../util/async";
import { classifyCostExplorerError, describeCostExplorerError } from "./cost-explorer-errors";

/** Cost Explorer metrics that can stand for FOCUS BilledCost (what the invoice says). */
export type CostExplorerBilledMetric = "UnblendedCost" | "NetUnblendedCost" | "BlendedCost";
/** Cost Explorer metrics that can stand for FOCUS EffectiveCost (commitments amortised). */
export type CostExplorerEffectiveMetric = "AmortizedCost" | "NetAmortizedCost";

export interface CostExplorerSourceOptions {
  /** Merged over the adapter's defaults (`us-east-1`, where Cost Explorer lives); `endpoint` points it at a fake. */
  client?: CostExplorerClientConfig;
  /** First day, `YYYY-MM-DD`, inclusive. */
  start: string;
  /** Day after the last, `YYYY-MM-DD`, exclusive, as Cost Explorer's `TimePeriod.End`. */
  end: string;
  /**
   * Which metrics stand for billed and effective cost (default `UnblendedCost` and
   * `AmortizedCost`). The `Net…` metrics subtract discounts and need them enabled for
   * the account; `effective: null` leaves effective cost out (`null` in every row).
   */
  metrics?: { billed?: CostExplorerBilledMetric; effective?: CostExplorerEffectiveMetric | null };
  /** Requests per call, the first included, while Cost Explorer throttles or fails transiently (default 5). */
  attempts?: number;
  /** Backoff between attempts: exponential from `baseMs`, capped at `capMs`, with jitter (default 1,000 / 16,000). */
  backoff?: { baseMs?: number; capMs?: number };
  /** Epoch milliseconds; decides "today" for the forecast and the last day with data. */
  now?: () => number;
}

/** The current billing month's billed cost as Cost Explorer forecasts it. */
export interface CostExplorerForecast {
  /** `YYYY-MM`. */
  period: string;
  /** Month-to-date actuals plus the forecast mean of the rest of the month. */
  billedCost: number;
  /** The same with the prediction interval's bounds. */
  low: number;
  high: number;
  method: string;
  /** The requests the figures come from, as text. */
  query: string;
}

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a day is YYYY-MM-DD").refine((d) => isoDay(new Date(`${d}T00:00:00Z`)) === d, "not a calendar day");
const Range = z.object({ start: Day, end: Day }).refine((r) => r.start < r.end, "start must come before end (end is exclusive)");

const MetricValue = z.object({ Amount: z.string().optional(), Unit: z.string().optional() });
const Metrics = z.record(z.string(), MetricValue);
const CostAndUsagePage = z.object({
  ResultsByTime: z
    .array(
      z.object({
        TimePeriod: z.object({ Start: z.string(), End: z.string() }),
        Total: Metrics.optional(),
        Groups: z.array(z.object({ Keys: z.array(z.string()).optional(), Metrics: Metrics.optional() })).optional(),
        Estimated: z.boolean().optional(),
      }),
    )
    .optional(),
  DimensionValueAttributes: z.array(z.object({ Value: z.string().optional(), Attributes: z.record(z.string(), z.string()).optional() })).optional(),
  NextPageToken: z.string().optional(),
});
type CostAndUsagePage = z.infer<typeof CostAndUsagePage>;
const ForecastAnswer = z.object({
  Total: MetricValue.optional(),
  ForecastResultsByTime: z
    .array(z.object({ MeanValue: z.string().optional(), PredictionIntervalLowerBound: z.string().optional(), PredictionIntervalUpperBound: z.string().optional() }))
    .optional(),
});

type CeDimension = "SERVICE" | "LINKED_ACCOUNT" | "REGION" | "RECORD_TYPE";

/** The FOCUS dimensions Cost Explorer has, and the dimension it calls them. */
const CE_DIMENSIONS: Partial<Record<CostDimension, CeDimension>> = {
  service: "SERVICE",
  subAccount: "LINKED_ACCOUNT",
  region: "REGION",
  chargeCategory: "RECORD_TYPE",
};

/** Why each remaining dimension is refused, with what to do instead. */
const REFUSALS: Partial<Record<CostDimension, string>> = {
  billingAccount:
    "it has no billing-account dimension without AWS Organizations (the payer account is only exposed to an organization's management account); use subAccount (LINKED_ACCOUNT)",
  serviceCategory: "it has no service category (FOCUS ServiceCategory); use service",
  resource:
    "resource-level costs need GetCostAndUsageWithResources with hourly resource-level data opted in, and cover the last 14 days only; use a FOCUS export for costs per resource",
};

/** How Cost Explorer names the missing region (taxes, support, some global charges); FOCUS leaves it empty. */
const NO_REGION = "NoRegion";

/** At most this many GroupBy entries per request (a Cost Explorer limit). */
const MAX_GROUP_BY = 2;

const FORECAST_METRICS: Record<CostExplorerBilledMetric, GetCostForecastCommandInput["Metric"]> = {
  UnblendedCost: "UNBLENDED_COST",
  NetUnblendedCost: "NET_UNBLENDED_COST",
  BlendedCost: "BLENDED_COST",
};
const PREDICTION_INTERVAL = 80;

const UNAVAILABLE_WARNING =
  "Cost Explorer has no list or contracted cost (ListCost and ContractedCost are null) and none of FOCUS's commitment-discount, " +
  "tag or resource columns: sections that need them are not computed from this source";

/**
 * `CostSource` on AWS Cost Explorer (`GetCostAndUsage`, `GetCostForecast`) over a fixed
 * date range, through the real `@aws-sdk/client-cost-explorer`.
 *
 * @remarks
 * **Mapping.** BilledCost ← UnblendedCost, EffectiveCost ← AmortizedCost (see `metrics`);
 * list and contracted cost do not exist in Cost Explorer and are `null`, never 0.
 * Dimensions: service → SERVICE, subAccount → LINKED_ACCOUNT (name from the account's
 * `description` attribute), region → REGION (`NoRegion` ↔ `""`), chargeCategory →
 * RECORD_TYPE (Cost Explorer's record types folded into FOCUS categories: `DiscountedUsage`
 * and `SavingsPlanCoveredUsage` are `Usage`, `RIFee` is `Purchase`, `Refund` is `Credit`;
 * see `RECORD_TYPES`), provider → the
 * constant `AWS` (no request group). billingAccount, serviceCategory and resource are
 * refused with an {@link UnsupportedCostQueryError} that names them, and so is a query
 * needing more than two Cost Explorer groups.
 *
 * **Amounts** arrive as decimal text and are summed exactly in units of 1e-10, then
 * converted once, so totals over many periods and pages are right to the cent.
 * Periods where a group cost nothing (Cost Explorer reports empty days as 0) are left
 * out, as a FOCUS source has no rows there.
 *
 * **Retries.** The SDK's own retry is off (`maxAttempts: 1`) so that "attempts" means
 * requests: throttling (`LimitExceededException`), 5xx and network errors are retried
 * with backoff, then fail with a `RetryableJobError`; access, validation and data
 * availability errors fail at once with a `NonRetryableJobError` saying what to change.
 * Every call costs money on AWS (USD 0.01 per request at the time of writing), so the
 * analyses ask few, aggregated questions.
 *
 * @example
 * ```ts
 * const source = new CostExplorerSource({ start: "2025-01-01", end: "2025-04-01" });
 * const { rows, query } = await source.costs({ granularity: "month", groupBy: ["service"], limit: 10 });
 * ```
 */
export class CostExplorerSource implements CostSource {
  readonly #client: CostExplorerClient;
  readonly #start: string;
  readonly #end: string;
  readonly #billed: CostExplorerBilledMetric;
  readonly #effective: CostExplorerEffectiveMetric | null;
  readonly #attempts: number;
  readonly #backoff: Backoff;
  readonly #now: () => number;

  constructor(options: CostExplorerSourceOptions) {
    const range = Range.safeParse({ start: options.start, end: options.end });
    if (!range.success) {
      throw new NonRetryableJobError(`Cost Explorer date range ${options.start} – ${options.end} is invalid: ${range.error.issues.map((i) => i.message).join("; ")}`, "invalid_input");
    }
    this.#start = range.data.start;
    this.#end = range.data.end;
    this.#billed = options.metrics?.billed ?? "UnblendedCost";
    this.#effective = options.metrics?.effective === undefined ? "AmortizedCost" : options.metrics.effective;
    this.#attempts = Math.max(1, Math.floor(options.attempts ?? 5));
    this.#backoff = new Backoff(options.backoff?.baseMs ?? 1_000, options.backoff?.capMs ?? 16_000);
    this.#now = options.now ?? Date.now;
    this.#client = new CostExplorerClient({ region: "us-east-1", maxAttempts: 1, ...options.client });
  }

  async describe(options: { signal?: AbortSignal } = {}): Promise<CostDatasetInfo> {
    const input: GetCostAndUsageCommandInput = {
      TimePeriod: { Start: this.#start, End: this.#end },
      Granularity: "MONTHLY",
      Metrics: [this.#billed],
    };
    const pages = await this.#costAndUsage(input, options.signal);
    const units = new Set<string>();
    const estimated = new Set<string>();
    for (const page of pages) {
      for (const result of page.ResultsByTime ?? []) {
        if (result.Estimated) estimated.add(result.TimePeriod.Start.slice(0, 7));
        for (const metric of Object.values(result.Total ?? {})) if (metric.Unit) units.add(metric.Unit);
      }
    }
    const today = isoDay(new Date(this.#now()));
    const dayBeforeEnd = addDays(this.#end, -1);
    const lastDay = dayBeforeEnd < today ? dayBeforeEnd : today < this.#start ? this.#start : today;
    const warnings = [UNAVAILABLE_WARNING];
    if (estimated.size) {
      warnings.push(`Cost Explorer marks ${[...estimated].sort().join(", ")} as estimated: the bill is not final and its figures may still change`);
    }
    return {
      source: "cost-explorer",
      currency: units.size ? [...units].sort() : ["USD"],
      providers: ["AWS"],
      firstDay: this.#start,
      lastDay,
      periods: months(this.#start, lastDay),
      columns: [],
      warnings,
    };
  }

  async costs(query: CostQuery, options: { signal?: AbortSignal } = {}): Promise<CostAnswer<CostRow>> {
    const plan = this.#plan(query);
    if ("empty" in plan) return { rows: [], query: `no Cost Explorer request: ${plan.empty}` };
    const { input, grouped, constant } = plan;
    const pages = await this.#costAndUsage(input, options.signal);

    const labels = new Map<string, string>();
    for (const page of pages) {
      for (const a of page.DimensionValueAttributes ?? []) if (a.Value && a.Attributes?.description) labels.set(a.Value, a.Attributes.description);
    }
    const groups = new Map<string, { period?: string; keys: Partial<Record<CostDimension, string>>; billed: bigint; effective: bigint }>();
    for (const page of pages) {
      for (const result of page.ResultsByTime ?? []) {
        const period = query.granularity === "month" ? result.TimePeriod.Start.slice(0, 7) : query.granularity === "day" ? result.TimePeriod.Start : undefined;
        const entries = grouped.length ? (result.Groups ?? []).map((g) => ({ keys: g.Keys ?? [], metrics: g.Metrics ?? {} })) : [{ keys: [], metrics: result.Total ?? {} }];
        for (const entry of entries) {
          const keys: Partial<Record<CostDimension, string>> = { ...constant };
          grouped.forEach((d, i) => (keys[d] = fromCe(d, entry.keys[i] ?? "")));
          const id = JSON.stringify([period, keys]);
          const group = groups.get(id) ?? { ...(period ? { period } : {}), keys, billed: 0n, effective: 0n };
          group.billed += amountUnits(entry.metrics[this.#billed]?.Amount);
          if (this.#effective) group.effective += amountUnits(entry.metrics[this.#effective]?.Amount);
          groups.set(id, group);
        }
      }
    }

    let rows: CostRow[] = [...groups.values()]
      .filter((g) => g.billed !== 0n || g.effective !== 0n)
      .map((g) => {
        const account = g.keys.subAccount !== undefined ? labels.get(g.keys.subAccount) : undefined;
        return {
          ...(g.period ? { period: g.period } : {}),
          keys: g.keys,
          ...(account ? { labels: { subAccount: account } } : {}),
          billedCost: unitsToNumber(g.billed),
          effectiveCost: this.#effective ? unitsToNumber(g.effective) : null,
          listCost: null,
          contractedCost: null,
        };
      })
      .sort((a, b) => (a.period ?? "").localeCompare(b.period ?? "") || b.billedCost - a.billedCost || JSON.stringify(a.keys).localeCompare(JSON.stringify(b.keys)));
    if (query.limit !== undefined) {
      const seen = new Map<string | undefined, number>();
      rows = rows.filter((r) => {
        const n = (seen.get(r.period) ?? 0) + 1;
        seen.set(r.period, n);
        return n <= query.limit!;
      });
    }
    const summed = query.granularity === "total" ? " (MONTHLY results summed per group over the range)" : "";
    const paged = pages.length > 1 ? ` in ${pages.length} pages` : "";
    return { rows, query: `GetCostAndUsage ${JSON.stringify(input)}${summed}${paged}` };
  }

  /**
   * The current UTC month's billed cost: month-to-date actuals (`GetCostAndUsage`)
   * plus Cost Explorer's forecast for the rest of the month (`GetCostForecast`, which
   * cannot start before today), with its 80 % prediction interval. Independent of the
   * configured range: Cost Explorer forecasts from today only.
   */
  async forecast(options: { signal?: AbortSignal } = {}): Promise<CostExplorerForecast> {
    const today = isoDay(new Date(this.#now()));
    const monthStart = `${today.slice(0, 7)}-01`;
    const nextMonth = addMonths(monthStart, 1);
    const metric = FORECAST_METRICS[this.#billed];
    const request: GetCostForecastCommandInput = {
      TimePeriod: { Start: today, End: nextMonth },
      Metric: metric,
      Granularity: "MONTHLY",
      PredictionIntervalLevel: PREDICTION_INTERVAL,
    };
    const answer = ForecastAnswer.parse(
      await this.#call("GetCostForecast", (abortSignal) => this.#client.send(new GetCostForecastCommand(request), { abortSignal }), options.signal),
    );
    const results = answer.ForecastResultsByTime ?? [];
    const mean = results.length ? results.reduce((s, r) => s + amountUnits(r.MeanValue), 0n) : amountUnits(answer.Total?.Amount);
    const low = results.reduce((s, r) => s + amountUnits(r.PredictionIntervalLowerBound ?? r.MeanValue), 0n);
    const high = results.reduce((s, r) => s + amountUnits(r.PredictionIntervalUpperBound ?? r.MeanValue), 0n);

    let actual = 0n;
    const queries = [`GetCostForecast ${JSON.stringify(request)}`];
    if (today > monthStart) {
      const input: GetCostAndUsageCommandInput = { TimePeriod: { Start: monthStart, End: today }, Granularity: "MONTHLY", Metrics: [this.#billed] };
      for (const page of await this.#costAndUsage(input, options.signal)) {
        for (const result of page.ResultsByTime ?? []) actual += amountUnits(result.Total?.[this.#billed]?.Amount);
      }
      queries.push(`GetCostAndUsage ${JSON.stringify(input)}`);
    }
    const toDate = today > monthStart ? `, plus ${this.#billed} billed from ${monthStart} to ${today} (GetCostAndUsage)` : "";
    return {
      period: today.slice(0, 7),
      billedCost: unitsToNumber(actual + mean),
      low: unitsToNumber(actual + (results.length ? low : mean)),
      high: unitsToNumber(actual + (results.length ? high : mean)),
      method: `AWS Cost Explorer GetCostForecast (${metric}, ${PREDICTION_INTERVAL}% prediction interval) from ${today} to the end of ${today.slice(0, 7)}${toDate}`,
      query: queries.join("; "),
    };
  }

  async close(): Promise<void> {
    this.#client.destroy();
  }

  /** The request for `query`, the dimensions its groups come back in, and the constant keys; or why nothing can match. */
  #plan(query: CostQuery): { input: GetCostAndUsageCommandInput; grouped: CostDimension[]; constant: Partial<Record<CostDimension, string>> } | { empty: string } {
    const groupBy = [...new Set(query.groupBy ?? [])];
    for (const d of groupBy) refuse(d, "group");
    for (const d of Object.keys(query.where ?? {}) as CostDimension[]) refuse(d, "filter");
    const grouped = groupBy.filter((d) => d !== "provider");
    if (grouped.length > MAX_GROUP_BY) {
      throw new UnsupportedCostQueryError(
        `Cost Explorer groups by at most ${MAX_GROUP_BY} dimensions per request; this query asks for ${grouped.length} (${grouped.join(", ")})`,
        `groupBy:${grouped.join(",")}`,
      );
    }
    const filters: CeExpression[] = [];
    for (const [d, values] of Object.entries(query.where ?? {}) as Array<[CostDimension, readonly string[]]>) {
      if (!values.length) return { empty: `the query keeps no value of ${d}` };
      if (d === "provider") {
        if (!values.includes("AWS")) return { empty: `Cost Explorer only has AWS costs, and the query keeps provider ${values.join(", ")}` };
        continue;
      }
      filters.push({ Dimensions: { Key: CE_DIMENSIONS[d]!, Values: values.flatMap((v) => toCe(d, v)) } });
    }
    const input: GetCostAndUsageCommandInput = {
      TimePeriod: { Start: this.#start, End: this.#end },
      Granularity: query.granularity === "day" ? "DAILY" : "MONTHLY",
      Metrics: this.#effective ? [this.#billed, this.#effective] : [this.#billed],
      ...(filters.length ? { Filter: filters.length === 1 ? filters[0] : { And: filters } } : {}),
      ...(grouped.length ? { GroupBy: grouped.map((d) => ({ Type: "DIMENSION" as const, Key: CE_DIMENSIONS[d]! })) } : {}),
    };
    return { input, grouped, constant: groupBy.includes("provider") ? { provider: "AWS" } : {} };
  }

  /** Every page of a `GetCostAndUsage`, following `NextPageToken`. */
  async #costAndUsage(input: GetCostAndUsageCommandInput, signal?: AbortSignal): Promise<CostAndUsagePage[]> {
    const pages: CostAndUsagePage[] = [];
    let token: string | undefined;
    do {
      const command = new GetCostAndUsageCommand({ ...input, ...(token ? { NextPageToken: token } : {}) });
      const page = CostAndUsagePage.parse(await this.#call("GetCostAndUsage", (abortSignal) => this.#client.send(command, { abortSignal }), signal));
      pages.push(page);
      token = page.NextPageToken || undefined;
    } while (token);
    return pages;
  }

  /** One request, retried while it is throttled or fails transiently; Ferry errors out. */
  async #call<T>(operation: string, send: (abortSignal?: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      try {
        return await send(signal);
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        const failure = classifyCostExplorerError(error);
        if (failure.retry && attempt < this.#attempts) {
          await sleep(this.#backoff.delay(attempt), signal);
          continue;
        }
        throw describeCostExplorerError(error, failure, { operation, start: this.#start, end: this.#end, attempt, ms: Date.now() - started });
      }
    }
  }
}

/** Throws when Cost Explorer has no such dimension. */
function refuse(d: CostDimension, what: "group" | "filter"): void {
  if (d === "provider" || CE_DIMENSIONS[d]) return;
  const reason = REFUSALS[d] ?? "it has no such dimension";
  throw new UnsupportedCostQueryError(`Cost Explorer cannot ${what} by ${d}: ${reason}`, `${what === "group" ? "groupBy" : "where"}:${d}`);
}

/**
 * Cost Explorer's record types under the FOCUS charge category they are (after AWS's own
 * CUR-to-FOCUS mapping): usage billed through a reservation or a Savings Plan is still
 * usage, and a Savings Plan's negation line offsets usage it covered. Record types not
 * listed (`Support`, new ones) keep their own name.
 */
const RECORD_TYPES: Record<string, readonly string[]> = {
  Usage: ["Usage", "DiscountedUsage", "SavingsPlanCoveredUsage", "SavingsPlanNegation"],
  Purchase: ["RIFee", "SavingsPlanRecurringFee", "SavingsPlanUpfrontFee", "Fee", "Recurring reservation fee"],
  Tax: ["Tax"],
  Credit: ["Credit", "Refund", "BundledDiscount", "EdpDiscount", "PrivateRateDiscount", "Distributor Discount", "Solution Provider Program Discount"],
};
const CATEGORY_OF_RECORD_TYPE = new Map(Object.entries(RECORD_TYPES).flatMap(([category, types]) => types.map((t) => [t, category] as const)));

const fromCe = (d: CostDimension, value: string): string => {
  if (d === "region" && value === NO_REGION) return "";
  if (d === "chargeCategory") return CATEGORY_OF_RECORD_TYPE.get(value) ?? value;
  return value;
};
const toCe = (d: CostDimension, value: string): readonly string[] => {
  if (d === "region" && value === "") return [NO_REGION];
  if (d === "chargeCategory") return RECORD_TYPES[value] ?? [value];
  return [value];
};

const SCALE = 10n ** 10n;
const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * A Cost Explorer amount (`"123.4567890123"`, `"-0.01"`, `"1.2E-7"`) in exact units of
 * 1e-10, rounded half away from zero past the tenth decimal; a missing amount is 0.
 */
export function amountUnits(text: string | undefined): bigint {
  if (text === undefined) return 0n;
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,3}))?$/.exec(text.trim());
  if (!m || !(m[2] || m[3])) throw new NonRetryableJobError(`Cost Explorer returned an amount that is not a number: ${JSON.stringify(text)}`, "internal");
  const [, sign, whole = "", fraction = "", exponent = "0"] = m;
  const digits = BigInt(`${whole}${fraction}` || "0");
  // value = digits × 10^(exponent − fraction digits), so units = digits × 10^shift.
  const shift = Number(exponent) - fraction.length + 10;
  let units: bigint;
  if (shift >= 0) units = digits * 10n ** BigInt(shift);
  else {
    const divisor = 10n ** BigInt(-shift);
    units = digits / divisor + ((digits % divisor) * 2n >= divisor ? 1n : 0n);
  }
  return sign === "-" ? -units : units;
}

/** Units of 1e-10 as the nearest number: one rounding, so "12.34" summed exactly comes out as 12.34. */
export function unitsToNumber(units: bigint): number {
  if (units <= MAX_EXACT && units >= -MAX_EXACT) return Number(units) / 1e10;
  return Number(units / SCALE) + Number(units % SCALE) / 1e10;
}

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function addDays(day: string, n: number): string {
  return isoDay(new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000));
}

function addMonths(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  return isoDay(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1)));
}

/** Billing periods `YYYY-MM` from `first` to `last` (days), ascending. */
function months(first: string, last: string): string[] {
  const out: string[] = [];
  for (let at = `${first.slice(0, 7)}-01`; at <= last; at = addMonths(at, 1)) out.push(at.slice(0, 7));
  return out;
}
