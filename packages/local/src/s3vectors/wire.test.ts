import { CreateVectorBucketCommand, ListVectorBucketsCommand } from "@aws-sdk/client-s3vectors";
import { afterEach, describe, expect, it } from "vitest";
import { LIMITS } from "./limits";
import { Harness } from "./test-support";

/**
 * The HTTP surface as the service shows it, checked with plain `fetch` to see
 * what the SDK hides: statuses, the error-type header and body, routing.
 */

const harness = new Harness();
afterEach(() => harness.dispose());

function post(url: string, operation: string, body: string | Uint8Array<ArrayBuffer>, method = "POST") {
  return fetch(`${url}/${operation}`, { method, body: method === "GET" ? undefined : body, headers: { "content-type": "application/json" } });
}

describe("wire format", () => {
  it("answers 200 with JSON and creationTime in epoch seconds", async () => {
    const emulator = await harness.start();
    await post(emulator.url, "CreateVectorBucket", JSON.stringify({ vectorBucketName: "docs" }));
    const response = await post(emulator.url, "GetVectorBucket", JSON.stringify({ vectorBucketName: "docs" }));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.headers.get("x-amzn-requestid")).toMatch(/^[0-9a-f-]{36}$/);
    const { vectorBucket } = (await response.json()) as { vectorBucket: { creationTime: number } };
    expect(typeof vectorBucket.creationTime).toBe("number");
    expect(Math.abs(vectorBucket.creationTime - Date.now() / 1000)).toBeLessThan(5);
  });

  it("sends errors as x-amzn-errortype plus {__type, message}, and fieldList for validation", async () => {
    const emulator = await harness.start();
    const response = await post(emulator.url, "CreateVectorBucket", JSON.stringify({ vectorBucketName: "x" }));
    expect(response.status).toBe(400);
    expect(response.headers.get("x-amzn-errortype")).toBe("ValidationException");
    const body = (await response.json()) as { __type: string; message: string; fieldList: unknown[] };
    expect(body.__type).toBe("ValidationException");
    expect(body.message).toMatch(/vectorBucketName: must be 3 to 63 characters long/);
    expect(body.fieldList).toEqual([{ path: "vectorBucketName", message: 'must be 3 to 63 characters long, got "x"' }]);

    const missing = await post(emulator.url, "GetVectorBucket", JSON.stringify({ vectorBucketName: "nope" }));
    expect(missing.status).toBe(404);
    expect(missing.headers.get("x-amzn-errortype")).toBe("NotFoundException");
    expect(await missing.json()).toEqual({ __type: "NotFoundException", message: 'Vector bucket "nope" does not exist' });
  });

  it("reads an empty body as {} and rejects a body that is not JSON", async () => {
    const emulator = await harness.start();
    const empty = await post(emulator.url, "ListVectorBuckets", "");
    expect(await empty.json()).toEqual({ vectorBuckets: [] });
    const broken = await post(emulator.url, "ListVectorBuckets", "{nope");
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ __type: "ValidationException", message: "The request body is not valid JSON" });
    const notObject = await post(emulator.url, "ListVectorBuckets", "[]");
    expect(notObject.status).toBe(400);
  });

  it("answers unknown operations and other methods with UnknownOperationException", async () => {
    const emulator = await harness.start();
    const unknown = await post(emulator.url, "PutVectorBucketPolicy", "{}");
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("x-amzn-errortype")).toBe("UnknownOperationException");
    expect(((await unknown.json()) as { message: string }).message).toMatch(/does not implement the operation "PutVectorBucketPolicy"/);
    const get = await post(emulator.url, "ListVectorBuckets", "", "GET");
    expect(get.headers.get("x-amzn-errortype")).toBe("UnknownOperationException");
    const proto = await post(emulator.url, "__proto__", "{}");
    expect(proto.headers.get("x-amzn-errortype")).toBe("UnknownOperationException");
  });

  it("refuses a payload over 20 MiB after reading it", async () => {
    const emulator = await harness.start();
    const body = new Uint8Array(LIMITS.payloadBytes + 1).fill(0x20);
    const response = await post(emulator.url, "PutVectors", body);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(/payload is 20971521 bytes; the limit is 20971520 bytes \(20 MiB\)/);
  });

  it("serves the SDK under a base path, which the SDK keeps", async () => {
    const emulator = await harness.start();
    const client = harness.client(emulator, `${emulator.url}/some/prefix`);
    await client.send(new CreateVectorBucketCommand({ vectorBucketName: "docs" }));
    const { vectorBuckets } = await client.send(new ListVectorBucketsCommand({}));
    expect(vectorBuckets?.map((b) => b.vectorBucketName)).toEqual(["docs"]);
  });

  it("stops idempotently and frees its port", async () => {
    const emulator = await harness.start();
    await Promise.all([emulator.stop(), emulator.stop()]);
    await expect(fetch(`${emulator.url}/ListVectorBuckets`, { method: "POST" })).rejects.toThrow();
    const again = await harness.start({ port: emulator.port });
    expect(again.port).toBe(emulator.port);
  });
});
