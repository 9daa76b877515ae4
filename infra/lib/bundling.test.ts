import { describe, expect, it } from "vitest";
import corePackage from "../../packages/core/package.json";
import { UNBUNDLED_PACKAGES, nodejsBundling } from "./bundling";

describe("nodejsBundling", () => {
  it("keeps every unbundled package out of every bundle, installing none by default", () => {
    expect(nodejsBundling(corePackage.dependencies)).toEqual({ esbuild: { external: [...UNBUNDLED_PACKAGES] } });
  });

  it("installs what a function asks for at the version core pins", () => {
    const options = nodejsBundling(corePackage.dependencies, ["@duckdb/node-api"]);
    expect(options.install).toEqual({ "@duckdb/node-api": corePackage.dependencies["@duckdb/node-api"] });
    expect(options.esbuild.external).toContain("pdfjs-dist");
  });

  it("refuses a package core does not pin", () => {
    expect(() => nodejsBundling({}, ["pdfjs-dist"])).toThrow(/not a dependency of @ferry\/core/);
  });
});
