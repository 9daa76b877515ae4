import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import type { Rejection } from "./authorizer";
import { Connection, CLOSE, type CloseInfo } from "./connection";
import { createConnectionsApi } from "./connections-api";
import { disconnectEvent, newRequestStamp, type ApiInfo, type ConnectionInfo } from "./events";
import { admit, type Admission } from "./handshake";
import { readHandshake } from "./http-request";
import { invokeHandler } from "./invoke";
import { dispatchMessage } from "./message-dispatch";
import { resolveOptions } from "./options";
import type { Gateway, GatewayOptions } from "./types";

/** How long `close()` lets clients answer our close frame before dropping them. */
const SHUTDOWN_GRACE_MS = 1_000;

/**
 * Starts a local API Gateway WebSocket API: a `ws` server on Node's HTTP server
 * that runs Lambda-style handlers in-process with API Gateway's proxy events,
 * and serves the `@connections` management API on the same port.
 *
 * @example
 * ```ts
 * const gateway = await startGateway({
 *   routes: {
 *     $connect: { handler: async () => ({ statusCode: 200 }) },
 *     $default: { handler: async (event) => ({ body: event.body }), twoWay: true },
 *   },
 * });
 * const client = new ApiGatewayManagementApiClient({ endpoint: gateway.connectionsUrl });
 * ```
 *
 * @throws {GatewayConfigError} for options AWS would reject at deployment.
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const config = resolveOptions(options);
  const { logger } = config;
  const connections = new Map<string, Connection>();
  const sockets = new Set<WebSocket>();
  const pendingHandshakes = new Set<Duplex>();
  /** Admissions and $disconnect runs; `close()` waits for them. Message invocations are not awaited. */
  const running = new Set<Promise<void>>();
  const admissions = new WeakMap<IncomingMessage, Extract<Admission, { accepted: true }>>();
  let closing: Promise<void> | undefined;

  const track = (work: Promise<void>) => {
    const settled: Promise<void> = work
      .catch((error: unknown) => logger.error("[gateway] internal error", error))
      .finally(() => running.delete(settled));
    running.add(settled);
  };

  const server = createServer();
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    // The frame guard enforces the real quotas; this only bounds what `ws` will buffer.
    maxPayload: config.maxMessageBytes + 1,
    // `ws` would otherwise echo the first offered subprotocol; AWS echoes only what $connect returns.
    handleProtocols: () => false,
    verifyClient: (info: { req: IncomingMessage }, done: (ok: boolean) => void) => {
      track(runAdmission(info.req, done));
    },
  });

  wss.on("headers", (headers: string[], req: IncomingMessage) => {
    const protocol = admissions.get(req)?.protocol;
    if (protocol) headers.push(`Sec-WebSocket-Protocol: ${protocol}`);
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const hostForUrl = config.host.includes(":") ? `[${config.host}]` : config.host;
  const api: ApiInfo = {
    stage: config.stage,
    apiId: config.apiId,
    domainName: config.domainName ?? `${hostForUrl}:${port}`,
  };
  const websocketPaths = new Set(["/", `/${config.stage}`, `/${config.stage}/`]);

  const connectionsApi = createConnectionsApi({ stage: config.stage, connections, logger });
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    if (connectionsApi(req, res)) return;
    const pathname = new URL(req.url ?? "/", "http://localhost").pathname;
    if (websocketPaths.has(pathname)) {
      // What API Gateway answers a plain GET on a WebSocket URL.
      res.writeHead(426, { "content-type": "text/plain", connection: "close" });
      res.end("Upgrade Required");
      return;
    }
    res.writeHead(403, { "content-type": "application/json", "x-amzn-ErrorType": "ForbiddenException" });
    res.end(JSON.stringify({ message: "Forbidden" }));
  });

  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A client hanging up mid-handshake is routine; `ws` takes over error handling once upgraded.
    const ignoreHandshakeError = () => {};
    socket.on("error", ignoreHandshakeError);
    const pathname = new URL(req.url ?? "/", "http://localhost").pathname;
    if (closing) return rejectUpgrade(socket, { status: 503, message: "Service Unavailable" });
    if (!websocketPaths.has(pathname)) return rejectUpgrade(socket, { status: 403, message: "Forbidden" });
    pendingHandshakes.add(socket);
    socket.once("close", () => pendingHandshakes.delete(socket));
    wss.handleUpgrade(req, socket, head, (ws, request) => {
      pendingHandshakes.delete(socket);
      socket.off("error", ignoreHandshakeError);
      const admission = admissions.get(request);
      if (!admission) {
        ws.terminate();
        return;
      }
      establish(ws, socket, admission.connection);
    });
  });

  /** Runs authorizer + $connect while `ws` holds the handshake open. */
  async function runAdmission(req: IncomingMessage, done: (ok: boolean) => void): Promise<void> {
    let admission: Admission;
    try {
      admission = await admit(readHandshake(req), api, config);
    } catch (error) {
      rejectUpgrade(req.socket, { status: 500, message: "Internal server error" });
      throw error;
    }
    if (!admission.accepted) {
      logger.info(`[gateway] handshake rejected with ${admission.status}`);
      rejectUpgrade(req.socket, admission);
      return;
    }
    if (closing || req.socket.destroyed) {
      req.socket.destroy();
      abandon(admission.connection);
      return;
    }
    admissions.set(req, admission);
    done(true);
    // `ws` silently drops a socket the client closed while $connect ran; the
    // integration already accepted it, so $disconnect must still run.
    if (!connections.has(admission.connection.connectionId)) abandon(admission.connection);
  }

  function establish(ws: WebSocket, socket: Duplex, info: ConnectionInfo): void {
    sockets.add(ws);
    ws.once("close", () => sockets.delete(ws));
    const connection = new Connection({
      ws,
      socket,
      info,
      limits: { maxFrameBytes: config.maxFrameBytes, maxMessageBytes: config.maxMessageBytes },
      idleTimeoutMs: config.idleTimeoutMs,
      maxConnectionMs: config.maxConnectionMs,
      logger,
      onMessage: (conn, body) => {
        dispatchMessage(conn, body, api, config).catch((error: unknown) =>
          logger.error(`[gateway] ${conn.id}: message dispatch failed`, error),
        );
      },
      onEnd: (conn, close) => {
        connections.delete(conn.id);
        track(runDisconnect(conn.info, close));
      },
    });
    connections.set(connection.id, connection);
  }

  function abandon(info: ConnectionInfo): void {
    track(runDisconnect(info, { code: 1006, reason: "" }));
  }

  /** $disconnect is best-effort: its result and errors are logged and go nowhere else. */
  async function runDisconnect(info: ConnectionInfo, close: CloseInfo): Promise<void> {
    const route = config.routes.get("$disconnect");
    if (!route) return;
    const event = disconnectEvent(api, info, close.code, close.reason, newRequestStamp());
    const outcome = await invokeHandler(route.handler, event, {
      functionName: "ws-$disconnect",
      timeoutMs: config.integrationTimeoutMs,
      region: config.region,
      accountId: config.accountId,
    });
    if (outcome.kind === "error") logger.error(`[gateway] ${info.connectionId}: $disconnect handler failed`, outcome.error);
    if (outcome.kind === "timeout") logger.warn(`[gateway] ${info.connectionId}: $disconnect timed out`);
  }

  async function shutdown(): Promise<void> {
    for (const connection of [...connections.values()]) connection.close(CLOSE.goingAway);
    for (const socket of pendingHandshakes) socket.destroy();
    await waitForSockets(sockets, SHUTDOWN_GRACE_MS);
    for (const ws of sockets) ws.terminate();
    while (running.size > 0) await Promise.allSettled([...running]);
    wss.close();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  return {
    websocketUrl: `ws://${hostForUrl}:${port}/${config.stage}`,
    connectionsUrl: `http://${hostForUrl}:${port}/${config.stage}`,
    port,
    connectionCount: () => connections.size,
    close: () => (closing ??= shutdown()),
  };
}

/** Answers a handshake with an HTTP error; the body mirrors API Gateway's JSON error shape. */
function rejectUpgrade(socket: Duplex, rejection: Rejection): void {
  const body = rejection.message === null && rejection.errorType === undefined ? "" : JSON.stringify({ message: rejection.message });
  const lines = [
    `HTTP/1.1 ${rejection.status} ${STATUS_CODES[rejection.status] ?? "Error"}`,
    "Connection: close",
    "Content-Type: application/json",
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...(rejection.errorType ? [`x-amzn-ErrorType: ${rejection.errorType}`] : []),
  ];
  if (socket.destroyed) return;
  socket.once("finish", () => socket.destroy());
  socket.end(`${lines.join("\r\n")}\r\n\r\n${body}`);
}

function waitForSockets(sockets: Set<WebSocket>, timeoutMs: number): Promise<void> {
  if (sockets.size === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    let remaining = sockets.size;
    for (const ws of sockets) {
      ws.once("close", () => {
        remaining -= 1;
        if (remaining === 0) {
          clearTimeout(timer);
          resolve();
        }
      });
    }
  });
}
