import { z } from "zod";

/**
 * The parts of API Gateway's WebSocket Lambda proxy events the handlers read.
 * `@types/aws-lambda` lacks `authorizer`, `identity` and the disconnect fields, so
 * these are our own, checked with zod at the boundary.
 */
export const WebSocketEvent = z.object({
  requestContext: z.object({
    routeKey: z.string(),
    eventType: z.enum(["CONNECT", "MESSAGE", "DISCONNECT"]),
    connectionId: z.string(),
    connectedAt: z.number().optional(),
    requestId: z.string().optional(),
    authorizer: z
      .object({ principalId: z.string().optional(), userId: z.string().optional() })
      .passthrough()
      .nullish(),
    disconnectStatusCode: z.number().optional(),
    disconnectReason: z.string().optional(),
  }),
  body: z.string().nullish(),
  queryStringParameters: z.record(z.string(), z.string().optional()).nullish(),
});
export type WebSocketEvent = z.infer<typeof WebSocketEvent>;

/** The `$connect` REQUEST authorizer's input. */
export const AuthorizerEvent = z.object({
  type: z.literal("REQUEST"),
  methodArn: z.string(),
  queryStringParameters: z.record(z.string(), z.string().optional()).nullish(),
  headers: z.record(z.string(), z.string().optional()).nullish(),
});
export type AuthorizerEvent = z.infer<typeof AuthorizerEvent>;

/** The answer API Gateway expects from a proxy integration. */
export interface ProxyResult {
  statusCode: number;
  body?: string;
}

export interface AuthorizerResult {
  principalId: string;
  policyDocument: {
    Version: "2012-10-17";
    Statement: Array<{ Action: "execute-api:Invoke"; Effect: "Allow" | "Deny"; Resource: string }>;
  };
  context: Record<string, string | number | boolean>;
}

/** The user the authorizer vouched for at `$connect`; carried on every later event. */
export function userOf(event: WebSocketEvent): string | undefined {
  const a = event.requestContext.authorizer;
  return a?.userId ?? a?.principalId ?? undefined;
}
