/**
 * Dimensions costs can be grouped by, named after their FOCUS columns:
 * `provider` ProviderName, `service` ServiceName, `serviceCategory` ServiceCategory,
 * `subAccount` SubAccountId (with SubAccountName in `labels`), `region` RegionId
 * (RegionName when no id), `chargeCategory` ChargeCategory, `resource` ResourceId,
 * `billingAccount` BillingAccountId. Cost Explorer maps them to SERVICE, LINKED_ACCOUNT,
 * REGION and RECORD_TYPE; what it cannot group by it refuses with `UnsupportedCostQueryError`.
 */
export type CostDimension = "provider" | "service" | "serviceCategory" | "subAccount" | "region" | "chargeCategory" | "resource" | "billingAccount";

/** `total`: one row per group; `month`: per billing period (`YYYY-MM`); `day`: per charge day (`YYYY-MM-DD`, UTC). */
export type CostGranularity = "total" | "month" | "day";

export interface CostQuery {
  groupBy?: readonly CostDimension[];
  granularity: CostGranularity;
  /** Keep only the `limit` groups with the highest billed cost (per period). */
  limit?: number;
  /** Only rows whose dimension equals one of the values. */
  where?: Partial<Record<CostDimension, readonly string[]>>;
}

/**
 * One aggregated group. Amounts are sums in the billing currency. A metric the source
 * does not have (Cost Explorer has no list cost) is `null`, never 0.
 */
export interface CostRow {
  /** `YYYY-MM` or `YYYY-MM-DD`; absent for `total`. */
  period?: string;
  /** The group's value per grouped dimension; `""` where the source has none (e.g. no region). */
  keys: Partial<Record<CostDimension, string>>;
  /** Display names where the source has them (`subAccount` → SubAccountName). */
  labels?: Partial<Record<CostDimension, string>>;
  billedCost: number;
  effectiveCost: number | null;
  listCost: number | null;
  contractedCost: number | null;
  /** Source rows summed into this group (FOCUS only). */
  rows?: number;
}

/** Every answer carries the query that produced it, so every figure in a report is traceable. */
export interface CostAnswer<Row> {
  rows: Row[];
  /** The SQL (FOCUS) or API request (Cost Explorer) that produced `rows`, as text. */
  query: string;
}

export interface CostDatasetInfo {
  /** `focus` or `cost-explorer`. */
  source: string;
  /** FOCUS version the columns match best (`1.0`, `1.1`, `1.2`), when known. */
  focusVersion?: string;
  rows?: number;
  currency: string[];
  providers: string[];
  /** First and last charge day (`YYYY-MM-DD`, inclusive). */
  firstDay: string;
  lastDay: string;
  /** Billing periods present, `YYYY-MM`, ascending. */
  periods: string[];
  /** Optional FOCUS columns present, so analyses can say what they could not compute. */
  columns: string[];
  /** Data quirks noticed while reading (e.g. "EffectiveCost is 0 on 40% of AWS rows with BilledCost > 0"). */
  warnings: string[];
}

/**
 * Where billing data comes from, aggregated at the source: FOCUS exports through
 * DuckDB (`focus-duckdb-source`) or AWS Cost Explorer (`cost-explorer-source`).
 * No adapter hands whole files to JS; each returns aggregates.
 *
 * @remarks
 * Methods beyond `describe` and `costs` are optional: a source that cannot answer
 * (Cost Explorer has no FOCUS commitment or tag columns) leaves them out, and the
 * analysis says which section it could not compute and why.
 */
export interface CostSource {
  describe(options?: { signal?: AbortSignal }): Promise<CostDatasetInfo>;
  costs(query: CostQuery, options?: { signal?: AbortSignal }): Promise<CostAnswer<CostRow>>;
  close(): Promise<void>;
}
