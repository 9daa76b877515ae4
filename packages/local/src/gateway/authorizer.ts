import { GatewayConfigError } from "./errors";
import { findHeader, type HandshakeRequest } from "./http-request";
import { errorMessage, type InvocationOutcome } from "./invoke";
import type { WebSocketAuthorizerContext } from "./types";

/**
 * Lambda `REQUEST` authorizer semantics for `$connect`: identity-source
 * pre-checks, the IAM policy the authorizer returns, and the HTTP status the
 * handshake fails with (401 unauthorized, 403 denied, 500 broken authorizer).
 */

export interface IdentitySource {
  kind: "header" | "querystring";
  name: string;
  /** As configured, e.g. `route.request.header.Authorization`. */
  source: string;
}

/** Handshake rejection; `errorType` is what AWS puts in `x-amzn-ErrorType`. */
export interface Rejection {
  status: number;
  message: string | null;
  errorType?: string;
}

export type AuthorizerDecision =
  | { kind: "allow"; authorizer: WebSocketAuthorizerContext }
  | ({ kind: "reject" } & Rejection);

const UNAUTHORIZED: Rejection = { status: 401, message: "Unauthorized", errorType: "UnauthorizedException" };
const DENIED: Rejection = {
  status: 403,
  message: "User is not authorized to access this resource with an explicit deny",
  errorType: "AccessDeniedException",
};
const NOT_ALLOWED: Rejection = {
  status: 403,
  message: "User is not authorized to access this resource",
  errorType: "AccessDeniedException",
};
const BROKEN: Rejection = { status: 500, message: null, errorType: "AuthorizerConfigurationException" };

/**
 * Validates `identitySource` at start-up; only header and query-string sources
 * exist for WebSocket `$connect`.
 *
 * @throws {GatewayConfigError}
 */
export function parseIdentitySources(sources: readonly string[]): IdentitySource[] {
  return sources.map((source) => {
    const match = /^route\.request\.(header|querystring)\.(.+)$/.exec(source);
    if (!match) {
      throw new GatewayConfigError(
        `identity source "${source}" must be route.request.header.<name> or route.request.querystring.<name>`,
      );
    }
    return { kind: match[1] as IdentitySource["kind"], name: match[2]!, source };
  });
}

/**
 * Identity sources the handshake lacks. AWS answers 401 without invoking the
 * authorizer when any is missing or empty; headers match case-insensitively,
 * query parameters exactly.
 */
export function missingIdentitySources(sources: readonly IdentitySource[], handshake: HandshakeRequest): string[] {
  return sources
    .filter(({ kind, name }) => {
      const values =
        kind === "header"
          ? findHeader(handshake.multiValueHeaders, name)?.values
          : handshake.multiValueQueryStringParameters?.[name];
      return !values?.some((value) => value !== "");
    })
    .map(({ source }) => source);
}

/**
 * Turns an authorizer invocation into a decision. `"Unauthorized"` (thrown,
 * called back or returned) is the AWS convention for 401; any other failure,
 * including a timeout or a malformed response, is a 500.
 */
export function decideAuthorization(outcome: InvocationOutcome, methodArn: string, latencyMs: number): AuthorizerDecision {
  if (outcome.kind === "timeout") return reject(BROKEN);
  if (outcome.kind === "error") return reject(errorMessage(outcome.error) === "Unauthorized" ? UNAUTHORIZED : BROKEN);
  if (outcome.value === "Unauthorized") return reject(UNAUTHORIZED);
  return evaluatePolicy(outcome.value, methodArn, latencyMs);
}

/**
 * Evaluates the returned IAM policy against `methodArn`: an explicit Deny wins,
 * then any Allow, otherwise access is denied. Context values are stringified
 * (numbers and booleans arrive as `"1"`/`"true"`, `null` stays), and objects or
 * arrays in the context make the authorizer response invalid, as on AWS.
 */
export function evaluatePolicy(response: unknown, methodArn: string, latencyMs: number): AuthorizerDecision {
  if (!isRecord(response) || !isRecord(response.policyDocument)) return reject(BROKEN);
  const { principalId, context = {} } = response;
  if (typeof principalId !== "string" && typeof principalId !== "number") return reject(BROKEN);
  if (!isRecord(context)) return reject(BROKEN);

  const statements = toArray(response.policyDocument.Statement);
  if (statements.length === 0 || !statements.every(isRecord)) return reject(BROKEN);
  const applies = (statement: Record<string, unknown>) =>
    toArray(statement.Action).some((action) => typeof action === "string" && wildcard(action.toLowerCase(), "execute-api:invoke")) &&
    toArray(statement.Resource).some((resource) => typeof resource === "string" && wildcard(resource, methodArn));
  const effect = (statement: Record<string, unknown>) => String(statement.Effect).toLowerCase();
  const matching = statements.filter(applies);
  if (matching.some((statement) => effect(statement) === "deny")) return reject(DENIED);
  if (!matching.some((statement) => effect(statement) === "allow")) return reject(NOT_ALLOWED);

  const authorizer: WebSocketAuthorizerContext = { principalId: String(principalId), integrationLatency: latencyMs };
  for (const [key, value] of Object.entries(context)) {
    if (value === undefined) continue;
    if (value === null) authorizer[key] = null;
    else if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") authorizer[key] = String(value);
    else return reject(BROKEN);
  }
  return { kind: "allow", authorizer };
}

function reject(rejection: Rejection): AuthorizerDecision {
  return { kind: "reject", ...rejection };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function toArray(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** IAM-style match: `*` spans any run of characters, `?` one. */
function wildcard(pattern: string, value: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${source}$`).test(value);
}
