import { z } from "zod";
import { NonRetryableJobError } from "../errors";
import type { CostDimension, CostQuery } from "../ports/cost-source";

/**
 * The SQL behind each `CostSource` question, over the typed `focus` table of
 * `focus-table.ts`. Identifiers come only from the whitelists below; every value a caller
 * supplies (filter values, limits) is a bound parameter. Amounts are summed as DECIMAL
 * and returned as text, so JS sees the exact sum and rounds it once.
 */

/** One statement and its positional parameters (`$1`, `$2`…). */
export interface Statement {
  sql: string;
  params: Array<string | number>;
}

/** `focus` column behind each dimension. */
export const DIMENSION_COLUMNS: Record<CostDimension, string> = {
  provider: "provider",
  service: "service",
  serviceCategory: "service_category",
  subAccount: "sub_account",
  region: "region",
  chargeCategory: "charge_category",
  resource: "resource_id",
  billingAccount: "billing_account",
};

const Dimension = z.enum(Object.keys(DIMENSION_COLUMNS) as [CostDimension, ...CostDimension[]]);

/** A `CostQuery` as it may arrive from an analysis: validated before any SQL is built. */
export const CostQuerySchema = z.object({
  groupBy: z.array(Dimension).max(8).optional(),
  granularity: z.enum(["total", "month", "day"]),
  limit: z.number().int().min(1).max(100_000).optional(),
  where: z.partialRecord(Dimension, z.array(z.string().max(2048)).max(10_000)).optional(),
});

export function parseCostQuery(query: unknown): CostQuery {
  const parsed = CostQuerySchema.safeParse(query);
  if (!parsed.success) throw new NonRetryableJobError(`invalid cost query: ${z.prettifyError(parsed.error)}`, "invalid_input");
  return parsed.data;
}

/** Exact decimal sum as text; `COALESCE(…, 0)` only where the port promises a number. */
const sum = (column: string) => `CAST(SUM(${column}) AS VARCHAR)`;
const sum0 = (column: string, filter?: string) =>
  `CAST(COALESCE(SUM(${column})${filter ? ` FILTER (WHERE ${filter})` : ""}, 0) AS VARCHAR)`;
const isoDay = (column: string) => `strftime(${column}, '%Y-%m-%d')`;

export function costsStatement(query: CostQuery): Statement {
  const params: Array<string | number> = [];
  const bind = (value: string | number) => `$${params.push(value)}`;
  const dims = [...new Set(query.groupBy ?? [])];
  const period = query.granularity === "month" ? "month" : query.granularity === "day" ? isoDay("day") : undefined;
  const where: string[] = [];
  if (query.granularity !== "total") where.push(`${query.granularity} IS NOT NULL`);
  for (const [dimension, values] of Object.entries(query.where ?? {}) as Array<[CostDimension, readonly string[] | undefined]>) {
    if (!values) continue;
    const column = DIMENSION_COLUMNS[dimension];
    where.push(values.length === 0 ? "FALSE" : `${column} IN (${values.map(bind).join(", ")})`);
  }
  const groups = [...(period ? [period] : []), ...dims.map((d) => DIMENSION_COLUMNS[d])];
  const select = [
    ...(period ? [`${period} AS period`] : []),
    ...dims.map((d) => `${DIMENSION_COLUMNS[d]} AS "key_${d}"`),
    ...(dims.includes("subAccount") ? [`max(sub_account_name) AS label_subAccount`] : []),
    `${sum0("billed")} AS billed_cost`,
    `${sum("effective")} AS effective_cost`,
    `${sum("list")} AS list_cost`,
    `${sum("contracted")} AS contracted_cost`,
    `COUNT(*) AS source_rows`,
  ];
  const billedOrder = "COALESCE(SUM(billed), 0) DESC";
  const keyOrder = dims.map((d) => DIMENSION_COLUMNS[d]);
  const rank = query.limit
    ? `\nQUALIFY row_number() OVER (${period ? `PARTITION BY ${period} ` : ""}ORDER BY ${[billedOrder, ...keyOrder].join(", ")}) <= ${bind(query.limit)}`
    : "";
  const sql = `SELECT ${select.join(",\n  ")}
FROM focus${where.length > 0 ? `\nWHERE ${where.join("\n  AND ")}` : ""}${groups.length > 0 ? `\nGROUP BY ${groups.join(", ")}` : ""}
HAVING COUNT(*) > 0${rank}
ORDER BY ${[...(period ? [period] : []), billedOrder, ...keyOrder].join(", ")}`;
  return { sql, params };
}

/** A row is "used" commitment when its status says so, or (no status column) when it is covered usage. */
const USED = "(lower(cd_status) = 'used' OR (cd_status IS NULL AND lower(charge_category) = 'usage'))";
const UNUSED = "lower(cd_status) = 'unused'";

export const COMMITMENTS_SQL = `SELECT cd_id AS commitment_id,
  COALESCE(max(cd_name), '') AS name,
  COALESCE(max(cd_category), '') AS category,
  COALESCE(max(cd_type), '') AS type,
  max(provider) AS provider,
  ${sum0("effective", USED)} AS used_cost,
  ${sum0("effective", UNUSED)} AS unused_cost,
  CAST(SUM(list) FILTER (WHERE ${USED}) AS VARCHAR) AS used_list_cost,
  ${sum0("billed")} AS billed_cost,
  ${sum0("effective")} AS effective_cost,
  COUNT(*) AS source_rows,
  ${isoDay("min(day)")} AS first_day,
  ${isoDay("max(day)")} AS last_day
FROM focus
WHERE cd_id IS NOT NULL
GROUP BY cd_id
ORDER BY COALESCE(SUM(effective), 0) DESC, cd_id`;

/** Usage rows only; the unused part of a commitment is not usage anyone could cover. */
const COVERED = "(cd_id IS NOT NULL OR COALESCE(lower(pricing_category) IN ('committed', 'commitment-based'), FALSE))";
const ON_DEMAND = `(NOT ${COVERED} AND (pricing_category IS NULL OR lower(pricing_category) IN ('standard', 'on-demand')))`;

export const COVERAGE_SQL = `SELECT provider, service,
  ${sum0("effective", COVERED)} AS covered_cost,
  ${sum0("effective", ON_DEMAND)} AS on_demand_cost,
  ${sum0("effective", `NOT ${COVERED} AND NOT ${ON_DEMAND}`)} AS other_cost,
  COUNT(*) AS source_rows
FROM focus
WHERE lower(charge_category) = 'usage' AND (cd_status IS NULL OR lower(cd_status) <> 'unused')
GROUP BY provider, service
ORDER BY COALESCE(SUM(effective), 0) DESC, provider, service`;

/**
 * Each row's tag state. Tags that are not JSON but become a JSON object inside braces
 * (`"env": "prod"`, as older Azure exports write them) are read that way.
 */
const TAG_STATES = `WITH parsed AS (
  SELECT provider, billed, effective, tags IS NOT NULL AS has_tags,
    CASE WHEN json_valid(tags) THEN tags WHEN json_valid('{' || tags || '}') THEN '{' || tags || '}' END AS j
  FROM focus
), tag_states AS (
  SELECT *, CASE
    WHEN NOT has_tags THEN 'untagged'
    WHEN j IS NULL THEN 'invalid'
    WHEN json_type(j) = 'OBJECT' THEN CASE WHEN len(json_keys(j)) > 0 THEN 'tagged' ELSE 'untagged' END
    WHEN json_type(j) = 'NULL' THEN 'untagged'
    ELSE 'invalid'
  END AS tag_state
  FROM parsed
)`;

/** Effective-cost sum over a filter, NULL only when no row in scope has an EffectiveCost at all. */
const effectiveWhere = (filter: string) =>
  `CASE WHEN COUNT(effective) = 0 THEN NULL ELSE ${sum0("effective", filter)} END`;

export const TAG_SUMMARY_SQL = `${TAG_STATES}
SELECT GROUPING(provider) AS overall, provider,
  ${sum0("billed", "tag_state = 'tagged'")} AS tagged_cost,
  ${sum0("billed", "tag_state <> 'tagged'")} AS untagged_cost,
  ${effectiveWhere("tag_state = 'tagged'")} AS tagged_effective_cost,
  ${effectiveWhere("tag_state <> 'tagged'")} AS untagged_effective_cost,
  COUNT(*) FILTER (WHERE tag_state = 'tagged') AS tagged_rows,
  COUNT(*) FILTER (WHERE tag_state <> 'tagged') AS untagged_rows,
  COUNT(*) FILTER (WHERE tag_state = 'invalid') AS invalid_rows
FROM tag_states
GROUP BY GROUPING SETS ((), (provider))
ORDER BY overall DESC, provider`;

/** The keys carrying the most cost; a file can hold thousands of keys, a report needs the top ones. */
export const TAG_KEY_LIMIT = 1000;

export const TAG_KEYS_SQL = `${TAG_STATES}
SELECT e.key AS tag_key,
  ${sum0("billed")} AS billed_cost,
  ${sum("effective")} AS effective_cost,
  COUNT(*) AS source_rows,
  COUNT(DISTINCT json_extract_string(e.value, '$')) AS distinct_values
FROM tag_states, json_each(tag_states.j) AS e
WHERE tag_state = 'tagged'
GROUP BY e.key
ORDER BY COALESCE(SUM(billed), 0) DESC, tag_key
LIMIT ${TAG_KEY_LIMIT}`;

/** Invalid-tag rows, for `describe` warnings (same rules as the coverage). */
export const INVALID_TAGS_SQL = `${TAG_STATES}
SELECT COUNT(*) FILTER (WHERE tag_state = 'invalid') AS invalid_rows FROM tag_states`;

/**
 * Per resource: cost per charge day (mean, population stddev), and the daily quantity
 * of its main ConsumedUnit (the unit carrying most of its cost), first and last day.
 */
export function resourcesStatement(limit: number): Statement {
  const sql = `WITH daily AS (
  SELECT resource_id, day, consumed_unit, SUM(billed) AS cost, SUM(consumed_qty) AS qty
  FROM focus
  WHERE resource_id <> '' AND day IS NOT NULL
  GROUP BY resource_id, day, consumed_unit
), main_unit AS (
  SELECT resource_id, arg_max(consumed_unit, unit_cost) AS unit
  FROM (SELECT resource_id, consumed_unit, COALESCE(SUM(cost), 0) AS unit_cost FROM daily WHERE consumed_unit IS NOT NULL GROUP BY resource_id, consumed_unit)
  GROUP BY resource_id
), cost_days AS (
  SELECT resource_id, day, COALESCE(SUM(cost), 0) AS cost FROM daily GROUP BY resource_id, day
), cost_stats AS (
  SELECT resource_id, COUNT(*) AS days, ${isoDay("min(day)")} AS first_day, ${isoDay("max(day)")} AS last_day,
    avg(CAST(cost AS DOUBLE)) AS mean_daily_cost, stddev_pop(CAST(cost AS DOUBLE)) AS daily_cost_stddev
  FROM cost_days GROUP BY resource_id
), quantity_days AS (
  SELECT d.resource_id, d.day, SUM(d.qty) AS qty
  FROM daily d JOIN main_unit u ON d.resource_id = u.resource_id AND d.consumed_unit = u.unit
  GROUP BY d.resource_id, d.day
), quantity_stats AS (
  SELECT resource_id, CAST(SUM(qty) AS VARCHAR) AS quantity,
    CAST(arg_min(qty, day) AS VARCHAR) AS first_day_quantity, CAST(arg_max(qty, day) AS VARCHAR) AS last_day_quantity,
    stddev_pop(CAST(qty AS DOUBLE)) AS daily_quantity_stddev
  FROM quantity_days GROUP BY resource_id
), info AS (
  SELECT resource_id,
    COALESCE(max(resource_name), '') AS resource_name, COALESCE(max(resource_type), '') AS resource_type,
    COALESCE(arg_max(provider, billed), max(provider)) AS provider, COALESCE(arg_max(service, billed), max(service)) AS service,
    COALESCE(arg_max(region, billed), max(region)) AS region, COALESCE(arg_max(sub_account, billed), max(sub_account)) AS sub_account,
    COALESCE(max(sub_account_name), '') AS sub_account_name,
    COALESCE(SUM(billed), 0) AS billed, ${sum("effective")} AS effective_cost
  FROM focus WHERE resource_id <> '' GROUP BY resource_id
)
SELECT i.resource_id, i.resource_name, i.resource_type, i.provider, i.service, i.region, i.sub_account, i.sub_account_name,
  CAST(i.billed AS VARCHAR) AS billed_cost, i.effective_cost,
  c.days, c.first_day, c.last_day, c.mean_daily_cost, c.daily_cost_stddev,
  u.unit AS consumed_unit, q.quantity, q.first_day_quantity, q.last_day_quantity, q.daily_quantity_stddev
FROM info i
JOIN cost_stats c USING (resource_id)
LEFT JOIN main_unit u USING (resource_id)
LEFT JOIN quantity_stats q USING (resource_id)
ORDER BY i.billed DESC, i.resource_id
LIMIT $1`;
  return { sql, params: [limit] };
}

export function unitCostsStatement(limit: number): Statement {
  const priced = "(pricing_unit IS NOT NULL AND pricing_qty IS NOT NULL)";
  const sql = `SELECT provider, service, region, unit, unit_source,
  ${sum0("billed")} AS billed_cost, ${sum("effective")} AS effective_cost, ${sum("qty")} AS quantity, COUNT(*) AS source_rows
FROM (
  SELECT provider, service, region, billed, effective,
    CASE WHEN ${priced} THEN pricing_unit ELSE consumed_unit END AS unit,
    CASE WHEN ${priced} THEN 'pricing' ELSE 'consumed' END AS unit_source,
    CASE WHEN ${priced} THEN pricing_qty ELSE consumed_qty END AS qty
  FROM focus
  WHERE lower(charge_category) = 'usage'
)
WHERE unit IS NOT NULL AND qty IS NOT NULL
GROUP BY provider, service, region, unit, unit_source
ORDER BY COALESCE(SUM(billed), 0) DESC, provider, service, region, unit
LIMIT $1`;
  return { sql, params: [limit] };
}
