import { describe, expect, it } from "vitest";
import { actionNames } from "../../packages/core/src/protocol";
import { WS_ACTIONS, routeName } from "./routes";

describe("WebSocket routes", () => {
  it("every action of the wire protocol has its own route", () => {
    for (const action of actionNames) expect(WS_ACTIONS).toContain(action);
  });

  it("route names are unique, stable identifiers", () => {
    const names = WS_ACTIONS.map(routeName);
    expect(names).toContain("SubmitJob");
    expect(routeName("delete_document")).toBe("DeleteDocument");
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[A-Z][A-Za-z0-9]*$/);
  });
});
