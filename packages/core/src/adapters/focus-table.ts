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

function decimal(column: RawColumn): string {
  return `TRY_CAST(${isText(column.type) ? text(column) : column.id} AS ${DECIMAL})`;
}

/**
 * A UTC timestamp from ISO 8601 with or without `T`, `Z` or an offset (converted to UTC;
 * the session time zone is UTC), from minutes-only ISO forms, or from a Parquet
 * date/time column.
 */
function timestamp(column: RawColumn): string {
  if (!isText(column.type)) return `TRY_CAST(TRY_CAST(${column.id} AS TIMESTAMPTZ) AS TIMESTAMP)`;
  const t = text(column);
  return `COALESCE(TRY_CAST(TRY_CAST(${t} AS TIMESTAMPTZ) AS TIMESTAMP), try_strptime(${t}, ['%Y-%m-%dT%H:%MZ', '%Y-%m-%dT%H:%M', '%Y-%m-%d %H:%M']))`;
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
  const parsed: Array<[ParsedColumn, string]> = [
    ["BilledCost", num("BilledCost")],
    ["EffectiveCost", num("EffectiveCost")],
    ["ListCost", num("ListCost")],
    ["ContractedCost", num("ContractedCost")],
    ["ChargePeriodStart", ts("ChargePeriodStart")],
    ["BillingPeriodStart", ts("BillingPeriodStart")],
    ["ConsumedQuantity", num("ConsumedQuantity")],
    ["PricingQuantity", num("PricingQuantity")],
  ];
  const value = new Map(parsed);
  const bad = parsed
    .filter(([name]) => col(name))
    .map(([name, expr]) => `(CASE WHEN ${txt(name)} IS NOT NULL AND ${expr} IS NULL THEN ${BAD[name]} ELSE 0 END)`);
  const region = `COALESCE(${txt("RegionId")}, ${txt("RegionName")}, '')`;
  return `CREATE TABLE focus AS
SELECT *, CAST(charge_start AS DATE) AS day, strftime(COALESCE(billing_period_start, charge_start), '%Y-%m') AS month
FROM (
  SELECT
    ${value.get("BilledCost")} AS billed,
    ${value.get("EffectiveCost")} AS effective,
    ${value.get("ListCost")} AS list,
    ${value.get("ContractedCost")} AS contracted,
    CAST(${bad.length > 0 ? bad.join(" + ") : "0"} AS UTINYINT) AS bad,
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
    ${txt("Tags")} AS tags
  FROM ${source}
)`;
}
