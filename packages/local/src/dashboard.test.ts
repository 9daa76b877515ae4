import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "./stack";
import { HAS_BROWSER, launchBrowser, openDashboard, warnIfNoBrowser } from "./testing/browser";

warnIfNoBrowser("dashboard tests");

describe.skipIf(!HAS_BROWSER)("the dashboard in a real browser against the offline stack", () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    stack = await startStack({ dir: mkdtempSync(join(tmpdir(), "ferry-dash-")), workers: 1, webPort: 0 });
    browser = await launchBrowser();
    page = await browser.newPage();
    // Vite compiles on first request; openDashboard waits for it.
    await openDashboard(page, stack.outputs.dashboardUrl!, "", { connected: false });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it("connects with the stack's dev token, runs a canary job live to Completed, and cancels another", async () => {
    await page.getByText("Connected", { exact: true }).waitFor({ timeout: 20_000 });
    await page.getByLabel("Steps").fill("4");
    await page.getByLabel("Step duration (ms)").fill("150");
    await page.getByRole("button", { name: "Submit job" }).click();
    const card = page.locator("article").first();
    await card.getByText("Completed", { exact: true }).first().waitFor({ timeout: 20_000 });
    await expect.poll(() => card.getByText(/Output \(4 lines\)/).count()).toBe(1);

    await page.getByLabel("Steps").fill("200");
    await page.getByRole("button", { name: "Submit job" }).click();
    await expect.poll(() => page.locator("article").count()).toBe(2);
    const running = page.locator("article").first();
    await running.getByText("Running", { exact: true }).first().waitFor({ timeout: 20_000 });
    await running.getByRole("button", { name: /^Cancel / }).click();
    await running.getByText("Cancelled", { exact: true }).first().waitFor({ timeout: 20_000 });
  }, 60_000);

  it("shows jobs submitted elsewhere by the same user, live", async () => {
    const { TestClient } = await import("./testing/test-client");
    const other = await TestClient.open(stack.outputs.websocketUrl, stack.outputs.devToken);
    other.send({ action: "submit_job", kind: "canary", input: { steps: 2, stepMs: 100 }, requestId: "elsewhere" });
    const { jobId } = await other.next((f) => f.requestId === "elsewhere");
    await page.getByText(jobId.slice(0, 8), { exact: true }).waitFor({ timeout: 20_000 });
    await other.close();
  }, 30_000);
});
