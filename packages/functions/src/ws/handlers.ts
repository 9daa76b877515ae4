import { AuthError } from "@ferry/core/errors";
import type { FerryApi } from "@ferry/core/api";
import type { ActionName } from "@ferry/core/protocol";
import { AuthorizerEvent, WebSocketEvent, userOf, type AuthorizerResult, type ProxyResult } from "./events";

type ApiSource = () => FerryApi | Promise<FerryApi>;

/**
 * Factories for the WebSocket route handlers. Each Lambda entry file binds one to
 * the process runtime; the offline gateway runs those same entry files.
 */
export const makeAuthorizer =
  (api: ApiSource) =>
  async (raw: unknown): Promise<AuthorizerResult> => {
    const event = AuthorizerEvent.parse(raw);
    try {
      const principal = await (await api()).authorize(event.queryStringParameters?.token ?? undefined);
      return {
        principalId: principal.userId,
        policyDocument: {
          Version: "2012-10-17",
          Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: event.methodArn }],
        },
        context: { userId: principal.userId, tokenExpiresAt: principal.expiresAt ?? 0 },
      };
    } catch (error) {
      // API Gateway turns exactly this message into 401; anything else would be a 500.
      if (error instanceof AuthError) throw new Error("Unauthorized");
      throw error;
    }
  };

export const makeConnect =
  (api: ApiSource) =>
  async (raw: unknown): Promise<ProxyResult> => {
    const event = WebSocketEvent.parse(raw);
    const userId = userOf(event);
    if (!userId) return { statusCode: 401, body: "Unauthorized" };
    await (await api()).connect({ connectionId: event.requestContext.connectionId, userId }, event.requestContext.connectedAt);
    return { statusCode: 200 };
  };

export const makeDisconnect =
  (api: ApiSource) =>
  async (raw: unknown): Promise<ProxyResult> => {
    const event = WebSocketEvent.parse(raw);
    await (await api()).disconnect(event.requestContext.connectionId);
    return { statusCode: 200 };
  };

/** A message route: `$default` or one named after an action. */
export const makeRoute =
  (api: ApiSource, route: ActionName | "$default") =>
  async (raw: unknown): Promise<ProxyResult> => {
    const event = WebSocketEvent.parse(raw);
    const userId = userOf(event);
    if (!userId) return { statusCode: 401 };
    await (await api()).handleFrame({ connectionId: event.requestContext.connectionId, userId }, route, event.body);
    return { statusCode: 200 };
  };
