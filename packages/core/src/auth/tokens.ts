import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, SignJWT, type JWTPayload } from "jose";
import { z } from "zod";
import { AuthError } from "../errors";

/** Issuer and audience of the HS256 tokens the offline stack signs. */
export const DEV_ISSUER = "ferry-local";
export const DEV_AUDIENCE = "ferry";

export const AuthConfig = z.object({
  /** Shared secret for HS256 dev tokens (offline stack); omit on AWS unless you want them. */
  devSecret: z.string().min(32).optional(),
  /** OIDC issuer (e.g. a Cognito user pool URL) whose RS256/ES256 tokens are accepted. */
  issuer: z.string().url().optional(),
  /** JWKS URL of that issuer; defaults to `${issuer}/.well-known/jwks.json`. */
  jwksUrl: z.string().url().optional(),
  /** Expected `aud` (or Cognito `client_id`) of issuer tokens, if any. */
  audience: z.string().optional(),
});
export type AuthConfig = z.infer<typeof AuthConfig>;

export interface Principal {
  userId: string;
  /** Epoch seconds when the token stops being valid. */
  expiresAt?: number;
}

/** Checks a bearer token and says who it belongs to. */
export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
}

const UserId = z.string().min(1).max(128).regex(/^[\w.@:+-]+$/, "user ids are letters, digits and . _ @ : + -");

/**
 * Verifies HS256 dev tokens with the stack's secret and, when an issuer is
 * configured, asymmetric tokens against its JWKS (fetched once, cached by jose).
 * The user id is the token's `sub`.
 */
export function createTokenVerifier(config: AuthConfig): TokenVerifier {
  const secret = config.devSecret ? new TextEncoder().encode(config.devSecret) : undefined;
  const jwksUrl = config.jwksUrl ?? (config.issuer ? `${config.issuer.replace(/\/$/, "")}/.well-known/jwks.json` : undefined);
  const jwks = jwksUrl ? createRemoteJWKSet(new URL(jwksUrl)) : undefined;
  return {
    async verify(token) {
      let alg: string | undefined;
      try {
        alg = decodeProtectedHeader(token).alg;
      } catch (cause) {
        throw new AuthError("token is not a JWT", { cause });
      }
      let payload: JWTPayload;
      try {
        if (alg === "HS256") {
          if (!secret) throw new AuthError("HS256 dev tokens are not accepted here");
          ({ payload } = await jwtVerify(token, secret, { issuer: DEV_ISSUER, audience: DEV_AUDIENCE, algorithms: ["HS256"] }));
        } else {
          if (!jwks) throw new AuthError(`no issuer is configured for ${alg ?? "unsigned"} tokens`);
          ({ payload } = await jwtVerify(token, jwks, { issuer: config.issuer }));
          if (config.audience && payload.aud !== config.audience && payload.client_id !== config.audience) {
            throw new AuthError("token was issued for another audience");
          }
        }
      } catch (cause) {
        if (cause instanceof AuthError) throw cause;
        throw new AuthError(`token rejected: ${(cause as Error).message}`, { cause });
      }
      const userId = UserId.safeParse(payload.sub);
      if (!userId.success) throw new AuthError("token has no usable subject (sub)");
      return { userId: userId.data, expiresAt: payload.exp };
    },
  };
}

/** Signs an HS256 dev token for `userId`; what `npm run token` prints. */
export async function signDevToken(secret: string, userId: string, ttlSeconds = 12 * 3600): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(UserId.parse(userId))
    .setIssuer(DEV_ISSUER)
    .setAudience(DEV_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(new TextEncoder().encode(secret));
}
