/**
 * Bedrock models and the permissions to call them, plus Cost Explorer for
 * `finops_analysis`.
 *
 * Model ids are configuration: `FERRY_EMBED_MODEL_ID` and `FERRY_CHAT_MODEL_ID`
 * in the environment of `sst deploy` (SST loads `.env` and `.env.<stage>`, so a
 * stage can pin its own), else the defaults in `lib/settings.ts`. Functions get
 * the same two variables at runtime, in {@link runtimeEnvironment}.
 *
 * @module
 */
import { bedrockInvokeStatements, costExplorerReadStatements, type IamStatement } from "./lib/bedrock-permissions";
import { BILLING_UPLOAD_MAX_MB, modelIds } from "./lib/settings";

export const models = modelIds(process.env);

/**
 * The environment every function's runtime reads (routes and workers share one
 * composition root, packages/functions/src/aws-runtime.ts): the models, the cap on a
 * billing export (the router signs its upload, the analysis worker's `/tmp` holds it),
 * and where FOCUS exports a stage is configured with live in the Uploads bucket (a
 * `{dataset}` source names a file under that prefix; `{costExplorer}` sources need none).
 */
export const runtimeEnvironment = {
  FERRY_EMBED_MODEL_ID: models.embed,
  FERRY_CHAT_MODEL_ID: models.chat,
  FERRY_MAX_BILLING_MB: String(BILLING_UPLOAD_MAX_MB),
  FERRY_BILLING_DATASETS_PREFIX: "datasets/",
};

const partition = aws.getPartitionOutput().partition;
const region = aws.getRegionOutput().region;
const accountId = aws.getCallerIdentityOutput().accountId;

/** `InvokeModel*` statements for these models in this account and region. */
function invoke(ids: string[]): $util.Output<IamStatement[]> {
  return $resolve([partition, region, accountId]).apply(([p, r, a]) =>
    bedrockInvokeStatements({ partition: p, region: r, accountId: a, modelIds: ids }),
  );
}

/** The ingest worker embeds chunks. */
export const ingestPermissions = invoke([models.embed]);

/** The analysis worker embeds questions, streams answers and reads costs. */
export const analysisPermissions = invoke([models.embed, models.chat]).apply((statements) => [
  ...statements,
  ...costExplorerReadStatements(),
]);
