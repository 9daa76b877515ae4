import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { CostExplorerClientConfig } from "@aws-sdk/client-cost-explorer";

/** One billing line the fake aggregates; amounts are decimal text, as Cost Explorer's are. */
export interface CostLineItem {
  /** Charge day, `YYYY-MM-DD`. */
  date: string;
  /** SERVICE, e.g. "Amazon Simple Storage Service". */
  service: string;
  /** LINKED_ACCOUNT, a 12-digit id. */
  account: string;
  /** The account's name, returned as the `description` attribute when grouping by LINKED_ACCOUNT. */
  accountName?: string;
  /** REGION as Cost Explorer names it: `us-east-1`, `global`, `NoRegion`. */
  region: string;
  /** RECORD_TYPE: `Usage`, `Tax`, `Credit`, `SavingsPlanCoveredUsage`… */
  recordType: string;
  /** UnblendedCost. */
  unblended: string;
  /** AmortizedCost. */
  amortized: string;
}

/** A refusal as Cost Explorer sends it: HTTP status and the error's `__type`. */
export interface ScriptedError {
  type: string;
  status?: number;
  message?: string;
}

export interface RecordedCeRequest {
  /** `GetCostAndUsage` or `GetCostForecast`. */
  operation: string;
  body: Record<string, any>;
}

export interface CostExplorerFakeOptions {
  items?: CostLineItem[];
  /** `Unit` of every amount (default `USD`). */
  currency?: string;
  /** Entries (one group in one time period, or one period when ungrouped) per page (default 1000). */
  pageSize?: number;
  /** The service's "today", `YYYY-MM-DD`: a forecast may not start before it (default: the real UTC date). */
  today?: string;
  /** Time periods starting on or after this day are flagged `Estimated` (default: none). */
  estimatedFrom?: string;
  /** The forecast for a request; by default the items' mean daily unblended cost times the days asked, ±10 %. */
  forecast?(request: Record<string, any>): { mean: string; low: string; high: string };
}

/**
 * A Cost Explorer endpoint for tests that speaks the wire protocol of the real
 * `@aws-sdk/client-cost-explorer` (AWS JSON 1.1: `POST /`,
 * `X-Amz-Target: AWSInsightsIndexService.<Operation>`), computing its answers from
 * line items the test supplies, so a test can check the adapter's figures against sums
 * it computes itself.
 *
 * `GetCostAndUsage` honours TimePeriod (End exclusive), Granularity (DAILY, MONTHLY),
 * GroupBy (at most 2 DIMENSIONs among SERVICE, LINKED_ACCOUNT, REGION, RECORD_TYPE),
 * Filter (Dimensions, And, Or, Not), Metrics (UnblendedCost, AmortizedCost) and
 * pagination (`pageSize`, `NextPageToken`; a page may end inside a time period, as on
 * AWS). `GetCostForecast` checks its request and answers `forecast`. Sums are exact
 * decimals. Errors can be scripted per operation. Signatures are not checked.
 */
export interface CostExplorerFake {
  endpoint: string;
  /** Client config for the fake: endpoint, region and dummy credentials. */
  clientConfig: CostExplorerClientConfig;
  /** Every request received, in order, answered or refused. */
  readonly requests: readonly RecordedCeRequest[];
  /** Replaces the line items. */
  setItems(items: CostLineItem[]): void;
  /** The next `times` calls of `operation` are refused with `error`. */
  fail(operation: string, error: ScriptedError, times?: number): void;
  /** Forgets recorded requests and scripted errors. */
  reset(): void;
  stop(): Promise<void>;
}

class CeError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const DIMENSION_FIELDS: Record<string, (i: CostLineItem) => string> = {
  SERVICE: (i) => i.service,
  LINKED_ACCOUNT: (i) => i.account,
  REGION: (i) => i.region,
  RECORD_TYPE: (i) => i.recordType,
};
const METRIC_FIELDS: Record<string, (i: CostLineItem) => string> = {
  UnblendedCost: (i) => i.unblended,
  AmortizedCost: (i) => i.amortized,
};
const FORECAST_METRICS = new Set(["BLENDED_COST", "UNBLENDED_COST", "AMORTIZED_COST", "NET_UNBLENDED_COST", "NET_AMORTIZED_COST", "USAGE_QUANTITY", "NORMALIZED_USAGE_AMOUNT"]);

/** Starts the fake on a free loopback port. */
export async function startCostExplorerFake(options: CostExplorerFakeOptions = {}): Promise<CostExplorerFake> {
  let items = [...(options.items ?? [])];
  const requests: RecordedCeRequest[] = [];
  const scripted = new Map<string, Array<ScriptedError>>();
  const unit = options.currency ?? "USD";
  const pageSize = options.pageSize ?? 1000;

  const operations: Record<string, (input: Record<string, any>) => unknown> = {
    GetCostAndUsage: (input) => {
      const { start, end } = interval(input.TimePeriod);
      const granularity = input.Granularity;
      if (granularity !== "DAILY" && granularity !== "MONTHLY") throw new CeError("ValidationException", `this fake serves DAILY and MONTHLY granularity, not ${granularity}`);
      const metrics: string[] = input.Metrics ?? [];
      if (!metrics.length) throw new CeError("ValidationException", "Metrics must not be empty");
      for (const m of metrics) if (!METRIC_FIELDS[m]) throw new CeError("ValidationException", `Unsupported metric ${m}`);
      const groupBy: Array<{ Type: string; Key: string }> = input.GroupBy ?? [];
      if (groupBy.length > 2) throw new CeError("ValidationException", "Only up to 2 group by keys are allowed");
      for (const g of groupBy) {
        if (g.Type !== "DIMENSION" || !DIMENSION_FIELDS[g.Key]) throw new CeError("ValidationException", `this fake groups by DIMENSION SERVICE, LINKED_ACCOUNT, REGION or RECORD_TYPE, not ${g.Type} ${g.Key}`);
      }
      const selected = items.filter((i) => i.date >= start && i.date < end && (!input.Filter || matches(input.Filter, i)));

      // Every (time period, group) entry in answer order; pages are slices of this list.
      const entries: Array<{ period: { Start: string; End: string }; keys?: string[]; metrics: Record<string, { Amount: string; Unit: string }> }> = [];
      for (const period of periods(start, end, granularity)) {
        const inPeriod = selected.filter((i) => i.date >= period.Start && i.date < period.End);
        const sum = (rows: CostLineItem[]) => Object.fromEntries(metrics.map((m) => [m, { Amount: formatUnits(total(rows.map(METRIC_FIELDS[m]!))), Unit: unit }]));
        if (!groupBy.length) {
          entries.push({ period, metrics: sum(inPeriod) });
          continue;
        }
        const groups = new Map<string, CostLineItem[]>();
        for (const i of inPeriod) {
          const keys = JSON.stringify(groupBy.map((g) => DIMENSION_FIELDS[g.Key]!(i)));
          groups.set(keys, [...(groups.get(keys) ?? []), i]);
        }
        for (const [keys, rows] of [...groups].sort(([a], [b]) => (a < b ? -1 : 1))) entries.push({ period, keys: JSON.parse(keys), metrics: sum(rows) });
      }

      const signature = createHash("sha256").update(JSON.stringify({ ...input, NextPageToken: undefined })).digest("hex").slice(0, 16);
      let offset = 0;
      if (input.NextPageToken !== undefined) {
        const token = readToken(input.NextPageToken);
        if (!token) throw new CeError("InvalidNextTokenException", "The pagination token is invalid.");
        if (token.signature !== signature) throw new CeError("RequestChangedException", "Your request parameters changed between pages.");
        offset = token.offset;
      }
      const page = entries.slice(offset, offset + pageSize);
      const ResultsByTime: Array<Record<string, unknown>> = [];
      for (const entry of page) {
        let result = ResultsByTime.at(-1);
        if (!result || (result.TimePeriod as { Start: string }).Start !== entry.period.Start) {
          const estimated = options.estimatedFrom !== undefined && entry.period.Start >= options.estimatedFrom;
          result = { TimePeriod: entry.period, Total: {}, Groups: [], Estimated: estimated };
          ResultsByTime.push(result);
        }
        if (entry.keys) (result.Groups as unknown[]).push({ Keys: entry.keys, Metrics: entry.metrics });
        else result.Total = entry.metrics;
      }
      const accounts = groupBy.some((g) => g.Key === "LINKED_ACCOUNT")
        ? [...new Set(page.flatMap((e) => e.keys?.filter((_, k) => groupBy[k]!.Key === "LINKED_ACCOUNT") ?? []))]
        : [];
      const next = offset + page.length;
      return {
        GroupDefinitions: groupBy.length ? groupBy : undefined,
        ResultsByTime,
        DimensionValueAttributes: accounts.map((account) => {
          const name = items.find((i) => i.account === account && i.accountName)?.accountName;
          return { Value: account, Attributes: name ? { description: name } : {} };
        }),
        NextPageToken: next < entries.length ? Buffer.from(JSON.stringify({ offset: next, signature })).toString("base64url") : undefined,
      };
    },

    GetCostForecast: (input) => {
      const { start, end } = interval(input.TimePeriod);
      const today = options.today ?? new Date().toISOString().slice(0, 10);
      if (start < today) throw new CeError("ValidationException", `Start date must be equal to or no later than the current date (${today}) to avoid mismatched dates.`);
      if (!FORECAST_METRICS.has(input.Metric)) throw new CeError("ValidationException", `Unsupported metric ${input.Metric}`);
      if (input.Granularity !== "DAILY" && input.Granularity !== "MONTHLY") throw new CeError("ValidationException", `Unsupported granularity ${input.Granularity}`);
      const level = input.PredictionIntervalLevel;
      if (level !== undefined && (!Number.isInteger(level) || level < 51 || level > 99)) throw new CeError("ValidationException", "PredictionIntervalLevel must be between 51 and 99");
      const forecast = options.forecast?.(input) ?? defaultForecast(start, end);
      return {
        Total: { Amount: forecast.mean, Unit: unit },
        ForecastResultsByTime: [
          { TimePeriod: { Start: start, End: end }, MeanValue: forecast.mean, PredictionIntervalLowerBound: forecast.low, PredictionIntervalUpperBound: forecast.high },
        ],
      };
    },
  };

  function defaultForecast(start: string, end: string) {
    const days = new Set(items.map((i) => i.date)).size || 1;
    const perDay = Number(total(items.map((i) => i.unblended))) / 1e10 / days;
    const mean = perDay * periods(start, end, "DAILY").length;
    return { mean: mean.toFixed(10), low: (mean * 0.9).toFixed(10), high: (mean * 1.1).toFixed(10) };
  }

  const server = createServer((req, res) => {
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const reply = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, {
        "content-type": "application/x-amz-json-1.1",
        "content-length": String(Buffer.byteLength(text)),
        "x-amzn-requestid": randomUUID(),
      });
      res.end(text);
    };
    const fail = (error: CeError) => reply(error.status, { __type: `com.amazonaws.costexplorer#${error.type}`, message: error.message });
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const target = String(req.headers["x-amz-target"] ?? "");
      const operation = target.startsWith("AWSInsightsIndexService.") ? target.slice("AWSInsightsIndexService.".length) : "";
      if (req.method !== "POST" || !String(req.headers["content-type"]).startsWith("application/x-amz-json-1.1")) {
        return fail(new CeError("ValidationException", "expected a POST of application/x-amz-json-1.1"));
      }
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, any>;
      requests.push({ operation, body });
      const script = scripted.get(operation)?.shift();
      if (script) return fail(new CeError(script.type, script.message ?? `${script.type} (scripted)`, script.status ?? 400));
      const handler = operations[operation];
      if (!handler) return fail(new CeError("UnknownOperationException", `operation ${target} is not supported by this fake`));
      reply(200, handler(body));
    } catch (error) {
      if (error instanceof CeError) return fail(error);
      reply(500, { __type: "com.amazonaws.costexplorer#InternalServerError", message: String(error) });
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    endpoint,
    clientConfig: { endpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } },
    requests,
    setItems(next) {
      items = [...next];
    },
    fail(operation, error, times = 1) {
      scripted.set(operation, [...(scripted.get(operation) ?? []), ...Array.from({ length: times }, () => error)]);
    },
    reset() {
      requests.length = 0;
      scripted.clear();
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function interval(period: unknown): { start: string; end: string } {
  const p = period as { Start?: unknown; End?: unknown } | undefined;
  const day = /^\d{4}-\d{2}-\d{2}$/;
  if (typeof p?.Start !== "string" || typeof p.End !== "string" || !day.test(p.Start) || !day.test(p.End)) {
    throw new CeError("ValidationException", "TimePeriod needs Start and End as YYYY-MM-DD");
  }
  if (p.Start >= p.End) throw new CeError("ValidationException", "Start date (and hour) should be before end date (and hour)");
  return { start: p.Start, end: p.End };
}

/** The time periods of [start, end): calendar months cut to the range, or days. */
function periods(start: string, end: string, granularity: "DAILY" | "MONTHLY"): Array<{ Start: string; End: string }> {
  const out: Array<{ Start: string; End: string }> = [];
  let at = start;
  while (at < end) {
    const d = new Date(`${at}T00:00:00Z`);
    const next = granularity === "DAILY" ? new Date(d.getTime() + 86_400_000) : new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
    const nextDay = next.toISOString().slice(0, 10);
    out.push({ Start: at, End: nextDay < end ? nextDay : end });
    at = nextDay;
  }
  return out;
}

function matches(expression: Record<string, any>, item: CostLineItem): boolean {
  if (expression.And) return (expression.And as Array<Record<string, any>>).every((e) => matches(e, item));
  if (expression.Or) return (expression.Or as Array<Record<string, any>>).some((e) => matches(e, item));
  if (expression.Not) return !matches(expression.Not, item);
  if (expression.Dimensions) {
    const field = DIMENSION_FIELDS[expression.Dimensions.Key];
    if (!field) throw new CeError("ValidationException", `this fake filters on SERVICE, LINKED_ACCOUNT, REGION or RECORD_TYPE, not ${expression.Dimensions.Key}`);
    return (expression.Dimensions.Values as string[]).includes(field(item));
  }
  throw new CeError("ValidationException", `this fake does not filter on ${Object.keys(expression).join(", ")}`);
}

/** Exact sum of decimal texts, in units of 1e-10. */
function total(amounts: string[]): bigint {
  return amounts.reduce((sum, a) => {
    const [whole = "0", fraction = ""] = a.replace("-", "").split(".");
    const units = BigInt(whole) * 10n ** 10n + BigInt((fraction + "0".repeat(10)).slice(0, 10));
    return sum + (a.startsWith("-") ? -units : units);
  }, 0n);
}

/** Units of 1e-10 as Cost Explorer prints amounts: plain decimals, trailing zeros dropped. */
function formatUnits(units: bigint): string {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const fraction = (abs % 10n ** 10n).toString().padStart(10, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${abs / 10n ** 10n}${fraction ? `.${fraction}` : ""}`;
}

function readToken(token: unknown): { offset: number; signature: string } | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(String(token), "base64url").toString("utf8"));
    return Number.isInteger(parsed?.offset) && typeof parsed?.signature === "string" ? parsed : undefined;
  } catch {
    return undefined;
  }
}
