import type { S3ClientConfig } from "@aws-sdk/client-s3";
import { afterAll, beforeAll } from "vitest";
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
