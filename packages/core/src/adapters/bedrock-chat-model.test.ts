import { createRequire } from "node:module";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { NonRetryableJobError, RetryableJobError } from "../errors";
import type { ChatRequest } from "../ports";
import { startBedrockFake, type BedrockFake } from "../testing/bedrock-fake";
import { runChatModelContract } from "../testing/chat-model-contract";
import { BedrockChatModel, CLAUDE_SONNET_4_5_GLOBAL, type BedrockChatModelOptions } from "./bedrock-chat-model";

let fake: BedrockFake;
beforeAll(async () => {
  fake = await startBedrockFake();
});
afterAll(() => fake.close());

const live: BedrockChatModel[] = [];
function make(options: BedrockChatModelOptions = {}): BedrockChatModel {
  const model = new BedrockChatModel({
    backoff: { baseMs: 5, capMs: 20 },
    region: "us-east-1",
    endpoint: fake.endpoint,
    ...options,
    clientConfig: { credentials: { accessKeyId: "local", secretAccessKey: "local" }, ...options.clientConfig },
  });
  live.push(model);
  return model;
}
afterAll(() => live.forEach((m) => m.destroy()));

runChatModelContract("bedrock (ConverseStream fake)", () => {
  const model = make();
  return { model, close: () => model.destroy() };
});

/** The SDK's HTTP/1.1 handler, from the client's own copy of `@smithy/node-http-handler`. */
function http1Handler() {
  const fromClient = createRequire(createRequire(import.meta.url).resolve("@aws-sdk/client-bedrock-runtime"));
  const { NodeHttpHandler } = fromClient("@smithy/node-http-handler") as typeof import("@smithy/node-http-handler");
  return new NodeHttpHandler();
}

/** Runs `request` and keeps every delta, and the rejection if there is one. */
async function collect(model: BedrockChatModel, request: Partial<ChatRequest> = {}) {
  const deltas: string[] = [];
  const outcome = await model
    .stream({ system: "Be brief.", messages: [{ role: "user", text: "Hello?" }], ...request, onDelta: (d) => deltas.push(d) })
    .then((result) => ({ result, error: undefined }), (error: unknown) => ({ result: undefined, error }));
  return { ...outcome, deltas, streamed: deltas.join("") };
}

describe("BedrockChatModel against the bedrock-runtime fake", () => {
  beforeEach(() => fake.reset());

  it("sends the system prompt, alternating turns and the inference settings Converse expects", async () => {
    const { result } = await collect(make({ maxTokens: 700 }), {
      system: "Answer from the sources.",
      messages: [
        { role: "assistant", text: "Earlier answer about traces." },
        { role: "user", text: "What is a trace?" },
        { role: "user", text: "Keep it short." },
        { role: "assistant", text: "   " },
        { role: "assistant", text: "A recorded loop [1]." },
        { role: "user", text: "And on which page is that?" },
      ],
      temperature: 0.2,
    });
    expect(result?.text).toMatch(/\S/);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.operation).toBe("converse-stream");
    expect(fake.requests[0]!.body).toEqual({
      system: [{ text: "Answer from the sources." }],
      messages: [
        { role: "user", content: [{ text: "(The earlier part of this conversation is not shown.)" }] },
        { role: "assistant", content: [{ text: "Earlier answer about traces." }] },
        { role: "user", content: [{ text: "What is a trace?\n\nKeep it short." }] },
        { role: "assistant", content: [{ text: "A recorded loop [1]." }] },
        { role: "user", content: [{ text: "And on which page is that?" }] },
      ],
      inferenceConfig: { maxTokens: 700, temperature: 0.2 },
    });
  });

  it("lets the request's maxTokens win over the default", async () => {
    await collect(make(), { maxTokens: 64 });
    expect(fake.requests[0]!.body).toMatchObject({ inferenceConfig: { maxTokens: 64 } });
    expect(fake.requests[0]!.body).not.toHaveProperty("inferenceConfig.temperature");
  });

  it.each([
    ["a global profile", "global.anthropic.claude-sonnet-4-5-20250929-v1:0"],
    ["a US profile", "us.anthropic.claude-3-7-sonnet-20250219-v1:0"],
    ["a profile ARN", "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0"],
  ])("calls %s by its id, escaped in the path, and reports it as the model", async (_, modelId) => {
    const model = make({ modelId });
    const { result } = await collect(model);
    expect(model.id).toBe(modelId);
    expect(result?.model).toBe(modelId);
    expect(fake.requests[0]!.modelId).toBe(modelId);
    expect(fake.requests[0]!.rawPath).toBe(`/model/${encodeURIComponent(modelId)}/converse-stream`);
    expect(fake.requests[0]!.rawPath).not.toContain(":");
  });

  it("defaults to Claude Sonnet 4.5 through the global profile", () => {
    expect(make().id).toBe(CLAUDE_SONNET_4_5_GLOBAL);
  });

  it("reports the usage, stop reason and text Bedrock streamed", async () => {
    fake.script({ converse: { deltas: ["The cost ", "grew 41% ", "[3]."], usage: { inputTokens: 1234, outputTokens: 56 }, stopReason: "max_tokens" } });
    const { result, deltas } = await collect(make());
    expect(deltas).toEqual(["The cost ", "grew 41% ", "[3]."]);
    expect(result).toEqual({
      text: "The cost grew 41% [3].",
      model: CLAUDE_SONNET_4_5_GLOBAL,
      usage: { inputTokens: 1234, outputTokens: 56 },
      stopReason: "max_tokens",
    });
  });

  it("backs off after a throttled first attempt and streams the answer once", async () => {
    fake.script({ error: "ThrottlingException" });
    fake.script({ converse: { text: "Answer after a pause." } });
    const { result, streamed } = await collect(make());
    expect(fake.requests).toHaveLength(2);
    expect(result?.text).toBe("Answer after a pause.");
    expect(streamed).toBe("Answer after a pause.");
  });

  it("retries a stream that fails before its first delta, without duplicating text", async () => {
    fake.script({ converse: { text: "never sent", failAfter: { deltas: 0, exception: "modelStreamErrorException" } } });
    fake.script({ converse: { text: "never sent either", failAfter: { deltas: 0, exception: "throttlingException" } } });
    fake.script({ converse: { text: "The second try worked." } });
    const { result, streamed } = await collect(make());
    expect(fake.requests).toHaveLength(3);
    expect(result?.text).toBe("The second try worked.");
    expect(streamed).toBe("The second try worked.");
  });

  it("keeps the partial answer and fails without retry when the stream breaks after text went out", async () => {
    fake.script({ converse: { deltas: ["Traces are ", "recorded ", "while the", " interpreter runs."], failAfter: { deltas: 2, exception: "modelStreamErrorException", message: "Model stream broke" } } });
    const { error, streamed } = await collect(make());
    expect(error).toBeInstanceOf(NonRetryableJobError);
    expect(streamed).toBe("Traces are recorded ");
    const message = (error as Error).message;
    expect(message).toContain(CLAUDE_SONNET_4_5_GLOBAL);
    expect(message).toContain(`after ${"Traces are recorded ".length} characters`);
    expect(message).toContain("Model stream broke");
    expect(message).toMatch(/partial answer.*kept/);
    expect(fake.requests).toHaveLength(1);
  });

  it("fails the same way when the stream stalls after the first delta", async () => {
    fake.script({ converse: { deltas: ["First words", " and then silence"], stallAfter: 1 } });
    const { error, streamed } = await collect(make({ requestTimeoutMs: 300 }));
    expect(streamed).toBe("First words");
    expect(error).toBeInstanceOf(NonRetryableJobError);
    expect((error as Error).message).toContain("after 11 characters");
  });

  it("gives up with a RetryableJobError when errors before the first delta outlast the attempts", async () => {
    fake.rule(() => ({ converse: { failAfter: { deltas: 0, exception: "internalServerException", message: "Internal failure" } } }));
    const { error, deltas } = await collect(make({ attempts: 3 }));
    expect(error).toBeInstanceOf(RetryableJobError);
    expect((error as Error).message).toMatch(/kept failing.*3 attempts.*InternalServerException: Internal failure/);
    expect(deltas).toEqual([]);
    expect(fake.requests).toHaveLength(3);
  });

  it("names the quota to raise when throttling outlasts the attempts", async () => {
    fake.rule(() => ({ error: "ThrottlingException" }));
    const { error } = await collect(make({ attempts: 2 }));
    expect(error).toBeInstanceOf(RetryableJobError);
    expect((error as Error).message).toMatch(/kept throttling global\.anthropic.*2 attempts.*quota/);
    expect(fake.requests).toHaveLength(2);
  });

  it("fails at once on AccessDenied, saying to enable model access and naming the profile and IAM action", async () => {
    fake.rule(() => ({ error: "AccessDeniedException" }));
    const modelId = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
    const { error } = await collect(make({ modelId }));
    expect(error).toBeInstanceOf(NonRetryableJobError);
    const message = (error as Error).message;
    expect(message).toContain(`Bedrock denied access to ${modelId}`);
    expect(message).toContain("bedrock:InvokeModelWithResponseStream");
    expect(message).toContain(`arn:aws:bedrock:us-east-1:{account}:inference-profile/${modelId}`);
    expect(message).toContain("arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0");
    expect(message).toContain("Model access");
    expect(fake.requests).toHaveLength(1);
  });

  it("fails at once on an unknown model and on a base id that needs a profile, naming the model", async () => {
    fake.script({ error: "ResourceNotFoundException" });
    const missing = await collect(make({ modelId: "anthropic.claude-nonexistent-v9:0" }));
    expect(missing.error).toBeInstanceOf(NonRetryableJobError);
    expect((missing.error as Error).message).toContain("anthropic.claude-nonexistent-v9:0");

    fake.script({
      error: "ValidationException",
      message: "Invocation of model ID anthropic.claude-sonnet-4-5-20250929-v1:0 with on-demand throughput isn't supported. Retry your request with the ID or ARN of an inference profile that contains this model.",
    });
    const onDemand = await collect(make({ modelId: "anthropic.claude-sonnet-4-5-20250929-v1:0" }));
    expect(onDemand.error).toBeInstanceOf(NonRetryableJobError);
    expect((onDemand.error as Error).message).toMatch(/anthropic\.claude-sonnet-4-5-20250929-v1:0.*Use an inference-profile id/);
    expect(fake.requests).toHaveLength(2);
  });

  it("does not retry a validation error sent inside the stream", async () => {
    fake.script({ converse: { failAfter: { deltas: 0, exception: "validationException", message: "Input is too long for requested model." } } });
    const { error } = await collect(make());
    expect(error).toBeInstanceOf(NonRetryableJobError);
    expect(error).toMatchObject({ code: "invalid_input" });
    expect((error as Error).message).toMatch(/too long.*fewer or shorter sources/);
    expect(fake.requests).toHaveLength(1);
  });

  it("rejects a conversation Converse cannot take before calling, with a clear message", async () => {
    const cases: Array<[Partial<ChatRequest>, RegExp]> = [
      [{ messages: [] }, /messages: needs at least one turn/],
      [{ messages: [{ role: "user", text: "  " }] }, /must end with a non-blank user turn.*no text at all/],
      [{ messages: [{ role: "user", text: "Hi" }, { role: "assistant", text: "Hello" }] }, /must end with a non-blank user turn.*assistant turn last/],
      [{ temperature: 3 }, /temperature/],
      [{ maxTokens: 0 }, /maxTokens/],
    ];
    for (const [request, message] of cases) {
      const { error } = await collect(make(), request);
      expect(error).toBeInstanceOf(NonRetryableJobError);
      expect(error).toMatchObject({ code: "invalid_input" });
      expect((error as Error).message).toMatch(message);
    }
    expect(fake.requests).toHaveLength(0);
  });

  it("passes an error thrown by onDelta through as it is, without retrying", async () => {
    const boom = new Error("client socket closed");
    const error = await make()
      .stream({ system: "", messages: [{ role: "user", text: "Hi" }], onDelta: () => { throw boom; } })
      .catch((e: unknown) => e);
    expect(error).toBe(boom);
    expect(fake.requests).toHaveLength(1);
  });

  it.each(["HTTP/2", "HTTP/1.1"])("stops the stream promptly when aborted mid-answer over %s, rejecting with the signal's reason", async (protocol) => {
    const deltas = Array.from({ length: 40 }, (_, i) => `word${i} `);
    fake.script({ converse: { deltas, eventDelayMs: 100 } });
    const controller = new AbortController();
    const reason = new Error("job cancelled");
    const received: string[] = [];
    const pending = make(protocol === "HTTP/1.1" ? { endpoint: fake.http1Endpoint, clientConfig: { requestHandler: http1Handler() } } : {}).stream({
      system: "",
      messages: [{ role: "user", text: "Tell me a long story." }],
      signal: controller.signal,
      onDelta: (d) => received.push(d),
    });
    await expect.poll(() => received.length).toBe(2);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(received).toEqual(["word0 ", "word1 "]);
    expect(fake.requests[0]!.httpVersion).toBe(protocol === "HTTP/2" ? "2.0" : "1.1");
    await expect.poll(() => fake.requests[0]!.aborted).toBe(true);
    await expect.poll(() => fake.inFlight).toBe(0);
  });

  it("stops waiting out a backoff when the signal aborts", async () => {
    fake.rule(() => ({ error: "ThrottlingException" }));
    const controller = new AbortController();
    const pending = make({ backoff: { baseMs: 60_000, capMs: 60_000 } }).stream({
      system: "",
      messages: [{ role: "user", text: "Hi" }],
      signal: controller.signal,
    });
    await expect.poll(() => fake.requests.length).toBe(1);
    controller.abort(new Error("deadline"));
    await expect(pending).rejects.toThrow("deadline");
  });

  it("retries a call that gets no answer within the request timeout", async () => {
    fake.script({ delayMs: 5_000 });
    const { result } = await collect(make({ requestTimeoutMs: 200 }));
    expect(result?.text).toMatch(/\S/);
    expect(fake.requests).toHaveLength(2);
  });
});
