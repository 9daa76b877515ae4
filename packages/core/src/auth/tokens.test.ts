import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthError } from "../errors";
import { createTokenVerifier, signDevToken } from "./tokens";

const secret = "s".repeat(48);

describe("dev tokens", () => {
  it("verify to their subject", async () => {
    const verifier = createTokenVerifier({ devSecret: secret });
    const principal = await verifier.verify(await signDevToken(secret, "alice"));
    expect(principal.userId).toBe("alice");
    expect(principal.expiresAt).toBeGreaterThan(Date.now() / 1000);
  });

  it("are refused when signed with another secret, expired, or not a JWT", async () => {
    const verifier = createTokenVerifier({ devSecret: secret });
    await expect(verifier.verify(await signDevToken("x".repeat(48), "alice"))).rejects.toBeInstanceOf(AuthError);
    await expect(verifier.verify(await signDevToken(secret, "alice", -10))).rejects.toThrow(/exp/);
    await expect(verifier.verify("not-a-token")).rejects.toThrow(/not a JWT/);
  });

  it("are refused where no dev secret is configured", async () => {
    const verifier = createTokenVerifier({});
    await expect(verifier.verify(await signDevToken(secret, "alice"))).rejects.toThrow(/not accepted/);
  });
});

describe("issuer tokens via JWKS", () => {
  let server: Server;
  let issuer: string;
  let privateKey: CryptoKey;
  beforeAll(async () => {
    const pair = await generateKeyPair("RS256");
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "RS256", use: "sig" };
    server = createServer((req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    issuer = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const sign = (claims: Record<string, unknown>, iss = issuer) =>
    new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: "k1" }).setSubject("bob").setIssuer(iss).setExpirationTime("5m").sign(privateKey);

  it("accepts a token from the configured issuer and audience (Cognito client_id too)", async () => {
    const verifier = createTokenVerifier({ issuer, audience: "app-client" });
    expect((await verifier.verify(await sign({ aud: "app-client" }))).userId).toBe("bob");
    expect((await verifier.verify(await sign({ client_id: "app-client" }))).userId).toBe("bob");
  });

  it("refuses another issuer or audience", async () => {
    const verifier = createTokenVerifier({ issuer, audience: "app-client" });
    await expect(verifier.verify(await sign({ aud: "other" }))).rejects.toThrow(/audience/);
    await expect(verifier.verify(await sign({ aud: "app-client" }, "https://evil.example"))).rejects.toBeInstanceOf(AuthError);
  });
});
