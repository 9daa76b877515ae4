import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "../stack";

const run = promisify(execFile);
const cli = fileURLToPath(new URL("./smoke.ts", import.meta.url));
const smoke = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  run(process.execPath, ["--import", "tsx", cli, ...args], { env: { ...process.env, ...env }, timeout: 60_000 }).then(
    (r) => ({ code: 0, out: r.stdout + r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
  );

let stack: Stack;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ferry-smoke-"));
  stack = await startStack({ dir, workers: 1 });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

describe("npm run smoke", () => {
  it("passes against the offline stack, printing every event with its latency", async () => {
    const { code, out } = await smoke([], { FERRY_LOCAL_DIR: dir });
    expect(out).toContain("smoke passed");
    expect(out).toMatch(/\d+ ms {2}#1 job_queued/);
    expect(out).toMatch(/ms {2}#\d+ progress_update/);
    expect(out).toMatch(/ms {2}#\d+ job_completed/);
    expect(code).toBe(0);
  });

  it("takes --url and --token, and fails clearly with a token the stage does not trust", async () => {
    const { code, out } = await smoke(["--url", stack.outputs.websocketUrl, "--token", "not-a-jwt"], { FERRY_LOCAL_DIR: dir });
    expect(out).toContain("smoke FAILED");
    expect(out).toContain("401");
    expect(code).toBe(1);
  });

  it("fails when the job fails", async () => {
    // Three attempts each failing: the canary's failAttempts outlasts the retries.
    const { code, out } = await smoke(["--url", stack.outputs.websocketUrl, "--token", await stack.token("smoker"), "--fail-attempts", "5", "--timeout", "40"]);
    expect(out).toMatch(/job_failed/);
    expect(code).toBe(1);
  });
});
