import { describe, expect, it } from "vitest";
import { decideAuthorization, evaluatePolicy, missingIdentitySources, parseIdentitySources } from "./authorizer";
import type { HandshakeRequest } from "./http-request";

const arn = "arn:aws:execute-api:us-east-1:000000000000:ferrylocal/local/$connect";
const policy = (effect: string, resource: unknown, action: unknown = "execute-api:Invoke") => ({
  principalId: "me",
  policyDocument: { Version: "2012-10-17", Statement: [{ Effect: effect, Action: action, Resource: resource }] },
});

describe("evaluatePolicy", () => {
  it("allows on a matching Allow, with exact, wildcard and list resources", () => {
    for (const resource of [arn, "arn:aws:execute-api:*:*:ferrylocal/*", ["x", "arn:aws:execute-api:us-east-1:*:*/local/$connect"], "*"]) {
      expect(evaluatePolicy(policy("Allow", resource), arn, 3)).toEqual({
        kind: "allow",
        authorizer: { principalId: "me", integrationLatency: 3 },
      });
    }
    expect(evaluatePolicy(policy("Allow", arn, "execute-api:*"), arn, 0).kind).toBe("allow");
    expect(evaluatePolicy({ ...policy("Allow", arn), policyDocument: { Statement: { Effect: "Allow", Action: "*", Resource: arn } } }, arn, 0).kind).toBe("allow");
  });

  it("lets an explicit Deny win over an Allow", () => {
    const both = policy("Allow", "*");
    both.policyDocument.Statement.push({ Effect: "Deny", Action: "execute-api:Invoke", Resource: arn });
    expect(evaluatePolicy(both, arn, 0)).toMatchObject({ kind: "reject", status: 403 });
  });

  it("denies with 403 when no statement matches", () => {
    expect(evaluatePolicy(policy("Allow", "arn:aws:execute-api:*:*:other/*"), arn, 0)).toMatchObject({ status: 403 });
    expect(evaluatePolicy(policy("Allow", arn, "s3:GetObject"), arn, 0)).toMatchObject({ status: 403 });
  });

  it("treats malformed responses as a broken authorizer (500)", () => {
    for (const response of [null, "yes", {}, { principalId: "x" }, { policyDocument: { Statement: [] }, principalId: "x" }, { ...policy("Allow", arn), principalId: undefined }]) {
      expect(evaluatePolicy(response, arn, 0)).toMatchObject({ kind: "reject", status: 500 });
    }
  });

  it("stringifies context values and rejects objects in context", () => {
    const allowed = evaluatePolicy({ ...policy("Allow", arn), context: { n: 1, b: false, s: "s", z: null, u: undefined } }, arn, 0);
    expect(allowed).toEqual({
      kind: "allow",
      authorizer: { principalId: "me", integrationLatency: 0, n: "1", b: "false", s: "s", z: null },
    });
    expect(evaluatePolicy({ ...policy("Allow", arn), context: { list: [1] } }, arn, 0)).toMatchObject({ status: 500 });
  });
});

describe("decideAuthorization", () => {
  it("maps Unauthorized to 401 and other failures to 500", () => {
    expect(decideAuthorization({ kind: "error", error: new Error("Unauthorized") }, arn, 0)).toMatchObject({ status: 401 });
    expect(decideAuthorization({ kind: "error", error: "Unauthorized" }, arn, 0)).toMatchObject({ status: 401 });
    expect(decideAuthorization({ kind: "ok", value: "Unauthorized" }, arn, 0)).toMatchObject({ status: 401 });
    expect(decideAuthorization({ kind: "error", error: new Error("unauthorized") }, arn, 0)).toMatchObject({ status: 500 });
    expect(decideAuthorization({ kind: "timeout" }, arn, 0)).toMatchObject({ status: 500 });
  });
});

describe("identity sources", () => {
  const handshake = (headers: Record<string, string[]>, query?: Record<string, string[]>): HandshakeRequest => ({
    pathname: "/local",
    headers: {},
    multiValueHeaders: headers,
    ...(query && { multiValueQueryStringParameters: query, queryStringParameters: {} }),
    identity: { sourceIp: "127.0.0.1" },
  });

  it("matches headers case-insensitively and query parameters exactly; empty counts as missing", () => {
    const sources = parseIdentitySources(["route.request.header.Authorization", "route.request.querystring.token"]);
    expect(missingIdentitySources(sources, handshake({ authorization: ["t"] }, { token: ["x"] }))).toEqual([]);
    expect(missingIdentitySources(sources, handshake({ Authorization: [""] }, { Token: ["x"] }))).toEqual([
      "route.request.header.Authorization",
      "route.request.querystring.token",
    ]);
  });

  it("rejects unsupported identity sources at start-up", () => {
    expect(() => parseIdentitySources(["route.request.body.token"])).toThrow(/identity source/);
    expect(() => parseIdentitySources(["$request.header.Authorization"])).toThrow(/identity source/);
  });
});
