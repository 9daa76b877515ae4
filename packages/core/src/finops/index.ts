/**
 * FinOps: the `finops_analysis` job and the analyses behind it, each a stage computed
 * from a `CostSource` (totals, breakdowns, movers, anomalies, forecast, commitments,
 * tags, billed vs effective vs list), then ranked recommendations and a report whose
 * narrative a `ChatModel` writes from the computed figures only.
 * @module
 */
export { analyzeCosts, runAnalysis, FINOPS_STAGES, FINOPS_STAGE_NAMES, type AnalyzeCostsOptions, type RunAnalysisOptions } from "./analyze";
export {
  finopsAnalysisJob,
  FinopsAnalysisInput,
  FinopsSourceInput,
  DatasetName,
  DEFAULT_COST_EXPLORER_MONTHS,
  costExplorerRange,
  type CostSourceFactory,
  type FinopsDeps,
} from "./finops-job";
export { directoryDatasets, blobDatasets, type DatasetLocator, type DatasetFile } from "./datasets";
export { NARRATIVE_INSTRUCTIONS, narrativeSystemPrompt } from "./narrative";
export { formatMoney } from "./format";
export type { AnalysisState, Stage } from "./stage";
