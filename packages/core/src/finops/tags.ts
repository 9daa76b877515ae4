import type { TagCoverageRow, TagCoverageSummaryRow, TagKeyRow } from "../ports/cost-source";
import type { FinopsTagCoverage } from "../protocol/finops-result";
import { formatMoney, formatPercent } from "./format";
import { ifSupported, isUnsupported, need, type Stage } from "./stage";

/** Tag keys listed, by the cost they cover. */
export const TAG_KEYS_LIMIT = 15;

export function summarizeTags(rows: readonly TagCoverageRow[], totalBilled: number): Omit<FinopsTagCoverage, "queries" | "available"> {
  const summaries = rows.filter((r): r is TagCoverageSummaryRow => r.kind === "overall" || r.kind === "provider");
  const overall = summaries.find((r) => r.kind === "overall");
  const keys = rows
    .filter((r): r is TagKeyRow => r.kind === "tagKey")
    .sort((a, b) => b.billedCost - a.billedCost)
    .slice(0, TAG_KEYS_LIMIT)
    .map((k) => ({ key: k.tagKey, cost: k.billedCost, share: totalBilled !== 0 ? k.billedCost / totalBilled : 0, values: k.values }));
  const share = (r: TagCoverageSummaryRow) => {
    const all = r.taggedCost + r.untaggedCost;
    return all !== 0 ? r.untaggedCost / all : 0;
  };
  if (!overall) return { reason: "the source returned no tag summary", byProvider: [], keys };
  return {
    taggedCost: overall.taggedCost,
    untaggedCost: overall.untaggedCost,
    untaggedShare: share(overall),
    invalidTagRows: overall.invalidTagRows,
    byProvider: summaries
      .filter((r) => r.kind === "provider")
      .map((r) => ({ provider: r.provider ?? "", taggedCost: r.taggedCost, untaggedCost: r.untaggedCost, untaggedShare: share(r) })),
    keys,
  };
}

/** How much spend carries tags, overall, per provider and per key. */
export const tagsStage: Stage = {
  name: "tags",
  label: "Tag coverage",
  produces: "tags",
  async run({ source, state, signal }) {
    const empty = { byProvider: [], keys: [], queries: [] };
    if (!source.tagCoverage) return { tags: { available: false, reason: "this source has no resource tags (FOCUS Tags column)", ...empty } };
    const answer = await ifSupported(() => source.tagCoverage!({ signal }));
    if (isUnsupported(answer)) return { tags: { available: false, reason: answer.unsupported, ...empty } };
    const summary = summarizeTags(answer.rows, need(state, "totals").totalBilledCost);
    return { tags: { available: summary.taggedCost !== undefined, ...summary, queries: [answer.query] } };
  },
};

/** "22% of billed cost ($3.10) carries no tags", or what untagged rows sum to when credits make it negative. */
export function describeUntagged(tags: FinopsTagCoverage, currency: string): string {
  const cost = tags.untaggedCost ?? 0;
  if (cost < 0) return `rows without tags sum to ${formatMoney(cost, currency)}: untagged credits outweigh untagged charges`;
  return `${formatPercent(tags.untaggedShare ?? 0)} of billed cost (${formatMoney(cost, currency)}) carries no tags`;
}
