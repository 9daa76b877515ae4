import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ErrorCode, FailureCode, ServerEvent, actionNames } from ".";

const doc = readFileSync(fileURLToPath(new URL("../../../../docs/protocol.md", import.meta.url)), "utf8");

describe("docs/protocol.md", () => {
  it("documents every action, event type, error code and failure code the schemas define", () => {
    const eventTypes = ServerEvent.options.map((o) => o.shape.type.value);
    for (const name of [...actionNames, ...eventTypes, ...ErrorCode.options, ...FailureCode.options]) {
      expect(doc, `missing \`${name}\``).toContain(`\`${name}\``);
    }
  });
});
