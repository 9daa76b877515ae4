import type { ResourceRow, UnitCostRow } from "../ports/cost-source";
import type { FinopsDataset, FinopsEvidenceRow, FinopsRecommendation } from "../protocol/finops-result";
import { formatMoney, formatPercent, shorten } from "./format";
import { dayDiff } from "./periods";
import { DAYS_PER_MONTH, ifSupported, isUnsupported, need, type AnalysisState, type Stage } from "./stage";

export const RANKING_RULE =
  "recommendations that save money come first, by estimated monthly saving (largest first); those that save nothing " +
  "directly (reviewing growth, tagging, a region gap not proven on one SKU) follow, by the monthly spend they concern (largest first)";

/** A commitment used less than this is under-used. */
export const UNDERUSED_UTILIZATION = 0.9;
/** A commitment whose last charge is more than this many days before the data ends has expired: nothing to save. */
const EXPIRED_AFTER_DAYS = 7;
/** Idle-looking: present on at least this share of the data's days, for at least a week… */
export const IDLE_MIN_PRESENCE = 0.8;
const IDLE_MIN_DAYS = 7;
/** …with daily cost varying by at most this coefficient of variation… */
export const IDLE_MAX_COST_CV = 0.05;
/** …and daily usage by at most this share of its mean. */
export const IDLE_MAX_QUANTITY_CV = 0.01;
const IDLE_LIMIT = 5;
/** A region must cost at least this much more per unit than the cheapest region for the same service and unit… */
export const REGION_MIN_PREMIUM = 0.1;
/**
 * …and at most this much more: list prices of one SKU differ between regions by tens of
 * percent, so a gap of several times is a different mix of SKUs (large instances in one
 * region, small in another), not a price to arbitrage.
 */
export const REGION_MAX_PREMIUM = 1;
const REGION_LIMIT = 3;
const GROWTH_LIMIT = 3;
/** Growth worth a review: at least this much month over month (or a new service)… */
export const GROWTH_MIN_RATIO = 0.1;
/** …adding at least this share of the current period's bill. */
export const GROWTH_MIN_CHANGE_SHARE = 0.005;
/** Recommendations kept, after ranking. */
export const RECOMMENDATIONS_LIMIT = 15;
/** Untagged spend is worth a recommendation from this share of total spend. */
export const UNTAGGED_MIN_SHARE = 0.05;
const RESOURCES_ASKED = 200;
const UNIT_COSTS_ASKED = 500;
/** Evidence rows kept per recommendation. */
const EVIDENCE_LIMIT = 10;

type Draft = Omit<FinopsRecommendation, "rank" | "ranking" | "currency">;

/** Months the data spans (at least one), to turn amounts over the whole data into monthly ones. */
export const spanMonths = (d: Pick<FinopsDataset, "firstDay" | "lastDay">) => Math.max(1, (dayDiff(d.firstDay, d.lastDay) + 1) / DAYS_PER_MONTH);

/** Orders recommendations by `RANKING_RULE` and numbers them. */
export function rankRecommendations(drafts: readonly Draft[], currency: string): FinopsRecommendation[] {
  const saving = drafts.filter((d) => d.estimatedMonthlySaving !== null && d.estimatedMonthlySaving > 0);
  const rest = drafts.filter((d) => !(d.estimatedMonthlySaving !== null && d.estimatedMonthlySaving > 0));
  saving.sort((a, b) => b.estimatedMonthlySaving! - a.estimatedMonthlySaving! || a.id.localeCompare(b.id));
  rest.sort((a, b) => (b.spendAtRisk ?? 0) - (a.spendAtRisk ?? 0) || a.id.localeCompare(b.id));
  return [...saving, ...rest].slice(0, RECOMMENDATIONS_LIMIT).map((d, i) => ({ ...d, rank: i + 1, currency, ranking: RANKING_RULE }));
}

export function commitmentRecommendations(state: AnalysisState): Draft[] {
  const section = need(state, "commitments");
  const dataset = need(state, "dataset");
  const currency = dataset.currency;
  const query = section.queries[0] ?? "";
  return section.commitments
    .filter((c) => c.unusedCost > 0 && (c.utilization ?? 0) < UNDERUSED_UTILIZATION && dayDiff(c.lastDay, dataset.lastDay) <= EXPIRED_AFTER_DAYS)
    .map((c) => {
      const name = c.name ? `${c.name} (${c.id})` : c.id;
      const used = c.utilization === null ? "never used" : `${formatPercent(c.utilization)} used`;
      return {
        id: `commitment:${c.id}`,
        category: "commitment" as const,
        title: `${c.utilization === 0 ? "Unused" : "Under-used"} ${c.type || "commitment"} ${name}: ${used}`,
        description:
          `${formatMoney(c.unusedCost, currency)} of this commitment went unused between ${c.firstDay} and ${c.lastDay} ` +
          `(${formatMoney(c.usedCost, currency)} used). Move eligible workloads onto it, or exchange, sell or resize it at renewal.`,
        estimatedMonthlySaving: c.monthlyUnusedCost,
        spendAtRisk: null,
        savingMethod: "the commitment's unused EffectiveCost (CommitmentDiscountStatus = Unused) per month over the days it appears on (at least one month)",
        confidence: "high" as const,
        evidence: {
          query,
          rows: [
            {
              CommitmentDiscountId: c.id,
              CommitmentDiscountName: c.name ?? null,
              CommitmentDiscountType: c.type ?? null,
              usedCost: c.usedCost,
              unusedCost: c.unusedCost,
              utilization: c.utilization,
              firstDay: c.firstDay,
              lastDay: c.lastDay,
            },
          ],
        },
      };
    });
}

/** Resources whose cost and usage did not move, day after day, for most of the data's span. */
export function idleResources(rows: readonly ResourceRow[], dataset: Pick<FinopsDataset, "firstDay" | "lastDay">): ResourceRow[] {
  const spanDays = dayDiff(dataset.firstDay, dataset.lastDay) + 1;
  return rows.filter((r) => {
    if (r.days < Math.max(IDLE_MIN_DAYS, IDLE_MIN_PRESENCE * spanDays) || !(r.meanDailyCost > 0)) return false;
    if (r.dailyCostStddev / r.meanDailyCost > IDLE_MAX_COST_CV) return false;
    if (r.consumedQuantity === null || r.dailyQuantityStddev === null || r.consumedQuantity <= 0) return false;
    const meanQuantity = r.consumedQuantity / r.days;
    return r.dailyQuantityStddev <= IDLE_MAX_QUANTITY_CV * meanQuantity;
  });
}

export function idleRecommendations(rows: readonly ResourceRow[], query: string, dataset: FinopsDataset): Draft[] {
  const currency = dataset.currency;
  return idleResources(rows, dataset)
    .sort((a, b) => b.meanDailyCost - a.meanDailyCost)
    .slice(0, IDLE_LIMIT)
    .map((r) => {
      const name = r.resourceName || shorten(r.resourceId);
      return {
        id: `idle:${r.resourceId}`,
        category: "idle_resource" as const,
        title: `Check whether ${r.resourceType || "resource"} ${name} (${r.service}) is still needed`,
        description:
          `It cost ${formatMoney(r.meanDailyCost, currency)} a day on ${r.days} days from ${r.firstDay} to ${r.lastDay}, ` +
          `varying by ${formatPercent(r.dailyCostStddev / r.meanDailyCost)}, and its usage (${r.consumedUnit ?? "units"}) did not change. ` +
          "Billing data cannot show whether anything uses it: confirm before stopping or deleting it.",
        estimatedMonthlySaving: r.meanDailyCost * DAYS_PER_MONTH,
        spendAtRisk: null,
        savingMethod: `mean daily billed cost × ${DAYS_PER_MONTH} days, if the resource can be stopped`,
        confidence: "low" as const,
        evidence: { query, rows: [resourceEvidence(r)] },
      };
    });
}

const resourceEvidence = (r: ResourceRow): FinopsEvidenceRow => ({
  ResourceId: r.resourceId,
  ResourceName: r.resourceName,
  ResourceType: r.resourceType,
  ServiceName: r.service,
  RegionId: r.region,
  SubAccountId: r.subAccount,
  billedCost: r.billedCost,
  days: r.days,
  meanDailyCost: r.meanDailyCost,
  dailyCostStddev: r.dailyCostStddev,
  consumedUnit: r.consumedUnit,
  consumedQuantity: r.consumedQuantity,
  dailyQuantityStddev: r.dailyQuantityStddev,
});

/**
 * A unit-cost row that names its SKU. The port's `UnitCostRow` groups by service and
 * unit only; when an adapter adds the SkuId, comparisons are made per SKU.
 */
type UnitCostWithSku = UnitCostRow & { sku?: string };

/**
 * For the same provider, service and unit (and SKU, when the rows name one), regions that
 * pay clearly more per unit than the cheapest.
 *
 * @remarks
 * Only a comparison of one SKU is a price difference; across SKUs it may be a different
 * mix (large instances here, small there; gp2 against st1 volumes). So a saving is
 * claimed only when the rows name their SKU. Without it the gap is reported as a review
 * item whose premium is spend at risk, ranked after every item that saves money.
 */
export function regionRecommendations(rows: readonly UnitCostWithSku[], query: string, dataset: FinopsDataset): Draft[] {
  const currency = dataset.currency;
  const months = spanMonths(dataset);
  const groups = new Map<string, UnitCostWithSku[]>();
  for (const r of rows) {
    if (!r.region || r.region === "global" || r.billedCostPerUnit === null || r.quantity <= 0 || r.billedCost <= 0) continue;
    const key = [r.provider, r.service, r.unit, r.unitSource, r.sku ?? ""].join("\u0000");
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const drafts: Draft[] = [];
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const cheapest = group.reduce((a, b) => (b.billedCostPerUnit! < a.billedCostPerUnit! ? b : a));
    for (const r of group) {
      const premium = r.billedCostPerUnit! / cheapest.billedCostPerUnit! - 1;
      if (r === cheapest || !(premium >= REGION_MIN_PREMIUM && premium <= REGION_MAX_PREMIUM)) continue;
      const amount = ((r.billedCostPerUnit! - cheapest.billedCostPerUnit!) * r.quantity) / months;
      const sameSku = Boolean(r.sku);
      const what = `${r.service}${sameSku ? ` SKU ${r.sku}` : ""}`;
      const gap = `${formatMoney(r.billedCostPerUnit!, currency)} per ${r.unit} in ${r.region} against ${formatMoney(cheapest.billedCostPerUnit!, currency)} in ${cheapest.region}.`;
      const method = `(unit cost in ${r.region} − unit cost in ${cheapest.region}) × quantity used in ${r.region}, per month over the ${months.toFixed(1)} month(s) of data`;
      drafts.push({
        id: `region:${r.provider}:${r.service}:${r.unit}:${sameSku ? `${r.sku}:` : ""}${r.region}`,
        category: "region" as const,
        title: sameSku
          ? `${what} costs ${formatPercent(premium)} more per ${r.unit} in ${r.region} than in ${cheapest.region}`
          : `Review ${r.service} in ${r.region}: ${formatPercent(premium)} more per ${r.unit} than in ${cheapest.region}`,
        description: sameSku
          ? `${gap} Where latency, data residency and transfer costs allow, run this usage in the cheaper region.`
          : `${gap} The rows do not name their SKU, so the gap may be a different mix of SKUs (sizes, tiers, transfer types) rather than a region price: ` +
            "compare the SKUs before moving anything. No saving is claimed.",
        estimatedMonthlySaving: sameSku ? amount : null,
        spendAtRisk: sameSku ? null : amount,
        savingMethod: sameSku ? method : `no saving claimed without SKU-level evidence; spend at risk = ${method}`,
        confidence: sameSku ? ("medium" as const) : ("low" as const),
        evidence: {
          query,
          rows: group.slice(0, EVIDENCE_LIMIT).map((g) => ({
            ProviderName: g.provider,
            ServiceName: g.service,
            ...(g.sku ? { SkuId: g.sku } : {}),
            RegionId: g.region,
            unit: g.unit,
            quantity: g.quantity,
            billedCost: g.billedCost,
            billedCostPerUnit: g.billedCostPerUnit,
          })),
        },
      });
    }
  }
  const size = (d: Draft) => d.estimatedMonthlySaving ?? d.spendAtRisk ?? 0;
  return drafts.sort((a, b) => size(b) - size(a)).slice(0, REGION_LIMIT);
}

export function growthRecommendations(state: AnalysisState): Draft[] {
  const movers = need(state, "movers");
  const currency = need(state, "dataset").currency;
  if (!movers.available) return [];
  const current = need(state, "totals").byPeriod.find((p) => p.period === movers.currentPeriod)?.billedCost ?? 0;
  return movers.fastestGrowingServices
    .filter((m) => m.change > 0 && m.change >= GROWTH_MIN_CHANGE_SHARE * current && (m.changeRatio === null || m.changeRatio >= GROWTH_MIN_RATIO))
    .slice(0, GROWTH_LIMIT)
    .map((m) => ({
      id: `growth:${m.key}`,
      category: "growth" as const,
      title:
        m.changeRatio === null
          ? `Review ${m.key}: new in ${movers.currentPeriod}, ${formatMoney(m.currentCost, currency)}`
          : `Review ${m.key}: ${formatPercent(m.changeRatio, { signed: true })} month over month`,
      description:
        `${m.key} went from ${formatMoney(m.previousCost, currency)} in ${movers.previousPeriod} to ${formatMoney(m.currentCost, currency)} in ${movers.currentPeriod}. ` +
        "Check that the growth is intended (new workload, traffic) and not waste (a forgotten environment, a misconfiguration).",
      estimatedMonthlySaving: null,
      spendAtRisk: m.change,
      savingMethod: "no direct saving; the monthly increase is the spend at risk if the growth is not intended",
      confidence: "medium" as const,
      evidence: {
        query: movers.queries[0] ?? "",
        rows: [{ ServiceName: m.key, previousPeriod: movers.previousPeriod ?? null, previousCost: m.previousCost, currentPeriod: movers.currentPeriod ?? null, currentCost: m.currentCost, change: m.change, changeRatio: m.changeRatio }],
      },
    }));
}

export function taggingRecommendations(state: AnalysisState): Draft[] {
  const tags = need(state, "tags");
  const dataset = need(state, "dataset");
  if (!tags.available || tags.untaggedCost === undefined || tags.untaggedShare === undefined) return [];
  if (!(tags.untaggedCost > 0) || tags.untaggedShare < UNTAGGED_MIN_SHARE) return [];
  const months = spanMonths(dataset);
  return [
    {
      id: "tagging:untagged",
      category: "tagging" as const,
      title: `Tag the ${formatPercent(tags.untaggedShare)} of spend that carries no tags`,
      description:
        `${formatMoney(tags.untaggedCost, dataset.currency)} of billed cost has no tags, so no team, application or environment owns it. ` +
        "Untagged spend cannot be allocated or questioned; tag it (or enforce tag policies) before cutting costs there.",
      estimatedMonthlySaving: null,
      spendAtRisk: tags.untaggedCost / months,
      savingMethod: `no direct saving; the spend at risk is the untagged billed cost per month over the ${months.toFixed(1)} month(s) of data`,
      confidence: "high" as const,
      evidence: {
        query: tags.queries[0] ?? "",
        rows: [
          { scope: "overall", taggedCost: tags.taggedCost ?? null, untaggedCost: tags.untaggedCost, untaggedShare: tags.untaggedShare },
          ...tags.byProvider.slice(0, EVIDENCE_LIMIT).map((p) => ({ scope: "provider", ProviderName: p.provider, taggedCost: p.taggedCost, untaggedCost: p.untaggedCost, untaggedShare: p.untaggedShare })),
        ],
      },
    },
  ];
}

/** Concrete, ranked recommendations, each with the rows and query it rests on. */
export const recommendationsStage: Stage = {
  name: "recommendations",
  label: "Recommendations",
  produces: "recommendations",
  async run({ source, state, signal }) {
    const dataset = need(state, "dataset");
    const drafts: Draft[] = [...commitmentRecommendations(state)];
    if (source.resources) {
      const answer = await ifSupported(() => source.resources!({ limit: RESOURCES_ASKED, signal }));
      if (!isUnsupported(answer)) drafts.push(...idleRecommendations(answer.rows, answer.query, dataset));
    }
    signal?.throwIfAborted();
    if (source.unitCosts) {
      const answer = await ifSupported(() => source.unitCosts!({ limit: UNIT_COSTS_ASKED, signal }));
      if (!isUnsupported(answer)) drafts.push(...regionRecommendations(answer.rows, answer.query, dataset));
    }
    drafts.push(...growthRecommendations(state), ...taggingRecommendations(state));
    return { recommendations: rankRecommendations(drafts, dataset.currency) };
  },
};
