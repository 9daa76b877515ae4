import { z } from "zod";
import {
  FinopsAnomalies,
  FinopsCommitments,
  FinopsCostAnalysis,
  FinopsCostComparison,
  FinopsDataset,
  FinopsForecast,
  FinopsMovers,
  FinopsRecommendation,
  FinopsTagCoverage,
  FinopsTotals,
} from "../protocol/finops-result";
import { UnsupportedCostQueryError, type CostSource } from "../ports/cost-source";

/**
 * What the stages have computed so far. It is also the job's checkpoint, so it holds
 * only the sections (capped tables), never raw rows: a resumed run reads it back,
 * checked against this schema, and continues at the first stage whose section is missing.
 */
export const AnalysisState = z.object({
  dataset: FinopsDataset.optional(),
  totals: FinopsTotals.optional(),
  breakdowns: FinopsCostAnalysis.shape.breakdowns.optional(),
  movers: FinopsMovers.optional(),
  anomalies: FinopsAnomalies.optional(),
  forecast: FinopsForecast.optional(),
  commitments: FinopsCommitments.optional(),
  tags: FinopsTagCoverage.optional(),
  cost_comparison: FinopsCostComparison.optional(),
  recommendations: z.array(FinopsRecommendation).optional(),
});
export type AnalysisState = z.infer<typeof AnalysisState>;

export interface StageContext {
  source: CostSource;
  /** The sections of every earlier stage (a stage may rely on those listed before it). */
  state: AnalysisState;
  signal?: AbortSignal;
}

/** One analysis: computed from the source and the earlier sections, reported as one progress stage. */
export interface Stage {
  /** The `progress_update.stage` name. */
  name: string;
  /** What the progress message says while it runs. */
  label: string;
  /** The section it adds to the state; a resumed run skips the stage when the section is there. */
  produces: keyof AnalysisState;
  run(ctx: StageContext): Promise<Partial<AnalysisState>>;
}

/** The earlier section a stage needs; missing means the stages ran out of order, a bug. */
export function need<K extends keyof AnalysisState>(state: AnalysisState, key: K): NonNullable<AnalysisState[K]> {
  const value = state[key];
  if (value === undefined) throw new Error(`finops stage order: ${key} is needed before it was computed`);
  return value as NonNullable<AnalysisState[K]>;
}

/**
 * Every analysis section, once all the stages have run: what the facts, the report and
 * the result read. Throws, naming the first missing section, if one has not.
 */
export function completedAnalyses(state: AnalysisState) {
  return {
    dataset: need(state, "dataset"),
    totals: need(state, "totals"),
    breakdowns: need(state, "breakdowns"),
    movers: need(state, "movers"),
    anomalies: need(state, "anomalies"),
    forecast: need(state, "forecast"),
    commitments: need(state, "commitments"),
    tags: need(state, "tags"),
    cost_comparison: need(state, "cost_comparison"),
  };
}

/** The dataset's currency, as every section formats money in it. */
export const currencyOf = (state: AnalysisState) => need(state, "dataset").currency;

/**
 * Runs a query the source may not support (Cost Explorer has no service category);
 * answers `{unsupported: reason}` instead of failing the whole analysis.
 */
export async function ifSupported<T>(run: () => Promise<T>): Promise<T | { unsupported: string }> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof UnsupportedCostQueryError) return { unsupported: error.message };
    throw error;
  }
}

export const isUnsupported = (v: unknown): v is { unsupported: string } => typeof v === "object" && v !== null && "unsupported" in v;

/** Average days in a month, to turn an amount over a span of days into a monthly figure. */
export const DAYS_PER_MONTH = 30.4375;
