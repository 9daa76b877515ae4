import { randomBytes, randomUUID } from "node:crypto";

/**
 * A 16-character id shaped like API Gateway's (`R1kmxc2VNjMCFIA=`): eleven
 * random bytes in base64url plus the `=` pad. The trailing `=` is deliberate:
 * it forces callers to URL-encode ids (`%3D`) exactly as they must on AWS.
 */
export function newGatewayId(): string {
  return `${randomBytes(11).toString("base64url")}=`;
}

/** `requestContext.connectionId`. */
export const newConnectionId = newGatewayId;

/** `requestContext.requestId` / `extendedRequestId` / `messageId`. */
export const newRequestId = newGatewayId;

/** Lambda `context.awsRequestId` is a UUID, unlike gateway ids. */
export function newAwsRequestId(): string {
  return randomUUID();
}

/** `X-Amzn-Trace-Id` value in X-Ray format: `Root=1-<epoch hex>-<96 random bits>`. */
export function newTraceId(now: number = Date.now()): string {
  const epoch = Math.floor(now / 1000).toString(16).padStart(8, "0");
  return `Root=1-${epoch}-${randomBytes(12).toString("hex")}`;
}
