import {
  ConflictException,
  CreateIndexCommand,
  CreateVectorBucketCommand,
  DeleteIndexCommand,
  DeleteVectorBucketCommand,
  GetIndexCommand,
  GetVectorBucketCommand,
  ListIndexesCommand,
  ListVectorBucketsCommand,
  NotFoundException,
  ServiceQuotaExceededException,
  ValidationException,
  type CreateIndexCommandInput,
} from "@aws-sdk/client-s3vectors";
import { afterEach, describe, expect, it } from "vitest";
import { Harness, rejection } from "./test-support";

/**
 * Vector buckets and indexes through the unmodified `@aws-sdk/client-s3vectors`:
 * every operation, addressing by name and by ARN, naming rules, conflicts,
 * missing resources and quotas, each asserted on the SDK's exception class.
 */

const harness = new Harness();
afterEach(() => harness.dispose());

async function started() {
  const emulator = await harness.start();
  return harness.client(emulator);
}

const newIndex = (overrides: Partial<CreateIndexCommandInput> = {}): CreateIndexCommandInput => ({
  vectorBucketName: "docs",
  indexName: "chunks",
  dataType: "float32",
  dimension: 8,
  distanceMetric: "cosine",
  ...overrides,
});

describe("vector buckets", () => {
  it("creates, gets, lists and deletes a bucket, with creationTime as a Date", async () => {
    const client = await started();
    const before = Date.now();
    const { vectorBucketArn } = await client.send(new CreateVectorBucketCommand({ vectorBucketName: "docs" }));
    expect(vectorBucketArn).toBe("arn:aws:s3vectors:us-east-1:000000000000:bucket/docs");

    const { vectorBucket } = await client.send(new GetVectorBucketCommand({ vectorBucketName: "docs" }));
    expect(vectorBucket).toMatchObject({ vectorBucketName: "docs", vectorBucketArn, encryptionConfiguration: { sseType: "AES256" } });
    expect(vectorBucket!.creationTime).toBeInstanceOf(Date);
    expect(vectorBucket!.creationTime!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(vectorBucket!.creationTime!.getTime()).toBeLessThanOrEqual(Date.now() + 1000);

    const listed = await client.send(new ListVectorBucketsCommand({}));
    expect(listed.vectorBuckets?.map((b) => b.vectorBucketName)).toEqual(["docs"]);
    expect(listed.nextToken).toBeUndefined();

    await client.send(new DeleteVectorBucketCommand({ vectorBucketName: "docs" }));
    const gone = await rejection(client.send(new GetVectorBucketCommand({ vectorBucketName: "docs" })));
    expect(gone).toBeInstanceOf(NotFoundException);
    expect(gone.message).toMatch(/vector bucket "docs" does not exist/i);
  });

  it("keeps a KMS encryption configuration", async () => {
    const client = await started();
    const kmsKeyArn = "arn:aws:kms:us-east-1:123456789012:key/abcd";
    await client.send(new CreateVectorBucketCommand({ vectorBucketName: "secret", encryptionConfiguration: { sseType: "aws:kms", kmsKeyArn } }));
    const { vectorBucket } = await client.send(new GetVectorBucketCommand({ vectorBucketName: "secret" }));
    expect(vectorBucket?.encryptionConfiguration).toEqual({ sseType: "aws:kms", kmsKeyArn });

    const missingKey = await rejection(client.send(new CreateVectorBucketCommand({ vectorBucketName: "other", encryptionConfiguration: { sseType: "aws:kms" } })));
    expect(missingKey).toBeInstanceOf(ValidationException);
    expect(missingKey.message).toMatch(/kmsKeyArn: is required when sseType is aws:kms/);
  });

  it("addresses a bucket by ARN, and an ARN of another Region as missing", async () => {
    const client = await started();
    const { vectorBucketArn } = await client.send(new CreateVectorBucketCommand({ vectorBucketName: "docs" }));
    const { vectorBucket } = await client.send(new GetVectorBucketCommand({ vectorBucketArn }));
    expect(vectorBucket?.vectorBucketName).toBe("docs");

    const elsewhere = await rejection(client.send(new GetVectorBucketCommand({ vectorBucketArn: vectorBucketArn!.replace("us-east-1", "eu-west-1") })));
    expect(elsewhere).toBeInstanceOf(NotFoundException);
    expect(elsewhere.message).toMatch(/eu-west-1.*this emulator serves account 000000000000 in us-east-1/);

    const both = await rejection(client.send(new GetVectorBucketCommand({ vectorBucketArn, vectorBucketName: "docs" })));
    expect(both).toBeInstanceOf(ValidationException);
    expect(both.message).toMatch(/exactly one of vectorBucketName and vectorBucketArn/);

    const malformed = await rejection(client.send(new GetVectorBucketCommand({ vectorBucketArn: "arn:aws:s3:::docs" })));
    expect(malformed).toBeInstanceOf(ValidationException);
    expect(malformed.message).toMatch(/vectorBucketArn: must be a vector bucket ARN/);

    await client.send(new DeleteVectorBucketCommand({ vectorBucketArn }));
    expect((await client.send(new ListVectorBucketsCommand({}))).vectorBuckets).toEqual([]);
  });

  it("pages through buckets in name order, with a prefix", async () => {
    const client = await started();
    const names = ["b-3", "a-1", "b-1", "c-1", "b-2", "a-2", "b-4"];
    for (const name of names) await client.send(new CreateVectorBucketCommand({ vectorBucketName: name }));

    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await client.send(new ListVectorBucketsCommand({ maxResults: 2, nextToken }));
      expect(page.vectorBuckets!.length).toBeLessThanOrEqual(2);
      seen.push(...page.vectorBuckets!.map((b) => b.vectorBucketName!));
      nextToken = page.nextToken;
      pages++;
    } while (nextToken);
    expect(seen).toEqual([...names].sort());
    expect(pages).toBe(4);

    const prefixed = await client.send(new ListVectorBucketsCommand({ prefix: "b-", maxResults: 3 }));
    expect(prefixed.vectorBuckets!.map((b) => b.vectorBucketName)).toEqual(["b-1", "b-2", "b-3"]);
    const rest = await client.send(new ListVectorBucketsCommand({ prefix: "b-", nextToken: prefixed.nextToken }));
    expect(rest.vectorBuckets!.map((b) => b.vectorBucketName)).toEqual(["b-4"]);
    expect(rest.nextToken).toBeUndefined();

    const tooMany = await rejection(client.send(new ListVectorBucketsCommand({ maxResults: 501 })));
    expect(tooMany).toBeInstanceOf(ValidationException);
    expect(tooMany.message).toMatch(/maxResults: must be between 1 and 500, got 501/);
    const badToken = await rejection(client.send(new ListVectorBucketsCommand({ nextToken: "not-a-token" })));
    expect(badToken).toBeInstanceOf(ValidationException);
    expect(badToken.message).toMatch(/nextToken is invalid/);
  });

  it.each([
    ["ab", /vectorBucketName: must be 3 to 63 characters long, got "ab"/],
    ["x".repeat(64), /vectorBucketName: must be 3 to 63 characters long/],
    ["Docs", /may contain only lowercase letters, digits and hyphens/],
    ["my_docs", /may contain only lowercase letters, digits and hyphens/],
    ["my.docs", /may contain only lowercase letters, digits and hyphens/],
    ["-docs", /must start and end with a letter or digit/],
    ["docs-", /must start and end with a letter or digit/],
  ])("rejects the bucket name %j", async (name, message) => {
    const client = await started();
    const error = await rejection(client.send(new CreateVectorBucketCommand({ vectorBucketName: name })));
    expect(error).toBeInstanceOf(ValidationException);
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.message).toMatch(message);
    expect(error.fieldList?.[0]?.path).toBe("vectorBucketName");
  });

  it("accepts names of exactly 3 and 63 characters", async () => {
    const client = await started();
    await client.send(new CreateVectorBucketCommand({ vectorBucketName: "abc" }));
    await client.send(new CreateVectorBucketCommand({ vectorBucketName: `a${"-".repeat(61)}z` }));
  });

  it("refuses a duplicate name with ConflictException", async () => {
    const client = await started();
    await client.send(new CreateVectorBucketCommand({ vectorBucketName: "docs" }));
    const error = await rejection(client.send(new CreateVectorBucketCommand({ vectorBucketName: "docs" })));
    expect(error).toBeInstanceOf(ConflictException);
    expect(error.$metadata.httpStatusCode).toBe(409);
    expect(error.message).toMatch(/"docs" already exists/);
  });

  it("refuses to delete a bucket that still has indexes, and a bucket that does not exist", async () => {
    const client = await started();
    await client.send(new CreateVectorBucketCommand({ vectorBucketName: "docs" }));
    await client.send(new CreateIndexCommand(newIndex()));
    const error = await rejection(client.send(new DeleteVectorBucketCommand({ vectorBucketName: "docs" })));
    expect(error).toBeInstanceOf(ConflictException);
    expect(error.message).toMatch(/still has 1 index\(es\); delete them first/);

    await client.send(new DeleteIndexCommand({ vectorBucketName: "docs", indexName: "chunks" }));
    await client.send(new DeleteVectorBucketCommand({ vectorBucketName: "docs" }));
    const missing = await rejection(client.send(new DeleteVectorBucketCommand({ vectorBucketName: "docs" })));
    expect(missing).toBeInstanceOf(NotFoundException);
  });

  it("enforces the bucket quota with ServiceQuotaExceededException (402)", async () => {
    const emulator = await harness.start({ quotas: { vectorBuckets: 2 } });
    const client = harness.client(emulator);
    await client.send(new CreateVectorBucketCommand({ vectorBucketName: "one" }));
    await client.send(new CreateVectorBucketCommand({ vectorBucketName: "two" }));
    const error = await rejection(client.send(new CreateVectorBucketCommand({ vectorBucketName: "three" })));
    expect(error).toBeInstanceOf(ServiceQuotaExceededException);
    expect(error.$metadata.httpStatusCode).toBe(402);
    expect(error.message).toMatch(/already has 2 vector buckets/);
  });
});

describe("indexes", () => {
  async function withBucket() {
    const client = await started();
    await client.send(new CreateVectorBucketCommand({ vectorBucketName: "docs" }));
    return client;
  }

  it("creates, gets, lists and deletes an index", async () => {
    const client = await withBucket();
    const { indexArn } = await client.send(
      new CreateIndexCommand(newIndex({ dimension: 1024, metadataConfiguration: { nonFilterableMetadataKeys: ["text"] } })),
    );
    expect(indexArn).toBe("arn:aws:s3vectors:us-east-1:000000000000:bucket/docs/index/chunks");

    const { index } = await client.send(new GetIndexCommand({ vectorBucketName: "docs", indexName: "chunks" }));
    expect(index).toMatchObject({
      vectorBucketName: "docs",
      indexName: "chunks",
      indexArn,
      dataType: "float32",
      dimension: 1024,
      distanceMetric: "cosine",
      metadataConfiguration: { nonFilterableMetadataKeys: ["text"] },
      encryptionConfiguration: { sseType: "AES256" },
    });
    expect(index!.creationTime).toBeInstanceOf(Date);

    const listed = await client.send(new ListIndexesCommand({ vectorBucketName: "docs" }));
    expect(listed.indexes).toEqual([{ vectorBucketName: "docs", indexName: "chunks", indexArn, creationTime: index!.creationTime }]);

    await client.send(new DeleteIndexCommand({ indexArn }));
    const gone = await rejection(client.send(new GetIndexCommand({ indexArn })));
    expect(gone).toBeInstanceOf(NotFoundException);
    expect(gone.message).toMatch(/Index "chunks" does not exist in vector bucket "docs"/);
  });

  it("creates in a bucket given by ARN and addresses the index by ARN", async () => {
    const client = await started();
    const { vectorBucketArn } = await client.send(new CreateVectorBucketCommand({ vectorBucketName: "docs" }));
    const { indexArn } = await client.send(new CreateIndexCommand(newIndex({ vectorBucketName: undefined, vectorBucketArn, distanceMetric: "euclidean" })));
    const { index } = await client.send(new GetIndexCommand({ indexArn }));
    expect(index).toMatchObject({ indexName: "chunks", distanceMetric: "euclidean" });
    expect(index!.metadataConfiguration).toBeUndefined();
    const listed = await client.send(new ListIndexesCommand({ vectorBucketArn }));
    expect(listed.indexes?.map((i) => i.indexArn)).toEqual([indexArn]);
  });

  it("requires either indexArn or bucket and index names, not both", async () => {
    const client = await withBucket();
    const { indexArn } = await client.send(new CreateIndexCommand(newIndex()));
    for (const address of [{ indexArn, indexName: "chunks" }, { vectorBucketName: "docs" }, {}]) {
      const error = await rejection(client.send(new GetIndexCommand(address)));
      expect(error).toBeInstanceOf(ValidationException);
      expect(error.message).toMatch(/specify either indexArn, or both vectorBucketName and indexName/);
    }
  });

  it("pages through indexes with a prefix", async () => {
    const client = await withBucket();
    for (const name of ["en.v2", "en.v1", "de.v1", "en.v3"]) await client.send(new CreateIndexCommand(newIndex({ indexName: name })));
    const first = await client.send(new ListIndexesCommand({ vectorBucketName: "docs", prefix: "en.", maxResults: 2 }));
    expect(first.indexes!.map((i) => i.indexName)).toEqual(["en.v1", "en.v2"]);
    const second = await client.send(new ListIndexesCommand({ vectorBucketName: "docs", prefix: "en.", maxResults: 2, nextToken: first.nextToken }));
    expect(second.indexes!.map((i) => i.indexName)).toEqual(["en.v3"]);
    expect(second.nextToken).toBeUndefined();
  });

  it("inherits the bucket's encryption unless the index has its own", async () => {
    const client = await started();
    const kmsKeyArn = "arn:aws:kms:us-east-1:123456789012:key/k1";
    await client.send(new CreateVectorBucketCommand({ vectorBucketName: "docs", encryptionConfiguration: { sseType: "aws:kms", kmsKeyArn } }));
    await client.send(new CreateIndexCommand(newIndex({ indexName: "inherits" })));
    await client.send(new CreateIndexCommand(newIndex({ indexName: "own", encryptionConfiguration: { sseType: "AES256" } })));
    const inherits = await client.send(new GetIndexCommand({ vectorBucketName: "docs", indexName: "inherits" }));
    const own = await client.send(new GetIndexCommand({ vectorBucketName: "docs", indexName: "own" }));
    expect(inherits.index?.encryptionConfiguration).toEqual({ sseType: "aws:kms", kmsKeyArn });
    expect(own.index?.encryptionConfiguration).toEqual({ sseType: "AES256" });
  });

  it.each<[string, Partial<CreateIndexCommandInput>, RegExp]>([
    ["dimension 0", { dimension: 0 }, /dimension: must be between 1 and 4096, got 0/],
    ["dimension 4097", { dimension: 4097 }, /dimension: must be between 1 and 4096, got 4097/],
    ["a fractional dimension", { dimension: 1.5 }, /dimension: must be an integer/],
    ["an unknown metric", { distanceMetric: "dotproduct" as never }, /distanceMetric: must be cosine or euclidean/],
    ["another data type", { dataType: "float16" as never }, /dataType: must be float32/],
    ["an uppercase name", { indexName: "Chunks" }, /indexName: may contain only lowercase letters, digits, hyphens and dots/],
    ["a name ending in a dot", { indexName: "chunks." }, /must start and end with a letter or digit/],
    ["a two-character name", { indexName: "ab" }, /indexName: must be 3 to 63 characters long/],
    ["11 non-filterable keys", { metadataConfiguration: { nonFilterableMetadataKeys: Array.from({ length: 11 }, (_, i) => `k${i}`) } }, /nonFilterableMetadataKeys: must hold 1 to 10 keys/],
    ["an empty non-filterable key list", { metadataConfiguration: { nonFilterableMetadataKeys: [] } }, /nonFilterableMetadataKeys: must hold 1 to 10 keys/],
    ["a 64-character metadata key", { metadataConfiguration: { nonFilterableMetadataKeys: ["k".repeat(64)] } }, /nonFilterableMetadataKeys\[0\]: must be 1 to 63 characters long/],
  ])("rejects %s", async (_, overrides, message) => {
    const client = await withBucket();
    const error = await rejection(client.send(new CreateIndexCommand(newIndex(overrides))));
    expect(error).toBeInstanceOf(ValidationException);
    expect(error.message).toMatch(message);
  });

  it("accepts dimension 1 and 4096 and dotted names", async () => {
    const client = await withBucket();
    await client.send(new CreateIndexCommand(newIndex({ indexName: "tiny.v1", dimension: 1 })));
    await client.send(new CreateIndexCommand(newIndex({ indexName: "huge-v1", dimension: 4096 })));
  });

  it("refuses a duplicate index, an index in a missing bucket, and deleting a missing index", async () => {
    const client = await withBucket();
    await client.send(new CreateIndexCommand(newIndex()));
    const duplicate = await rejection(client.send(new CreateIndexCommand(newIndex({ dimension: 16 }))));
    expect(duplicate).toBeInstanceOf(ConflictException);
    expect(duplicate.message).toMatch(/index named "chunks" already exists in vector bucket "docs"/);

    const noBucket = await rejection(client.send(new CreateIndexCommand(newIndex({ vectorBucketName: "nope" }))));
    expect(noBucket).toBeInstanceOf(NotFoundException);
    expect(noBucket.message).toMatch(/Vector bucket "nope" does not exist/);

    const noIndex = await rejection(client.send(new DeleteIndexCommand({ vectorBucketName: "docs", indexName: "other" })));
    expect(noIndex).toBeInstanceOf(NotFoundException);
    const noList = await rejection(client.send(new ListIndexesCommand({ vectorBucketName: "nope" })));
    expect(noList).toBeInstanceOf(NotFoundException);
  });

  it("enforces the indexes-per-bucket quota", async () => {
    const emulator = await harness.start({ quotas: { indexesPerBucket: 1 } });
    const client = harness.client(emulator);
    await client.send(new CreateVectorBucketCommand({ vectorBucketName: "docs" }));
    await client.send(new CreateIndexCommand(newIndex()));
    const error = await rejection(client.send(new CreateIndexCommand(newIndex({ indexName: "second" }))));
    expect(error).toBeInstanceOf(ServiceQuotaExceededException);
    expect(error.message).toMatch(/already has 1 indexes, the maximum/);
  });
});
