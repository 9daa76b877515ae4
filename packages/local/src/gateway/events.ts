import { newRequestId } from "./ids";
import type { HandshakeRequest } from "./http-request";
import type {
  WebSocketAuthorizerContext,
  WebSocketAuthorizerEvent,
  WebSocketConnectEvent,
  WebSocketDisconnectEvent,
  WebSocketEventType,
  WebSocketIdentity,
  WebSocketMessageEvent,
  WebSocketRequestContext,
} from "./types";

/**
 * Builders for the Lambda proxy events API Gateway sends a WebSocket API's
 * integrations. Shapes follow captured AWS events (aws-lambda-go and
 * aws-lambda-rust-runtime fixtures) rather than `@types/aws-lambda`.
 */

/** API-level values every `requestContext` repeats. */
export interface ApiInfo {
  stage: string;
  apiId: string;
  domainName: string;
}

/** Per-connection values every `requestContext` repeats. */
export interface ConnectionInfo {
  connectionId: string;
  connectedAt: number;
  identity: WebSocketIdentity;
  authorizer?: WebSocketAuthorizerContext;
}

/** One gateway request: its id and when it arrived. */
export interface RequestStamp {
  requestId: string;
  requestTimeEpoch: number;
}

export function newRequestStamp(now: number = Date.now()): RequestStamp {
  return { requestId: newRequestId(), requestTimeEpoch: now };
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Common Log Format in UTC, as in `requestContext.requestTime`: `20/Jan/2024:11:55:00 +0000`. */
export function formatRequestTime(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, "0");
  return (
    `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`
  );
}

function requestContext(
  api: ApiInfo,
  connection: ConnectionInfo,
  routeKey: string,
  eventType: WebSocketEventType,
  stamp: RequestStamp,
): WebSocketRequestContext {
  return {
    routeKey,
    eventType,
    extendedRequestId: stamp.requestId,
    requestTime: formatRequestTime(stamp.requestTimeEpoch),
    messageDirection: "IN",
    stage: api.stage,
    connectedAt: connection.connectedAt,
    requestTimeEpoch: stamp.requestTimeEpoch,
    identity: { ...connection.identity },
    requestId: stamp.requestId,
    domainName: api.domainName,
    connectionId: connection.connectionId,
    apiId: api.apiId,
    ...(connection.authorizer && { authorizer: { ...connection.authorizer } }),
  };
}

function handshakeFields(handshake: HandshakeRequest) {
  return {
    headers: { ...handshake.headers },
    multiValueHeaders: structuredClone(handshake.multiValueHeaders),
    ...(handshake.queryStringParameters && {
      queryStringParameters: { ...handshake.queryStringParameters },
      multiValueQueryStringParameters: structuredClone(handshake.multiValueQueryStringParameters ?? {}),
    }),
  };
}

/** `$connect`: handshake headers and query, no `body`, no `messageId`. */
export function connectEvent(
  api: ApiInfo,
  connection: ConnectionInfo,
  handshake: HandshakeRequest,
  stamp: RequestStamp,
): WebSocketConnectEvent {
  return {
    ...handshakeFields(handshake),
    requestContext: requestContext(api, connection, "$connect", "CONNECT", stamp) as WebSocketConnectEvent["requestContext"],
    isBase64Encoded: false,
  };
}

/** A message routed to `$default` or a custom route: raw `body`, a `messageId`, no headers. */
export function messageEvent(
  api: ApiInfo,
  connection: ConnectionInfo,
  routeKey: string,
  body: string,
  stamp: RequestStamp,
  messageId: string = newRequestId(),
): WebSocketMessageEvent {
  return {
    requestContext: { ...requestContext(api, connection, routeKey, "MESSAGE", stamp), eventType: "MESSAGE", messageId },
    body,
    isBase64Encoded: false,
  };
}

/**
 * `$disconnect`: the real event carries these fixed placeholder headers rather
 * than the handshake's, plus the close code and reason.
 */
export function disconnectEvent(
  api: ApiInfo,
  connection: ConnectionInfo,
  statusCode: number,
  reason: string,
  stamp: RequestStamp,
): WebSocketDisconnectEvent {
  const headers = { Host: api.domainName, "x-api-key": "", "X-Forwarded-For": "", "x-restapi": "" };
  return {
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    requestContext: {
      ...requestContext(api, connection, "$disconnect", "DISCONNECT", stamp),
      eventType: "DISCONNECT",
      routeKey: "$disconnect",
      disconnectStatusCode: statusCode,
      disconnectReason: reason,
    },
    isBase64Encoded: false,
  };
}

/** Input of the `REQUEST` authorizer, which runs before `$connect` with the same request id. */
export function authorizerEvent(
  api: ApiInfo,
  connection: ConnectionInfo,
  handshake: HandshakeRequest,
  stamp: RequestStamp,
  methodArn: string,
): WebSocketAuthorizerEvent {
  return {
    type: "REQUEST",
    methodArn,
    ...handshakeFields(handshake),
    stageVariables: {},
    requestContext: requestContext(api, { ...connection, authorizer: undefined }, "$connect", "CONNECT", stamp),
  };
}

/** `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/$connect` */
export function connectMethodArn(region: string, accountId: string, apiId: string, stage: string): string {
  return `arn:aws:execute-api:${region}:${accountId}:${apiId}/${stage}/$connect`;
}
