/**
 * The SQS-fed workers: one Lambda per queue, each running `runJob` from core.
 *
 * @remarks
 * - `batch.size: 1`: a job may run for the whole 15 minutes, and the messages of
 *   one batch share one invocation and its deadline; with more than one, the
 *   second job would start with whatever time the first left it, and a slow job
 *   would delay the others' first progress frame by minutes. One job per
 *   invocation also lets concurrency, not batching, set the throughput.
 * - `partialResponses: true`: the handler reports the failed message in
 *   `batchItemFailures` instead of throwing, so SQS redelivers only that one and
 *   counts toward the DLQ's `maxReceiveCount` per message.
 * - `scalingConfig.maximumConcurrency` caps how many invocations the poller
 *   starts, so a burst of jobs queues up instead of exhausting the account's
 *   Lambda concurrency or Bedrock's rate limits (unlike reserved concurrency,
 *   it throttles nothing, so no message burns a receive on a throttle).
 * - Timeout 900 s, Lambda's ceiling; a job hands over from its checkpoint before it.
 *
 * @module
 */
import corePackage from "../packages/core/package.json";
import { analysisPermissions, ingestPermissions, runtimeEnvironment } from "./ai";
import { nodejsBundling } from "./lib/bundling";
import { megabytes, seconds, stageSettings, type WorkerSettings } from "./lib/settings";
import { analysisQueue, ingestQueue } from "./queues";
import { runtimeLinks } from "./realtime";

const settings = stageSettings($app.stage);

function subscribeArgs(w: WorkerSettings) {
  return {
    batch: { size: w.batchSize, partialResponses: true },
    transform: { eventSourceMapping: { scalingConfig: { maximumConcurrency: w.maxConcurrency } } },
  };
}

export const ingestWorker = ingestQueue.subscribe(
  {
    handler: "packages/functions/src/workers/ingest.handler",
    timeout: seconds(settings.workers.ingest.timeoutSeconds),
    // Sized for pdf.js on large PDFs (see stageSettings): more memory, more CPU.
    memory: megabytes(settings.workers.ingest.memoryMb),
    link: runtimeLinks,
    permissions: ingestPermissions,
    environment: runtimeEnvironment,
    // Ship pdf.js whole in node_modules rather than bundled, so it finds its CMaps
    // and standard fonts on disk (core's bundledPdfJsAssets); same version as core.
    nodejs: nodejsBundling(corePackage.dependencies, ["pdfjs-dist"]),
  },
  subscribeArgs(settings.workers.ingest),
);

export const analysisWorker = analysisQueue.subscribe(
  {
    handler: "packages/functions/src/workers/analysis.handler",
    timeout: seconds(settings.workers.analysis.timeoutSeconds),
    // DuckDB aggregates billing exports here (see stageSettings): memory for a core, /tmp for the file.
    memory: megabytes(settings.workers.analysis.memoryMb),
    storage: megabytes(settings.workers.analysis.tmpStorageMb),
    link: runtimeLinks,
    permissions: analysisPermissions,
    environment: runtimeEnvironment,
    // DuckDB is a native addon: SST installs it for the function's OS and CPU
    // (`npm install --os=linux --cpu=arm64`) instead of bundling it.
    nodejs: nodejsBundling(corePackage.dependencies, ["@duckdb/node-api"]),
  },
  subscribeArgs(settings.workers.analysis),
);
