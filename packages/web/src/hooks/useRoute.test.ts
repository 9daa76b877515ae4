import { describe, expect, it } from "vitest";
import { routeHref, routeOf } from "./useRoute";

describe("routes", () => {
  it("reads the page from the hash, defaulting to jobs", () => {
    expect(routeOf("")).toBe("jobs");
    expect(routeOf("#/")).toBe("jobs");
    expect(routeOf(routeHref.documents)).toBe("documents");
    expect(routeOf("#documents/")).toBe("documents");
    expect(routeOf("#/documents/x")).toBe("jobs");
    expect(routeOf(routeHref.ask)).toBe("ask");
    expect(routeOf(routeHref.finops)).toBe("finops");
    expect(routeOf("#/finopsx")).toBe("jobs");
  });
});
