/**
 * Proof that `tsc -p tsconfig.sst.json` really checks SST arguments.
 *
 * Each line below is a mistake that must NOT type-check. If SST's types ever
 * degrade to `any` (a missing `.sst/platform`, a broken reference path, an SST
 * upgrade), the errors vanish, every `@ts-expect-error` becomes unused, and the
 * check — and `npm test` — fails. Never imported by sst.config.ts; the function
 * is never called, only type-checked.
 *
 * @module
 */
export function typecheckCanary() {
  // @ts-expect-error a misspelled Queue argument (visibilityTimeout)
  new sst.aws.Queue("CanaryQueue", { visibilityTimeouts: "90 minutes" });
  // @ts-expect-error the object form of `dlq` requires `retry`
  new sst.aws.Queue("CanaryQueue2", { dlq: { queue: "arn:aws:sqs:us-east-1:123456789012:dlq" } });
  // @ts-expect-error durations are "<n> seconds|minutes", not "15 min"
  new sst.aws.Function("CanaryFunction", { handler: "x.handler", timeout: "15 min" });
  // @ts-expect-error architecture is "x86_64" | "arm64"
  new sst.aws.Function("CanaryFunction2", { handler: "x.handler", architecture: "arm" });
  const ws = new sst.aws.ApiGatewayWebSocket("CanaryWs");
  // @ts-expect-error the WebSocket addAuthorizer takes (name, args), not one object
  ws.addAuthorizer({ name: "Token", lambda: { function: "x.handler" } });
  // @ts-expect-error a misspelled subscriber option (partialResponses)
  new sst.aws.Queue("CanaryQueue3").subscribe("x.handler", { batch: { partialResponse: true } });
  // @ts-expect-error a Dynamo TTL is an attribute name
  new sst.aws.Dynamo("CanaryTable", { fields: { id: "string" }, primaryIndex: { hashKey: "id" }, ttl: 5 });
  // @ts-expect-error S3 Vectors metadata keys go in nonFilterableMetadataKeys
  new aws.s3.VectorsIndex("CanaryIndex", { vectorBucketName: "b", indexName: "i", dataType: "float32", dimension: 1024, distanceMetric: "cosine", metadataConfiguration: { nonFilterableKeys: ["text"] } });
  // @ts-expect-error StaticSite environment values are strings
  new sst.aws.StaticSite("CanarySite", { path: "packages/web", environment: { VITE_FERRY_WS_URL: 1 } });
}
