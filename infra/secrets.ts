/**
 * Secrets, set per stage with `npx sst secret set <Name> <value> --stage <stage>`
 * and read at runtime as `Resource.<Name>.value`.
 *
 * - `JwtIssuer`, `JwtAudience`: the OIDC issuer whose RS256/ES256 tokens are
 *   accepted and the audience (or Cognito app client id) they must carry.
 *   Required on production; elsewhere they default to `""` (= not configured).
 * - `JwksUrl`: the issuer's key set; `""` (the default) means
 *   `${issuer}/.well-known/jwks.json`.
 * - `DevSecret` (non-production stages only): the HS256 key for dev tokens,
 *   ≥ 32 characters. Required there, so a fresh stage always has a way in;
 *   never created on production, where `"DevSecret" in Resource` is false.
 *
 * @module
 */
import { stageSettings } from "./lib/settings";

const settings = stageSettings($app.stage);

/** A placeholder makes a secret optional; `undefined` makes deploy fail until it is set. */
const optionalUnlessProduction = settings.isProduction ? undefined : "";

export const jwtIssuer = new sst.Secret("JwtIssuer", optionalUnlessProduction);
export const jwtAudience = new sst.Secret("JwtAudience", optionalUnlessProduction);
export const jwksUrl = new sst.Secret("JwksUrl", "");
export const devSecret = settings.devTokens ? new sst.Secret("DevSecret") : undefined;

/** Every secret of this stage, for `link`. */
export const secrets: sst.Secret[] = [jwtIssuer, jwtAudience, jwksUrl, ...(devSecret ? [devSecret] : [])];
