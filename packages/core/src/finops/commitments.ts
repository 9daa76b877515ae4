import type { CommitmentCoverageRow, CommitmentDiscountRow } from "../ports/cost-source";
import type { FinopsCommitment, FinopsCommitments } from "../protocol/finops-result";
import { dayDiff } from "./periods";
import { DAYS_PER_MONTH, ifSupported, isUnsupported, type Stage } from "./stage";

/** Commitments listed, those with the most unused cost first. */
export const COMMITMENTS_LIMIT = 20;

/** Unused cost per month over the days the commitment appears on (at least one month, so a short sighting is not blown up). */
export function monthlyUnused(c: Pick<CommitmentDiscountRow, "unusedCost" | "firstDay" | "lastDay">): number {
  const months = Math.max(1, (dayDiff(c.firstDay, c.lastDay) + 1) / DAYS_PER_MONTH);
  return c.unusedCost / months;
}

export function toCommitment(c: CommitmentDiscountRow): FinopsCommitment {
  const committed = c.usedCost + c.unusedCost;
  return {
    id: c.commitmentDiscountId,
    ...(c.name ? { name: c.name } : {}),
    ...(c.type ? { type: c.type } : {}),
    ...(c.category ? { category: c.category } : {}),
    ...(c.provider ? { provider: c.provider } : {}),
    usedCost: c.usedCost,
    unusedCost: c.unusedCost,
    utilization: committed > 0 ? c.usedCost / committed : null,
    monthlyUnusedCost: monthlyUnused(c),
    firstDay: c.firstDay,
    lastDay: c.lastDay,
  };
}

/**
 * Utilization (how much of what was committed got used) and coverage (how much of
 * the usage commitments could pay for they did pay for), from the FOCUS
 * CommitmentDiscount* columns.
 */
export function summarizeCommitments(rows: ReadonlyArray<CommitmentDiscountRow | CommitmentCoverageRow>): Omit<FinopsCommitments, "queries" | "available"> {
  const discounts = rows.filter((r): r is CommitmentDiscountRow => r.kind === "commitment");
  const coverage = rows.filter((r): r is CommitmentCoverageRow => r.kind === "coverage");
  const used = discounts.reduce((s, c) => s + c.usedCost, 0);
  const unused = discounts.reduce((s, c) => s + c.unusedCost, 0);
  const eligible = coverage.filter((r) => r.coveredCost > 0);
  const covered = eligible.reduce((s, r) => s + r.coveredCost, 0);
  const onDemand = eligible.reduce((s, r) => s + r.onDemandCost, 0);
  const services = [...new Set(eligible.map((r) => r.service))];
  return {
    utilization: used + unused > 0 ? used / (used + unused) : null,
    coverage: covered + onDemand > 0 ? covered / (covered + onDemand) : null,
    coverageBasis: eligible.length
      ? `EffectiveCost of Usage in the services a commitment discount paid for (${services.slice(0, 5).join(", ")}${services.length > 5 ? ", …" : ""}): ` +
        "covered ÷ (covered + on-demand); spot and other pricing cannot be covered and are left out"
      : "no usage was paid for by a commitment discount, so there is nothing to measure coverage against",
    commitments: discounts
      .map(toCommitment)
      .sort((a, b) => b.unusedCost - a.unusedCost || b.usedCost - a.usedCost)
      .slice(0, COMMITMENTS_LIMIT),
    ...(discounts.length ? {} : { reason: "the data has no commitment discounts (no CommitmentDiscountId on any row)" }),
  };
}

export const commitmentsStage: Stage = {
  name: "commitments",
  label: "Commitment discount coverage and utilization",
  produces: "commitments",
  async run({ source, signal }) {
    const empty = { utilization: null, coverage: null, coverageBasis: "", commitments: [], queries: [] };
    if (!source.commitments) {
      return { commitments: { available: false, reason: "this source has no commitment discount columns (FOCUS CommitmentDiscount*)", ...empty } };
    }
    const answer = await ifSupported(() => source.commitments!({ signal }));
    if (isUnsupported(answer)) return { commitments: { available: false, reason: answer.unsupported, ...empty } };
    return { commitments: { available: true, ...summarizeCommitments(answer.rows), queries: [answer.query] } };
  },
};
