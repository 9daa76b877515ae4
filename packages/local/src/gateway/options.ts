import { GatewayConfigError } from "./errors";
import { parseIdentitySources, type IdentitySource } from "./authorizer";
import { compileSelectionExpression, type SelectionExpression } from "./route-selection";
import type { AuthorizerConfig, GatewayLogger, GatewayOptions, RouteConfig } from "./types";

/** AWS quotas, used as defaults so local runs fail where AWS would. */
export const DEFAULTS = {
  host: "127.0.0.1",
  stage: "local",
  apiId: "ferrylocal",
  accountId: "000000000000",
  routeSelectionExpression: "$request.body.action",
  idleTimeoutMs: 10 * 60_000,
  maxConnectionMs: 2 * 60 * 60_000,
  integrationTimeoutMs: 29_000,
  maxMessageBytes: 128 * 1024,
  maxFrameBytes: 32 * 1024,
} as const;

/** Options after defaults and validation; `domainName` waits for the bound port. */
export interface ResolvedOptions {
  port: number;
  host: string;
  stage: string;
  apiId: string;
  region: string;
  accountId: string;
  domainName: string | undefined;
  routeSelection: SelectionExpression;
  routes: ReadonlyMap<string, RouteConfig>;
  authorizer: (AuthorizerConfig & { sources: IdentitySource[] }) | undefined;
  idleTimeoutMs: number;
  maxConnectionMs: number;
  integrationTimeoutMs: number;
  maxMessageBytes: number;
  maxFrameBytes: number;
  logger: GatewayLogger;
}

/**
 * Applies defaults and rejects configurations API Gateway itself would refuse,
 * so mistakes surface at start-up rather than on the first message.
 *
 * @throws {GatewayConfigError}
 */
export function resolveOptions(options: GatewayOptions): ResolvedOptions {
  const stage = options.stage ?? DEFAULTS.stage;
  if (!/^[A-Za-z0-9_-]+$/.test(stage)) {
    throw new GatewayConfigError(`stage "${stage}" must match [A-Za-z0-9_-]+`);
  }
  const routes = new Map<string, RouteConfig>();
  for (const [key, route] of Object.entries(options.routes ?? {})) {
    if (typeof route?.handler !== "function") {
      throw new GatewayConfigError(`route "${key}" has no handler function`);
    }
    routes.set(key, route);
  }
  const authorizer = options.authorizer
    ? { ...options.authorizer, sources: parseIdentitySources(options.authorizer.identitySource) }
    : undefined;

  return {
    port: options.port ?? 0,
    host: options.host ?? DEFAULTS.host,
    stage,
    apiId: options.apiId ?? DEFAULTS.apiId,
    region: options.region ?? process.env.AWS_REGION ?? "us-east-1",
    accountId: options.accountId ?? DEFAULTS.accountId,
    domainName: options.domainName,
    routeSelection: compileSelectionExpression(options.routeSelectionExpression ?? DEFAULTS.routeSelectionExpression),
    routes,
    authorizer,
    idleTimeoutMs: positive("idleTimeoutMs", options.idleTimeoutMs ?? DEFAULTS.idleTimeoutMs),
    maxConnectionMs: positive("maxConnectionMs", options.maxConnectionMs ?? DEFAULTS.maxConnectionMs),
    integrationTimeoutMs: positive("integrationTimeoutMs", options.integrationTimeoutMs ?? DEFAULTS.integrationTimeoutMs),
    maxMessageBytes: positive("maxMessageBytes", options.maxMessageBytes ?? DEFAULTS.maxMessageBytes),
    maxFrameBytes: positive("maxFrameBytes", options.maxFrameBytes ?? DEFAULTS.maxFrameBytes),
    logger: options.logger ?? console,
  };
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new GatewayConfigError(`${name} must be a positive number, got ${value}`);
  }
  return value;
}
