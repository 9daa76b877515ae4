import type { ChatModel } from "../ports/chat-model";
import type { CostSource } from "../ports/cost-source";
import { FinopsResult } from "../protocol/finops-result";
import { anomaliesStage } from "./anomalies";
import { breakdownsStage } from "./breakdowns";
import { commitmentsStage } from "./commitments";
import { costComparisonStage } from "./cost-comparison";
import { buildFacts } from "./facts";
import { forecastStage } from "./forecast";
import { moversStage } from "./movers";
import { writeNarrative } from "./narrative";
import { recommendationsStage } from "./recommendations";
import { renderReport } from "./report";
import { completedAnalyses, need, type AnalysisState, type Stage } from "./stage";
import { tagsStage } from "./tags";
import { datasetStage, totalsStage } from "./totals";

/** The analyses in the order they run; each may use the sections of those before it. */
export const FINOPS_STAGES: readonly Stage[] = [
  datasetStage,
  totalsStage,
  breakdownsStage,
  moversStage,
  anomaliesStage,
  forecastStage,
  commitmentsStage,
  tagsStage,
  costComparisonStage,
  recommendationsStage,
];

/** The last stage: the narrative and the markdown. */
export const REPORT_STAGE = { name: "report", label: "Writing the report" } as const;

/** Every `progress_update.stage` a run reports, in order. */
export const FINOPS_STAGE_NAMES: readonly string[] = [...FINOPS_STAGES.map((s) => s.name), REPORT_STAGE.name];

export interface AnalyzeCostsOptions {
  /** The user's question; the narrative answers it. */
  query: string;
  /** Writes the narrative from the computed facts. */
  chat: ChatModel;
  /** Checked between and inside stages; aborting rejects with its reason. */
  signal?: AbortSignal;
  /** Called as each stage starts: its name, 0-based index and the number of stages. The stage waits for a returned promise. */
  onStage?(stage: string, index: number, total: number, label: string): void | Promise<void>;
}

export interface RunAnalysisOptions extends AnalyzeCostsOptions {
  /** Sections an earlier run computed (a checkpoint); their stages are skipped. */
  resume?: AnalysisState;
  /** After each computed stage, with every section so far: where a job saves its checkpoint. */
  onStageDone?(state: AnalysisState, stage: string): Promise<void>;
  /** The narrative's text as the model writes it (a job streams it as `job_output`). */
  onDelta?(text: string): void;
}

/**
 * Analyses a cost source and writes the report: the entry point for benchmarks and
 * scripts, without the job machinery.
 *
 * @example
 * const source = await FocusDuckdbSource.open({ path: "focus.csv" });
 * try {
 *   const result = await analyzeCosts(source, { query: "Why did our bill grow?", chat: new ExtractiveChatModel() });
 *   console.log(result.response);
 * } finally {
 *   await source.close();
 * }
 */
export function analyzeCosts(source: CostSource, options: AnalyzeCostsOptions): Promise<FinopsResult> {
  return runAnalysis(source, options);
}

/** `analyzeCosts` with resume points: the `finops_analysis` job runs this. */
export async function runAnalysis(source: CostSource, options: RunAnalysisOptions): Promise<FinopsResult> {
  const { signal } = options;
  const state: AnalysisState = { ...options.resume };
  const total = FINOPS_STAGES.length + 1;
  for (const [index, stage] of FINOPS_STAGES.entries()) {
    if (state[stage.produces] !== undefined) continue;
    signal?.throwIfAborted();
    await options.onStage?.(stage.name, index, total, stage.label);
    Object.assign(state, await stage.run({ source, state, signal }));
    signal?.throwIfAborted();
    await options.onStageDone?.(state, stage.name);
  }
  await options.onStage?.(REPORT_STAGE.name, total - 1, total, REPORT_STAGE.label);
  const recommendations = need(state, "recommendations");
  const facts = buildFacts(state, recommendations);
  const narrative = await writeNarrative(options.chat, options.query, facts, { signal, onDelta: options.onDelta });
  const sections = completedAnalyses(state);
  return FinopsResult.parse({
    agent: "finops",
    query: options.query,
    response: renderReport(state, recommendations, narrative.text),
    cost_analysis: {
      currency: sections.dataset.currency,
      costBasis: sections.cost_comparison.effectiveCostReliable
        ? "BilledCost: what the invoices charge, so totals match the bill"
        : "BilledCost: what the invoices charge; EffectiveCost looks unreliable in this data (see cost_comparison.notes)",
      ...sections,
      estimatedMonthlySavings: recommendations.reduce((sum, r) => sum + (r.estimatedMonthlySaving ?? 0), 0),
    },
    optimization_recommendations: recommendations,
    model: narrative.model,
    narrativeByLanguageModel: narrative.byLanguageModel,
  });
}
