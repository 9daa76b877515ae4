import { NonRetryableJobError } from "../errors";

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
  /** Rows come sorted by period (ascending), then billed cost (descending). */
  costs(query: CostQuery, options?: { signal?: AbortSignal }): Promise<CostAnswer<CostRow>>;
  /** Commitment discounts (savings plans, reservations…) and how much usage they cover. */
  commitments?(options?: { signal?: AbortSignal }): Promise<CostAnswer<CommitmentRow>>;
  /** How much cost carries tags, overall, per provider and per tag key. */
  tagCoverage?(options?: { signal?: AbortSignal }): Promise<CostAnswer<TagCoverageRow>>;
  /** The costliest resources with their daily cost and usage profile, highest billed cost first. */
  resources?(options?: { limit?: number; signal?: AbortSignal }): Promise<CostAnswer<ResourceRow>>;
  /** Cost per unit of usage per service, unit and region, highest billed cost first. */
  unitCosts?(options?: { limit?: number; signal?: AbortSignal }): Promise<CostAnswer<UnitCostRow>>;
  close(): Promise<void>;
}

/**
 * One commitment discount (FOCUS CommitmentDiscountId), with the split of its amortised
 * cost into used and unused parts (CommitmentDiscountStatus). Utilization is
 * `usedCost / (usedCost + unusedCost)`.
 */
export interface CommitmentDiscountRow {
  kind: "commitment";
  commitmentDiscountId: string;
  /** CommitmentDiscountName, `""` when absent. */
  name: string;
  /** CommitmentDiscountCategory: `Spend` or `Usage` (`""` when absent). */
  category: string;
  /** CommitmentDiscountType, e.g. "Savings Plan", "Reserved Instance". */
  type: string;
  provider: string;
  /** EffectiveCost of the rows the commitment covered (status `Used`). */
  usedCost: number;
  /** EffectiveCost of the commitment's unused part (status `Unused`). */
  unusedCost: number;
  /** ListCost of the covered rows: what that usage would have cost without the commitment. */
  usedListCost: number | null;
  /** Sums over every row carrying the id: purchases, covered usage and unused parts. */
  billedCost: number;
  effectiveCost: number;
  rows: number;
  /** Charge days the commitment appears on, `YYYY-MM-DD`. */
  firstDay: string;
  lastDay: string;
}

/**
 * Usage per provider and service split by how it was paid, the raw material of coverage
 * (the share of eligible usage covered by commitments): `coveredCost / (coveredCost + onDemandCost)`
 * over the services a commitment could apply to. Amounts are EffectiveCost of `Usage` rows.
 */
export interface CommitmentCoverageRow {
  kind: "coverage";
  provider: string;
  service: string;
  /** Usage a commitment discount paid for (CommitmentDiscountId set). */
  coveredCost: number;
  /** Usage at on-demand prices: no commitment and PricingCategory `Standard` or absent. */
  onDemandCost: number;
  /** Other usage: spot (`Dynamic`) or `Other` pricing, never coverable. */
  otherCost: number;
  rows: number;
}

export type CommitmentRow = CommitmentDiscountRow | CommitmentCoverageRow;

/**
 * Tagged vs untagged cost. A row is tagged when its Tags hold a JSON object with at least
 * one key; NULL, empty, `{}` and text that is not a JSON object count as untagged, and the
 * last are also counted in `invalidTagRows` so a report can say the tags could not be read.
 */
export interface TagCoverageSummaryRow {
  /** `overall`: every row; `provider`: one provider's rows. */
  kind: "overall" | "provider";
  provider?: string;
  taggedCost: number;
  untaggedCost: number;
  taggedEffectiveCost: number | null;
  untaggedEffectiveCost: number | null;
  taggedRows: number;
  untaggedRows: number;
  invalidTagRows: number;
}

/** One tag key: the cost of the rows carrying it. A row with three keys counts under each. */
export interface TagKeyRow {
  kind: "tagKey";
  tagKey: string;
  billedCost: number;
  effectiveCost: number | null;
  rows: number;
  /** Distinct values seen for the key. */
  values: number;
}

export type TagCoverageRow = TagCoverageSummaryRow | TagKeyRow;

/**
 * One resource (FOCUS ResourceId) with its daily profile: the raw material for
 * "idle-looking" resources, whose cost is steady while their usage does not move.
 * Quantities are in the resource's main ConsumedUnit (the unit carrying most of its cost).
 */
export interface ResourceRow {
  resourceId: string;
  resourceName: string;
  resourceType: string;
  provider: string;
  service: string;
  region: string;
  subAccount: string;
  subAccountName: string;
  billedCost: number;
  effectiveCost: number | null;
  /** Charge days with at least one row for the resource. */
  days: number;
  firstDay: string;
  lastDay: string;
  meanDailyCost: number;
  /** Population standard deviation of the billed cost per charge day (0 for one day). */
  dailyCostStddev: number;
  consumedUnit: string | null;
  consumedQuantity: number | null;
  firstDayQuantity: number | null;
  lastDayQuantity: number | null;
  dailyQuantityStddev: number | null;
}

/**
 * Usage cost per unit for one provider, service, unit and region: the raw material for
 * "the same service is cheaper in another region". Only `Usage` rows with a quantity count.
 */
export interface UnitCostRow {
  provider: string;
  service: string;
  region: string;
  unit: string;
  /** `pricing` (PricingUnit / PricingQuantity) or `consumed` (ConsumedUnit / ConsumedQuantity when there is no pricing unit). */
  unitSource: "pricing" | "consumed";
  billedCost: number;
  effectiveCost: number | null;
  quantity: number;
  /** `null` when the quantity is 0. */
  billedCostPerUnit: number | null;
  effectiveCostPerUnit: number | null;
  rows: number;
}

/**
 * The source cannot answer this question (Cost Explorer has no FOCUS tag column; a FOCUS
 * file without ResourceId cannot list resources). Analyses catch it and say which section
 * they could not compute; a job that does not is failed without retries.
 */
export class UnsupportedCostQueryError extends NonRetryableJobError {
  constructor(
    message: string,
    /** What was asked: a method name (`tagCoverage`) or a dimension (`groupBy:resource`). */
    readonly capability: string,
    options?: ErrorOptions,
  ) {
    super(message, "invalid_input", options);
  }
}
