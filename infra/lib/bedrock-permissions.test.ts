import { describe, expect, it } from "vitest";
import {
  BEDROCK_INVOKE_ACTIONS,
  bedrockInvokeStatements,
  costExplorerReadStatements,
  parseModelId,
  type BedrockScope,
} from "./bedrock-permissions";

const SONNET = "anthropic.claude-sonnet-4-5-20250929-v1:0";
const TITAN = "amazon.titan-embed-text-v2:0";
const scope = (modelIds: string[], partition = "aws", region = "us-east-1"): BedrockScope => ({
  partition,
  region,
  accountId: "123456789012",
  modelIds,
});
const resourcesOf = (s: BedrockScope) => bedrockInvokeStatements(s).flatMap((st) => st.resources);

describe("parseModelId", () => {
  it.each([
    [`us.${SONNET}`, "us"],
    [`eu.${SONNET}`, "eu"],
    [`apac.${SONNET}`, "apac"],
    [`global.${SONNET}`, "global"],
    [`us-gov.${SONNET}`, "us-gov"],
    [`jp.${SONNET}`, "jp"],
  ])("%s is an inference profile (%s) over the bare model", (id, prefix) => {
    expect(parseModelId(id)).toEqual({ kind: "inference-profile", profileId: id, prefix, modelId: SONNET });
  });

  it.each([TITAN, SONNET, "cohere.embed-english-v3", "meta.llama3-8b-instruct-v1:0"])("%s is a plain foundation model", (id) => {
    expect(parseModelId(id)).toEqual({ kind: "foundation-model", modelId: id });
  });

  it("passes ARNs through and rejects empty ids", () => {
    const arn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123";
    expect(parseModelId(arn)).toEqual({ kind: "arn", arn });
    expect(() => parseModelId(" ")).toThrow(/empty/);
  });
});

describe("bedrockInvokeStatements", () => {
  it("allows InvokeModel and InvokeModelWithResponseStream (Converse and ConverseStream)", () => {
    const [statement, ...rest] = bedrockInvokeStatements(scope([TITAN]));
    expect(rest).toEqual([]);
    expect(statement!.actions).toEqual(["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]);
    expect(BEDROCK_INVOKE_ACTIONS).toEqual(statement!.actions);
  });

  it("a regional profile names the inference-profile ARN and the foundation model in every destination region", () => {
    expect(resourcesOf(scope([`us.${SONNET}`]))).toEqual([
      `arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.${SONNET}`,
      `arn:aws:bedrock:*::foundation-model/${SONNET}`,
    ]);
    expect(resourcesOf(scope([`eu.${SONNET}`], "aws", "eu-west-1"))).toEqual([
      `arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.${SONNET}`,
      `arn:aws:bedrock:*::foundation-model/${SONNET}`,
    ]);
    expect(resourcesOf(scope([`apac.${SONNET}`], "aws", "ap-northeast-1"))).toContain(
      `arn:aws:bedrock:ap-northeast-1:123456789012:inference-profile/apac.${SONNET}`,
    );
  });

  it("a global profile also names the region-less foundation-model ARN", () => {
    expect(resourcesOf(scope([`global.${SONNET}`]))).toEqual([
      `arn:aws:bedrock:us-east-1:123456789012:inference-profile/global.${SONNET}`,
      `arn:aws:bedrock:*::foundation-model/${SONNET}`,
      `arn:aws:bedrock:::foundation-model/${SONNET}`,
    ]);
  });

  it("a plain model id names only its foundation model, in the source region", () => {
    const resources = resourcesOf(scope([TITAN]));
    expect(resources).toEqual([`arn:aws:bedrock:us-east-1::foundation-model/${TITAN}`]);
    expect(resources.some((r) => r.includes("inference-profile"))).toBe(false);
  });

  it("the default pair (Titan + a Sonnet profile) names both inference-profile and foundation-model resources", () => {
    const resources = resourcesOf(scope([TITAN, `us.${SONNET}`]));
    expect(resources.filter((r) => r.includes(":inference-profile/"))).toHaveLength(1);
    expect(resources.filter((r) => r.includes(":foundation-model/"))).toHaveLength(2);
  });

  it.each([
    ["aws-cn", "cn-north-1"],
    ["aws-us-gov", "us-gov-west-1"],
  ])("uses the %s partition in every ARN", (partition, region) => {
    const resources = resourcesOf(scope([TITAN, `us-gov.${SONNET}`, `global.${SONNET}`], partition, region));
    expect(resources.length).toBeGreaterThan(0);
    for (const r of resources) expect(r.startsWith(`arn:${partition}:bedrock:`)).toBe(true);
    expect(resources).toContain(`arn:${partition}:bedrock:${region}:123456789012:inference-profile/us-gov.${SONNET}`);
    expect(resources).toContain(`arn:${partition}:bedrock:*::foundation-model/${SONNET}`);
    expect(resources).toContain(`arn:${partition}:bedrock:::foundation-model/${SONNET}`);
    expect(resources).toContain(`arn:${partition}:bedrock:${region}::foundation-model/${TITAN}`);
  });

  it("lists each resource once when models share a foundation model", () => {
    const resources = resourcesOf(scope([`us.${SONNET}`, `eu.${SONNET}`, `us.${SONNET}`]));
    expect(new Set(resources).size).toBe(resources.length);
    expect(resources.filter((r) => r.endsWith(`::foundation-model/${SONNET}`))).toHaveLength(1);
  });

  it("grants nothing for no models and refuses an unresolved account or region", () => {
    expect(bedrockInvokeStatements(scope([]))).toEqual([]);
    expect(() => bedrockInvokeStatements({ ...scope([TITAN]), accountId: "" })).toThrow(/accountId/);
    expect(() => bedrockInvokeStatements({ ...scope([TITAN]), region: "" })).toThrow(/region/);
  });
});

describe("costExplorerReadStatements", () => {
  it("reads costs and forecasts only", () => {
    expect(costExplorerReadStatements()).toEqual([{ actions: ["ce:GetCostAndUsage", "ce:GetCostForecast"], resources: ["*"] }]);
  });
});
