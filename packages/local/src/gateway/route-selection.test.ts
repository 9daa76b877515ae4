import { describe, expect, it } from "vitest";
import { GatewayConfigError } from "./errors";
import { compileSelectionExpression, evaluateSelectionExpression, selectRoute } from "./route-selection";

const action = compileSelectionExpression("$request.body.action");
const routes = (...keys: string[]) => new Set(keys);

describe("evaluateSelectionExpression", () => {
  it("resolves unbraced and braced body paths, with literals between variables", () => {
    const body = JSON.stringify({ service: "chat", action: "join", data: { room: "r1" } });
    expect(evaluateSelectionExpression(action, body)).toBe("join");
    expect(evaluateSelectionExpression(compileSelectionExpression("${request.body.action}"), body)).toBe("join");
    expect(evaluateSelectionExpression(compileSelectionExpression("$request.body.data.room"), body)).toBe("r1");
    expect(
      evaluateSelectionExpression(compileSelectionExpression("${request.body.service}/${request.body.action}"), body),
    ).toBe("chat/join");
    expect(evaluateSelectionExpression(compileSelectionExpression("$request.body.action-beta"), body)).toBe("join-beta");
    expect(evaluateSelectionExpression(compileSelectionExpression("${request.body.action}-${request.body.nope}"), body)).toBe(
      "join-",
    );
  });

  it("returns undefined for non-JSON and '' for missing paths", () => {
    expect(evaluateSelectionExpression(action, "hello")).toBeUndefined();
    expect(evaluateSelectionExpression(action, "")).toBeUndefined();
    expect(evaluateSelectionExpression(action, "{}")).toBe("");
    expect(evaluateSelectionExpression(action, "[1,2]")).toBe("");
    expect(evaluateSelectionExpression(action, '"action"')).toBe("");
    expect(evaluateSelectionExpression(action, '{"action":null}')).toBe("");
  });

  it("stringifies scalars and non-scalars", () => {
    expect(evaluateSelectionExpression(action, '{"action":42}')).toBe("42");
    expect(evaluateSelectionExpression(action, '{"action":true}')).toBe("true");
    expect(evaluateSelectionExpression(action, '{"action":["item1","item2"]}')).toBe("[item1, item2]");
    expect(evaluateSelectionExpression(action, '{"action":{"a":1,"b":[2]}}')).toBe("{a=1, b=[2]}");
  });

  it("does not walk into inherited properties", () => {
    expect(evaluateSelectionExpression(compileSelectionExpression("$request.body.constructor"), "{}")).toBe("");
  });

  it("supports escaped dollars and static expressions", () => {
    const escaped = compileSelectionExpression("\\$default");
    expect(evaluateSelectionExpression(escaped, "not json")).toBe("$default");
  });
});

describe("compileSelectionExpression", () => {
  it("rejects variables that do not read the message body", () => {
    expect(() => compileSelectionExpression("$context.routeKey")).toThrow(GatewayConfigError);
    expect(() => compileSelectionExpression("$request.header.x")).toThrow(GatewayConfigError);
    expect(() => compileSelectionExpression("${request.body.action")).toThrow(/unclosed/);
  });
});

describe("selectRoute", () => {
  it("matches route keys exactly and case-sensitively, else $default", () => {
    const keys = routes("sendMessage", "$default");
    expect(selectRoute(action, '{"action":"sendMessage"}', keys)).toBe("sendMessage");
    expect(selectRoute(action, '{"action":"sendmessage"}', keys)).toBe("$default");
    expect(selectRoute(action, '{"action":" sendMessage"}', keys)).toBe("$default");
    expect(selectRoute(action, "plain text", keys)).toBe("$default");
  });

  it("returns undefined when nothing matches and there is no $default", () => {
    expect(selectRoute(action, '{"action":"x"}', routes("y"))).toBeUndefined();
    expect(selectRoute(action, "text", routes("y"))).toBeUndefined();
  });

  it("never selects lifecycle routes from a message", () => {
    expect(selectRoute(action, '{"action":"$connect"}', routes("$connect", "$disconnect"))).toBeUndefined();
    expect(selectRoute(action, '{"action":"$disconnect"}', routes("$disconnect", "$default"))).toBe("$default");
  });

  it("lets a route be keyed by the empty string a missing path evaluates to", () => {
    expect(selectRoute(action, "{}", routes("", "$default"))).toBe("");
  });
});
