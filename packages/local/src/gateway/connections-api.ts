import type { IncomingMessage, ServerResponse } from "node:http";
import { CLOSE, type Connection } from "./connection";
import { newRequestId } from "./ids";
import type { GatewayLogger } from "./types";

/**
 * The `@connections` management API (restJson1), served so the real
 * `@aws-sdk/client-apigatewaymanagementapi` works unchanged with
 * `endpoint: http://host:port/<stage>`.
 *
 * Errors carry `x-amzn-ErrorType`: SDK v3 resolves the exception class from that
 * header, so without it a 410 surfaces as `Unknown` instead of `GoneException`.
 */

/** `Data` limit of PostToConnection in the service model. */
export const MAX_POST_BYTES = 131_072;

export interface ConnectionsApiOptions {
  stage: string;
  connections: { get(connectionId: string): Connection | undefined };
  logger: GatewayLogger;
}

/**
 * Splits a management-API path into stage and connection id. Tolerates what
 * real clients send: a percent-encoded id (`%3D`, `%2F`, `%2B`) and the double
 * slash a trailing-slash endpoint produces (`/dev//@connections/…`).
 *
 * @returns `undefined` when the path is not an `@connections` path at all.
 */
export function parseConnectionsPath(rawUrl: string): { stage: string | undefined; connectionId: string } | undefined {
  const path = rawUrl.split("?")[0] ?? "";
  const match = /^(?:\/([^/]+))?\/+(?:@|%40)connections\/([^/]+)\/?$/.exec(path);
  if (!match) return undefined;
  try {
    return {
      stage: match[1] === undefined ? undefined : decodeURIComponent(match[1]),
      connectionId: decodeURIComponent(match[2]!),
    };
  } catch {
    return undefined;
  }
}

/**
 * Returns a request listener for management calls; it answers and returns
 * `true` for `@connections` paths, and returns `false` for anything else.
 */
export function createConnectionsApi(options: ConnectionsApiOptions) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const target = parseConnectionsPath(req.url ?? "/");
    if (!target) return false;
    void handle(req, res, target, options).catch((error: unknown) => {
      options.logger.error("[gateway] @connections request failed", error);
      if (!res.headersSent) sendError(res, 500, "InternalServerErrorException", "Internal server error");
      else res.destroy();
    });
    return true;
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  target: { stage: string | undefined; connectionId: string },
  options: ConnectionsApiOptions,
): Promise<void> {
  const method = req.method ?? "GET";
  let body: Buffer | "too-large" | undefined;
  if (method === "POST") body = await readBody(req, MAX_POST_BYTES);
  else req.resume();

  // Unsigned requests never reach the service on AWS; the SDK always signs, so this only trips hand-rolled calls.
  if (req.headers.authorization === undefined) {
    return sendError(res, 403, "ForbiddenException", "Missing Authentication Token");
  }
  if (target.stage !== options.stage || !["POST", "GET", "DELETE"].includes(method)) {
    return sendError(res, 403, "ForbiddenException", "Forbidden");
  }
  if (body === "too-large") {
    return sendError(res, 413, "PayloadTooLargeException", `Data must be at most ${MAX_POST_BYTES} bytes`);
  }

  const connection = options.connections.get(target.connectionId);
  if (!connection?.isOpen) {
    return sendError(res, 410, "GoneException", `Connection ${target.connectionId} is gone`);
  }

  if (method === "POST") {
    connection.send(body ?? Buffer.alloc(0));
    return send(res, 200);
  }
  if (method === "GET") {
    return send(res, 200, {
      connectedAt: new Date(connection.info.connectedAt).toISOString(),
      identity: connection.info.identity,
      lastActiveAt: new Date(connection.lastActiveAt).toISOString(),
    });
  }
  connection.close(CLOSE.deleted);
  return send(res, 204);
}

/** Reads a request body, or reports `"too-large"` while still draining it so the client sees the 413. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | "too-large"> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on("end", () => resolve(size > limit ? "too-large" : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, json?: unknown, headers: Record<string, string> = {}): void {
  const body = status === 204 || json === undefined ? "" : JSON.stringify(json);
  res.writeHead(status, {
    ...(status === 204 ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(body) }),
    "x-amzn-RequestId": newRequestId(),
    ...headers,
  });
  res.end(body);
}

function sendError(res: ServerResponse, status: number, errorType: string, message: string): void {
  send(res, status, { message }, { "x-amzn-ErrorType": errorType });
}
