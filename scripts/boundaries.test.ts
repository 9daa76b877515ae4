import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === "node_modules" || name === "dist") return [];
    return statSync(path).isDirectory() ? sources(path) : /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

const importsSst = (text: string) => /from\s+["']sst["']|import\(\s*["']sst["']\s*\)|require\(\s*["']sst["']\s*\)/.test(text);

describe("architecture boundaries", () => {
  it("core never imports sst: the domain runs the same offline, under sst dev and deployed", () => {
    const offenders = sources(join(root, "packages/core/src")).filter((f) => importsSst(readFileSync(f, "utf8")));
    expect(offenders.map((f) => relative(root, f))).toEqual([]);
  });

  it("only the AWS composition root in packages/functions reads Resource", () => {
    const readers = ["packages/core/src", "packages/functions/src", "packages/local/src", "packages/web/src"]
      .flatMap((d) => sources(join(root, d)))
      .filter((f) => importsSst(readFileSync(f, "utf8")))
      .map((f) => relative(root, f));
    expect(readers).toEqual(["packages/functions/src/aws-runtime.ts"]);
  });
});
