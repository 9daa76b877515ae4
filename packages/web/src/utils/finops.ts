import { FinopsResult } from "@ferry/core/protocol";

/**
 * Reading a `finops_analysis` result for the page: the markdown report, the
 * recommendations in rank order, and headline totals. The result arrives as
 * `unknown` off the wire. It is read through the wire schema (`FinopsResult`);
 * a result that does not match it (a worker of another version) is still read
 * field by field for what can be shown, so the report never goes blank.
 * These readers never throw.
 * @module
 */

export interface RecommendationRow {
  rank: number;
  title: string;
  detail: string | undefined;
  /** Estimated saving per month in `currency`; undefined when the analysis could not put a number on it. */
  monthlySaving: number | undefined;
  currency: string | undefined;
  /** For items that save nothing directly (tagging, growth to review): the monthly spend concerned. */
  spendAtRisk: number | undefined;
  /** Qualifiers the analysis gives (category, confidence, …), as words. */
  tags: string[];
}

export interface FinopsView {
  agent: string | undefined;
  query: string | undefined;
  /** Markdown. */
  response: string;
  recommendations: RecommendationRow[];
  /** Headline figures such as total billed cost, as label/value pairs. */
  totals: Array<{ label: string; value: number; currency: string | undefined }>;
  currency: string | undefined;
  /** What the data covers, in one line ("FOCUS 1.0 · 670 rows · 2024-09-01 to 2024-09-30 · AWS, Microsoft"). */
  dataset: string | undefined;
  /** Data quirks worth knowing before trusting a figure. */
  warnings: string[];
  /** Who wrote the narrative. */
  model: string | undefined;
  /** False when a template, not a language model, wrote it (the offline stack). */
  narrativeByLanguageModel: boolean | undefined;
}

type Dict = Record<string, unknown>;
const isDict = (v: unknown): v is Dict => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" && v.trim() ? v.trim() : undefined);
const num = (v: unknown): number | undefined =>
  typeof v === "number" && Number.isFinite(v) ? v : typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v)) ? Number(v) : undefined;

const pick = <T>(o: Dict, keys: readonly string[], read: (v: unknown) => T | undefined): T | undefined => {
  for (const key of keys) {
    const value = read(o[key]);
    if (value !== undefined) return value;
  }
  return undefined;
};

const SAVING_KEYS = [
  "estimatedMonthlySavings",
  "estimated_monthly_savings",
  "estimatedMonthlySaving",
  "estimated_monthly_saving",
  "monthlySavings",
  "monthly_savings",
  "monthlySaving",
  "monthly_saving",
  "savings",
  "saving",
];
const TITLE_KEYS = ["title", "name", "recommendation", "action", "summary"];
const DETAIL_KEYS = ["description", "detail", "details", "rationale", "reason", "explanation"];
const TAG_KEYS = ["category", "type", "priority", "effort", "risk", "confidence", "impact"];

/** Reads a `finops_analysis` result; undefined when it has no report at all. */
export function readFinopsResult(value: unknown): FinopsView | undefined {
  const parsed = FinopsResult.safeParse(value);
  return parsed.success ? fromSchema(parsed.data) : readLoosely(value);
}

function fromSchema(result: FinopsResult): FinopsView {
  const analysis = result.cost_analysis;
  const { currency, totals, dataset } = analysis;
  const figures: FinopsView["totals"] = [{ label: "Billed cost", value: totals.totalBilledCost, currency }];
  if (totals.totalEffectiveCost !== null) figures.push({ label: "Effective cost", value: totals.totalEffectiveCost, currency });
  if (totals.totalListCost !== null) figures.push({ label: "List cost", value: totals.totalListCost, currency });
  figures.push({ label: "Estimated monthly savings", value: analysis.estimatedMonthlySavings, currency });
  const recommendations = [...result.optimization_recommendations]
    .sort((a, b) => a.rank - b.rank)
    .map(
      (r): RecommendationRow => ({
        rank: r.rank,
        title: r.title,
        detail: r.description === r.title ? undefined : r.description,
        monthlySaving: r.estimatedMonthlySaving ?? undefined,
        spendAtRisk: r.spendAtRisk ?? undefined,
        currency: r.currency,
        tags: [CATEGORY[r.category] ?? r.category, `${r.confidence} confidence`],
      }),
    );
  return {
    agent: result.agent,
    query: result.query,
    response: result.response,
    recommendations,
    totals: figures,
    currency,
    dataset: describeDataset(dataset),
    warnings: dataset.warnings,
    model: result.model,
    narrativeByLanguageModel: result.narrativeByLanguageModel,
  };
}

const CATEGORY: Record<string, string> = {
  commitment: "Commitment discounts",
  idle_resource: "Idle resource",
  growth: "Growth to review",
  tagging: "Tagging",
  region: "Region",
};

function describeDataset(dataset: FinopsResult["cost_analysis"]["dataset"]): string {
  const source = dataset.source === "focus" ? `FOCUS${dataset.focusVersion ? ` ${dataset.focusVersion}` : ""}` : dataset.source === "cost-explorer" ? "Cost Explorer" : dataset.source;
  return [
    source,
    dataset.rows !== undefined ? `${dataset.rows.toLocaleString()} rows` : undefined,
    dataset.firstDay && dataset.lastDay ? `${dataset.firstDay} to ${dataset.lastDay}` : undefined,
    dataset.providers.length > 0 ? dataset.providers.join(", ") : undefined,
  ]
    .filter(Boolean)
    .join(" · ");
}

function readLoosely(value: unknown): FinopsView | undefined {
  if (!isDict(value)) return undefined;
  const response = str(value.response);
  const analysis = isDict(value.cost_analysis) ? value.cost_analysis : isDict(value.costAnalysis) ? value.costAnalysis : {};
  const currency = pick(analysis, ["currency", "billingCurrency"], str) ?? (Array.isArray(analysis.currency) ? str(analysis.currency[0]) : undefined);
  const recommendations = readRecommendations(value.optimization_recommendations ?? value.optimizationRecommendations, currency);
  if (response === undefined && recommendations.length === 0) return undefined;
  return {
    agent: str(value.agent),
    query: str(value.query),
    response: response ?? "",
    recommendations,
    totals: readTotals(analysis, currency),
    currency,
    dataset: undefined,
    warnings: [],
    model: str(value.model),
    narrativeByLanguageModel: typeof value.narrativeByLanguageModel === "boolean" ? value.narrativeByLanguageModel : undefined,
  };
}

/** Recommendations, highest estimated saving first; those without a number keep their order after them. */
function readRecommendations(value: unknown, currency?: string): RecommendationRow[] {
  const list = Array.isArray(value) ? value : isDict(value) && Array.isArray(value.items) ? value.items : [];
  const rows = list.flatMap((item, index): Array<Omit<RecommendationRow, "rank"> & { index: number }> => {
    if (typeof item === "string") return [{ index, title: item, detail: undefined, monthlySaving: undefined, spendAtRisk: undefined, currency, tags: [] }];
    if (!isDict(item)) return [];
    const title = pick(item, TITLE_KEYS, str) ?? pick(item, DETAIL_KEYS, str);
    if (!title) return [];
    const detail = pick(item, DETAIL_KEYS, str);
    return [
      {
        index,
        title,
        detail: detail === title ? undefined : detail,
        monthlySaving: pick(item, SAVING_KEYS, num),
        spendAtRisk: pick(item, ["spendAtRisk", "spend_at_risk"], num),
        currency: pick(item, ["currency"], str) ?? currency,
        tags: TAG_KEYS.flatMap((key) => {
          const tag = str(item[key]) ?? (typeof item[key] === "number" ? String(item[key]) : undefined);
          return tag ? [`${key}: ${tag}`] : [];
        }),
      },
    ];
  });
  rows.sort((a, b) => (b.monthlySaving ?? -Infinity) - (a.monthlySaving ?? -Infinity) || a.index - b.index);
  return rows.map(({ index: _, ...row }, i) => ({ rank: i + 1, ...row }));
}

const TOTAL_LABELS: Array<[string[], string]> = [
  [["totalBilledCost", "total_billed_cost", "billedCost", "billed_cost", "totalCost", "total_cost", "total"], "Billed cost"],
  [["totalEffectiveCost", "total_effective_cost", "effectiveCost", "effective_cost"], "Effective cost"],
  [["totalListCost", "total_list_cost", "listCost", "list_cost"], "List cost"],
  [["totalContractedCost", "total_contracted_cost", "contractedCost", "contracted_cost"], "Contracted cost"],
  [["totalMonthlySavings", "total_monthly_savings", "estimatedMonthlySavings", "estimated_monthly_savings", "potentialSavings", "potential_savings"], "Estimated monthly savings"],
];

function readTotals(analysis: Dict, currency: string | undefined): FinopsView["totals"] {
  const sources = [analysis, ...["totals", "total", "summary"].map((k) => analysis[k]).filter(isDict)];
  const totals: FinopsView["totals"] = [];
  for (const [keys, label] of TOTAL_LABELS) {
    const value = sources.map((s) => pick(s, keys, num)).find((v) => v !== undefined);
    if (value !== undefined) totals.push({ label, value, currency });
  }
  return totals;
}

/**
 * An amount of money. Small amounts keep more decimals: the sample exports hold
 * cents, and "$0.00" would hide the differences that matter.
 */
export function formatMoney(value: number, currency = "USD"): string {
  const digits = Math.abs(value) > 0 && Math.abs(value) < 1 ? 4 : 2;
  try {
    return new Intl.NumberFormat(undefined, { style: "currency", currency, minimumFractionDigits: 2, maximumFractionDigits: digits }).format(value);
  } catch {
    return `${value.toFixed(digits)} ${currency}`;
  }
}
