import {
  DeleteConnectionCommand,
  GetConnectionCommand,
  GoneException,
  PayloadTooLargeException,
  PostToConnectionCommand,
} from "@aws-sdk/client-apigatewaymanagementapi";
import { afterEach, describe, expect, it } from "vitest";
import { MAX_POST_BYTES, parseConnectionsPath } from "./connections-api";
import { Harness, Recorder, sleep, waitUntil } from "./test-support";
import type { Gateway } from "./types";

/**
 * The `@connections` management API, exercised with the unmodified
 * `@aws-sdk/client-apigatewaymanagementapi` (credentials come from the env
 * vitest.config.ts sets). Checklist numbers refer to apigw-websocket.md.
 */

const harness = new Harness();
afterEach(() => harness.dispose());

/** A gateway, one connected client and its connection id. */
async function connected(options: { idleTimeoutMs?: number } = {}) {
  const rec = new Recorder();
  const gateway = await harness.gateway({
    ...options,
    routes: {
      $connect: { handler: rec.handler("$connect", () => ({ statusCode: 200 })) },
      $default: { handler: rec.handler("$default") },
      $disconnect: { handler: rec.handler("$disconnect") },
    },
  });
  const client = await harness.client(gateway.websocketUrl, undefined, { headers: { "User-Agent": "sdk-test" } });
  const connectionId: string = (await rec.event("$connect")).requestContext.connectionId;
  return { gateway, client, connectionId, rec, sdk: harness.sdk(gateway.connectionsUrl) };
}

/** A hand-rolled call, to see status, headers and body the SDK would hide. */
function raw(gateway: Gateway, method: string, path: string, body?: string) {
  return fetch(`http://127.0.0.1:${gateway.port}${path}`, {
    method,
    body,
    headers: { Authorization: "AWS4-HMAC-SHA256 Credential=local/20250101/us-east-1/execute-api/aws4_request" },
  });
}

describe("PostToConnection", () => {
  it("#18 delivers string and Uint8Array Data verbatim as text frames", async () => {
    const { client, connectionId, sdk } = await connected();
    const text = '{"type":"progress","pct":42,"note":"héllo ✓"}';
    const out = await sdk.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: text }));
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(await client.message(0)).toBe(text);

    const bytes = new TextEncoder().encode("bytes: ünïcödé 🚀");
    await sdk.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: bytes }));
    await client.message(1);
    expect(client.frames[1]!.isBinary).toBe(false);
    expect(Buffer.compare(client.frames[1]!.data, Buffer.from(bytes))).toBe(0);
  });

  it("#19 accepts a trailing-slash endpoint (//@connections) and encoded ids", async () => {
    const { gateway, client, connectionId } = await connected();
    const slashed = harness.sdk(`${gateway.connectionsUrl}/`);
    await slashed.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: "via //" }));
    expect(await client.message()).toBe("via //");

    // Ids with "/" and "+" must reach the lookup (410), not fall through to another route.
    for (const id of ["a/b+c=", "x%y=", "+/+/="]) {
      await expect(slashed.send(new PostToConnectionCommand({ ConnectionId: id, Data: "x" }))).rejects.toBeInstanceOf(
        GoneException,
      );
    }
  });

  it("#21 rejects Data over 131072 bytes with 413 PayloadTooLargeException", async () => {
    const { client, connectionId, sdk } = await connected();
    await sdk.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: "a".repeat(MAX_POST_BYTES) }));
    expect(await client.message()).toHaveLength(MAX_POST_BYTES);

    const error = await sdk
      .send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: "a".repeat(MAX_POST_BYTES + 1) }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayloadTooLargeException);
    expect((error as PayloadTooLargeException).$metadata.httpStatusCode).toBe(413);
    expect(client.frames).toHaveLength(1);
  });
});

describe("GoneException", () => {
  it("#20 Post, Get and Delete on an unknown id answer 410 and the SDK throws GoneException", async () => {
    const { sdk } = await connected();
    const unknown = "AAAAAAAAAAAAAAA=";
    for (const command of [
      new PostToConnectionCommand({ ConnectionId: unknown, Data: "x" }),
      new GetConnectionCommand({ ConnectionId: unknown }),
      new DeleteConnectionCommand({ ConnectionId: unknown }),
    ]) {
      const error = await sdk.send(command as PostToConnectionCommand).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GoneException);
      expect((error as GoneException).$metadata.httpStatusCode).toBe(410);
    }
  });

  it("#20 the 410 carries x-amzn-ErrorType and a JSON message", async () => {
    const { gateway } = await connected();
    const res = await raw(gateway, "POST", "/local/@connections/nope%3D", "x");
    expect(res.status).toBe(410);
    expect(res.headers.get("x-amzn-errortype")).toBe("GoneException");
    expect(await res.json()).toEqual({ message: expect.stringContaining("nope=") });
  });

  it("#20 a closed connection is gone for Post, Get and Delete", async () => {
    const { gateway, client, connectionId, sdk } = await connected();
    client.ws.close(1000);
    await waitUntil(() => gateway.connectionCount() === 0);
    await expect(sdk.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: "x" }))).rejects.toBeInstanceOf(
      GoneException,
    );
    await expect(sdk.send(new GetConnectionCommand({ ConnectionId: connectionId }))).rejects.toBeInstanceOf(GoneException);
    await expect(sdk.send(new DeleteConnectionCommand({ ConnectionId: connectionId }))).rejects.toBeInstanceOf(GoneException);
  });
});

describe("GetConnection", () => {
  it("#22 returns Date ConnectedAt/LastActiveAt (ISO strings on the wire) and the identity", async () => {
    const { gateway, client, connectionId, sdk, rec } = await connected();
    const connectedAt: number = (await rec.event("$connect")).requestContext.connectedAt;
    const first = await sdk.send(new GetConnectionCommand({ ConnectionId: connectionId }));
    expect(first.ConnectedAt).toBeInstanceOf(Date);
    expect(first.ConnectedAt!.getTime()).toBe(connectedAt);
    expect(first.LastActiveAt).toBeInstanceOf(Date);
    expect(first.Identity).toEqual({ SourceIp: "127.0.0.1", UserAgent: "sdk-test" });

    await sleep(20);
    await client.send("activity");
    await rec.event("$default");
    const second = await sdk.send(new GetConnectionCommand({ ConnectionId: connectionId }));
    expect(second.LastActiveAt!.getTime()).toBeGreaterThan(first.LastActiveAt!.getTime());

    const wire = await (await raw(gateway, "GET", `/local/@connections/${encodeURIComponent(connectionId)}`)).json();
    expect(wire).toEqual({
      connectedAt: new Date(connectedAt).toISOString(),
      identity: { sourceIp: "127.0.0.1", userAgent: "sdk-test" },
      lastActiveAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
    });
  });
});

describe("DeleteConnection", () => {
  it("#23 answers 204, closes the client with 1000 and fires $disconnect 1000", async () => {
    const { gateway, client, connectionId, sdk, rec } = await connected();
    const out = await sdk.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
    expect(out.$metadata.httpStatusCode).toBe(204);
    expect((await client.closed).code).toBe(1000);
    expect((await rec.event("$disconnect")).requestContext).toMatchObject({
      connectionId,
      disconnectStatusCode: 1000,
      disconnectReason: "Connection Closed Normally",
    });
    expect(gateway.connectionCount()).toBe(0);
    await expect(sdk.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: "x" }))).rejects.toBeInstanceOf(
      GoneException,
    );
  });
});

describe("activity", () => {
  it("#25 outbound @connections posts reset the idle timer", async () => {
    const { client, connectionId, sdk, rec } = await connected({ idleTimeoutMs: 300 });
    for (let i = 0; i < 6; i++) {
      await sleep(100);
      await sdk.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: `tick ${i}` }));
    }
    expect(client.ws.readyState).toBe(client.ws.OPEN);
    expect(client.frames).toHaveLength(6);
    expect((await client.closed).code).toBe(1001);
    expect((await rec.event("$disconnect")).requestContext.disconnectStatusCode).toBe(1001);
  });
});

describe("request handling", () => {
  it("answers unsigned calls and other stages with 403 ForbiddenException", async () => {
    const { gateway, connectionId } = await connected();
    const unsigned = await fetch(`${gateway.connectionsUrl}/@connections/${encodeURIComponent(connectionId)}`);
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get("x-amzn-errortype")).toBe("ForbiddenException");
    expect(await unsigned.json()).toEqual({ message: "Missing Authentication Token" });

    const otherStage = await raw(gateway, "GET", `/prod/@connections/${encodeURIComponent(connectionId)}`);
    expect(otherStage.status).toBe(403);
    await otherStage.body?.cancel();
  });
});

describe("parseConnectionsPath", () => {
  it("#19 decodes %3D, %2F and %2B and tolerates a double slash", () => {
    expect(parseConnectionsPath("/dev/@connections/AbC_dEf%3D")).toEqual({ stage: "dev", connectionId: "AbC_dEf=" });
    expect(parseConnectionsPath("/dev//@connections/a%2Fb%2Bc%3D")).toEqual({ stage: "dev", connectionId: "a/b+c=" });
    expect(parseConnectionsPath("/dev/%40connections/x%3D?foo=1")).toEqual({ stage: "dev", connectionId: "x=" });
    expect(parseConnectionsPath("/@connections/x%3D")).toEqual({ stage: undefined, connectionId: "x=" });
  });

  it("#19 rejects paths that are not @connections calls", () => {
    expect(parseConnectionsPath("/dev")).toBeUndefined();
    expect(parseConnectionsPath("/dev/@connections/")).toBeUndefined();
    expect(parseConnectionsPath("/dev/@connections/a/b")).toBeUndefined();
    expect(parseConnectionsPath("/dev/@connections/%E0%A4%A")).toBeUndefined();
  });
});
