import { z } from "zod";

/**
 * `job_completed.result` of a `finops_analysis` job (and what `analyzeCosts` returns).
 * The dashboard renders it and lets users download it, so every field says what it
 * holds and in which unit.
 *
 * Conventions:
 * - Amounts are sums in `cost_analysis.currency` (the dataset's billing currency), as
 *   plain numbers at full precision; only the markdown rounds. Unless a field names
 *   another metric, an amount is FOCUS **BilledCost** (what the invoice charges).
 * - A metric the source does not have (Cost Explorer has no list cost) is `null`, never 0.
 * - Every section carries `queries`: the SQL or API request text its figures came
 *   from, so any number in the report can be traced and re-run.
 * - A section that could not be computed says so with `available: false` and a
 *   `reason` a person can act on, instead of being left out silently.
 */

/** SQL (FOCUS exports) or request (Cost Explorer) text behind a section's figures. */
const Queries = z.array(z.string());

const Money = z.number();
const OptionalMoney = z.number().nullable();

/** Whether a section could be computed; when not, why. */
const Availability = {
  available: z.boolean(),
  /** Why the section is empty or missing ("only one billing period", "the source has no Tags column"). */
  reason: z.string().optional(),
};

/** Billed, effective, list and contracted cost of one group. */
const CostFigures = {
  billedCost: Money,
  /** Amortised cost after discounts; see `cost_comparison.effectiveCostReliable`. */
  effectiveCost: OptionalMoney,
  listCost: OptionalMoney,
  contractedCost: OptionalMoney,
};

export const FinopsPeriodTotal = z.object({
  /** Billing period, `YYYY-MM`. */
  period: z.string(),
  ...CostFigures,
  /** Source rows in the period (FOCUS only). */
  rows: z.number().int().optional(),
  /**
   * Share (0–1) of the period's days inside the charge days the data covers. Below
   * `FinopsResult.cost_analysis.dataset.completeCoverage` the period is partial and left
   * out of month-over-month comparisons and the forecast's target.
   */
  coverage: z.number(),
});

export const FinopsTotals = z.object({
  /** The headline figures over the whole dataset. */
  totalBilledCost: Money,
  totalEffectiveCost: OptionalMoney,
  totalListCost: OptionalMoney,
  totalContractedCost: OptionalMoney,
  rows: z.number().int().optional(),
  byPeriod: z.array(FinopsPeriodTotal),
  queries: Queries,
});

export const FinopsBreakdownRow = z.object({
  /** The group's value (ServiceName, SubAccountId, RegionId, …); `""` where the data has none. */
  key: z.string(),
  /** Display name where the source has one (SubAccountName for sub-accounts). */
  label: z.string().optional(),
  ...CostFigures,
  /** Share (0–1) of the dataset's total billed cost. */
  share: z.number(),
  rows: z.number().int().optional(),
});

/** Spend grouped by one dimension, the largest groups first. */
export const FinopsBreakdown = z.object({
  ...Availability,
  /** FOCUS column the rows are grouped by. */
  dimension: z.string(),
  rows: z.array(FinopsBreakdownRow),
  /** Billed cost of the groups beyond the listed ones. */
  otherBilledCost: Money,
  queries: Queries,
});

export const FinopsMover = z.object({
  key: z.string(),
  label: z.string().optional(),
  previousCost: Money,
  currentCost: Money,
  /** `currentCost − previousCost`. */
  change: Money,
  /** `change / previousCost`; null when the group is new (nothing in the previous period). */
  changeRatio: z.number().nullable(),
});

export const FinopsMovers = z.object({
  ...Availability,
  /** The two complete billing periods compared, `YYYY-MM`. */
  previousPeriod: z.string().optional(),
  currentPeriod: z.string().optional(),
  /** How groups were selected and ordered. */
  rule: z.string(),
  /** Largest absolute changes first. */
  byService: z.array(FinopsMover),
  bySubAccount: z.array(FinopsMover),
  /** Fastest relative growth first, among groups big enough to matter (see `rule`). */
  fastestGrowingServices: z.array(FinopsMover),
  queries: Queries,
});

export const FinopsAnomaly = z.object({
  /** Charge day, `YYYY-MM-DD` (UTC). */
  day: z.string(),
  /** `total` for the daily total, `service` for one service's daily cost. */
  scope: z.enum(["total", "service"]),
  /** ServiceName when `scope` is `service`. */
  key: z.string().optional(),
  cost: Money,
  /** What the day would be expected to cost (see `method`). */
  baseline: Money,
  /** `cost − baseline`. */
  delta: Money,
  /** Robust z-score of the delta. */
  z: z.number(),
});

export const FinopsAnomalies = z.object({
  ...Availability,
  method: z.string(),
  /** Flagged when `|z| ≥ zThreshold` and `|delta| ≥ minDeltaShare × mean daily cost` of that series. */
  zThreshold: z.number(),
  minDeltaShare: z.number(),
  daysAnalysed: z.number().int(),
  /** Services examined one by one (the largest by billed cost). */
  servicesAnalysed: z.array(z.string()),
  /** Largest |z| first. */
  anomalies: z.array(FinopsAnomaly),
  queries: Queries,
});

export const FinopsForecast = z.object({
  ...Availability,
  /** The billing period forecast, `YYYY-MM`. */
  period: z.string().optional(),
  method: z.string(),
  /** Point forecast of the period's billed cost. */
  billedCost: Money.optional(),
  /** Prediction band (`confidence`, e.g. 0.9) around it. */
  low: Money.optional(),
  high: Money.optional(),
  confidence: z.number().optional(),
  /** Fitted change of daily cost per day (the trend); 0 when no trend was fitted. */
  trendPerDay: z.number().optional(),
  /** Fitted growth per month (0.03 = 3 %) when the trend is exponential. */
  growthPerMonth: z.number().optional(),
  /** Days of history the model was fitted on, and those it left out as anomalies. */
  basisDays: z.number().int().optional(),
  excludedDays: z.array(z.string()).optional(),
  notes: z.array(z.string()),
  queries: Queries,
});

export const FinopsCommitment = z.object({
  /** CommitmentDiscountId. */
  id: z.string(),
  name: z.string().optional(),
  /** CommitmentDiscountType (`Savings Plan`, `Reserved Instance`, …). */
  type: z.string().optional(),
  /** CommitmentDiscountCategory (`Spend` or `Usage`). */
  category: z.string().optional(),
  provider: z.string().optional(),
  /** EffectiveCost of the usage the commitment covered (`CommitmentDiscountStatus` = Used). */
  usedCost: Money,
  /** EffectiveCost of the part that went unused (`CommitmentDiscountStatus` = Unused). */
  unusedCost: Money,
  /** usedCost / (usedCost + unusedCost); null when both are 0. */
  utilization: z.number().nullable(),
  /** Unused cost per month: `unusedCost` over the months between the first and last charge day it appears on (at least one). */
  monthlyUnusedCost: Money,
  /** Charge days the commitment appears on, `YYYY-MM-DD`. */
  firstDay: z.string(),
  lastDay: z.string(),
});

export const FinopsCommitments = z.object({
  ...Availability,
  /** used / (used + unused) over every commitment (0–1); null when there is none. */
  utilization: z.number().nullable(),
  /** Share (0–1) of eligible usage a commitment paid for; null when nothing is eligible. */
  coverage: z.number().nullable(),
  /** What `coverage` is measured against, in words. */
  coverageBasis: z.string(),
  commitments: z.array(FinopsCommitment),
  queries: Queries,
});

export const FinopsTagKey = z.object({
  key: z.string(),
  /** Billed cost of the rows that carry this key (a row with three keys counts under each). */
  cost: Money,
  /** cost / total billed cost. */
  share: z.number(),
  /** Distinct values seen for the key. */
  values: z.number().int(),
});

export const FinopsTagCoverage = z.object({
  ...Availability,
  taggedCost: Money.optional(),
  untaggedCost: Money.optional(),
  /** Share (0–1) of billed cost on rows with no tags at all. */
  untaggedShare: z.number().optional(),
  /** Rows whose Tags could not be read as a JSON object (counted as untagged). */
  invalidTagRows: z.number().int().optional(),
  byProvider: z.array(z.object({ provider: z.string(), taggedCost: Money, untaggedCost: Money, untaggedShare: z.number() })),
  /** Tag keys by the cost they cover, largest first. */
  keys: z.array(FinopsTagKey),
  queries: Queries,
});

export const FinopsProviderBasis = z.object({
  provider: z.string(),
  ...CostFigures,
  /** effectiveCost / billedCost; null when either is missing or billed is 0. */
  effectiveToBilled: z.number().nullable(),
});

/** BilledCost (invoiced) vs EffectiveCost (amortised, after discounts) vs ListCost (public prices). */
export const FinopsCostComparison = z.object({
  ...CostFigures,
  /** listCost − billedCost: what negotiated and commitment discounts took off the list price. */
  discountFromList: OptionalMoney,
  /**
   * False when EffectiveCost should not be used to judge savings: the source warned
   * about it, or a provider's effective total is far from its billed total with no
   * commitment to explain it. Then `notes` says what was seen.
   */
  effectiveCostReliable: z.boolean(),
  byProvider: z.array(FinopsProviderBasis),
  notes: z.array(z.string()),
  queries: Queries,
});

export const FinopsDataset = z.object({
  /** `focus` or `cost-explorer`. */
  source: z.string(),
  /** The billing currency of every amount (with several in the data, the first one, and a warning). */
  currency: z.string(),
  focusVersion: z.string().optional(),
  rows: z.number().int().optional(),
  providers: z.array(z.string()),
  /** First and last charge day, `YYYY-MM-DD`. */
  firstDay: z.string(),
  lastDay: z.string(),
  /** Every billing period present, and those complete enough to compare. */
  periods: z.array(z.string()),
  completePeriods: z.array(z.string()),
  /** Coverage (0–1) at or above which a period counts as complete. */
  completeCoverage: z.number(),
  /** Data quirks the source noticed (and the analysis added). */
  warnings: z.array(z.string()),
  queries: Queries,
});

export const FinopsCostAnalysis = z.object({
  /** The billing currency every amount is in (ISO 4217). */
  currency: z.string(),
  /** The cost metric the analyses use, with why, in one sentence. */
  costBasis: z.string(),
  dataset: FinopsDataset,
  totals: FinopsTotals,
  /** Spend by provider, service, service category, sub-account, region and charge category. */
  breakdowns: z.object({
    provider: FinopsBreakdown,
    service: FinopsBreakdown,
    serviceCategory: FinopsBreakdown,
    subAccount: FinopsBreakdown,
    region: FinopsBreakdown,
    chargeCategory: FinopsBreakdown,
  }),
  movers: FinopsMovers,
  anomalies: FinopsAnomalies,
  forecast: FinopsForecast,
  commitments: FinopsCommitments,
  tags: FinopsTagCoverage,
  cost_comparison: FinopsCostComparison,
  /** Sum of the recommendations' estimated monthly savings (those with a number). */
  estimatedMonthlySavings: Money,
});

/** One row of evidence: column → value, as the query returned it. */
export const FinopsEvidenceRow = z.record(z.string(), z.union([z.string(), z.number(), z.null()]));

export const FinopsRecommendation = z.object({
  /** Stable id (`commitment:<CommitmentDiscountId>`, `region:<service>:<region>`, …). */
  id: z.string(),
  /** 1 = act on this first; see `ranking`. */
  rank: z.number().int().positive(),
  category: z.enum(["commitment", "idle_resource", "growth", "tagging", "region"]),
  title: z.string(),
  description: z.string(),
  /** Money a month this would save, in `currency`; null when acting on it saves nothing directly (tagging, reviewing growth). */
  estimatedMonthlySaving: OptionalMoney,
  /** For recommendations without a saving: the monthly spend concerned, which orders them. */
  spendAtRisk: OptionalMoney,
  currency: z.string(),
  /** How the saving (or spend at risk) was estimated, in a sentence. */
  savingMethod: z.string(),
  confidence: z.enum(["high", "medium", "low"]),
  /** The rows the recommendation rests on and the query that returned them. */
  evidence: z.object({ query: z.string(), rows: z.array(FinopsEvidenceRow) }),
  /** The ordering rule, the same on every item, so a reader can check the rank. */
  ranking: z.string(),
});

export const FinopsResult = z.object({
  agent: z.literal("finops"),
  /** The user's question, as asked. */
  query: z.string(),
  /** Markdown for people: the answer first, then tables of totals, movers, anomalies, forecast and recommendations. */
  response: z.string(),
  cost_analysis: FinopsCostAnalysis,
  /** Ranked: money-saving items by estimated monthly saving, then the rest by spend at risk. */
  optimization_recommendations: z.array(FinopsRecommendation),
  /** Model or inference profile that wrote the narrative; the offline one is `offline-extractive-…`. */
  model: z.string(),
  /** False when no language model wrote the narrative (the offline template). */
  narrativeByLanguageModel: z.boolean(),
});
export type FinopsResult = z.infer<typeof FinopsResult>;
export type FinopsCostAnalysis = z.infer<typeof FinopsCostAnalysis>;
export type FinopsRecommendation = z.infer<typeof FinopsRecommendation>;
export type FinopsBreakdown = z.infer<typeof FinopsBreakdown>;
export type FinopsMovers = z.infer<typeof FinopsMovers>;
export type FinopsMover = z.infer<typeof FinopsMover>;
export type FinopsAnomalies = z.infer<typeof FinopsAnomalies>;
export type FinopsAnomaly = z.infer<typeof FinopsAnomaly>;
export type FinopsForecast = z.infer<typeof FinopsForecast>;
export type FinopsCommitments = z.infer<typeof FinopsCommitments>;
export type FinopsTagCoverage = z.infer<typeof FinopsTagCoverage>;
export type FinopsCostComparison = z.infer<typeof FinopsCostComparison>;
export type FinopsTotals = z.infer<typeof FinopsTotals>;
export type FinopsDataset = z.infer<typeof FinopsDataset>;
export type FinopsEvidenceRow = z.infer<typeof FinopsEvidenceRow>;
export type FinopsCommitment = z.infer<typeof FinopsCommitment>;
