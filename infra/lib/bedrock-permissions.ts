/**
 * IAM statements that let a function call Bedrock models, in one pure module
 * (no SST globals; `ai.ts` feeds it the partition, region and account that
 * Pulumi resolves at deploy time).
 *
 * @module
 */

/** An IAM statement in the shape `sst.aws.Function`'s `permissions` takes. */
export interface IamStatement {
  actions: string[];
  resources: string[];
}

/** Where the functions run and which models they call. */
export interface BedrockScope {
  /** `aws`, `aws-cn`, `aws-us-gov`… */
  partition: string;
  /** The source region the functions call Bedrock from. */
  region: string;
  accountId: string;
  /** Foundation-model ids (`amazon.titan-embed-text-v2:0`) or inference-profile ids (`us.anthropic…`, `global.anthropic…`). */
  modelIds: readonly string[];
}

/**
 * Prefixes of the system-defined cross-region inference profiles. A geographic
 * profile routes to the model in several regions of its geography; `global`
 * routes to any commercial region.
 */
export const INFERENCE_PROFILE_PREFIXES = ["global", "us", "us-gov", "eu", "apac", "jp", "au", "ca"] as const;
export type InferenceProfilePrefix = (typeof INFERENCE_PROFILE_PREFIXES)[number];

/** What a configured model id names. */
export type ModelTarget =
  | { kind: "foundation-model"; modelId: string }
  | { kind: "inference-profile"; profileId: string; prefix: InferenceProfilePrefix; modelId: string }
  | { kind: "arn"; arn: string };

/** Converse and InvokeModel need the first; ConverseStream and InvokeModelWithResponseStream the second. */
export const BEDROCK_INVOKE_ACTIONS = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"];

/**
 * Says whether `id` is a cross-region inference profile (`us.anthropic.…`), a
 * plain foundation model (`amazon.titan-embed-text-v2:0`) or a full ARN.
 */
export function parseModelId(id: string): ModelTarget {
  const trimmed = id.trim();
  if (!trimmed) throw new Error("a Bedrock model id is empty");
  if (trimmed.startsWith("arn:")) return { kind: "arn", arn: trimmed };
  const dot = trimmed.indexOf(".");
  const head = dot > 0 ? trimmed.slice(0, dot) : "";
  const prefix = INFERENCE_PROFILE_PREFIXES.find((p) => p === head);
  if (prefix && dot < trimmed.length - 1) {
    return { kind: "inference-profile", profileId: trimmed, prefix, modelId: trimmed.slice(dot + 1) };
  }
  return { kind: "foundation-model", modelId: trimmed };
}

/**
 * The resources one model id needs for `InvokeModel*`.
 *
 * @remarks
 * Calling through an inference profile is authorised twice: on the profile in
 * the source region, and on the foundation model in whichever destination
 * region the profile routes to. So a profile needs its own ARN plus
 * `arn:<p>:bedrock:*::foundation-model/<model>` (any destination region), and a
 * `global.` profile also the region-less `arn:<p>:bedrock:::foundation-model/<model>`
 * AWS documents for global routing. A plain model id is called in the source
 * region only. A full ARN (e.g. an application inference profile) is used as
 * given; the models behind it must be listed as their own ids.
 */
export function modelResources(target: ModelTarget, scope: Omit<BedrockScope, "modelIds">): string[] {
  const { partition: p, region, accountId } = scope;
  switch (target.kind) {
    case "arn":
      return [target.arn];
    case "foundation-model":
      return [`arn:${p}:bedrock:${region}::foundation-model/${target.modelId}`];
    case "inference-profile": {
      const resources = [
        `arn:${p}:bedrock:${region}:${accountId}:inference-profile/${target.profileId}`,
        `arn:${p}:bedrock:*::foundation-model/${target.modelId}`,
      ];
      if (target.prefix === "global") resources.push(`arn:${p}:bedrock:::foundation-model/${target.modelId}`);
      return resources;
    }
  }
}

/**
 * One statement allowing `bedrock:InvokeModel` and
 * `bedrock:InvokeModelWithResponseStream` on every configured model, through
 * its inference profile where it has one.
 *
 * @example
 * ```ts
 * bedrockInvokeStatements({ partition: "aws", region: "us-east-1", accountId: "123456789012",
 *   modelIds: ["amazon.titan-embed-text-v2:0", "us.anthropic.claude-sonnet-4-5-20250929-v1:0"] });
 * // → [{ actions: [...], resources: [
 * //   "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0",
 * //   "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0",
 * //   "arn:aws:bedrock:*::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0" ] }]
 * ```
 */
export function bedrockInvokeStatements(scope: BedrockScope): IamStatement[] {
  for (const [name, value] of [["partition", scope.partition], ["region", scope.region], ["accountId", scope.accountId]] as const) {
    if (!value) throw new Error(`bedrockInvokeStatements: ${name} is empty`);
  }
  if (scope.modelIds.length === 0) return [];
  const resources = new Set<string>();
  for (const id of scope.modelIds) for (const r of modelResources(parseModelId(id), scope)) resources.add(r);
  return [{ actions: [...BEDROCK_INVOKE_ACTIONS], resources: [...resources] }];
}

/** Read-only Cost Explorer access for `finops_analysis` (Cost Explorer has no resource-level permissions). */
export function costExplorerReadStatements(): IamStatement[] {
  return [{ actions: ["ce:GetCostAndUsage", "ce:GetCostForecast"], resources: ["*"] }];
}
