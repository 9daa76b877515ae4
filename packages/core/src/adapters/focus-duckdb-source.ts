import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBConnection, DuckDBInstance, structValue, type DuckDBValue, type Json } from "@duckdb/node-api";
import { FerryError, NonRetryableJobError, describeError } from "../errors";
import {
  UnsupportedCostQueryError,
  type CommitmentRow,
  type CostAnswer,
  type CostDatasetInfo,
  type CostDimension,
  type CostQuery,
  type CostRow,
  type CostSource,
  type ResourceRow,
  type TagCoverageRow,
  type UnitCostRow,
} from "../ports/cost-source";
import { matchFocusHeader, type FocusHeader } from "./focus-columns";
import { inspectCostFile, type CostFileShape } from "./focus-file";
import {
  COMMITMENTS_SQL,
  COVERAGE_SQL,
  INVALID_TAGS_SQL,
  TAG_KEYS_SQL,
  TAG_SUMMARY_SQL,
  costsStatement,
  parseCostQuery,
  resourcesStatement,
  unitCostsStatement,
  type Statement,
} from "./focus-queries";
import { BAD, focusTableSql, type ParsedColumn, type RawColumn } from "./focus-table";

export interface FocusDuckdbSourceOptions {
  /** A local file: the job downloads the upload to a temp file first. CSV, CSV.gz or Parquet, told apart by content. */
  path: string;
  signal?: AbortSignal;
  /** DuckDB's memory limit. The default leaves room for Node in a 1–2 GB Lambda. */
  memoryLimit?: string;
  /** DuckDB worker threads; a 1.7 GB Lambda has one vCPU, 3.5 GB two. */
  threads?: number;
  /**
   * Where the typed table lives: in memory, or in a temp database file that DuckDB pages
   * through its buffer manager. `auto` (default) picks the file above `DISK_THRESHOLD_BYTES`
   * of (estimated uncompressed) input.
   */
  storage?: "auto" | "memory" | "disk";
}

/** Uncompressed input size above which `auto` storage uses a database file. */
export const DISK_THRESHOLD_BYTES = 256 * 1024 * 1024;
/** Rough expansion of gzip / Parquet to CSV text, to size the storage choice. */
const COMPRESSION_RATIO = 8;

const DEFAULT_RESOURCE_LIMIT = 100;
const DEFAULT_UNIT_COST_LIMIT = 500;
const MAX_LIMIT = 10_000;

const refuse = (message: string, cause?: unknown) =>
  new NonRetryableJobError(message, "invalid_input", cause === undefined ? undefined : { cause });

/** What `open` learnt about the file that `describe` reports. */
interface LoadFacts {
  shape: CostFileShape;
  header: FocusHeader;
  rows: number;
  warnings: string[];
}

/** An exact decimal sum returned as text → a JS number (nearest double). */
const amount = (value: Json | undefined): number | null => (value === null || value === undefined ? null : Number(value));
const count = (value: Json | undefined): number => Number(value ?? 0);
const text = (value: Json | undefined): string => (value === null || value === undefined ? "" : String(value));
const stat = (value: Json | undefined): number | null => (value === null || value === undefined || Number.isNaN(Number(value)) ? null : Number(value));
const plural = (n: number, word: string) => `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`;
const percent = (part: number, whole: number) => `${Math.round((100 * part) / whole)}%`;

/**
 * `CostSource` over a FOCUS export (1.0, 1.1 or 1.2; CSV, CSV.gz or Parquet) read by an
 * embedded DuckDB. The file is loaded once into a typed table; every question is one
 * aggregate query over it, and only aggregated rows come back to JS.
 *
 * @remarks
 * Each source owns its DuckDB instance (and temp directory), so a broken file cannot
 * disturb another job, and `close()` frees everything. Once the table is built, file
 * access is switched off for the instance: later SQL can read nothing but the table.
 *
 * @example
 * ```ts
 * const source = await FocusDuckdbSource.open({ path: "/tmp/upload-123", signal });
 * try {
 *   const { rows } = await source.costs({ granularity: "month", groupBy: ["service"], limit: 5 });
 * } finally {
 *   await source.close();
 * }
 * ```
 */
export class FocusDuckdbSource implements CostSource {
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;
  #info: Promise<CostDatasetInfo> | undefined;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly tempDir: string,
    private readonly facts: LoadFacts,
  ) {}

  /**
   * Reads, checks and loads the file.
   *
   * @throws NonRetryableJobError (`invalid_input`) when the file is empty, has no data rows,
   * is not CSV / CSV.gz / Parquet text, is not UTF-8, or lacks required FOCUS columns
   * (all of them are named, with the closest FOCUS version).
   */
  static async open(options: FocusDuckdbSourceOptions): Promise<FocusDuckdbSource> {
    const { path, signal } = options;
    signal?.throwIfAborted();
    const shape = await inspectCostFile(path, signal);
    const tempDir = await mkdtemp(join(tmpdir(), "ferry-focus-"));
    const estimated = shape.format === "csv" ? shape.bytes : shape.bytes * COMPRESSION_RATIO;
    const disk = options.storage === "disk" || ((options.storage ?? "auto") === "auto" && estimated > DISK_THRESHOLD_BYTES);
    let instance: DuckDBInstance | undefined;
    let connection: DuckDBConnection | undefined;
    try {
      instance = await DuckDBInstance.create(disk ? join(tempDir, "focus.duckdb") : ":memory:", {
        threads: String(options.threads ?? 2),
        memory_limit: options.memoryLimit ?? "768MB",
        temp_directory: join(tempDir, "spill"),
        preserve_insertion_order: "false",
        autoinstall_known_extensions: "false",
        autoload_known_extensions: "false",
      });
      connection = await instance.connect();
      const facts = await load(connection, path, shape, signal);
      await connection.run("SET enable_external_access = false");
      return new FocusDuckdbSource(instance, connection, tempDir, facts);
    } catch (error) {
      connection?.closeSync();
      instance?.closeSync();
      await rm(tempDir, { recursive: true, force: true });
      throw error;
    }
  }

  describe(options: { signal?: AbortSignal } = {}): Promise<CostDatasetInfo> {
    this.#info ??= this.#describe(options.signal).catch((error: unknown) => {
      this.#info = undefined;
      throw error;
    });
    return this.#info;
  }

  async costs(query: CostQuery, options: { signal?: AbortSignal } = {}): Promise<CostAnswer<CostRow>> {
    const parsed = parseCostQuery(query);
    const statement = costsStatement(parsed);
    const dims = [...new Set(parsed.groupBy ?? [])];
    const rows = await this.#read(statement, options.signal);
    return {
      query: statement.sql,
      rows: rows.map((r) => {
        const row: CostRow = {
          keys: Object.fromEntries(dims.map((d) => [d, text(r[`key_${d}`])])) as Partial<Record<CostDimension, string>>,
          billedCost: amount(r.billed_cost) ?? 0,
          effectiveCost: amount(r.effective_cost),
          listCost: amount(r.list_cost),
          contractedCost: amount(r.contracted_cost),
          rows: count(r.source_rows),
        };
        if (parsed.granularity !== "total") row.period = text(r.period);
        if (dims.includes("subAccount") && r.label_subAccount) row.labels = { subAccount: text(r.label_subAccount) };
        return row;
      }),
    };
  }

  async commitments(options: { signal?: AbortSignal } = {}): Promise<CostAnswer<CommitmentRow>> {
    this.#require("commitments", "CommitmentDiscountId", "the file has no CommitmentDiscountId column, so commitment discounts cannot be analysed");
    const commitments = await this.#read({ sql: COMMITMENTS_SQL, params: [] }, options.signal);
    const coverage = await this.#read({ sql: COVERAGE_SQL, params: [] }, options.signal);
    return {
      query: `${COMMITMENTS_SQL};\n\n${COVERAGE_SQL}`,
      rows: [
        ...commitments.map(
          (r): CommitmentRow => ({
            kind: "commitment",
            commitmentDiscountId: text(r.commitment_id),
            name: text(r.name),
            category: text(r.category),
            type: text(r.type),
            provider: text(r.provider),
            usedCost: amount(r.used_cost) ?? 0,
            unusedCost: amount(r.unused_cost) ?? 0,
            usedListCost: amount(r.used_list_cost),
            billedCost: amount(r.billed_cost) ?? 0,
            effectiveCost: amount(r.effective_cost) ?? 0,
            rows: count(r.source_rows),
            firstDay: text(r.first_day),
            lastDay: text(r.last_day),
          }),
        ),
        ...coverage.map(
          (r): CommitmentRow => ({
            kind: "coverage",
            provider: text(r.provider),
            service: text(r.service),
            coveredCost: amount(r.covered_cost) ?? 0,
            onDemandCost: amount(r.on_demand_cost) ?? 0,
            otherCost: amount(r.other_cost) ?? 0,
            rows: count(r.source_rows),
          }),
        ),
      ],
    };
  }

  async tagCoverage(options: { signal?: AbortSignal } = {}): Promise<CostAnswer<TagCoverageRow>> {
    this.#require("tagCoverage", "Tags", "the file has no Tags column, so tag coverage cannot be measured");
    const summary = await this.#read({ sql: TAG_SUMMARY_SQL, params: [] }, options.signal);
    const keys = await this.#read({ sql: TAG_KEYS_SQL, params: [] }, options.signal);
    return {
      query: `${TAG_SUMMARY_SQL};\n\n${TAG_KEYS_SQL}`,
      rows: [
        ...summary.map((r): TagCoverageRow => {
          const overall = count(r.overall) === 1;
          return {
            kind: overall ? "overall" : "provider",
            ...(overall ? {} : { provider: text(r.provider) }),
            taggedCost: amount(r.tagged_cost) ?? 0,
            untaggedCost: amount(r.untagged_cost) ?? 0,
            taggedEffectiveCost: amount(r.tagged_effective_cost),
            untaggedEffectiveCost: amount(r.untagged_effective_cost),
            taggedRows: count(r.tagged_rows),
            untaggedRows: count(r.untagged_rows),
            invalidTagRows: count(r.invalid_rows),
          };
        }),
        ...keys.map(
          (r): TagCoverageRow => ({
            kind: "tagKey",
            tagKey: text(r.tag_key),
            billedCost: amount(r.billed_cost) ?? 0,
            effectiveCost: amount(r.effective_cost),
            rows: count(r.source_rows),
            values: count(r.distinct_values),
          }),
        ),
      ],
    };
  }

  async resources(options: { limit?: number; signal?: AbortSignal } = {}): Promise<CostAnswer<ResourceRow>> {
    this.#require("resources", "ResourceId", "the file has no ResourceId column, so costs cannot be broken down by resource");
    const statement = resourcesStatement(checkLimit(options.limit ?? DEFAULT_RESOURCE_LIMIT));
    const rows = await this.#read(statement, options.signal);
    return {
      query: statement.sql,
      rows: rows.map(
        (r): ResourceRow => ({
          resourceId: text(r.resource_id),
          resourceName: text(r.resource_name),
          resourceType: text(r.resource_type),
          provider: text(r.provider),
          service: text(r.service),
          region: text(r.region),
          subAccount: text(r.sub_account),
          subAccountName: text(r.sub_account_name),
          billedCost: amount(r.billed_cost) ?? 0,
          effectiveCost: amount(r.effective_cost),
          days: count(r.days),
          firstDay: text(r.first_day),
          lastDay: text(r.last_day),
          meanDailyCost: stat(r.mean_daily_cost) ?? 0,
          dailyCostStddev: stat(r.daily_cost_stddev) ?? 0,
          consumedUnit: r.consumed_unit === null || r.consumed_unit === undefined ? null : text(r.consumed_unit),
          consumedQuantity: amount(r.quantity),
          firstDayQuantity: amount(r.first_day_quantity),
          lastDayQuantity: amount(r.last_day_quantity),
          dailyQuantityStddev: stat(r.daily_quantity_stddev),
        }),
      ),
    };
  }

  async unitCosts(options: { limit?: number; signal?: AbortSignal } = {}): Promise<CostAnswer<UnitCostRow>> {
    if (!this.facts.header.columns.has("ConsumedQuantity") && !this.facts.header.columns.has("PricingQuantity")) {
      throw new UnsupportedCostQueryError("the file has neither PricingQuantity nor ConsumedQuantity, so unit costs cannot be computed", "unitCosts");
    }
    const statement = unitCostsStatement(checkLimit(options.limit ?? DEFAULT_UNIT_COST_LIMIT));
    const rows = await this.#read(statement, options.signal);
    return {
      query: statement.sql,
      rows: rows.map((r): UnitCostRow => {
        const quantity = amount(r.quantity) ?? 0;
        const billedCost = amount(r.billed_cost) ?? 0;
        const effectiveCost = amount(r.effective_cost);
        return {
          provider: text(r.provider),
          service: text(r.service),
          region: text(r.region),
          unit: text(r.unit),
          unitSource: r.unit_source === "pricing" ? "pricing" : "consumed",
          billedCost,
          effectiveCost,
          quantity,
          billedCostPerUnit: quantity === 0 ? null : billedCost / quantity,
          effectiveCostPerUnit: quantity === 0 || effectiveCost === null ? null : effectiveCost / quantity,
          rows: count(r.source_rows),
        };
      }),
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.connection.interrupt(); // a running query would otherwise hold close() until it ends
    await this.#queue.catch(() => undefined);
    this.connection.closeSync();
    this.instance.closeSync();
    await rm(this.tempDir, { recursive: true, force: true });
  }

  #require(capability: string, column: string, message: string): void {
    if (!this.facts.header.columns.has(column)) throw new UnsupportedCostQueryError(message, capability);
  }

  async #describe(signal?: AbortSignal): Promise<CostDatasetInfo> {
    const { header, rows } = this.facts;
    const [span] = await this.#read(
      { sql: `SELECT strftime(min(day), '%Y-%m-%d') AS first_day, strftime(max(day), '%Y-%m-%d') AS last_day FROM focus`, params: [] },
      signal,
    );
    const distinct = async (column: "currency" | "provider" | "month") =>
      (await this.#read({ sql: `SELECT DISTINCT ${column} AS v FROM focus WHERE ${column} IS NOT NULL AND ${column} <> '' ORDER BY v`, params: [] }, signal)).map(
        (r) => text(r.v),
      );
    const currency = await distinct("currency");
    const providers = await distinct("provider");
    const periods = await distinct("month");
    const warnings = [...this.facts.warnings, ...(await this.#qualityWarnings(signal))];
    if (currency.length > 1) {
      warnings.push(`the file mixes ${currency.length} billing currencies (${currency.join(", ")}): totals add amounts in different currencies`);
    }
    return {
      source: "focus",
      focusVersion: header.version,
      rows,
      currency,
      providers,
      firstDay: text(span?.first_day),
      lastDay: text(span?.last_day),
      periods,
      columns: header.optional,
      warnings,
    };
  }

  /** Per provider: EffectiveCost that looks unreliable, and empty mandatory amounts. */
  async #qualityWarnings(signal?: AbortSignal): Promise<string[]> {
    const nullUnlessBad = (column: string, bit: number) => `COUNT(*) FILTER (WHERE ${column} IS NULL AND bad & ${bit} = 0)`;
    const perProvider = await this.#read(
      {
        sql: `SELECT provider,
  COUNT(*) FILTER (WHERE billed > 0 AND lower(charge_category) <> 'purchase') AS billed_positive,
  COUNT(*) FILTER (WHERE billed > 0 AND effective = 0 AND lower(charge_category) <> 'purchase') AS effective_zero,
  ${nullUnlessBad("billed", BAD.BilledCost)} AS billed_null,
  ${nullUnlessBad("effective", BAD.EffectiveCost)} AS effective_null,
  ${nullUnlessBad("list", BAD.ListCost)} AS list_null,
  ${nullUnlessBad("contracted", BAD.ContractedCost)} AS contracted_null
FROM focus GROUP BY provider ORDER BY provider`,
        params: [],
      },
      signal,
    );
    const warnings: string[] = [];
    const name = (p: Json | undefined) => text(p) || "(no provider)";
    for (const r of perProvider) {
      const zero = count(r.effective_zero);
      if (zero > 0) {
        const positive = count(r.billed_positive);
        warnings.push(
          `EffectiveCost is 0 on ${zero.toLocaleString("en-US")} of ${plural(positive, `${name(r.provider)} row`)} with BilledCost > 0 (${percent(zero, positive)}): amortised (effective) figures for ${name(r.provider)} are unreliable, and effective-vs-billed savings would be artificial`,
        );
      }
    }
    const columns: Array<[string, string]> = [
      ["billed_null", "BilledCost"],
      ["effective_null", "EffectiveCost"],
      ["list_null", "ListCost"],
      ["contracted_null", "ContractedCost"],
    ];
    for (const [field, column] of columns) {
      if (column === "ContractedCost" && !this.facts.header.columns.has(column)) continue;
      const empty = perProvider.filter((r) => count(r[field]) > 0);
      if (empty.length === 0) continue;
      const where = empty.map((r) => `${count(r[field]).toLocaleString("en-US")} ${name(r.provider)}`).join(", ");
      warnings.push(`${column} is empty on ${where} rows (FOCUS requires a value): those rows count as nothing in ${column} sums`);
    }
    if (this.facts.header.columns.has("Tags")) {
      const [tags] = await this.#read({ sql: INVALID_TAGS_SQL, params: [] }, signal);
      const invalid = count(tags?.invalid_rows);
      if (invalid > 0) warnings.push(`${plural(invalid, "row")} ${invalid === 1 ? "has" : "have"} Tags that are not a JSON object; they count as untagged`);
    }
    return warnings;
  }

  /** Runs one statement at a time on the connection; an abort interrupts the running one. */
  #read(statement: Statement, signal?: AbortSignal): Promise<Record<string, Json>[]> {
    const run = async () => {
      if (this.#closed) throw new FerryError("the FOCUS source is closed");
      signal?.throwIfAborted();
      return runInterruptible(this.connection, statement.sql, statement.params, signal);
    };
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => undefined);
    return result;
  }
}

function checkLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new NonRetryableJobError(`limit must be a whole number from 1 to ${MAX_LIMIT}, not ${limit}`, "invalid_input");
  }
  return limit;
}

async function runInterruptible(connection: DuckDBConnection, sql: string, params: DuckDBValue[], signal?: AbortSignal): Promise<Record<string, Json>[]> {
  const interrupt = () => connection.interrupt();
  signal?.addEventListener("abort", interrupt, { once: true });
  try {
    const reader = await connection.runAndReadAll(sql, params);
    return reader.getRowObjectsJson();
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw error;
  } finally {
    signal?.removeEventListener("abort", interrupt);
  }
}

/** Where each canonical FOCUS column sits in the raw relation, under Ferry's own names. */
function rawColumns(header: FocusHeader, names: readonly string[], types: readonly string[]): Map<string, RawColumn> {
  const index = new Map<string, number>();
  names.forEach((name, i) => {
    if (!index.has(name)) index.set(name, i);
  });
  const raw = new Map<string, RawColumn>();
  for (const [canonical, fileName] of header.columns) {
    const i = index.get(fileName);
    if (i !== undefined) raw.set(canonical, { id: `c${i}`, type: types[i] ?? "VARCHAR" });
  }
  return raw;
}

const CSV_SOURCE = `read_csv($1, header = true, auto_detect = false, columns = $2, delim = $3, encoding = $4, compression = $5,
    quote = '"', escape = '"', nullstr = ['NULL', ''], allow_quoted_nulls = false, max_line_size = 16777216,
    store_rejects = true, rejects_table = 'ferry_rejects', rejects_scan = 'ferry_reject_scans')`;

/** Builds the typed table and checks that it holds usable billing rows. */
async function load(connection: DuckDBConnection, path: string, shape: CostFileShape, signal?: AbortSignal): Promise<LoadFacts> {
  await connection.run("SET TimeZone = 'UTC'");
  let names: string[];
  let types: string[];
  let source: string;
  let params: DuckDBValue[];
  if (shape.format === "parquet") {
    const described = await runInterruptible(connection, "DESCRIBE SELECT * FROM read_parquet($1)", [path], signal).catch((error: unknown) => {
      throw signal?.aborted ? error : refuse(`the Parquet file is corrupt or unreadable (${firstLine(error)}): upload the FOCUS export again`, error);
    });
    names = described.map((r) => text(r.column_name));
    types = described.map((r) => text(r.column_type));
    source = `(SELECT * FROM read_parquet($1)) AS raw(${names.map((_, i) => `c${i}`).join(", ")})`;
    params = [path];
  } else {
    names = (shape.header ?? []).map((name, i) => name || `column${i}`);
    types = names.map(() => "VARCHAR");
    source = CSV_SOURCE;
    params = [
      path,
      structValue(Object.fromEntries(names.map((_, i) => [`c${i}`, "VARCHAR"]))),
      shape.delimiter ?? ",",
      shape.encoding ?? "utf-8",
      shape.format === "csv.gz" ? "gzip" : "none",
    ];
  }

  const header = matchFocusHeader(names);
  if (header.missingRequired.length > 0) {
    const also = header.missingMandatory.length > 0 ? `; it also lacks the mandatory ${header.missingMandatory.join(", ")}` : "";
    throw refuse(
      `the file is not a usable FOCUS export: it lacks the required FOCUS column${header.missingRequired.length === 1 ? "" : "s"} ${header.missingRequired.join(", ")} (closest FOCUS version: ${header.version}${also})`,
    );
  }

  const create = focusTableSql(rawColumns(header, names, types), source);
  await runInterruptible(connection, create, params, signal).catch((error: unknown) => {
    if (signal?.aborted) throw error;
    if (/out of memory/i.test(describeError(error))) {
      throw new NonRetryableJobError(`the file is too large to analyse within the memory available (${firstLine(error)})`, "invalid_input", { cause: error });
    }
    throw refuse(`the ${shape.format === "parquet" ? "Parquet" : "CSV"} file could not be read (${firstLine(error)})`, error);
  });

  const bits = Object.entries(BAD) as Array<[ParsedColumn, number]>;
  const [totals] = await runInterruptible(
    connection,
    `SELECT COUNT(*) AS n, ${bits.map(([name, bit]) => `COUNT(*) FILTER (WHERE bad & ${bit} <> 0) AS "${name}"`).join(", ")} FROM focus`,
    [],
    signal,
  );
  const rows = count(totals?.n);
  const rejects = shape.format === "parquet" ? { lines: 0, first: "" } : await rejectedLines(connection, signal);
  if (rows === 0) {
    if (rejects.lines > 0) throw refuse(`the file has no readable billing rows: all ${plural(rejects.lines, "line")} are malformed CSV (line ${rejects.first})`);
    throw refuse("the file has no billing rows (only a header)");
  }

  const warnings: string[] = [];
  if (rejects.lines > 0) warnings.push(`${plural(rejects.lines, "malformed CSV line")} could not be read and ${rejects.lines === 1 ? "was" : "were"} left out (line ${rejects.first})`);
  for (const [name] of bits) {
    const bad = count(totals?.[name]);
    if (bad === 0) continue;
    const what = name.endsWith("Start") ? "a date-time" : "a number";
    if ((name === "BilledCost" || name === "ChargePeriodStart") && bad * 2 > rows) {
      throw refuse(`the file's ${name} is not ${what} on ${bad.toLocaleString("en-US")} of ${plural(rows, "row")}: it cannot be analysed`);
    }
    warnings.push(`${name} is not ${what} on ${plural(bad, "row")}: ${name.endsWith("Start") ? "they are left out of daily and monthly figures" : `they count as nothing in ${name} sums`}`);
  }
  for (const [fileName, canonical] of header.aliased) warnings.push(`column ${fileName} was read as ${canonical} (an older or newer FOCUS name)`);
  if (header.missingMandatory.length > 0) warnings.push(`the file lacks the mandatory FOCUS column${header.missingMandatory.length === 1 ? "" : "s"} ${header.missingMandatory.join(", ")}; Ferry does not need ${header.missingMandatory.length === 1 ? "it" : "them"}`);
  if (!header.columns.has("ContractedCost")) warnings.push("the file has no ContractedCost column: contracted cost is reported as unknown");
  return { shape, header, rows, warnings };
}

async function rejectedLines(connection: DuckDBConnection, signal?: AbortSignal): Promise<{ lines: number; first: string }> {
  const [r] = await runInterruptible(connection, "SELECT COUNT(DISTINCT line) AS lines, min(line) AS first_line, arg_min(error_message, line) AS message FROM ferry_rejects", [], signal);
  const lines = count(r?.lines);
  return { lines, first: lines > 0 ? `${text(r?.first_line)}: ${text(r?.message)}` : "" };
}

function firstLine(error: unknown): string {
  return describeError(error).split("\n")[0]!.slice(0, 300);
}
