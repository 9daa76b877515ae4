import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { repoRoot } from "../paths";
import { SAMPLE_DATASET } from "../sample-dataset";
import { TestClient } from "../testing/test-client";

it("npm start's entry brings up gateway, worker and dashboard, prints the URLs and stops cleanly on Ctrl-C", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ferry-start-"));
  const child = spawn(process.execPath, ["--import", "tsx", join(repoRoot(), "packages/local/src/cli/start.ts")], {
    cwd: repoRoot(),
    env: { ...process.env, FERRY_LOCAL_DIR: dir },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d) => (out += String(d)));
  child.stderr.on("data", (d) => (out += String(d)));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  try {
    await expect.poll(() => out, { timeout: 60_000, interval: 200 }).toContain("Press Ctrl-C to stop");
    const outputs = JSON.parse(readFileSync(join(dir, "outputs.json"), "utf8"));
    expect(out).toContain(outputs.websocketUrl);
    expect(out).toContain(outputs.dashboardUrl);
    expect(out).toContain(outputs.devToken);

    const client = await TestClient.open(outputs.websocketUrl, outputs.devToken);
    client.send({ action: "submit_job", kind: "canary", input: { steps: 2, stepMs: 10 }, requestId: "s" });
    const { jobId } = await client.next((f) => f.requestId === "s");
    await client.next((f) => f.jobId === jobId && f.type === "job_completed");

    // A newcomer can try the FinOps tab at once: an empty datasets folder gets a synthetic sample.
    expect(out).toContain(SAMPLE_DATASET);
    client.send({ action: "submit_job", kind: "finops_analysis", input: { query: "Where can we save?", source: { dataset: SAMPLE_DATASET } }, requestId: "f" });
    const analysis = (await client.next((f) => f.requestId === "f")).jobId;
    const done = await client.next((f) => f.jobId === analysis && ["job_completed", "job_failed"].includes(f.type), 60_000);
    expect(done.type, done.error).toBe("job_completed");
    const result = done.result as { optimization_recommendations: Array<{ category: string }> };
    expect(result.optimization_recommendations.map((r) => r.category)).toContain("commitment");
    await client.close();

    await expect
      .poll(async () => (await fetch(outputs.dashboardUrl).then((r) => r.text(), () => "")).toLowerCase(), { timeout: 30_000, interval: 300 })
      .toContain("<div id=\"root\"");
    const served = await fetch(new URL("/outputs.json", outputs.dashboardUrl)).then((r) => r.json());
    expect(served.websocketUrl).toBe(outputs.websocketUrl);
  } finally {
    child.kill("SIGINT");
  }
  expect(await exited).toBe(0);
  await expect(TestClient.open(JSON.parse(readFileSync(join(dir, "outputs.json"), "utf8")).websocketUrl)).rejects.toThrow();
}, 120_000);
