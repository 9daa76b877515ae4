/**
 * Labelled synthetic FOCUS 1.0 billing data for tests and benches.
 *
 * The real sample (MANIFEST §1) is one month of 670 rows: too small and too flat to
 * judge a forecast, an anomaly detector or a commitment check. `generateFocus` expands
 * it into months of rows whose answers are known, because they were planted:
 * per-service compound growth, weekday/weekend seasonality, seeded noise, one anomaly,
 * an unused and a used commitment, idle resources, untagged spend and a region price
 * gap. It returns that truth with exact per-period totals, summed as integers while
 * the rows were written.
 *
 * Rows stream to disk in batches (1M rows never sit in memory); `csv.gz` goes through
 * zlib, `parquet` is written as CSV first and converted by DuckDB. The same seed gives
 * byte-identical CSV.
 *
 * @example
 * const truth = await generateFocus({ months: 3, rows: 5_000, seed: 7, out: join(dir, "focus.csv"), format: "csv" });
 * truth.anomaly.date; // "2024-02-19"
 *
 * @module
 */
import { createWriteStream, existsSync } from "node:fs";
import { rm, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { createGzip } from "node:zlib";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { z } from "zod";
import { AMOUNT_DIGITS, AMOUNT_SCALE, FIXED_ROWS_PER_DAY, MODEL, type Plan, type Stream, planFocus } from "./focus-generator-plan";
import { mulberry32 } from "./random";
import { FOCUS_COLUMNS, type RawRow, builtinFocusTemplates, quote, readFocusTemplates, unquote } from "./focus-generator-templates";

export { FOCUS_COLUMNS, FOCUS_MANDATORY_COLUMNS, tokenizeCsv, unquote } from "./focus-generator-templates";

/** `<repo>/../shared/data/focus/focus-1.0-sample_accounts-A.csv`, resolved from this file. */
export const FOCUS_SAMPLE = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..", "../shared/data/focus/focus-1.0-sample_accounts-A.csv");
export const HAS_FOCUS_SAMPLE = existsSync(FOCUS_SAMPLE);

export const FocusFormat = z.enum(["csv", "csv.gz", "parquet"]);
export type FocusFormat = z.infer<typeof FocusFormat>;

/** Fewest usage streams a dataset may have (each needs a row every day): fewer is too thin to carry its findings. */
const MIN_USAGE_STREAMS = 8;

export const FocusGeneratorOptions = z.object({
  months: z.number().int().min(1).max(120),
  /** Exact number of data rows written. */
  rows: z.number().int().positive(),
  /** First billing period, `YYYY-MM`. */
  start: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "start must be YYYY-MM").default("2024-01"),
  seed: z.number().int().min(0).max(0xffffffff).default(1),
  /** Path of the data file to write (its folder must exist). */
  out: z.string().min(1),
  format: FocusFormat.default("csv"),
  /** A real FOCUS CSV whose rows serve as templates; the built-in set when absent. */
  template: z.string().min(1).optional(),
});
export type FocusGeneratorOptions = z.input<typeof FocusGeneratorOptions>;

/** The options as command-line strings (`--months 12`); `out` is a folder and `from` a template file or `builtin`. */
const FocusGeneratorArgs = z.object({
  months: z.coerce.number().int().min(1).max(120).default(12),
  rows: z.coerce.number().int().positive().default(1_000_000),
  out: z.string().min(1).optional(),
  format: FocusFormat.default("csv"),
  seed: z.coerce.number().int().min(0).max(0xffffffff).default(1),
  start: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "start must be YYYY-MM").default("2024-01"),
  from: z.string().min(1).optional(),
});
export type FocusGeneratorArgs = z.output<typeof FocusGeneratorArgs>;

/** Checks command-line values for gen:focus and the benches; a readable message instead of a throw. */
export function parseFocusGeneratorArgs(values: Record<string, unknown>): { ok: true; args: FocusGeneratorArgs } | { ok: false; message: string } {
  const parsed = FocusGeneratorArgs.safeParse(values);
  return parsed.success ? { ok: true, args: parsed.data } : { ok: false, message: z.prettifyError(parsed.error) };
}

/** An exact amount: a decimal string with 11 fractional digits, as in the file. */
export type Amount = string;

export interface FocusPeriodTruth {
  /** Billing period, `YYYY-MM`. */
  period: string;
  rows: number;
  billedCost: Amount;
  effectiveCost: Amount;
  listCost: Amount;
  untaggedBilledCost: Amount;
  /** BilledCost per ServiceName. */
  byService: Record<string, Amount>;
  /** What the model gives for this period without noise and without the anomaly, USD. */
  modelBilledCost: number;
}

/** What was planted in a generated dataset, and its exact totals. Written beside the data as `<name>.truth.json`. */
export interface FocusTruth {
  generator: "ferry-focus-generator/1";
  parameters: {
    months: number;
    rows: number;
    start: string;
    seed: number;
    format: FocusFormat;
    /** Template file, or `builtin`. */
    template: string;
    templateRows: number;
    usageStreams: number;
    model: typeof MODEL;
  };
  file: { path: string; format: FocusFormat; bytes: number; rows: number; columns: readonly string[] };
  /** Inclusive UTC charge days. */
  firstDay: string;
  lastDay: string;
  periods: FocusPeriodTruth[];
  totals: { rows: number; billedCost: Amount; effectiveCost: Amount; listCost: Amount; untaggedBilledCost: Amount; untaggedShare: number };
  /** Services with usage-driven streams: their costs grow at `monthlyGrowth` per month, compounded. */
  services: Array<{ serviceName: string; providerName: string; serviceCategory: string; monthlyGrowth: number; usageStreams: number; firstMonthWeekdayDailyCost: number }>;
  seasonality: { weekdayFactor: number; weekendFactor: number; weekendDays: ["Saturday", "Sunday"]; appliesTo: string };
  noise: { kind: "uniform multiplicative, per row"; halfWidth: number; appliesTo: string };
  anomaly: {
    date: string;
    serviceName: string;
    providerName: string;
    subAccountId: string;
    subAccountName: string;
    resourceId: string | null;
    regionId: string | null;
    /** The one extra row's BilledCost. */
    extraBilledCost: Amount;
    multiplier: number;
    /** The service's model cost on that day without the anomaly, USD. */
    normalServiceDailyCost: number;
    /** The service's actual BilledCost on that day, anomaly included. */
    serviceBilledCostOnDay: Amount;
  };
  commitments: {
    unused: CommitmentTruth & { hourlyCommitment: number; dailyCost: Amount; billedCost: Amount; effectiveCost: Amount; byPeriod: Record<string, Amount> };
    used: CommitmentTruth & { resourceId: string | null; discount: number; dailyListCost: Amount; dailyEffectiveCost: Amount; listCost: Amount; effectiveCost: Amount; savings: Amount };
  };
  idleResources: Array<{ resourceId: string | null; serviceName: string; subAccountId: string; regionId: string | null; pricingUnit: string; dailyCost: Amount; dailyPricingQuantity: string; billedCost: Amount }>;
  regionPricing: {
    serviceName: string;
    pricingUnit: string;
    skuId: string;
    cheap: { regionId: string; regionName: string; listUnitPrice: number };
    expensive: { regionId: string; regionName: string; listUnitPrice: number };
    ratio: number;
  };
  /** The model's next period without noise (whose mean is 0) and without an anomaly: what a good forecast should land near. */
  forecast: { period: string; billedCost: number; byService: Record<string, number> };
}

interface CommitmentTruth {
  commitmentDiscountId: string;
  commitmentDiscountName: string;
  commitmentDiscountCategory: string;
  commitmentDiscountType: string;
  commitmentDiscountStatus: "Used" | "Unused";
  providerName: string;
  serviceName: string;
  subAccountId: string;
  rows: number;
}

// ---- exact amounts ---------------------------------------------------------

const SAFE_STEP = 2 ** 52;

/** Sums integer amounts exactly: plain numbers while they are safe, BigInt beyond. */
class ExactSum {
  private small = 0;
  private big = 0n;
  add(units: number): void {
    if (units >= SAFE_STEP || units <= -SAFE_STEP) {
      this.big += BigInt(units);
      return;
    }
    if (this.small >= SAFE_STEP || this.small <= -SAFE_STEP) {
      this.big += BigInt(this.small);
      this.small = 0;
    }
    this.small += units;
  }
  addExact(units: bigint): void {
    this.big += units;
  }
  get value(): bigint {
    return this.big + BigInt(this.small);
  }
}

const SCALE_BIG = BigInt(AMOUNT_SCALE);

/** An integer of 10⁻¹¹ USD as the file writes it: `12.34000000000`. */
export function formatAmount(units: bigint | number): Amount {
  if (typeof units === "number" && Number.isSafeInteger(units) && units >= 0) {
    const whole = Math.floor(units / AMOUNT_SCALE);
    return `${whole}.${String(units - whole * AMOUNT_SCALE).padStart(AMOUNT_DIGITS, "0")}`;
  }
  const n = BigInt(units);
  const abs = n < 0n ? -n : n;
  return `${n < 0n ? "-" : ""}${abs / SCALE_BIG}.${String(abs % SCALE_BIG).padStart(AMOUNT_DIGITS, "0")}`;
}

/** Parses a decimal string into integer units of 10⁻¹¹ exactly (extra digits are an error, not rounded away). */
export function parseAmount(text: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(text.trim());
  if (!m) throw new Error(`not a decimal amount: ${text}`);
  const frac = (m[3] ?? "").replace(/0+$/, "");
  if (frac.length > AMOUNT_DIGITS) throw new Error(`more than ${AMOUNT_DIGITS} decimals: ${text}`);
  const units = BigInt(m[2]!) * SCALE_BIG + BigInt(frac.padEnd(AMOUNT_DIGITS, "0") || "0");
  return m[1] ? -units : units;
}

// ---- calendar --------------------------------------------------------------

interface Day {
  date: string;
  month: number;
  weekend: boolean;
}

const pad2 = (n: number) => String(n).padStart(2, "0");
const isoDate = (t: number) => new Date(t).toISOString().slice(0, 10);
const DAY_MS = 86_400_000;

function monthStart(start: string, offset: number): number {
  const [y, m] = start.split("-").map(Number);
  return Date.UTC(y!, m! - 1 + offset, 1);
}
const periodOf = (start: string, offset: number) => isoDate(monthStart(start, offset)).slice(0, 7);

function calendar(start: string, months: number): Day[] {
  const days: Day[] = [];
  for (let month = 0; month < months; month++) {
    for (let t = monthStart(start, month); t < monthStart(start, month + 1); t += DAY_MS) {
      const dow = new Date(t).getUTCDay();
      days.push({ date: isoDate(t), month, weekend: dow === 0 || dow === 6 });
    }
  }
  return days;
}

// ---- rows ------------------------------------------------------------------

/** The columns that change from row to row, in file order; everything else is fixed per stream. */
const ROW_COLUMNS = new Set<string>(["BilledCost", "BillingPeriodEnd", "BillingPeriodStart", "ChargePeriodEnd", "ChargePeriodStart", "ConsumedQuantity", "ContractedCost", "EffectiveCost", "ListCost", "PricingQuantity", "Id"]);

/** A stream's row as the fixed text between its per-row values, so writing a row is a dozen concatenations. */
function compile(tokens: RawRow): string[] {
  const parts: string[] = [];
  let text = "";
  FOCUS_COLUMNS.forEach((column, i) => {
    if (i > 0) text += ",";
    if (ROW_COLUMNS.has(column)) {
      parts.push(text);
      text = "";
    } else text += tokens[column];
  });
  parts.push(`${text}\n`);
  return parts;
}

const HEADER = `${FOCUS_COLUMNS.map(quote).join(",")}\n`;
const BATCH_CHARS = 1 << 20;

interface Totals {
  billed: ExactSum;
  effective: ExactSum;
  list: ExactSum;
  untagged: ExactSum;
  byService: ExactSum[];
  rows: number;
}

const newTotals = (services: number): Totals => ({
  billed: new ExactSum(),
  effective: new ExactSum(),
  list: new ExactSum(),
  untagged: new ExactSum(),
  byService: Array.from({ length: services }, () => new ExactSum()),
  rows: 0,
});

/** The daily model: a usage stream's cost on a day without noise, USD. */
function usageDailyCost(stream: Stream, growth: number[][], month: number, weekend: boolean): number {
  return stream.baseDaily * growth[stream.service]![month]! * (weekend ? MODEL.weekendFactor : MODEL.weekdayFactor);
}

const effectiveUnits = (stream: Stream, listUnits: number) => (stream.discount > 0 ? Math.round(listUnits * (1 - stream.discount)) : listUnits);

/** A fixed stream's model cost per day, USD. */
const fixedDailyCost = (stream: Stream) => effectiveUnits(stream, stream.dailyListUnits) / AMOUNT_SCALE;

/** Everything a dataset's rows add up to, counted exactly while they are written. */
class Ledger {
  readonly periods: FocusPeriodTruth[] = [];
  readonly all: Totals;
  private period: Totals;
  /** The current period's model cost (no noise, no anomaly), USD. */
  periodModel = 0;
  readonly fixed = new Map<number, { list: ExactSum; effective: ExactSum; rows: number }>();
  readonly anomaly = { units: 0, normal: 0, serviceOnDay: new ExactSum() };

  constructor(private readonly plan: Plan) {
    this.all = newTotals(plan.services.length);
    this.period = newTotals(plan.services.length);
    for (const i of plan.fixed) this.fixed.set(i, { list: new ExactSum(), effective: new ExactSum(), rows: 0 });
  }

  record(index: number, eff: number, list: number, onAnomalyDay: boolean): void {
    const s = this.plan.streams[index]!;
    const p = this.period;
    p.billed.add(eff);
    p.effective.add(eff);
    p.list.add(list);
    if (!s.tagged) p.untagged.add(eff);
    p.byService[s.service]!.add(eff);
    p.rows++;
    if (onAnomalyDay && s.service === this.plan.streams[this.plan.anomaly.stream]!.service) this.anomaly.serviceOnDay.add(eff);
    const fixed = this.fixed.get(index);
    if (fixed) {
      fixed.list.add(list);
      fixed.effective.add(eff);
      fixed.rows++;
    }
  }

  closePeriod(name: string): void {
    const p = this.period;
    this.periods.push({
      period: name,
      rows: p.rows,
      billedCost: formatAmount(p.billed.value),
      effectiveCost: formatAmount(p.effective.value),
      listCost: formatAmount(p.list.value),
      untaggedBilledCost: formatAmount(p.untagged.value),
      byService: Object.fromEntries(this.plan.services.flatMap((s, i) => (p.byService[i]!.value === 0n ? [] : [[s.name, formatAmount(p.byService[i]!.value)]]))),
      modelBilledCost: Math.round(this.periodModel * 100) / 100,
    });
    for (const key of ["billed", "effective", "list", "untagged"] as const) this.all[key].addExact(p[key].value);
    this.all.rows += p.rows;
    this.period = newTotals(this.plan.services.length);
    this.periodModel = 0;
  }
}

interface Generation {
  options: z.output<typeof FocusGeneratorOptions>;
  plan: Plan;
  days: Day[];
  /** growth[service][month]: the compound factor. */
  growth: number[][];
  ledger: Ledger;
}

/**
 * The file's text in batches of about a megabyte, day by day: the fixed streams'
 * rows, the anomaly on its day, then the usage streams' rows.
 */
async function* csvText({ options, plan, days, growth, ledger }: Generation): AsyncGenerator<string> {
  const { streams } = plan;
  const compiled = streams.map((s) => compile(s.tokens));
  const weights = plan.usage.map((i) => streams[i]!.rowWeight);
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const perDay = Math.floor(options.rows / days.length);
  const extraRows = options.rows % days.length;
  const noise = mulberry32((options.seed ^ 0x9e3779b9) >>> 0);
  const anomalyService = streams[plan.anomaly.stream]!.service;
  let id = 0;
  let batch = HEADER;

  for (let d = 0; d < days.length; d++) {
    const day = days[d]!;
    if (d > 0 && day.month !== days[d - 1]!.month) ledger.closePeriod(periodOf(options.start, days[d - 1]!.month));
    const next = d + 1 < days.length ? days[d + 1]!.date : isoDate(monthStart(options.start, options.months));
    const stamps = Array.from({ length: 24 }, (_, h) => `"${day.date} ${pad2(h)}:00:00"`);
    stamps.push(`"${next} 00:00:00"`);
    const bpStart = `"${periodOf(options.start, day.month)}-01 00:00:00"`;
    const bpEnd = `"${periodOf(options.start, day.month + 1)}-01 00:00:00"`;
    const isAnomalyDay = d === plan.anomaly.day;

    /** Appends one row of stream `si` covering hours [from, to) of the day. */
    const emit = (si: number, listUnits: number, from: number, to: number) => {
      const s = streams[si]!;
      const eff = effectiveUnits(s, listUnits);
      const quantity = s.kind === "usage" ? (listUnits / AMOUNT_SCALE / s.unitPrice).toFixed(AMOUNT_DIGITS) : s.dailyQuantity.toFixed(AMOUNT_DIGITS);
      const consumed = s.kind === "unused-commitment" ? "NULL" : `${quantity}0000`;
      const effText = formatAmount(eff);
      const listText = eff === listUnits ? effText : formatAmount(listUnits);
      const p = compiled[si]!;
      batch += p[0]! + effText + p[1]! + bpEnd + p[2]! + bpStart + p[3]! + stamps[to]! + p[4]! + stamps[from]! + p[5]! + consumed + p[6]! + effText + p[7]! + effText + p[8]! + listText + p[9]! + quantity + p[10]! + ++id + p[11]!;
      ledger.record(si, eff, listUnits, isAnomalyDay);
    };

    for (const si of plan.fixed) {
      emit(si, streams[si]!.dailyListUnits, 0, 24);
      ledger.periodModel += fixedDailyCost(streams[si]!);
    }
    if (isAnomalyDay) {
      for (const s of streams) {
        if (s.service === anomalyService) ledger.anomaly.normal += s.kind === "usage" ? usageDailyCost(s, growth, day.month, day.weekend) : fixedDailyCost(s);
      }
      ledger.anomaly.units = Math.round(ledger.anomaly.normal * plan.anomaly.multiplier * 100) * (AMOUNT_SCALE / 100);
      emit(plan.anomaly.stream, ledger.anomaly.units, 0, 24);
    }

    // Usage rows: one per stream, the rest shared by weight, the leftovers rotating day by day.
    const budget = perDay + (d < extraRows ? 1 : 0) - FIXED_ROWS_PER_DAY - (isAnomalyDay ? 1 : 0);
    const spare = budget - plan.usage.length;
    const counts = weights.map((w) => 1 + Math.floor((spare * w) / weightSum));
    let left = budget - counts.reduce((a, b) => a + b, 0);
    for (let j = (d * 7919) % counts.length; left > 0; j = (j + 1) % counts.length, left--) counts[j]!++;

    for (let u = 0; u < plan.usage.length; u++) {
      const si = plan.usage[u]!;
      const cost = usageDailyCost(streams[si]!, growth, day.month, day.weekend);
      ledger.periodModel += cost;
      // k rows split the day into contiguous spans (k ≤ 24), or share its hours (k > 24).
      const k = counts[u]!;
      for (let j = 0; j < k; j++) {
        const from = Math.floor((j * 24) / k);
        const to = k <= 24 ? Math.floor(((j + 1) * 24) / k) : from + 1;
        const share = k <= 24 ? (to - from) / 24 : 1 / k;
        const wobble = 1 + MODEL.noise * (2 * noise() - 1);
        emit(si, Math.round(cost * share * wobble * AMOUNT_SCALE), from, to);
      }
      if (batch.length >= BATCH_CHARS) {
        yield batch;
        batch = "";
      }
    }
  }
  ledger.closePeriod(periodOf(options.start, days[days.length - 1]!.month));
  if (batch.length > 0) yield batch;
}

/** Writes the rows as CSV, CSV.gz or (through a temporary CSV) Parquet. */
async function writeFile(generation: Generation, out: string): Promise<void> {
  const { format } = generation.options;
  const csvPath = format === "parquet" ? `${out}.${process.pid}.tmp.csv` : out;
  try {
    if (format === "csv.gz") await pipeline(csvText(generation), createGzip({ level: 6 }), createWriteStream(csvPath));
    else await pipeline(csvText(generation), createWriteStream(csvPath));
    if (format === "parquet") await csvToParquet(csvPath, out);
  } finally {
    if (csvPath !== out) await rm(csvPath, { force: true });
  }
}

/**
 * Writes a labelled synthetic FOCUS dataset to `options.out` and returns what was
 * planted in it. Throws when `rows` is too small for `months` (every usage stream and
 * planted finding needs rows every day).
 */
export async function generateFocus(input: FocusGeneratorOptions): Promise<FocusTruth> {
  const options = FocusGeneratorOptions.parse(input);
  const templates = options.template ? await readFocusTemplates(options.template) : builtinFocusTemplates();
  const days = calendar(options.start, options.months);
  const usageRows = Math.floor(options.rows / days.length) - FIXED_ROWS_PER_DAY - 1;
  if (usageRows < MIN_USAGE_STREAMS) {
    const need = (FIXED_ROWS_PER_DAY + 1 + MIN_USAGE_STREAMS) * days.length;
    throw new RangeError(`${options.rows} rows are too few for ${options.months} month(s) (${days.length} days): use at least ${need}`);
  }
  const plan = planFocus(templates, usageRows, days.length, mulberry32(options.seed));
  // growth[service][month] by repeated multiplication, not Math.pow, whose last bit may differ between engines.
  const growth = plan.services.map((s) => {
    const factors = [1];
    for (let m = 1; m <= options.months; m++) factors.push(factors[m - 1]! * (1 + s.monthlyGrowth));
    return factors;
  });
  const generation: Generation = { options, plan, days, growth, ledger: new Ledger(plan) };
  const out = resolve(options.out);
  await writeFile(generation, out);
  return truthOf(generation, { path: out, bytes: (await stat(out)).size, templateRows: templates.length });
}

/** The truth of a written dataset: the plan, the model's figures and the ledger's exact sums. */
function truthOf({ options, plan, days, growth, ledger }: Generation, file: { path: string; bytes: number; templateRows: number }): FocusTruth {
  const { streams, services } = plan;
  const { all, anomaly } = ledger;
  const unusedStream = streams[plan.unused.stream]!;
  const unusedTotals = ledger.fixed.get(plan.unused.stream)!;
  const unusedByPeriod: Record<string, Amount> = {};
  for (const p of ledger.periods) {
    const daysIn = days.filter((d) => periodOf(options.start, d.month) === p.period).length;
    unusedByPeriod[p.period] = formatAmount(BigInt(unusedStream.dailyListUnits) * BigInt(daysIn));
  }
  const usedStream = streams[plan.used.stream]!;
  const usedTotals = ledger.fixed.get(plan.used.stream)!;
  const cheap = streams[plan.usage[plan.regionPricing.cheap]!]!;
  const dear = streams[plan.usage[plan.regionPricing.expensive]!]!;
  const anomalyStream = streams[plan.anomaly.stream]!;

  // The next period from the model alone.
  const forecastByService = new Map<string, number>();
  for (const day of calendar(periodOf(options.start, options.months), 1)) {
    for (const s of streams) {
      const cost = s.kind === "usage" ? usageDailyCost(s, growth, options.months, day.weekend) : fixedDailyCost(s);
      forecastByService.set(s.serviceName, (forecastByService.get(s.serviceName) ?? 0) + cost);
    }
  }
  const forecastTotal = [...forecastByService.values()].reduce((a, b) => a + b, 0);

  const billedAll = all.billed.value;
  const usageCount = (service: number) => plan.usage.filter((i) => streams[i]!.service === service).length;
  const commitment = (s: Stream, status: "Used" | "Unused", rows: number): CommitmentTruth => ({
    commitmentDiscountId: unquote(s.tokens.CommitmentDiscountId) ?? "",
    commitmentDiscountName: unquote(s.tokens.CommitmentDiscountName) ?? "",
    commitmentDiscountCategory: unquote(s.tokens.CommitmentDiscountCategory) ?? "",
    commitmentDiscountType: unquote(s.tokens.CommitmentDiscountType) ?? "",
    commitmentDiscountStatus: status,
    providerName: s.providerName,
    serviceName: s.serviceName,
    subAccountId: s.subAccountId,
    rows,
  });

  return {
    generator: "ferry-focus-generator/1",
    parameters: {
      months: options.months,
      rows: options.rows,
      start: options.start,
      seed: options.seed,
      format: options.format,
      template: options.template ?? "builtin",
      templateRows: file.templateRows,
      usageStreams: plan.usage.length,
      model: MODEL,
    },
    file: { path: file.path, format: options.format, bytes: file.bytes, rows: all.rows, columns: FOCUS_COLUMNS },
    firstDay: days[0]!.date,
    lastDay: days[days.length - 1]!.date,
    periods: ledger.periods,
    totals: {
      rows: all.rows,
      billedCost: formatAmount(billedAll),
      effectiveCost: formatAmount(all.effective.value),
      listCost: formatAmount(all.list.value),
      untaggedBilledCost: formatAmount(all.untagged.value),
      untaggedShare: billedAll === 0n ? 0 : Number((all.untagged.value * 1_000_000n) / billedAll) / 1_000_000,
    },
    services: services
      .map((s, i) => ({ s, i }))
      .filter(({ i }) => usageCount(i) > 0)
      .map(({ s, i }) => ({
        serviceName: s.name,
        providerName: s.provider,
        serviceCategory: s.category,
        monthlyGrowth: s.monthlyGrowth,
        usageStreams: usageCount(i),
        firstMonthWeekdayDailyCost: Math.round(plan.usage.filter((u) => streams[u]!.service === i).reduce((sum, u) => sum + streams[u]!.baseDaily, 0) * 100) / 100,
      })),
    seasonality: { weekdayFactor: MODEL.weekdayFactor, weekendFactor: MODEL.weekendFactor, weekendDays: ["Saturday", "Sunday"], appliesTo: "usage-driven streams (not idle resources or commitments)" },
    noise: { kind: "uniform multiplicative, per row", halfWidth: MODEL.noise, appliesTo: "usage-driven rows: cost × (1 + u), u ~ U(−halfWidth, +halfWidth), from a PRNG seeded with the seed" },
    anomaly: {
      date: days[plan.anomaly.day]!.date,
      serviceName: anomalyStream.serviceName,
      providerName: anomalyStream.providerName,
      subAccountId: anomalyStream.subAccountId,
      subAccountName: anomalyStream.subAccountName,
      resourceId: anomalyStream.resourceId,
      regionId: anomalyStream.regionId,
      extraBilledCost: formatAmount(anomaly.units),
      multiplier: plan.anomaly.multiplier,
      normalServiceDailyCost: Math.round(anomaly.normal * 100) / 100,
      serviceBilledCostOnDay: formatAmount(anomaly.serviceOnDay.value),
    },
    commitments: {
      unused: {
        ...commitment(unusedStream, "Unused", unusedTotals.rows),
        hourlyCommitment: plan.unused.hourlyUnits / AMOUNT_SCALE,
        dailyCost: formatAmount(unusedStream.dailyListUnits),
        billedCost: formatAmount(unusedTotals.effective.value),
        effectiveCost: formatAmount(unusedTotals.effective.value),
        byPeriod: unusedByPeriod,
      },
      used: {
        ...commitment(usedStream, "Used", usedTotals.rows),
        resourceId: usedStream.resourceId,
        discount: usedStream.discount,
        dailyListCost: formatAmount(usedStream.dailyListUnits),
        dailyEffectiveCost: formatAmount(effectiveUnits(usedStream, usedStream.dailyListUnits)),
        listCost: formatAmount(usedTotals.list.value),
        effectiveCost: formatAmount(usedTotals.effective.value),
        savings: formatAmount(usedTotals.list.value - usedTotals.effective.value),
      },
    },
    idleResources: plan.idle.map((si) => {
      const s = streams[si]!;
      return {
        resourceId: s.resourceId,
        serviceName: s.serviceName,
        subAccountId: s.subAccountId,
        regionId: s.regionId,
        pricingUnit: unquote(s.tokens.PricingUnit) ?? "",
        dailyCost: formatAmount(s.dailyListUnits),
        dailyPricingQuantity: s.dailyQuantity.toFixed(AMOUNT_DIGITS),
        billedCost: formatAmount(ledger.fixed.get(si)!.effective.value),
      };
    }),
    regionPricing: {
      serviceName: plan.regionPricing.service,
      pricingUnit: plan.regionPricing.unit,
      skuId: plan.regionPricing.skuId,
      cheap: { regionId: cheap.regionId ?? "", regionName: unquote(cheap.tokens.RegionName) ?? "", listUnitPrice: plan.regionPricing.cheapPrice },
      expensive: { regionId: dear.regionId ?? "", regionName: unquote(dear.tokens.RegionName) ?? "", listUnitPrice: plan.regionPricing.expensivePrice },
      ratio: Math.round((plan.regionPricing.expensivePrice / plan.regionPricing.cheapPrice) * 10_000) / 10_000,
    },
    forecast: {
      period: periodOf(options.start, options.months),
      billedCost: Math.round(forecastTotal * 100) / 100,
      byService: Object.fromEntries([...forecastByService].map(([k, v]) => [k, Math.round(v * 100) / 100])),
    },
  };
}

// ---- DuckDB ----------------------------------------------------------------

/**
 * Runs `fn` with a connection to a fresh in-memory DuckDB, closed afterwards. Exported
 * so tests and benches can read generated files back without a DuckDB dependency of their own.
 */
export async function withScratchDuckdb<T>(fn: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    return await fn(connection);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

export const sqlString = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** Column types for Parquet: exact decimals for costs, timestamps for periods, text for ids. */
const PARQUET_TYPES: Partial<Record<(typeof FOCUS_COLUMNS)[number], string>> = {
  BilledCost: "DECIMAL(18,11)",
  EffectiveCost: "DECIMAL(18,11)",
  ListCost: "DECIMAL(18,11)",
  ContractedCost: "DECIMAL(18,11)",
  ContractedUnitPrice: "DOUBLE",
  ListUnitPrice: "DOUBLE",
  PricingQuantity: "DOUBLE",
  ConsumedQuantity: "DOUBLE",
  BillingPeriodStart: "TIMESTAMP",
  BillingPeriodEnd: "TIMESTAMP",
  ChargePeriodStart: "TIMESTAMP",
  ChargePeriodEnd: "TIMESTAMP",
  Id: "BIGINT",
};

/** Converts a generated CSV to Parquet with DuckDB, parsing it with the sample's rules (unquoted NULL is null, `""` is ""). */
async function csvToParquet(csv: string, parquet: string): Promise<void> {
  const columns = `{${FOCUS_COLUMNS.map((c) => `${sqlString(c)}: ${sqlString(PARQUET_TYPES[c] ?? "VARCHAR")}`).join(", ")}}`;
  await withScratchDuckdb((db) =>
    db.run(
      `COPY (SELECT * FROM read_csv(${sqlString(csv)}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', ` +
        `nullstr = 'NULL', allow_quoted_nulls = false, columns = ${columns})) TO ${sqlString(parquet)} (FORMAT parquet, COMPRESSION zstd)`,
    ),
  );
}

/** `<dir>/<name>.truth.json` beside a data file `<dir>/<name>.<ext>`. */
export function truthPathFor(dataFile: string): string {
  return join(dirname(dataFile), `${dataFile.split("/").pop()!.replace(/\.(csv\.gz|csv|parquet)$/, "")}.truth.json`);
}
