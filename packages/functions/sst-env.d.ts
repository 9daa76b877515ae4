/* Ferry's linked resources, as `import { Resource } from "sst"` sees them in a
 * deployed function. Hand-written to match infra/ so the functions type-check
 * offline; `sst dev` / `sst deploy` regenerate an equivalent file (keep the two
 * in step when infra/ changes a name or a property). */
import "sst";

declare module "sst" {
  export interface Resource {
    /** The WebSocket API; `managementEndpoint` (https://…/$default) is for `@connections`. */
    Ws: { type: "sst.aws.ApiGatewayWebSocket"; url: string; managementEndpoint: string };
    /** connectionId (S); index byUser: userId (S) + connectedAt (N); TTL expiresAt. */
    Connections: { type: "sst.aws.Dynamo"; name: string };
    /** pk (S) + sk (S); index byOwner: owner (S) + createdAt (N); TTL expiresAt. */
    Jobs: { type: "sst.aws.Dynamo"; name: string };
    Uploads: { type: "sst.aws.Bucket"; name: string };
    IngestQueue: { type: "sst.aws.Queue"; url: string };
    AnalysisQueue: { type: "sst.aws.Queue"; url: string };
    /** Dead letters of IngestQueue (SQS redrive after 3 receives, and jobs that failed for good). */
    IngestDeadLetters: { type: "sst.aws.Queue"; url: string };
    /** Dead letters of AnalysisQueue. */
    AnalysisDeadLetters: { type: "sst.aws.Queue"; url: string };
    /** S3 Vectors bucket and index (float32, 1024, cosine; `text` is non-filterable metadata). */
    Vectors: { type: "sst.sst.Linkable"; bucketName: string; indexName: string; indexArn: string };
    /** OIDC issuer; "" = not configured (non-production default). */
    JwtIssuer: { type: "sst.sst.Secret"; value: string };
    /** Expected audience / Cognito app client id; "" = not checked. */
    JwtAudience: { type: "sst.sst.Secret"; value: string };
    /** "" = `${issuer}/.well-known/jwks.json`. */
    JwksUrl: { type: "sst.sst.Secret"; value: string };
    /**
     * HS256 dev-token key. Linked on non-production stages only: test with
     * `"DevSecret" in Resource` before reading (reading an unlinked name throws).
     */
    DevSecret: { type: "sst.sst.Secret"; value: string };
  }
}

export {};
