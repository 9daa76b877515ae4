/**
 * The one typed table every FOCUS query reads (`focus`), built in DuckDB from the raw
 * CSV or Parquet columns: exact decimals for money, UTC timestamps, ids as text, and a
 * bit mask of the values that were present but could not be parsed, so they are counted
 * and reported instead of silently disappearing.
 *
 * @remarks
 * Raw columns are only ever referred to by the names Ferry gives them (`c0`, `c1`…):
 * the file's own header never reaches the SQL text.
 */

/**
 * Money and quantities: 22 integer digits and 16 decimals, so sums of the 11-decimal
 * amounts FOCUS exports carry stay exact far past the cent.
 */
export const DECIMAL = "DECIMAL(38,16)";

/** A raw column: Ferry's name for it and the type DuckDB read it as. */
export interface RawColumn {
  id: string;
  type: string;
}

/** Bits of `focus.bad`: a value was present in the file but is not a number or a date. */
export const BAD = {
  BilledCost: 1,
  EffectiveCost: 2,
  ListCost: 4,
  ContractedCost: 8,
  ChargePeriodStart: 16,
  BillingPeriodStart: 32,
  ConsumedQuantity: 64,
  PricingQuantity: 128,
} as const;

export type ParsedColumn = keyof typeof BAD;

const isText = (type: string) => type === "VARCHAR";
const isNested = (type: string) => /^(MAP|STRUCT|JSON|UNION)\b/.test(type) || type.endsWith("[]");

/** Ids, names and codes as text: trimmed, blank → NULL; numbers keep their digits. */
function text(column: RawColumn): string {
  if (isText(column.type)) return `NULLIF(trim(${column.id}), '')`;
  if (isNested(column.type)) return `NULLIF(CAST(to_json(${column.id}) AS VARCHAR), '')`;
  return `NULLIF(CAST(${column.id} AS VARCHAR), '')`;
}

/**
 * Plain decimal text that `DECIMAL(18,11)` holds exactly: at most 7 integer digits and 11
 * decimals (then only trailing zeros: quantities often come padded to 15), no sign but
 * `-`, no exponent. FOCUS amounts are nearly all of this form.
 */
const FAST_DECIMAL = String.raw`-?[0-9]{1,7}(\.[0-9]{1,11}0*)?`;

/**
 * Text → `DECIMAL(38,16)`, exactly as `TRY_CAST` does it, but fast.
 *
 * @remarks
 * DuckDB 1.5 parses text into a 128-bit decimal about a hundred times slower than into a
 * 64-bit one (≈3.5 µs against 30 ns a value), which made six money columns most of the
 * load time. Values that `FAST_DECIMAL` proves fit `DECIMAL(18,11)` go through it and are
 * widened (exact: a scale-up); anything else (more digits, exponents, `+`, junk) takes the
 * plain `TRY_CAST`, so every value gets the same result as before.
 */
function decimalFromText(t: string): string {
  return `(CASE WHEN regexp_full_match(${t}, '${FAST_DECIMAL}') THEN CAST(CAST(${t} AS DECIMAL(18,11)) AS ${DECIMAL}) ELSE TRY_CAST(${t} AS ${DECIMAL}) END)`;
}

function decimal(column: RawColumn): string {
  if (isText(column.type)) return decimalFromText(text(column));
  if (column.type === DECIMAL) return column.id;
  return `TRY_CAST(${column.id} AS ${DECIMAL})`;
}

/** ISO 8601 to the second, with `T` or a space, UTC (`Z`) or no zone: what most exports write. */
const FAST_TIMESTAMP = "[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}Z?";

/**
 * A UTC timestamp from ISO 8601 with or without `T`, `Z` or an offset (converted to UTC;
 * the session time zone is UTC), from minutes-only ISO forms, or from a Parquet
 * date/time column.
 *
 * @remarks
 * Text that `FAST_TIMESTAMP` matches means the same wall-clock time in UTC whichever way
 * it is parsed, so it takes DuckDB's plain TIMESTAMP cast, about three times cheaper than
 * the time-zone-aware one; the rest (offsets, fractions, minutes-only) the full chain.
 */
function timestamp(column: RawColumn): string {
  if (!isText(column.type)) return `TRY_CAST(TRY_CAST(${column.id} AS TIMESTAMPTZ) AS TIMESTAMP)`;
  const t = text(column);
  const full = `COALESCE(TRY_CAST(TRY_CAST(${t} AS TIMESTAMPTZ) AS TIMESTAMP), try_strptime(${t}, ['%Y-%m-%dT%H:%MZ', '%Y-%m-%dT%H:%M', '%Y-%m-%d %H:%M']))`;
  return `(CASE WHEN regexp_full_match(${t}, '${FAST_TIMESTAMP}') THEN COALESCE(TRY_CAST(${t} AS TIMESTAMP), ${full}) ELSE ${full} END)`;
}

/**
 * SQL that is true when the file had a value for `column`, whether or not it parsed.
 * Undefined for a column already read as `DECIMAL(38,16)`: taken as is, it cannot be bad.
 */
function present(column: RawColumn, target: string): string | undefined {
  if (target === DECIMAL && column.type === DECIMAL) return undefined;
  if (/^(DECIMAL|DOUBLE|FLOAT|REAL|U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?|DATE|TIMESTAMP)\b/.test(column.type)) return `${column.id} IS NOT NULL`;
  return `${text(column)} IS NOT NULL`;
}

/**
 * `CREATE TABLE focus AS …` over `source` (a relation whose columns are named by `raw`).
 * `raw` maps canonical FOCUS names to the file's columns; absent optional columns
 * become NULL.
 */
export function focusTableSql(raw: ReadonlyMap<string, RawColumn>, source: string): string {
  const col = (name: string) => raw.get(name);
  const txt = (name: string) => {
    const c = col(name);
    return c ? text(c) : "CAST(NULL AS VARCHAR)";
  };
  const dim = (name: string) => `COALESCE(${txt(name)}, '')`;
  const num = (name: ParsedColumn) => {
    const c = col(name);
    return c ? decimal(c) : `CAST(NULL AS ${DECIMAL})`;
  };
  const ts = (name: ParsedColumn) => {
    const c = col(name);
    return c ? timestamp(c) : "CAST(NULL AS TIMESTAMP)";
  };
  const parsed: Array<[ParsedColumn, string, string]> = [
    ["BilledCost", num("BilledCost"), "billed"],
    ["EffectiveCost", num("EffectiveCost"), "effective"],
    ["ListCost", num("ListCost"), "list"],
    ["ContractedCost", num("ContractedCost"), "contracted"],
    ["ChargePeriodStart", ts("ChargePeriodStart"), "charge_start"],
    ["BillingPeriodStart", ts("BillingPeriodStart"), "billing_period_start"],
    ["ConsumedQuantity", num("ConsumedQuantity"), "consumed_qty"],
    ["PricingQuantity", num("PricingQuantity"), "pricing_qty"],
  ];
  const value = new Map(parsed.map(([name, expr]) => [name, expr]));
  // The presence of each raw value rides along as a flag, and `bad` is computed one level
  // up from the flag and the parsed column, so no value is parsed twice.
  const flags = parsed.flatMap(([name, , alias]) => {
    const c = col(name);
    const sql = c && present(c, name.endsWith("Start") ? "TIMESTAMP" : DECIMAL);
    return sql ? [{ name, alias, flag: `present_${alias}`, sql }] : [];
  });
  const bad = flags.map(({ name, alias, flag }) => `(CASE WHEN ${flag} AND ${alias} IS NULL THEN ${BAD[name]} ELSE 0 END)`);
  const region = `COALESCE(${txt("RegionId")}, ${txt("RegionName")}, '')`;
  return `CREATE TABLE focus AS
SELECT billed, effective, list, contracted,
  CAST(${bad.length > 0 ? bad.join(" + ") : "0"} AS UTINYINT) AS bad,
  currency, provider, service, service_category, sub_account, sub_account_name, region, charge_category,
  resource_id, resource_name, resource_type, billing_account, charge_start, billing_period_start,
  pricing_category, cd_id, cd_name, cd_category, cd_type, cd_status, consumed_qty, consumed_unit, pricing_qty, pricing_unit, tags,
  CAST(charge_start AS DATE) AS day, strftime(COALESCE(billing_period_start, charge_start), '%Y-%m') AS month
FROM (
  SELECT
    ${value.get("BilledCost")} AS billed,
    ${value.get("EffectiveCost")} AS effective,
    ${value.get("ListCost")} AS list,
    ${value.get("ContractedCost")} AS contracted,
    ${dim("BillingCurrency")} AS currency,
    ${dim("ProviderName")} AS provider,
    ${dim("ServiceName")} AS service,
    ${dim("ServiceCategory")} AS service_category,
    ${dim("SubAccountId")} AS sub_account,
    ${txt("SubAccountName")} AS sub_account_name,
    ${region} AS region,
    ${dim("ChargeCategory")} AS charge_category,
    ${dim("ResourceId")} AS resource_id,
    ${txt("ResourceName")} AS resource_name,
    ${txt("ResourceType")} AS resource_type,
    ${dim("BillingAccountId")} AS billing_account,
    ${value.get("ChargePeriodStart")} AS charge_start,
    ${value.get("BillingPeriodStart")} AS billing_period_start,
    ${txt("PricingCategory")} AS pricing_category,
    ${txt("CommitmentDiscountId")} AS cd_id,
    ${txt("CommitmentDiscountName")} AS cd_name,
    ${txt("CommitmentDiscountCategory")} AS cd_category,
    ${txt("CommitmentDiscountType")} AS cd_type,
    ${txt("CommitmentDiscountStatus")} AS cd_status,
    ${value.get("ConsumedQuantity")} AS consumed_qty,
    ${txt("ConsumedUnit")} AS consumed_unit,
    ${value.get("PricingQuantity")} AS pricing_qty,
    ${txt("PricingUnit")} AS pricing_unit,
    ${txt("Tags")} AS tags${flags.map(({ flag, sql }) => `,\n    ${sql} AS ${flag}`).join("")}
  FROM ${source}
)`;
}
