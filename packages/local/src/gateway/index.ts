/**
 * Local API Gateway WebSocket API emulator: real WebSocket handshakes and
 * frames, Lambda proxy events, and the `@connections` management API that the
 * unmodified `@aws-sdk/client-apigatewaymanagementapi` talks to.
 * What it does and does not reproduce is listed in `docs/local-vs-aws.md`.
 *
 * @module
 */
export { startGateway } from "./server";
export { GatewayConfigError, GatewayError } from "./errors";
export type {
  AuthorizerConfig,
  Gateway,
  GatewayLogger,
  GatewayOptions,
  LambdaCallback,
  LambdaContext,
  LambdaHandler,
  RouteConfig,
  WebSocketAuthorizerContext,
  WebSocketAuthorizerEvent,
  WebSocketConnectEvent,
  WebSocketDisconnectEvent,
  WebSocketEventType,
  WebSocketIdentity,
  WebSocketMessageEvent,
  WebSocketRequestContext,
} from "./types";
