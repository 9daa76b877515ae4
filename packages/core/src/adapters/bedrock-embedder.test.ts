import { createRequire } from "node:module";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { NonRetryableJobError, RetryableJobError } from "../errors";
import { fakeEmbedding, startBedrockFake, type BedrockFake } from "../testing/bedrock-fake";
import { runEmbedderContract } from "../testing/embedder-contract";
import { BedrockEmbedder, baseModelId, type BedrockEmbedderOptions } from "./bedrock-embedder";
import { classifyBedrockError, describeBedrockError } from "./bedrock-embedder-errors";

let fake: BedrockFake;
beforeAll(async () => {
  fake = await startBedrockFake();
});
afterAll(() => fake.close());

const live: BedrockEmbedder[] = [];
function make(options: BedrockEmbedderOptions = {}): BedrockEmbedder {
  const embedder = new BedrockEmbedder({
    backoff: { baseMs: 5, capMs: 20 },
    ...options,
    clientConfig: {
      endpoint: fake.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
      ...options.clientConfig,
    },
  });
  live.push(embedder);
  return embedder;
}
afterAll(() => live.forEach((e) => e.destroy()));

runEmbedderContract("bedrock (HTTP fake)", () => {
  const embedder = make();
  return { embedder, close: () => embedder.destroy() };
});

describe("BedrockEmbedder against the bedrock-runtime fake", () => {
  beforeEach(() => fake.reset());

  it("sends one Titan V2 request per text and keeps the order when answers arrive out of order", async () => {
    const texts = Array.from({ length: 10 }, (_, i) => `passage number ${i}`);
    // Later texts answer first.
    fake.rule((r) => ({ delayMs: 80 - 8 * Number(String((r.body as { inputText: string }).inputText).split(" ")[2]) }));
    const vectors = await make().embed(texts);
    expect(fake.requests).toHaveLength(10);
    expect(fake.requests[0]!.body).toEqual({ inputText: texts[0], dimensions: 1024, normalize: true });
    expect(fake.requests[0]!.modelId).toBe("amazon.titan-embed-text-v2:0");
    vectors.forEach((v, i) => {
      const expected = fakeEmbedding(texts[i]!, 1024);
      expect(Array.from(v.subarray(0, 4))).toEqual(expected.slice(0, 4).map(Math.fround));
    });
  });

  it("never has more than `concurrency` calls in flight, even across concurrent embed calls", async () => {
    fake.rule(() => ({ delayMs: 25 }));
    const embedder = make({ concurrency: 3 });
    const texts = Array.from({ length: 12 }, (_, i) => `text ${i}`);
    await Promise.all([embedder.embed(texts), embedder.embed(texts.map((t) => `other ${t}`))]);
    expect(fake.requests).toHaveLength(24);
    expect(fake.maxInFlight).toBe(3);
  });

  it("multiplexes a batch over one HTTP/2 connection (the SDK default opens one per call)", async () => {
    await make({ concurrency: 4 }).embed(Array.from({ length: 12 }, (_, i) => `text ${i}`));
    expect(fake.requests.every((r) => r.httpVersion === "2.0")).toBe(true);
    expect(fake.connections).toEqual({ h2: 1, http1: 0 });
  });

  it("speaks HTTP/1.1 when given a NodeHttpHandler through clientConfig", async () => {
    const fromClient = createRequire(createRequire(import.meta.url).resolve("@aws-sdk/client-bedrock-runtime"));
    const { NodeHttpHandler } = fromClient("@smithy/node-http-handler") as typeof import("@smithy/node-http-handler");
    const embedder = make({ clientConfig: { endpoint: fake.http1Endpoint, requestHandler: new NodeHttpHandler({ httpAgent: { keepAlive: true } }) } });
    const vectors = await embedder.embed(["one", "two", "three"]);
    expect(vectors).toHaveLength(3);
    expect(fake.requests.map((r) => r.httpVersion)).toEqual(["1.1", "1.1", "1.1"]);
    expect(fake.connections.h2).toBe(0);
  });

  it("backs off through throttling and succeeds", async () => {
    fake.script({ error: "ThrottlingException" }, 2);
    const [v] = await make({ concurrency: 1 }).embed(["throttled at first"]);
    expect(fake.requests).toHaveLength(3);
    expect(Array.from(v!.subarray(0, 2))).toEqual(fakeEmbedding("throttled at first", 1024).slice(0, 2).map(Math.fround));
  });

  it("retries model-not-ready, 503 and 500 the same way", async () => {
    fake.script({ error: "ModelNotReadyException" });
    fake.script({ error: "ServiceUnavailableException" });
    fake.script({ error: "InternalServerException" });
    await make({ concurrency: 1 }).embed(["eventually"]);
    expect(fake.requests).toHaveLength(4);
  });

  it("turns throttling that outlasts the attempts into a RetryableJobError, with no hidden SDK retries", async () => {
    fake.rule(() => ({ error: "ThrottlingException" }));
    const error = await make({ attempts: 4 }).embed(["always throttled"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableJobError);
    expect((error as Error).message).toMatch(/kept throttling amazon\.titan-embed-text-v2:0.*4 attempts/);
    expect((error as Error).cause).toMatchObject({ name: "ThrottlingException" });
    expect(fake.requests).toHaveLength(4);
  });

  it("fails at once on AccessDenied, naming the model and the IAM resources a profile needs", async () => {
    fake.rule(() => ({ error: "AccessDeniedException" }));
    const modelId = "us.amazon.titan-embed-text-v2:0";
    const error = await make({ modelId }).embed(["secret"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonRetryableJobError);
    const message = (error as Error).message;
    expect(message).toContain(modelId);
    expect(message).toContain(`arn:aws:bedrock:us-east-1:{account}:inference-profile/${modelId}`);
    expect(message).toContain("arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0");
    expect(message).toContain("every destination Region");
    expect(fake.requests).toHaveLength(1);
  });

  it("fails at once on ValidationException and ResourceNotFound, naming the model", async () => {
    fake.script({ error: "ValidationException", message: "400 Bad Request: Too many input tokens. Max input tokens: 8192" });
    const invalid = await make().embed(["dense text"]).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(NonRetryableJobError);
    expect(invalid).toMatchObject({ code: "invalid_input" });
    expect((invalid as Error).message).toMatch(/amazon\.titan-embed-text-v2:0.*text #0.*lower maxInputChars/);

    fake.script({ error: "ResourceNotFoundException" });
    const missing = await make({ modelId: "amazon.titan-embed-text-v9:0" }).embed(["x"]).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NonRetryableJobError);
    expect((missing as Error).message).toContain("amazon.titan-embed-text-v9:0");
    expect(fake.requests).toHaveLength(2);
  });

  it("escapes an inference-profile ARN in the path and derives the id from the base model", async () => {
    const arn = "arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.amazon.titan-embed-text-v2:0";
    const embedder = make({ modelId: arn });
    await embedder.embed(["routed through a profile"]);
    expect(fake.requests[0]!.modelId).toBe(arn);
    expect(fake.requests[0]!.rawPath).toBe(`/model/${encodeURIComponent(arn)}/invoke`);
    expect(fake.requests[0]!.rawPath).toContain("%3A");
    expect(fake.requests[0]!.rawPath).toContain("%2F");
    expect(embedder.id).toBe("bedrock/amazon.titan-embed-text-v2:0/1024");
  });

  it("stops an in-flight call when the signal aborts, rejecting with the signal's reason", async () => {
    fake.rule(() => ({ delayMs: 10_000 }));
    const controller = new AbortController();
    const reason = new Error("job cancelled");
    const started = Date.now();
    const pending = make().embed(["slow", "slower"], { signal: controller.signal });
    await expect.poll(() => fake.requests.length).toBe(2);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(3_000);
    await expect.poll(() => fake.requests.every((r) => r.aborted)).toBe(true);
    await expect.poll(() => fake.inFlight).toBe(0);
  });

  it("stops waiting out a backoff when the signal aborts", async () => {
    fake.rule(() => ({ error: "ThrottlingException" }));
    const controller = new AbortController();
    const pending = make({ backoff: { baseMs: 60_000, capMs: 60_000 } }).embed(["x"], { signal: controller.signal });
    await expect.poll(() => fake.requests.length).toBe(1);
    controller.abort(new Error("deadline"));
    await expect(pending).rejects.toThrow("deadline");
  });

  it("retries a call that stalls past the request timeout", async () => {
    fake.script({ delayMs: 5_000 });
    const [v] = await make({ requestTimeoutMs: 200 }).embed(["stalled once"]);
    expect(v).toHaveLength(1024);
    expect(fake.requests).toHaveLength(2);
  });

  it("cancels the rest of a batch after a non-retryable failure", async () => {
    fake.rule((r) => ((r.body as { inputText: string }).inputText === "bad" ? { error: "AccessDeniedException" } : { delayMs: 50 }));
    const texts = ["bad", ...Array.from({ length: 20 }, (_, i) => `good ${i}`)];
    await expect(make({ concurrency: 2 }).embed(texts)).rejects.toBeInstanceOf(NonRetryableJobError);
    expect(fake.requests.length).toBeLessThan(5);
  });

  it("checks the whole batch before calling: a blank text costs no request", async () => {
    await expect(make().embed(["fine", "  "])).rejects.toThrow(/#1 is empty/);
    await expect(make().embed(["fine", "x".repeat(20_001)])).rejects.toThrow(/#1 has 20001 characters/);
    expect(fake.requests).toHaveLength(0);
  });

  it("truncates over-long text at a word boundary when asked to", async () => {
    const text = "word ".repeat(30);
    await make({ maxInputChars: 42, overlong: "truncate" }).embed([text]);
    const sent = (fake.requests[0]!.body as { inputText: string }).inputText;
    expect(sent.length).toBeLessThanOrEqual(42);
    expect(sent).toMatch(/^(word )*word$/);
  });

  it("rejects a vector of the wrong dimension", async () => {
    fake.script({ json: { embedding: [1, 0, 0], embeddingsByType: { float: [1, 0, 0] }, inputTextTokenCount: 1 } });
    const error = await make().embed(["x"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonRetryableJobError);
    expect((error as Error).message).toMatch(/3 dimensions.*expected 1024/);
  });

  it("asks for the configured dimension", async () => {
    const embedder = make({ dimension: 256 });
    const [v] = await embedder.embed(["small"]);
    expect(v).toHaveLength(256);
    expect(fake.requests[0]!.body).toMatchObject({ dimensions: 256 });
    expect(embedder.id).toBe("bedrock/amazon.titan-embed-text-v2:0/256");
  });
});

describe("Bedrock model ids and error hints", () => {
  it("finds the base model behind profile ids and ARNs", () => {
    expect(baseModelId("amazon.titan-embed-text-v2:0")).toBe("amazon.titan-embed-text-v2:0");
    expect(baseModelId("global.amazon.titan-embed-text-v2:0")).toBe("amazon.titan-embed-text-v2:0");
    expect(baseModelId("us-gov.amazon.titan-embed-text-v2:0")).toBe("amazon.titan-embed-text-v2:0");
    expect(baseModelId("arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0")).toBe("amazon.titan-embed-text-v2:0");
  });

  it("points a global profile at the region-less foundation-model ARN", () => {
    const denied = Object.assign(new Error("not authorized"), { name: "AccessDeniedException", $metadata: { httpStatusCode: 403 } });
    const at = { modelId: "global.amazon.titan-embed-text-v2:0", region: "eu-west-1", index: 0, chars: 5, attempt: 1, ms: 10 };
    const message = describeBedrockError(denied, classifyBedrockError(denied), at).message;
    expect(message).toContain("arn:aws:bedrock:eu-west-1:{account}:inference-profile/global.amazon.titan-embed-text-v2:0");
    expect(message).toContain("region-less arn:aws:bedrock:::foundation-model/amazon.titan-embed-text-v2:0");
  });

  it("retries transport failures but not missing credentials", () => {
    expect(classifyBedrockError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })).retry).toBe(true);
    const noCredentials = Object.assign(new Error("Could not load credentials"), { name: "CredentialsProviderError" });
    expect(classifyBedrockError(noCredentials).retry).toBe(false);
    const at = { modelId: "m", region: "r", index: 0, chars: 1, attempt: 1, ms: 1 };
    expect(describeBedrockError(noCredentials, classifyBedrockError(noCredentials), at)).toBeInstanceOf(NonRetryableJobError);
  });
});
