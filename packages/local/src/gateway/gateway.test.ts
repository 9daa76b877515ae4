import { PostToConnectionCommand } from "@aws-sdk/client-apigatewaymanagementapi";
import { afterEach, describe, expect, it } from "vitest";
import type { LambdaHandler } from "./types";
import { handshakeStatus, Harness, rawUpgrade, Recorder, sleep, startUpgrade, waitUntil } from "./test-support";

/**
 * Contract tests against a running gateway with real `ws` clients and the real
 * SDK. Each `it` names the checklist point(s) of
 * shared/reference/apigw-websocket.md it proves (also indexed in docs/local-vs-aws.md).
 */

const harness = new Harness();
afterEach(() => harness.dispose());

const ok = () => ({ statusCode: 200 });
const ID = /^[A-Za-z0-9_-]{15}=$/;
const CLF = /^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/;

describe("$connect", () => {
  it("#1 receives headers, multiValueHeaders and query parameters, with no body or messageId", async () => {
    const rec = new Recorder();
    const gateway = await harness.gateway({ routes: { $connect: { handler: rec.handler("$connect", ok) } } });
    await harness.client(`${gateway.websocketUrl}?token=abc&tag=1&tag=2`, undefined, {
      headers: { "User-Agent": "contract-test/1.0", "X-Custom": "yes" },
    });
    const event = await rec.event("$connect");

    expect(event.headers).toMatchObject({
      Host: `127.0.0.1:${gateway.port}`,
      "User-Agent": "contract-test/1.0",
      "X-Custom": "yes",
      "Sec-WebSocket-Version": "13",
      "X-Forwarded-For": "127.0.0.1",
      "X-Forwarded-Proto": "http",
    });
    expect(event.headers["Sec-WebSocket-Key"]).toEqual(expect.any(String));
    expect(event.headers["X-Amzn-Trace-Id"]).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(event.multiValueHeaders["X-Custom"]).toEqual(["yes"]);
    expect(event.queryStringParameters).toEqual({ token: "abc", tag: "2" });
    expect(event.multiValueQueryStringParameters).toEqual({ token: ["abc"], tag: ["1", "2"] });
    expect(event.isBase64Encoded).toBe(false);
    expect(event).not.toHaveProperty("body");
    expect(event.requestContext).not.toHaveProperty("messageId");
    expect(event.requestContext).toMatchObject({
      routeKey: "$connect",
      eventType: "CONNECT",
      messageDirection: "IN",
      stage: "local",
      apiId: "ferrylocal",
      domainName: `127.0.0.1:${gateway.port}`,
      identity: { sourceIp: "127.0.0.1", userAgent: "contract-test/1.0" },
    });
    expect(event.requestContext.requestTime).toMatch(CLF);
    expect(event.requestContext.requestId).toMatch(ID);
    expect(event.requestContext.extendedRequestId).toBe(event.requestContext.requestId);
    expect(event.requestContext).not.toHaveProperty("authorizer");
  });

  it("#1 omits query parameters and userAgent when the client sent none", async () => {
    const rec = new Recorder();
    const gateway = await harness.gateway({ routes: { $connect: { handler: rec.handler("$connect", ok) } } });
    await harness.client(gateway.websocketUrl);
    const event = await rec.event("$connect");
    expect(event).not.toHaveProperty("queryStringParameters");
    expect(event).not.toHaveProperty("multiValueQueryStringParameters");
    expect(event.requestContext.identity).toEqual({ sourceIp: "127.0.0.1" });
  });

  it("#2 completes the handshake only after a 2xx; @connections is 410 while $connect still runs", async () => {
    let postDuringConnect: string | undefined;
    const gateway = await harness.gateway({
      routes: {
        $connect: {
          handler: async (event) => {
            const sdk = harness.sdk(gateway.connectionsUrl);
            try {
              await sdk.send(new PostToConnectionCommand({ ConnectionId: event.requestContext.connectionId, Data: "early" }));
              postDuringConnect = "delivered";
            } catch (error) {
              postDuringConnect = (error as Error).name;
            }
            expect(gateway.connectionCount()).toBe(0);
            return { statusCode: 201 };
          },
        },
        $default: { handler: () => undefined },
      },
    });
    const client = await harness.client(gateway.websocketUrl);
    expect(postDuringConnect).toBe("GoneException");
    expect(gateway.connectionCount()).toBe(1);
    expect(client.frames).toEqual([]);
  });

  it.each([400, 401, 403, 429, 503])("#3 a %i response rejects the handshake with that status and no $disconnect", async (status) => {
    const rec = new Recorder();
    const gateway = await harness.gateway({
      routes: {
        $connect: { handler: () => ({ statusCode: status, body: "nope", headers: { "X-Extra": "dropped" } }) },
        $disconnect: { handler: rec.handler("$disconnect") },
      },
    });
    expect(await handshakeStatus(gateway.websocketUrl)).toBe(status);
    await sleep(50);
    expect(rec.count("$disconnect")).toBe(0);
    expect(gateway.connectionCount()).toBe(0);
  });

  it("#4 a throwing $connect handler fails the handshake with 502", async () => {
    const gateway = await harness.gateway({
      routes: {
        $connect: {
          handler: () => {
            throw new Error("boom");
          },
        },
      },
    });
    expect(await handshakeStatus(gateway.websocketUrl)).toBe(502);
  });

  it("#4 a rejected promise, an invalid statusCode and a timeout fail with 502, 502 and 504", async () => {
    const rejecting = await harness.gateway({ routes: { $connect: { handler: async () => Promise.reject(new Error("x")) } } });
    expect(await handshakeStatus(rejecting.websocketUrl)).toBe(502);
    const invalid = await harness.gateway({ routes: { $connect: { handler: () => ({ statusCode: "teapot" }) } } });
    expect(await handshakeStatus(invalid.websocketUrl)).toBe(502);
    const slow = await harness.gateway({
      integrationTimeoutMs: 100,
      routes: { $connect: { handler: () => sleep(1_000).then(ok) } },
    });
    expect(await handshakeStatus(slow.websocketUrl)).toBe(504);
  });

  it("#5 without a $connect route every handshake is accepted", async () => {
    const gateway = await harness.gateway({ routes: {} });
    await harness.client(gateway.websocketUrl);
    await harness.client(gateway.websocketUrl.replace(/\/local$/, "/"));
    expect(gateway.connectionCount()).toBe(2);
  });

  it("#6 echoes Sec-WebSocket-Protocol only when $connect returns it", async () => {
    const echoing = await harness.gateway({
      routes: { $connect: { handler: () => ({ statusCode: 200, headers: { "sec-websocket-protocol": "graphql-ws" } }) } },
    });
    const silent = await harness.gateway({ routes: { $connect: { handler: ok } } });

    const echoed = await rawUpgrade(echoing.websocketUrl, { "Sec-WebSocket-Protocol": "graphql-ws, other" });
    expect(echoed.status).toBe(101);
    expect(echoed.headers["sec-websocket-protocol"]).toBe("graphql-ws");
    const client = await harness.client(echoing.websocketUrl, ["graphql-ws"]);
    expect(client.ws.protocol).toBe("graphql-ws");

    const notEchoed = await rawUpgrade(silent.websocketUrl, { "Sec-WebSocket-Protocol": "graphql-ws, other" });
    expect(notEchoed.status).toBe(101);
    expect(notEchoed.headers).not.toHaveProperty("sec-websocket-protocol");
  });

  it("#27 answers a plain GET on the WebSocket URL with 426, and unknown upgrade paths with 403", async () => {
    const gateway = await harness.gateway({ routes: {} });
    const res = await fetch(gateway.websocketUrl.replace(/^ws/, "http"));
    expect(res.status).toBe(426);
    await res.body?.cancel();
    expect(await handshakeStatus(gateway.websocketUrl.replace(/\/local$/, "/prod"))).toBe(403);
  });
});

describe("authorizer", () => {
  const allow = (context: Record<string, unknown> = {}): LambdaHandler => (event) => ({
    principalId: "user-1",
    policyDocument: {
      Version: "2012-10-17",
      Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: event.methodArn }],
    },
    context,
  });

  it("#7 a missing or empty identity source is 401 without invoking the authorizer", async () => {
    const rec = new Recorder();
    const gateway = await harness.gateway({
      authorizer: {
        handler: rec.handler("authorizer", allow()),
        identitySource: ["route.request.querystring.token", "route.request.header.Authorization"],
      },
      routes: {},
    });
    expect(await handshakeStatus(`${gateway.websocketUrl}?token=t`)).toBe(401);
    expect(await handshakeStatus(gateway.websocketUrl, { headers: { Authorization: "Bearer x" } })).toBe(401);
    expect(await handshakeStatus(`${gateway.websocketUrl}?token=`, { headers: { Authorization: "Bearer x" } })).toBe(401);
    expect(rec.count("authorizer")).toBe(0);
    await harness.client(`${gateway.websocketUrl}?token=t`, undefined, { headers: { authorization: "Bearer x" } });
    expect(rec.count("authorizer")).toBe(1);
  });

  it.each<[string, LambdaHandler, number]>([
    ["throws Unauthorized", () => Promise.reject(new Error("Unauthorized")), 401],
    ["calls back Unauthorized", (_event, _context, callback) => void callback("Unauthorized"), 401],
    ["returns Unauthorized", () => "Unauthorized", 401],
    [
      "returns a Deny policy",
      (event) => ({
        principalId: "u",
        policyDocument: { Version: "2012-10-17", Statement: [{ Action: "execute-api:Invoke", Effect: "Deny", Resource: event.methodArn }] },
      }),
      403,
    ],
    [
      "allows another resource only",
      () => ({
        principalId: "u",
        policyDocument: { Version: "2012-10-17", Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: "arn:aws:execute-api:*:*:other/*" }] },
      }),
      403,
    ],
    [
      "crashes",
      () => {
        throw new TypeError("cannot read properties of undefined");
      },
      500,
    ],
    ["returns garbage", () => ({ allowed: true }), 500],
    ["puts an object in context", allow({ nested: { a: 1 } }), 500],
  ])("#8 an authorizer that %s fails the handshake with %i", async (_name, handler, status) => {
    const rec = new Recorder();
    const gateway = await harness.gateway({
      authorizer: { handler, identitySource: ["route.request.querystring.token"] },
      routes: { $connect: { handler: rec.handler("$connect", ok) } },
    });
    expect(await handshakeStatus(`${gateway.websocketUrl}?token=t`)).toBe(status);
    expect(rec.count("$connect")).toBe(0);
  });

  it("#8 receives a REQUEST event, and Allow puts principalId and context on every later event", async () => {
    const rec = new Recorder();
    const gateway = await harness.gateway({
      region: "eu-west-1",
      authorizer: {
        handler: rec.handler("authorizer", allow({ userId: "u-42", admin: true, quota: 3, nothing: null, skipped: undefined })),
        identitySource: ["route.request.header.Authorization"],
      },
      routes: {
        $connect: { handler: rec.handler("$connect", ok) },
        $default: { handler: rec.handler("$default") },
        $disconnect: { handler: rec.handler("$disconnect") },
      },
    });
    const client = await harness.client(`${gateway.websocketUrl}?room=7`, undefined, { headers: { Authorization: "Bearer t" } });
    await client.send("hello");
    await rec.event("$default");
    client.ws.close(1000);
    await rec.event("$disconnect");

    const auth = await rec.event("authorizer");
    expect(auth).toMatchObject({
      type: "REQUEST",
      methodArn: "arn:aws:execute-api:eu-west-1:000000000000:ferrylocal/local/$connect",
      headers: { Authorization: "Bearer t" },
      multiValueHeaders: { Authorization: ["Bearer t"] },
      queryStringParameters: { room: "7" },
      stageVariables: {},
      requestContext: { routeKey: "$connect", eventType: "CONNECT", stage: "local", apiId: "ferrylocal" },
    });
    const connect = await rec.event("$connect");
    expect(auth.requestContext.connectionId).toBe(connect.requestContext.connectionId);
    expect(auth.requestContext.requestId).toBe(connect.requestContext.requestId);

    const expected = { principalId: "user-1", userId: "u-42", admin: "true", quota: "3", nothing: null };
    for (const route of ["$connect", "$default", "$disconnect"]) {
      const { authorizer } = (await rec.event(route)).requestContext;
      expect(authorizer).toMatchObject(expected);
      expect(authorizer.integrationLatency).toEqual(expect.any(Number));
      expect(authorizer).not.toHaveProperty("skipped");
    }
  });
});

describe("connection identity", () => {
  it("#9 connectionId is stable and base64-like, connectedAt constant, requestTimeEpoch never earlier", async () => {
    const rec = new Recorder();
    const gateway = await harness.gateway({
      routes: {
        $connect: { handler: rec.handler("$connect", ok) },
        $default: { handler: rec.handler("$default") },
        $disconnect: { handler: rec.handler("$disconnect") },
      },
    });
    const client = await harness.client(gateway.websocketUrl);
    await sleep(5);
    await client.send("one");
    await client.send("two");
    await rec.event("$default", 1);
    client.ws.close();
    await rec.event("$disconnect");

    const events = [await rec.event("$connect"), ...rec.events.get("$default")!, await rec.event("$disconnect")];
    const { connectionId, connectedAt } = events[0].requestContext;
    expect(connectionId).toMatch(ID);
    expect(connectionId).toHaveLength(16);
    for (const event of events) {
      expect(event.requestContext.connectionId).toBe(connectionId);
      expect(event.requestContext.connectedAt).toBe(connectedAt);
      expect(event.requestContext.requestTimeEpoch).toBeGreaterThanOrEqual(connectedAt);
    }
    expect(new Set(events.map((event) => event.requestContext.requestId)).size).toBe(events.length);
  });
});

describe("messages", () => {
  it("#10 routes by exact, case-sensitive action; unknown actions go to $default", async () => {
    const rec = new Recorder();
    const gateway = await harness.gateway({
      routes: {
        foo: { handler: rec.handler("foo") },
        $default: { handler: rec.handler("$default") },
      },
    });
    const client = await harness.client(gateway.websocketUrl);
    await client.send(JSON.stringify({ action: "foo", n: 1 }));
    await client.send(JSON.stringify({ action: "Foo", n: 2 }));
    await client.send(JSON.stringify({ action: "bar", n: 3 }));
    await client.send(JSON.stringify({ action: "$connect", n: 4 }));
    await rec.event("$default", 2);
    expect(rec.events.get("foo")!.map((e) => JSON.parse(e.body).n)).toEqual([1]);
    expect(rec.events.get("$default")!.map((e) => JSON.parse(e.body).n)).toEqual([2, 3, 4]);
    expect((await rec.event("foo")).requestContext.routeKey).toBe("foo");
  });

  it("#10 supports nested $request.body.a.b paths and template expressions", async () => {
    const rec = new Recorder();
    const gateway = await harness.gateway({
      routeSelectionExpression: "${request.body.meta.kind}/${request.body.meta.op}",
      routes: { "job/cancel": { handler: rec.handler("job/cancel") }, $default: { handler: rec.handler("$default") } },
    });
    const client = await harness.client(gateway.websocketUrl);
    await client.send(JSON.stringify({ meta: { kind: "job", op: "cancel" } }));
    await client.send(JSON.stringify({ meta: { kind: "job" } }));
    expect((await rec.event("job/cancel")).body).toContain("cancel");
    expect(await rec.event("$default")).toBeDefined();
  });

  it("#11 non-JSON text and JSON without the action go to $default; non-scalars are stringified", async () => {
    const rec = new Recorder();
    const gateway = await harness.gateway({
      routes: { "[a, b]": { handler: rec.handler("array") }, $default: { handler: rec.handler("$default") } },
    });
    const client = await harness.client(gateway.websocketUrl);
    await client.send("not json {");
    await client.send(JSON.stringify({ other: "x" }));
    await client.send(JSON.stringify({ action: ["a", "b"] }));
    await rec.event("$default", 1);
    expect(rec.events.get("$default")!.map((e) => e.body)).toEqual(["not json {", '{"other":"x"}']);
    expect((await rec.event("array")).requestContext.routeKey).toBe("[a, b]");
  });

  it("#12 without a match or $default the client gets the Forbidden frame", async () => {
    const gateway = await harness.gateway({ routes: { foo: { handler: () => undefined } } });
    const client = await harness.client(gateway.websocketUrl);
    await client.send(JSON.stringify({ action: "bar" }));
    const frame = await client.message();
    const [, connectionId, requestId] = /^\{"message": "Forbidden", "connectionId":"([^"]+)", "requestId":"([^"]+)"\}$/.exec(frame) ?? [];
    expect(connectionId).toMatch(ID);
    expect(requestId).toMatch(ID);
  });

  it("#13 a throwing handler produces the Internal server error frame for that request", async () => {
    const rec = new Recorder();
    const gateway = await harness.gateway({
      routes: {
        $default: {
          handler: rec.handler("$default", () => {
            throw new Error("kaput");
          }),
        },
      },
    });
    const client = await harness.client(gateway.websocketUrl);
    await client.send("hi");
    const event = await rec.event("$default");
    const { connectionId, requestId } = event.requestContext;
    expect(await client.message()).toBe(
      `{"message": "Internal server error", "connectionId":"${connectionId}", "requestId":"${requestId}"}`,
    );
    expect(client.ws.readyState).toBe(client.ws.OPEN);
  });

  it("#14 a handler slower than the integration timeout produces Endpoint request timed out", async () => {
    const rec = new Recorder();
    let remaining = -1;
    const gateway = await harness.gateway({
      integrationTimeoutMs: 150,
      routes: {
        $default: {
          twoWay: true,
          handler: rec.handler("$default", async (_event, context) => {
            remaining = context.getRemainingTimeInMillis();
            await sleep(400);
            return { body: "too late" };
          }),
        },
      },
    });
    const client = await harness.client(gateway.websocketUrl);
    await client.send("slow");
    const { connectionId, requestId } = (await rec.event("$default")).requestContext;
    expect(await client.message()).toBe(
      `{"message": "Endpoint request timed out", "connectionId":"${connectionId}", "requestId":"${requestId}"}`,
    );
    expect(remaining).toBeGreaterThan(0);
    expect(remaining).toBeLessThanOrEqual(150);
    await sleep(350);
    expect(client.frames).toHaveLength(1);
  });

  it("#15 one-way routes drop the return value; two-way routes send body as a text frame", async () => {
    const gateway = await harness.gateway({
      routes: {
        oneway: { handler: () => ({ statusCode: 200, body: "dropped" }) },
        twoway: { twoWay: true, handler: (event) => ({ statusCode: 500, body: `echo:${JSON.parse(event.body).n}` }) },
        callback: { twoWay: true, handler: (_event, _context, callback) => void setTimeout(() => callback(null, { body: "cb" }), 5) },
      },
    });
    const client = await harness.client(gateway.websocketUrl);
    await client.send(JSON.stringify({ action: "oneway" }));
    await sleep(50);
    await client.send(JSON.stringify({ action: "twoway", n: 7 }));
    expect(await client.message(0)).toBe("echo:7");
    await client.send(JSON.stringify({ action: "callback" }));
    expect(await client.message(1)).toBe("cb");
    expect(client.frames.every((frame) => !frame.isBinary)).toBe(true);
  });

  it("#16 MESSAGE events carry messageId, body and isBase64Encoded:false, and no headers", async () => {
    const rec = new Recorder();
    const gateway = await harness.gateway({ routes: { $default: { handler: rec.handler("$default") } } });
    const client = await harness.client(`${gateway.websocketUrl}?q=1`, undefined, { headers: { "User-Agent": "ua" } });
    await client.send('{"text":"héllo"}');
    await client.send("second");
    const event = await rec.event("$default");
    expect(event.body).toBe('{"text":"héllo"}');
    expect(event.isBase64Encoded).toBe(false);
    expect(event).not.toHaveProperty("headers");
    expect(event).not.toHaveProperty("multiValueHeaders");
    expect(event).not.toHaveProperty("queryStringParameters");
    expect(event.requestContext).toMatchObject({
      routeKey: "$default",
      eventType: "MESSAGE",
      messageDirection: "IN",
      identity: { sourceIp: "127.0.0.1", userAgent: "ua" },
    });
    expect(event.requestContext.messageId).toMatch(ID);
    expect(event.requestContext.requestTime).toMatch(CLF);
    expect((await rec.event("$default", 1)).requestContext.messageId).not.toBe(event.requestContext.messageId);
  });
});

describe("quotas", () => {
  const limits = { maxFrameBytes: 1_024, maxMessageBytes: 4_096 };

  it("#17 a binary frame closes the connection with 1003", async () => {
    const rec = new Recorder();
    const gateway = await harness.gateway({
      routes: { $default: { handler: rec.handler("$default") }, $disconnect: { handler: rec.handler("$disconnect") } },
    });
    const client = await harness.client(gateway.websocketUrl);
    await client.send(Buffer.from([1, 2, 3]), { binary: true });
    expect((await client.closed).code).toBe(1003);
    expect((await rec.event("$disconnect")).requestContext.disconnectStatusCode).toBe(1003);
    expect(rec.count("$default")).toBe(0);
  });

  it("#17 a single frame over the frame quota closes with 1009", async () => {
    const rec = new Recorder();
    const gateway = await harness.gateway({ ...limits, routes: { $default: { handler: rec.handler("$default") } } });
    const client = await harness.client(gateway.websocketUrl);
    await client.send("x".repeat(1_025));
    expect((await client.closed).code).toBe(1009);
    expect(rec.count("$default")).toBe(0);
  });

  it("#17 fragments within the frame quota are fine until the message quota is exceeded", async () => {
    const rec = new Recorder();
    const gateway = await harness.gateway({ ...limits, routes: { $default: { handler: rec.handler("$default") } } });
    const client = await harness.client(gateway.websocketUrl);
    const chunk = "y".repeat(1_024);
    for (let i = 0; i < 3; i++) await client.send(chunk, { fin: false });
    await client.send(chunk, { fin: true });
    expect((await rec.event("$default")).body).toHaveLength(4_096);

    for (let i = 0; i < 4; i++) await client.send(chunk, { fin: false });
    await client.send("z", { fin: true }).catch(() => {});
    expect((await client.closed).code).toBe(1009);
    await sleep(20);
    expect(rec.count("$default")).toBe(1);
  });

  it("#17 the default quotas are 32 KB per frame and 128 KB per message", async () => {
    const gateway = await harness.gateway({ routes: { $default: { handler: () => undefined } } });
    const client = await harness.client(gateway.websocketUrl);
    const frame = "f".repeat(32 * 1024);
    for (let i = 0; i < 3; i++) await client.send(frame, { fin: false });
    await client.send(frame, { fin: true });
    await sleep(30);
    expect(client.ws.readyState).toBe(client.ws.OPEN);
    await client.send(`${frame}!`);
    expect((await client.closed).code).toBe(1009);
  });
});

describe("disconnect", () => {
  it("#24 a client close with code and reason reaches $disconnect; no code means 1005", async () => {
    const rec = new Recorder();
    const gateway = await harness.gateway({ routes: { $disconnect: { handler: rec.handler("$disconnect") } } });
    const first = await harness.client(gateway.websocketUrl);
    first.ws.close(4001, "bye now");
    const event = await rec.event("$disconnect");
    expect(event.requestContext).toMatchObject({
      routeKey: "$disconnect",
      eventType: "DISCONNECT",
      disconnectStatusCode: 4001,
      disconnectReason: "bye now",
    });
    expect(event.requestContext).not.toHaveProperty("messageId");
    expect(event.headers).toEqual({ Host: `127.0.0.1:${gateway.port}`, "x-api-key": "", "X-Forwarded-For": "", "x-restapi": "" });
    expect(event.multiValueHeaders.Host).toEqual([`127.0.0.1:${gateway.port}`]);

    const second = await harness.client(gateway.websocketUrl);
    second.ws.close();
    expect((await rec.event("$disconnect", 1)).requestContext).toMatchObject({
      disconnectStatusCode: 1005,
      disconnectReason: "Client-side close frame status not set",
    });
    await waitUntil(() => gateway.connectionCount() === 0);
  });

  it("#25 an idle connection is closed with 1001 and fires $disconnect; inbound messages keep it alive", async () => {
    const rec = new Recorder();
    const gateway = await harness.gateway({
      idleTimeoutMs: 300,
      routes: { $default: { handler: () => undefined }, $disconnect: { handler: rec.handler("$disconnect") } },
    });
    const client = await harness.client(gateway.websocketUrl);
    for (let i = 0; i < 5; i++) {
      await sleep(100);
      await client.send("ping");
    }
    expect(client.ws.readyState).toBe(client.ws.OPEN);
    const closed = await client.closed;
    expect(closed).toEqual({ code: 1001, reason: "Going away" });
    expect((await rec.event("$disconnect")).requestContext).toMatchObject({ disconnectStatusCode: 1001, disconnectReason: "Going away" });
    expect(gateway.connectionCount()).toBe(0);
  });

  it("#25 protocol pings do not count as activity", async () => {
    const gateway = await harness.gateway({ idleTimeoutMs: 250, routes: {} });
    const client = await harness.client(gateway.websocketUrl);
    const pinger = setInterval(() => client.ws.readyState === client.ws.OPEN && client.ws.ping(), 50);
    try {
      expect((await client.closed).code).toBe(1001);
    } finally {
      clearInterval(pinger);
    }
  });

  it("a client that gives up while $connect runs still gets its $disconnect (1006)", async () => {
    const rec = new Recorder();
    const gateway = await harness.gateway({
      routes: {
        $connect: { handler: rec.handler("$connect", () => sleep(200).then(ok)) },
        $disconnect: { handler: rec.handler("$disconnect") },
      },
    });
    const upgrade = startUpgrade(gateway.websocketUrl);
    await rec.event("$connect");
    upgrade.abort();
    const event = await rec.event("$disconnect", 0, 3_000);
    expect(event.requestContext).toMatchObject({ disconnectStatusCode: 1006 });
    expect(event.requestContext.connectionId).toBe((await rec.event("$connect")).requestContext.connectionId);
    expect(gateway.connectionCount()).toBe(0);
  });

  it("#25 the maximum connection duration closes even a busy connection", async () => {
    const rec = new Recorder();
    const gateway = await harness.gateway({
      maxConnectionMs: 300,
      routes: { $default: { handler: () => undefined }, $disconnect: { handler: rec.handler("$disconnect") } },
    });
    const client = await harness.client(gateway.websocketUrl);
    const started = Date.now();
    const chatter = setInterval(() => client.ws.readyState === client.ws.OPEN && client.ws.send("busy"), 50);
    try {
      expect((await client.closed).code).toBe(1001);
    } finally {
      clearInterval(chatter);
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect((await rec.event("$disconnect")).requestContext.disconnectStatusCode).toBe(1001);
  });

  it("#26 $disconnect errors and return values go nowhere and never block cleanup", async () => {
    let calls = 0;
    const gateway = await harness.gateway({
      routes: {
        $default: { twoWay: true, handler: () => ({ body: "pong" }) },
        $disconnect: {
          twoWay: true,
          handler: () => {
            calls += 1;
            if (calls === 1) throw new Error("cleanup failed");
            return { statusCode: 200, body: "never sent" };
          },
        },
      },
    });
    const first = await harness.client(gateway.websocketUrl);
    first.ws.close(1000);
    await waitUntil(() => calls === 1 && gateway.connectionCount() === 0);
    expect(first.frames).toEqual([]);

    const second = await harness.client(gateway.websocketUrl);
    await second.send("ping");
    expect(await second.message()).toBe("pong");
    second.ws.close(1000);
    await waitUntil(() => calls === 2 && gateway.connectionCount() === 0);
    expect(second.frames).toHaveLength(1);
  });

  it("close() closes clients with 1001, runs their $disconnect and stops listening", async () => {
    const rec = new Recorder();
    const gateway = await harness.gateway({ routes: { $disconnect: { handler: rec.handler("$disconnect") } } });
    const client = await harness.client(gateway.websocketUrl);
    await gateway.close();
    expect((await client.closed).code).toBe(1001);
    expect(rec.count("$disconnect")).toBe(1);
    await expect(fetch(gateway.connectionsUrl)).rejects.toThrow();
  });
});

describe("configuration", () => {
  it("#28 stage, apiId, domainName and region are configurable and reflected in URLs and events", async () => {
    const rec = new Recorder();
    const gateway = await harness.gateway({
      stage: "dev",
      apiId: "abc123defg",
      domainName: "abc123defg.execute-api.eu-central-1.amazonaws.com",
      region: "eu-central-1",
      authorizer: { handler: rec.handler("authorizer", () => "Unauthorized"), identitySource: ["route.request.querystring.t"] },
      routes: { $connect: { handler: rec.handler("$connect", ok) } },
    });
    expect(gateway.websocketUrl).toBe(`ws://127.0.0.1:${gateway.port}/dev`);
    expect(gateway.connectionsUrl).toBe(`http://127.0.0.1:${gateway.port}/dev`);
    expect(await handshakeStatus(`${gateway.websocketUrl}?t=x`)).toBe(401);
    const auth = await rec.event("authorizer");
    expect(auth.methodArn).toBe("arn:aws:execute-api:eu-central-1:000000000000:abc123defg/dev/$connect");
    expect(auth.requestContext).toMatchObject({
      stage: "dev",
      apiId: "abc123defg",
      domainName: "abc123defg.execute-api.eu-central-1.amazonaws.com",
    });
  });

  it("#28 rejects configurations AWS would not deploy", async () => {
    await expect(harness.gateway({ routeSelectionExpression: "$context.routeKey", routes: {} })).rejects.toThrow(
      /only \$request\.body/,
    );
    await expect(
      harness.gateway({ authorizer: { handler: () => "x", identitySource: ["method.request.header.A"] }, routes: {} }),
    ).rejects.toThrow(/identity source/);
  });
});
