import { request } from "node:http";
import { randomBytes } from "node:crypto";
import { ApiGatewayManagementApiClient } from "@aws-sdk/client-apigatewaymanagementapi";
import { WebSocket, type ClientOptions } from "ws";
import { startGateway } from "./server";
import type { Gateway, GatewayLogger, GatewayOptions, LambdaHandler } from "./types";

/**
 * Test-only helpers: real `ws` clients, real SDK clients and a recorder for
 * handler invocations. Nothing here mocks the gateway.
 */

export const silentLogger: GatewayLogger = { info() {}, warn() {}, error() {} };

/** Polls until `check` passes or `timeoutMs` elapses; for state with no event to await. */
export async function waitUntil(check: () => boolean, timeoutMs = 2_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A connected `ws` client that buffers everything it receives. */
export class TestClient {
  readonly frames: { data: Buffer; isBinary: boolean }[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  #waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data, isBinary) => {
      this.frames.push({ data: Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer), isBinary });
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) => {
      ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() }));
    });
    ws.on("error", () => {});
  }

  static open(url: string, protocols?: string[], options?: ClientOptions): Promise<TestClient> {
    const ws = new WebSocket(url, protocols, options);
    const client = new TestClient(ws);
    return new Promise((resolve, reject) => {
      ws.once("open", () => resolve(client));
      ws.once("error", reject);
      ws.once("unexpected-response", (_req, res) => reject(new Error(`handshake failed with ${res.statusCode}`)));
    });
  }

  /** The n-th (0-based) text frame received, waiting for it if needed. */
  async message(index = 0, timeoutMs = 2_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length <= index) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no frame #${index} within ${timeoutMs} ms (got ${this.frames.length})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.frames[index]!.data.toString("utf8");
  }

  send(data: string | Buffer, options: { binary?: boolean; fin?: boolean } = {}): Promise<void> {
    return new Promise((resolve, reject) => this.ws.send(data, options, (error) => (error ? reject(error) : resolve())));
  }
}

/**
 * Attempts a handshake that is expected to fail and returns the HTTP status.
 * Rejects if the handshake unexpectedly succeeds.
 */
export function handshakeStatus(url: string, options?: ClientOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    ws.on("error", () => {});
    ws.once("open", () => {
      ws.terminate();
      reject(new Error("handshake unexpectedly succeeded"));
    });
    ws.once("unexpected-response", (req, res) => {
      res.resume();
      req.destroy();
      resolve(res.statusCode ?? 0);
    });
  });
}

function upgradeRequest(url: string, headers: Record<string, string>) {
  return request(new URL(url.replace(/^ws/, "http")), {
    headers: {
      Connection: "Upgrade",
      Upgrade: "websocket",
      "Sec-WebSocket-Version": "13",
      "Sec-WebSocket-Key": randomBytes(16).toString("base64"),
      ...headers,
    },
  });
}

/** Starts a handshake that the test can abandon halfway, like a client giving up. */
export function startUpgrade(url: string): { abort(): void } {
  const req = upgradeRequest(url, {});
  req.on("error", () => {});
  req.on("upgrade", (_res, socket) => socket.destroy());
  req.end();
  return { abort: () => req.destroy() };
}

/** A handshake with hand-set headers, to see exactly which headers the server answers with. */
export function rawUpgrade(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = upgradeRequest(url, headers);
    req.on("upgrade", (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
    });
    req.on("response", (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
    });
    req.on("error", reject);
    req.end();
  });
}

/** Records every event per route so tests can await and inspect them. */
export class Recorder {
  readonly events = new Map<string, any[]>();

  /** A handler that records its event under `route`, then delegates to `impl`. */
  handler(route: string, impl?: LambdaHandler): LambdaHandler {
    // Keeps `impl`'s style: a three-parameter wrapper returning `undefined` would be awaited as callback style.
    return (event, context, callback) => {
      const list = this.events.get(route) ?? [];
      list.push(event);
      this.events.set(route, list);
      if (!impl) return Promise.resolve(undefined);
      return impl.length >= 3 ? impl(event, context, callback) : Promise.resolve(impl(event, context, callback));
    };
  }

  count(route: string): number {
    return this.events.get(route)?.length ?? 0;
  }

  /** The n-th (0-based) event of `route`, waiting for it if needed. */
  async event(route: string, index = 0, timeoutMs = 2_000): Promise<any> {
    await waitUntil(() => this.count(route) > index, timeoutMs, `${route} event #${index}`);
    return this.events.get(route)![index];
  }
}

/** Owns every gateway, client and SDK client a test creates, and closes them all. */
export class Harness {
  #gateways: Gateway[] = [];
  #clients: TestClient[] = [];
  #sdkClients: ApiGatewayManagementApiClient[] = [];

  async gateway(options: GatewayOptions): Promise<Gateway> {
    const gateway = await startGateway({ logger: silentLogger, ...options });
    this.#gateways.push(gateway);
    return gateway;
  }

  async client(url: string, protocols?: string[], options?: ClientOptions): Promise<TestClient> {
    const client = await TestClient.open(url, protocols, options);
    this.#clients.push(client);
    return client;
  }

  sdk(endpoint: string): ApiGatewayManagementApiClient {
    const client = new ApiGatewayManagementApiClient({ endpoint, region: "us-east-1", maxAttempts: 1 });
    this.#sdkClients.push(client);
    return client;
  }

  async dispose(): Promise<void> {
    for (const client of this.#clients.splice(0)) client.ws.terminate();
    for (const client of this.#sdkClients.splice(0)) client.destroy();
    await Promise.all(this.#gateways.splice(0).map((gateway) => gateway.close()));
  }
}
