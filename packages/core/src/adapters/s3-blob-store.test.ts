import type { S3ClientConfig } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NonRetryableJobError, RetryableJobError } from "../errors";
import { runBlobStoreContract } from "../testing/blob-store-contract";
import { S3RVER_CREDENTIALS, startS3rver, type S3Server } from "../testing/s3rver";
import { S3BlobStore } from "./s3-blob-store";

let server: S3Server;
let clientConfig: S3ClientConfig;
beforeAll(async () => {
  server = await startS3rver({ buckets: ["uploads"] });
  clientConfig = { endpoint: server.url, region: "us-east-1", forcePathStyle: true, credentials: S3RVER_CREDENTIALS };
});
afterAll(async () => {
  await server?.stop();
});

runBlobStoreContract("s3 (s3rver)", () => new S3BlobStore({ bucket: "uploads", client: clientConfig }), { enforcesSignedHeaders: false });

describe("S3BlobStore errors", () => {
  it("turns a refusal into a non-retryable job error naming the object, and an unreachable store into a retryable one", async () => {
    const missingBucket = new S3BlobStore({ bucket: "no-such-bucket", client: clientConfig });
    const refused = await missingBucket.getBytes("uploads/x").catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(NonRetryableJobError);
    expect((refused as Error).message).toMatch(/could not read uploads\/x \(NoSuchBucket/);
    const unreachable = new S3BlobStore({ bucket: "uploads", client: { ...clientConfig, endpoint: "http://127.0.0.1:9", maxAttempts: 1 } });
    expect(await unreachable.put("k", "v", { contentType: "text/plain" }).catch((e: unknown) => e)).toBeInstanceOf(RetryableJobError);
  });
});
