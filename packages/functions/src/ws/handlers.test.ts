import { describe, expect, it } from "vitest";
import { signDevToken } from "@ferry/core/auth";
import { memoryWorld } from "@ferry/core/testing/memory-world";
import { makeAuthorizer, makeConnect, makeRoute } from "./handlers";

const methodArn = "arn:aws:execute-api:us-east-1:000000000000:abc123/local/$connect";
const authorizerEvent = (token?: string) => ({
  type: "REQUEST",
  methodArn,
  headers: {},
  queryStringParameters: token === undefined ? undefined : { token },
});

describe("the $connect authorizer", () => {
  const w = memoryWorld();
  const authorize = makeAuthorizer(() => w.api);

  it("allows a valid token with an IAM policy for this route and the user in its context", async () => {
    const result = await authorize(authorizerEvent(await signDevToken("d".repeat(40), "alice")));
    expect(result.principalId).toBe("alice");
    expect(result.policyDocument.Statement).toEqual([{ Action: "execute-api:Invoke", Effect: "Allow", Resource: methodArn }]);
    expect(result.context.userId).toBe("alice");
  });

  it('fails with exactly "Unauthorized" (API Gateway\'s 401) for a missing, forged or expired token', async () => {
    await expect(authorize(authorizerEvent())).rejects.toThrow(/^Unauthorized$/);
    await expect(authorize(authorizerEvent(await signDevToken("x".repeat(40), "alice")))).rejects.toThrow(/^Unauthorized$/);
    await expect(authorize(authorizerEvent(await signDevToken("d".repeat(40), "alice", -60)))).rejects.toThrow(/^Unauthorized$/);
  });
});

describe("route handlers", () => {
  const context = (connectionId: string, userId?: string) => ({
    routeKey: "$default",
    eventType: "MESSAGE",
    connectionId,
    connectedAt: Date.now(),
    requestId: "req",
    authorizer: userId ? { principalId: userId, userId, integrationLatency: 1 } : undefined,
  });

  it("$connect registers the authorized user's connection and refuses one without an authorizer", async () => {
    const w = memoryWorld();
    const connect = makeConnect(() => w.api);
    expect(await connect({ requestContext: { ...context("c1AAAAAAAAAAAAA=", "alice"), eventType: "CONNECT" } })).toEqual({ statusCode: 200 });
    expect(await w.connections.listByUser("alice")).toEqual(["c1AAAAAAAAAAAAA="]);
    expect(await connect({ requestContext: { ...context("c2AAAAAAAAAAAAA="), eventType: "CONNECT" } })).toEqual({ statusCode: 401, body: "Unauthorized" });
  });

  it("a message route answers over @connections, not in its return value", async () => {
    const w = memoryWorld();
    w.notifier.open("c1AAAAAAAAAAAAA=");
    const ping = makeRoute(() => w.api, "ping");
    const result = await ping({ requestContext: context("c1AAAAAAAAAAAAA=", "alice"), body: '{"action":"ping","requestId":"p"}' });
    expect(result).toEqual({ statusCode: 200 });
    expect(w.notifier.received("c1AAAAAAAAAAAAA=")).toMatchObject([{ type: "pong", requestId: "p" }]);
  });
});
