import { decideAuthorization, missingIdentitySources, type Rejection } from "./authorizer";
import { authorizerEvent, connectEvent, connectMethodArn, newRequestStamp, type ApiInfo, type ConnectionInfo } from "./events";
import type { HandshakeRequest } from "./http-request";
import { findHeader } from "./http-request";
import { newConnectionId } from "./ids";
import { errorMessage, invokeHandler } from "./invoke";
import type { ResolvedOptions } from "./options";

/**
 * Decides whether an upgrade request becomes a connection, the way API Gateway
 * does before answering the handshake: authorizer first, then the `$connect`
 * integration. The 101 is only sent after both succeed, so a client can never
 * observe a connection its `$connect` handler rejected.
 */

export type Admission =
  | { accepted: true; connection: ConnectionInfo; protocol: string | undefined }
  | ({ accepted: false } & Rejection);

const CONNECT_CRASHED: Rejection = { status: 502, message: "Internal server error" };
const CONNECT_TIMED_OUT: Rejection = { status: 504, message: "Endpoint request timed out" };

export async function admit(
  handshake: HandshakeRequest,
  api: ApiInfo,
  options: Pick<ResolvedOptions, "authorizer" | "routes" | "integrationTimeoutMs" | "region" | "accountId" | "logger">,
): Promise<Admission> {
  const stamp = newRequestStamp();
  const connection: ConnectionInfo = {
    connectionId: newConnectionId(),
    connectedAt: stamp.requestTimeEpoch,
    identity: handshake.identity,
  };
  const invokeOptions = {
    timeoutMs: options.integrationTimeoutMs,
    region: options.region,
    accountId: options.accountId,
  };

  if (options.authorizer) {
    const missing = missingIdentitySources(options.authorizer.sources, handshake);
    if (missing.length > 0) {
      options.logger.info(`[gateway] $connect rejected: missing identity source ${missing.join(", ")}`);
      return { accepted: false, status: 401, message: "Unauthorized", errorType: "UnauthorizedException" };
    }
    const methodArn = connectMethodArn(options.region, options.accountId, api.apiId, api.stage);
    const started = Date.now();
    const outcome = await invokeHandler(
      options.authorizer.handler,
      authorizerEvent(api, connection, handshake, stamp, methodArn),
      { ...invokeOptions, functionName: "ws-authorizer" },
    );
    if (outcome.kind === "error" && errorMessage(outcome.error) !== "Unauthorized") {
      options.logger.error("[gateway] authorizer failed", outcome.error);
    }
    const decision = decideAuthorization(outcome, methodArn, Date.now() - started);
    if (decision.kind === "reject") {
      const { kind: _kind, ...rejection } = decision;
      return { accepted: false, ...rejection };
    }
    connection.authorizer = decision.authorizer;
  }

  const route = options.routes.get("$connect");
  if (!route) return { accepted: true, connection, protocol: undefined };

  const outcome = await invokeHandler(route.handler, connectEvent(api, connection, handshake, stamp), {
    ...invokeOptions,
    functionName: "ws-$connect",
  });
  if (outcome.kind === "timeout") return { accepted: false, ...CONNECT_TIMED_OUT };
  if (outcome.kind === "error") {
    options.logger.error("[gateway] $connect handler failed", outcome.error);
    return { accepted: false, ...CONNECT_CRASHED };
  }
  const response = readConnectResponse(outcome.value);
  if (response === undefined) {
    options.logger.error("[gateway] $connect returned an invalid statusCode", outcome.value);
    return { accepted: false, ...CONNECT_CRASHED };
  }
  if (response.status < 200 || response.status > 299) {
    // AWS drops the body and every header but Sec-WebSocket-Protocol; the client only sees the status.
    return { accepted: false, status: response.status, message: null };
  }
  return { accepted: true, connection, protocol: response.protocol };
}

/**
 * Reads a Lambda proxy response. A result without `statusCode` (including
 * `undefined`) is accepted as 200, which matches what serverless-offline and
 * most `$connect` examples assume; an unusable `statusCode` is `undefined`.
 */
function readConnectResponse(value: unknown): { status: number; protocol: string | undefined } | undefined {
  if (typeof value !== "object" || value === null) return { status: 200, protocol: undefined };
  const response = value as { statusCode?: unknown; headers?: unknown; multiValueHeaders?: unknown };
  const status = response.statusCode === undefined ? 200 : Number(response.statusCode);
  if (!Number.isInteger(status) || status < 100 || status > 599) return undefined;
  return { status, protocol: subprotocol(response.headers, response.multiValueHeaders) };
}

function subprotocol(headers: unknown, multiValueHeaders: unknown): string | undefined {
  const single = isRecord(headers) ? findHeader(asMulti(headers), "sec-websocket-protocol")?.values[0] : undefined;
  if (single) return single;
  const multi = isRecord(multiValueHeaders)
    ? findHeader(asMulti(multiValueHeaders), "sec-websocket-protocol")?.values
    : undefined;
  return multi && multi.length > 0 ? multi.join(", ") : undefined;
}

function asMulti(headers: Record<string, unknown>): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, (Array.isArray(value) ? value : [value]).map(String)]),
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}
