/**
 * Public types of the local API Gateway WebSocket emulator: what the rest of the
 * stack passes to {@link startGateway} and what handlers receive.
 *
 * Event shapes are declared here rather than taken from `@types/aws-lambda`
 * because its `APIGatewayEventWebsocketRequestContextV2` lacks `identity`,
 * `authorizer` and `disconnectStatusCode`/`disconnectReason`, all of which real
 * events carry.
 *
 * @module
 */

/** Node-style Lambda callback; `callback("Unauthorized")` is how the AWS authorizer examples deny. */
export type LambdaCallback = (error?: Error | string | null, result?: unknown) => void;

/**
 * The Lambda `context` object, structurally compatible with `Context` from
 * `aws-lambda` so handlers typed with `@types/aws-lambda` can be passed unchanged.
 */
export interface LambdaContext {
  awsRequestId: string;
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  logGroupName: string;
  logStreamName: string;
  /** Time left before the integration timeout answers the client without us. */
  getRemainingTimeInMillis(): number;
  /** Accepted for compatibility; there is no frozen sandbox to keep alive locally. */
  callbackWaitsForEmptyEventLoop: boolean;
  /** Deprecated Node 0.10 style completion functions, still honoured by the Lambda runtime. */
  done(error?: Error, result?: unknown): void;
  fail(error: Error | string): void;
  succeed(messageOrObject: unknown): void;
  succeed(message: string, object: unknown): void;
}

/**
 * A Lambda-style handler. Async, sync and callback styles all work: a returned
 * promise wins; a handler declaring three parameters that returns `undefined`
 * is awaited until it calls `callback`.
 */
// `any` on purpose: each handler narrows the event to the shape it expects.
export type LambdaHandler = (event: any, context: LambdaContext, callback: LambdaCallback) => Promise<unknown> | unknown;

export interface RouteConfig {
  handler: LambdaHandler;
  /**
   * Route response selection `"$default"`: the returned `body` is sent back to
   * the caller as a text frame. Off by default, as on AWS, where a route's
   * return value is dropped unless a route response exists.
   */
  twoWay?: boolean;
}

export interface AuthorizerConfig {
  /** A Lambda `REQUEST` authorizer; it only ever runs on `$connect`. */
  handler: LambdaHandler;
  /**
   * e.g. `["route.request.querystring.token"]` or `["route.request.header.Authorization"]`.
   * If any of them is missing or empty the handshake fails with 401 and the
   * authorizer is not invoked.
   */
  identitySource: string[];
}

/** Narrow logging port; `console` satisfies it. */
export interface GatewayLogger {
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

export interface GatewayOptions {
  /** 0 or omitted picks a random free port. */
  port?: number;
  /** Interface to bind; default `127.0.0.1`. */
  host?: string;
  /** First path segment of both the WebSocket URL and the management endpoint; default `local`. */
  stage?: string;
  /** `requestContext.apiId`; default `ferrylocal`. */
  apiId?: string;
  /** Used in `methodArn`; default `$AWS_REGION` or `us-east-1`. */
  region?: string;
  /** Used in `methodArn`; default `000000000000`. */
  accountId?: string;
  /** `requestContext.domainName`; default `${host}:${port}` so callback URLs built from it reach this server. */
  domainName?: string;
  /** Default `$request.body.action`; `${request.body.a.b}`-style templates are supported. */
  routeSelectionExpression?: string;
  /** `$connect`, `$disconnect`, `$default` and custom route keys. */
  routes: Record<string, RouteConfig>;
  authorizer?: AuthorizerConfig;
  /** Close after this long without a message in either direction; default 10 min. */
  idleTimeoutMs?: number;
  /** Hard cap on a connection's life; default 2 h. */
  maxConnectionMs?: number;
  /** How long API Gateway waits for an integration; default 29 s. */
  integrationTimeoutMs?: number;
  /** Largest inbound message, default 128 KiB; larger closes the socket with 1009. */
  maxMessageBytes?: number;
  /** Largest inbound frame, default 32 KiB; larger closes the socket with 1009. */
  maxFrameBytes?: number;
  /** Default `console`. */
  logger?: GatewayLogger;
}

export interface Gateway {
  /** `ws://host:port/<stage>`; `ws://host:port/` is accepted too. */
  websocketUrl: string;
  /** `http://host:port/<stage>`: the `endpoint` for `ApiGatewayManagementApiClient`. */
  connectionsUrl: string;
  port: number;
  /** Established connections (a handshake still in `$connect` does not count). */
  connectionCount(): number;
  /** Closes every connection with 1001, runs their `$disconnect`, then stops listening. */
  close(): Promise<void>;
}

/** `requestContext.identity`; `userAgent` is absent when the client sent none. */
export interface WebSocketIdentity {
  sourceIp: string;
  userAgent?: string;
}

/** `requestContext.authorizer`: the principal plus the authorizer's `context`, values stringified as on AWS. */
export interface WebSocketAuthorizerContext {
  principalId: string;
  integrationLatency: number;
  [key: string]: string | number | null;
}

export type WebSocketEventType = "CONNECT" | "MESSAGE" | "DISCONNECT";

export interface WebSocketRequestContext {
  routeKey: string;
  eventType: WebSocketEventType;
  extendedRequestId: string;
  requestId: string;
  /** Common Log Format, e.g. `20/Jan/2024:11:55:00 +0000`. */
  requestTime: string;
  requestTimeEpoch: number;
  messageDirection: "IN";
  stage: string;
  /** Milliseconds since epoch; constant for the connection. */
  connectedAt: number;
  identity: WebSocketIdentity;
  domainName: string;
  connectionId: string;
  apiId: string;
  /** Only on `MESSAGE` events. */
  messageId?: string;
  /** Only when an authorizer is configured. */
  authorizer?: WebSocketAuthorizerContext;
  /** Only on `DISCONNECT` events. */
  disconnectStatusCode?: number;
  disconnectReason?: string;
}

export interface WebSocketConnectEvent {
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
  queryStringParameters?: Record<string, string>;
  multiValueQueryStringParameters?: Record<string, string[]>;
  requestContext: WebSocketRequestContext & { eventType: "CONNECT"; routeKey: "$connect" };
  isBase64Encoded: false;
}

export interface WebSocketMessageEvent {
  requestContext: WebSocketRequestContext & { eventType: "MESSAGE"; messageId: string };
  body: string;
  isBase64Encoded: false;
}

export interface WebSocketDisconnectEvent {
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
  requestContext: WebSocketRequestContext & {
    eventType: "DISCONNECT";
    routeKey: "$disconnect";
    disconnectStatusCode: number;
    disconnectReason: string;
  };
  isBase64Encoded: false;
}

/** Input of a WebSocket `REQUEST` authorizer. */
export interface WebSocketAuthorizerEvent {
  type: "REQUEST";
  /** `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/$connect` */
  methodArn: string;
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
  queryStringParameters?: Record<string, string>;
  multiValueQueryStringParameters?: Record<string, string[]>;
  stageVariables: Record<string, string>;
  requestContext: Omit<WebSocketRequestContext, "authorizer">;
}
