import type { Connection } from "./connection";
import { messageEvent, newRequestStamp, type ApiInfo } from "./events";
import { invokeHandler } from "./invoke";
import type { ResolvedOptions } from "./options";
import { selectRoute } from "./route-selection";

/**
 * Routes one inbound message and runs its integration.
 *
 * Ordering: invocations start in arrival order, but a slow handler does not
 * hold back the next message on the same connection, and never affects other
 * connections. This matches AWS, which invokes integrations concurrently and
 * does not serialise a connection's messages; two-way responses are sent when
 * each invocation completes, so they may overtake one another.
 */
export function dispatchMessage(
  connection: Connection,
  body: string,
  api: ApiInfo,
  options: Pick<ResolvedOptions, "routes" | "routeSelection" | "integrationTimeoutMs" | "region" | "accountId" | "logger">,
): Promise<void> {
  const stamp = newRequestStamp();
  const routeKey = selectRoute(options.routeSelection, body, options.routes);
  const route = routeKey === undefined ? undefined : options.routes.get(routeKey);
  if (routeKey === undefined || route === undefined) {
    connection.send(errorFrame("Forbidden", connection.id, stamp.requestId));
    return Promise.resolve();
  }

  const event = messageEvent(api, connection.info, routeKey, body, stamp);
  return invokeHandler(route.handler, event, {
    functionName: `ws-${routeKey}`,
    timeoutMs: options.integrationTimeoutMs,
    region: options.region,
    accountId: options.accountId,
  }).then((outcome) => {
    if (outcome.kind === "timeout") {
      options.logger.warn(`[gateway] ${connection.id}: ${routeKey} exceeded ${options.integrationTimeoutMs} ms`);
      connection.send(errorFrame("Endpoint request timed out", connection.id, stamp.requestId));
    } else if (outcome.kind === "error") {
      options.logger.error(`[gateway] ${connection.id}: ${routeKey} handler failed`, outcome.error);
      connection.send(errorFrame("Internal server error", connection.id, stamp.requestId));
    } else if (route.twoWay) {
      const reply = responseBody(outcome.value);
      if (reply !== undefined) connection.send(reply);
    }
  });
}

/**
 * The gateway's own error frame, byte for byte as AWS sends it: note the space
 * after `"message":` and none after the other colons.
 */
export function errorFrame(message: string, connectionId: string, requestId: string): string {
  return `{"message": ${JSON.stringify(message)}, "connectionId":${JSON.stringify(connectionId)}, "requestId":${JSON.stringify(requestId)}}`;
}

/** A proxy response's `body`; `statusCode` does not affect delivery on AWS. */
function responseBody(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null || !("body" in value)) return undefined;
  const { body } = value as { body: unknown };
  if (body === undefined || body === null) return undefined;
  return typeof body === "string" ? body : JSON.stringify(body);
}
