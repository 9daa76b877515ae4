import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// packages/functions/sst-env.d.ts is hand-written (SST is told not to regenerate
// it, see sst.config.ts): this keeps it in step with the names infra/ links.
const root = join(import.meta.dirname, "..", "..");
const envFile = readFileSync(join(root, "packages", "functions", "sst-env.d.ts"), "utf8");
const infraSource = readdirSync(join(root, "infra"))
  .filter((f) => f.endsWith(".ts") && f !== "typecheck-canary.ts")
  .map((f) => readFileSync(join(root, "infra", f), "utf8"))
  .join("\n");

/** `Name: { type: "…"; a: string; b: string }` entries of the Resource interface. */
const declared = [...envFile.matchAll(/^\s{4}(\w+): \{ type: "([\w.]+)";([^}]*)\}/gm)].map(([, name, type, rest]) => ({
  name: name!,
  type: type!,
  props: [...rest!.matchAll(/(\w+): string/g)].map((m) => m[1]!),
}));

describe("packages/functions/sst-env.d.ts", () => {
  it("declares the resources the runtime reads", () => {
    expect(declared.map((d) => d.name).sort()).toEqual(
      [
        "AnalysisDeadLetters",
        "AnalysisQueue",
        "Connections",
        "DevSecret",
        "IngestDeadLetters",
        "IngestQueue",
        "Jobs",
        "JwksUrl",
        "JwtAudience",
        "JwtIssuer",
        "Uploads",
        "Vectors",
        "Ws",
      ].sort(),
    );
  });

  it("names only components infra/ creates", () => {
    for (const { name } of declared) expect(infraSource).toContain(`"${name}"`);
  });

  it("gives each resource the properties its SST component links", () => {
    const props = Object.fromEntries(declared.map((d) => [d.name, d.props.sort()]));
    expect(props.Ws).toEqual(["managementEndpoint", "url"]);
    expect(props.Vectors).toEqual(["bucketName", "indexArn", "indexName"]);
    for (const name of ["Connections", "Jobs", "Uploads"]) expect(props[name]).toEqual(["name"]);
    for (const name of ["IngestQueue", "AnalysisQueue", "IngestDeadLetters", "AnalysisDeadLetters"]) expect(props[name]).toEqual(["url"]);
    for (const name of ["JwtIssuer", "JwtAudience", "JwksUrl", "DevSecret"]) expect(props[name]).toEqual(["value"]);
    for (const prop of ["bucketName", "indexName", "indexArn"]) expect(infraSource).toMatch(new RegExp(`\\b${prop}:`));
  });
});
