import type { APIGatewayProxyWebsocketHandlerV2, Context, Handler } from "aws-lambda";
import { describe, expect, expectTypeOf, it } from "vitest";
import { invokeHandler } from "./invoke";
import type { LambdaContext, LambdaHandler } from "./types";

const options = { functionName: "ws-$default", timeoutMs: 200, region: "us-east-1", accountId: "000000000000" };

describe("invokeHandler", () => {
  it("settles on a returned value, a promise, a callback or context.succeed", async () => {
    expect(await invokeHandler(() => 1, {}, options)).toEqual({ kind: "ok", value: 1 });
    expect(await invokeHandler(async () => 2, {}, options)).toEqual({ kind: "ok", value: 2 });
    expect(await invokeHandler((_e, _c, cb) => void setTimeout(() => cb(null, 3), 5), {}, options)).toEqual({ kind: "ok", value: 3 });
    expect(await invokeHandler((_e, context) => void context.succeed(4), {}, options)).toEqual({ kind: "ok", value: 4 });
  });

  it("captures throws, rejections and error callbacks", async () => {
    const boom = new Error("boom");
    expect(await invokeHandler(() => { throw boom; }, {}, options)).toEqual({ kind: "error", error: boom });
    expect(await invokeHandler(async () => Promise.reject(boom), {}, options)).toEqual({ kind: "error", error: boom });
    expect(await invokeHandler((_e, _c, cb) => cb("Unauthorized"), {}, options)).toEqual({ kind: "error", error: "Unauthorized" });
  });

  it("times out a handler that never finishes, including callback style that never calls back", async () => {
    expect(await invokeHandler(() => new Promise(() => {}), {}, options)).toEqual({ kind: "timeout" });
    expect(await invokeHandler((_e, _c, _cb) => undefined, {}, options)).toEqual({ kind: "timeout" });
  });

  it("provides a Lambda-like context", async () => {
    let seen: LambdaContext | undefined;
    await invokeHandler((_event, context) => { seen = context; }, {}, options);
    expect(seen).toMatchObject({
      functionName: "ws-_default",
      functionVersion: "$LATEST",
      invokedFunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:ws-_default",
      callbackWaitsForEmptyEventLoop: true,
    });
    expect(seen!.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen!.getRemainingTimeInMillis()).toBeLessThanOrEqual(200);
  });

  it("accepts handlers typed with @types/aws-lambda", () => {
    expectTypeOf<APIGatewayProxyWebsocketHandlerV2>().toExtend<LambdaHandler>();
    expectTypeOf<Handler>().toExtend<LambdaHandler>();
    expectTypeOf<LambdaContext>().toExtend<Context>();
  });
});
