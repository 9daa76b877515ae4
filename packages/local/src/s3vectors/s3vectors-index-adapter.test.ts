import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { S3VectorsIndex } from "@ferry/core/adapters/s3vectors-index";
import { NonRetryableJobError } from "@ferry/core/errors";
import { runVectorIndexContract, unitVector } from "@ferry/core/testing/vector-index-contract";
import { ensureVectorIndex } from "../vector-setup";
import { startS3VectorsEmulator } from ".";

/** The `VectorIndex` port's S3 Vectors adapter, run against the emulator with the real SDK client. */
let emulator: Awaited<ReturnType<typeof startS3VectorsEmulator>>;
beforeAll(async () => {
  emulator = await startS3VectorsEmulator({});
});
afterAll(async () => {
  await emulator?.stop();
});

async function freshIndex(dimension = 8) {
  const indexName = `i-${randomUUID().slice(0, 8)}`;
  await ensureVectorIndex({ endpoint: emulator.url, vectorBucketName: "contract", indexName, dimension });
  return new S3VectorsIndex({ vectorBucketName: "contract", indexName, client: { endpoint: emulator.url, region: "us-east-1" } });
}

runVectorIndexContract("s3vectors (emulator)", () => freshIndex());

describe("S3VectorsIndex", () => {
  it("turns a refused request into a non-retryable job error with the service's reason", async () => {
    const index = await freshIndex();
    const wrongDimension = { key: "k", vector: new Float32Array(3).fill(1), metadata: { owner: "a" } };
    const error = await index.put([wrongDimension]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonRetryableJobError);
    expect((error as Error).message).toMatch(/ValidationException.*dimension/i);
  });

  it("refuses a filter on the non-filterable text key", async () => {
    const index = await freshIndex();
    await index.put([{ key: "a#0", vector: unitVector(8, 0), metadata: { owner: "a", text: "hello" } }]);
    await expect(index.query({ vector: unitVector(8, 0), topK: 1, filter: { text: "hello" } })).rejects.toThrow(/non-filterable|not filterable/i);
  });
});
