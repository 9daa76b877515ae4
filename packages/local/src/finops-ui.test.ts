import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "./stack";
import { HAS_BROWSER, launchBrowser, openDashboard, warnIfNoBrowser } from "./testing/browser";
import { SHARED_DATA } from "./testing/manifest";

/** The FOCUS 1.0 sample of shared/data/MANIFEST.md §1, beside the checkout (never copied into the repo). */
const FOCUS_CSV = join(SHARED_DATA, "focus", "focus-1.0-sample_accounts-A.csv");
const hasData = existsSync(FOCUS_CSV);
warnIfNoBrowser("FinOps UI tests");
if (HAS_BROWSER && !hasData) console.warn(`FinOps UI tests skipped: no FOCUS sample at ${FOCUS_CSV} (see shared/data/MANIFEST.md)`);

describe.skipIf(!HAS_BROWSER || !hasData)("the FinOps page in a real browser against the offline stack", () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  const logs: string[] = [];
  /**
   * Results of this sample fit one message (about 50 KB), so they come inline. To see the page
   * handle a result delivered by reference, the test network can turn a `job_completed {result}`
   * into `{resultUrl}` pointing at a URL it serves, as the runner does for results over 100 KB.
   */
  const byReference = { on: false, served: new Map<string, string>(), refusals: 0 };
  const RESULTS = "http://results.ferry.test";

  beforeAll(async () => {
    stack = await startStack({
      dir: mkdtempSync(join(tmpdir(), "ferry-finops-ui-")),
      workers: 1,
      webPort: 0,
      onLog: (source, line) => logs.push(`[${source}] ${line}`),
    });
    browser = await launchBrowser();
    page = await browser.newPage({ acceptDownloads: true });
    page.on("pageerror", (error) => logs.push(`[page] ${error.message}`));
    await page.routeWebSocket(/\/local(\?|$)/, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((message) => server.send(message));
      server.onMessage((message) => {
        const frame = byReference.on && typeof message === "string" ? (JSON.parse(message) as Record<string, unknown>) : undefined;
        if (frame?.type !== "job_completed" || frame.result === undefined) return ws.send(message);
        const { result, ...rest } = frame;
        const url = `${RESULTS}/${String(frame.jobId)}.json`;
        byReference.served.set(url, JSON.stringify(result));
        ws.send(JSON.stringify({ ...rest, resultUrl: url }));
      });
    });
    await page.route(`${RESULTS}/**`, (route) => {
      const body = byReference.served.get(route.request().url());
      // The first download is refused, as storage refuses a link that has expired.
      if (!body || byReference.refusals-- > 0) return route.fulfill({ status: 403, body: "<Error><Code>AccessDenied</Code></Error>" });
      return route.fulfill({ status: 200, contentType: "application/json", headers: { "access-control-allow-origin": "*" }, body });
    });
    // Vite compiles on first request; openDashboard waits for it.
    await openDashboard(page, stack.outputs.dashboardUrl!, "#/finops");
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  const analysis = () => page.getByRole("region", { name: "Analysis" });

  it("uploads a FOCUS export, follows the analysis stage by stage, and reads the report and ranked recommendations", async () => {
    await page.getByLabel("Billing file").setInputFiles(FOCUS_CSV);
    await page.getByRole("status").filter({ hasText: "Uploaded focus-1.0-sample_accounts-A.csv" }).waitFor({ timeout: 20_000 });
    await page.getByRole("button", { name: "Where does most of the money go, and what can we save?" }).click();
    expect(await page.getByLabel("Question").inputValue()).toBe("Where does most of the money go, and what can we save?");

    // Record every stage line shown while the job runs.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seenStages: string[] }).seenStages = seen;
      new MutationObserver(() => {
        for (const item of document.querySelectorAll('[aria-label="Analysis stages"] li')) {
          const text = item.textContent ?? "";
          if (!seen.includes(text)) seen.push(text);
        }
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.getByRole("button", { name: "Run analysis" }).click();

    await analysis().getByText("Completed", { exact: true }).waitFor({ timeout: 90_000 }).catch((error: unknown) => {
      throw new Error(`${String(error)}\n--- stack and page logs:\n${logs.slice(-40).join("\n")}`);
    });
    const stages = await page.evaluate(() => (window as unknown as { seenStages: string[] }).seenStages);
    expect(stages.some((s) => s.includes("(in progress)")), stages.join(" | ")).toBe(true);

    // Headline totals: the sample's billed cost is $16.04 (shared/data/MANIFEST.md §1).
    const totals = analysis().getByLabel("Totals");
    expect(await totals.textContent()).toMatch(/Billed cost\$16\.04/);

    // The written report, rendered from markdown: its headings sit under the page's, its tables are tables.
    const report = analysis().getByRole("region", { name: "Report" });
    expect(await report.getByRole("heading", { level: 4 }).count()).toBeGreaterThan(0);
    expect(await report.getByRole("table").count()).toBeGreaterThan(0);
    expect(await report.locator("script, iframe, img").count()).toBe(0);

    // Recommendations, ranked by estimated monthly saving.
    const table = analysis().getByRole("table").filter({ hasText: "Estimated monthly saving" });
    const rows = table.locator("tbody tr");
    expect(await rows.count()).toBeGreaterThan(0);
    expect(await rows.first().locator("td").first().textContent()).toBe("1");

    // The whole result as JSON.
    const downloading = page.waitForEvent("download");
    await analysis().getByRole("link", { name: "Download the full result (JSON)" }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^finops-\w+\.json$/);
    const saved = JSON.parse(readFileSync((await download.path())!, "utf8"));
    expect(saved).toMatchObject({ query: "Where does most of the money go, and what can we save?" });
    expect(typeof saved.response).toBe("string");
    expect(Array.isArray(saved.optimization_recommendations)).toBe(true);
  }, 150_000);

  it("shows a result delivered by reference the same way, and gets a fresh link when one has expired", async () => {
    byReference.on = true;
    byReference.refusals = 1;
    await page.getByRole("button", { name: "Which services and accounts cost the most this month?" }).click();
    await page.getByRole("button", { name: "Run analysis" }).click();
    await analysis().getByText("Completed", { exact: true }).waitFor({ timeout: 90_000 });
    const refused = analysis().getByRole("alert");
    await refused.waitFor({ timeout: 10_000 });
    expect(await refused.textContent()).toContain("storage answered HTTP 403 (the download link has probably expired)");
    // Try again subscribes for a fresh delivery of the job, and the report appears.
    await refused.getByRole("button", { name: "Try again" }).click();
    await analysis().getByRole("region", { name: "Report" }).waitFor({ timeout: 10_000 });
    expect(await analysis().getByLabel("Totals").textContent()).toMatch(/Billed cost\$16\.04/);
    expect(await analysis().getByRole("table").filter({ hasText: "Estimated monthly saving" }).locator("tbody tr").count()).toBeGreaterThan(0);
    byReference.on = false;
  }, 120_000);

  it("says why an analysis failed: a dataset the server does not have", async () => {
    await page.getByRole("radio", { name: "Configured dataset" }).check();
    await page.getByLabel("Dataset name").fill("no-such-dataset");
    await page.getByLabel("Question").fill("What did we spend?");
    await page.getByRole("button", { name: "Run analysis" }).click();
    const alert = analysis().getByRole("alert");
    await alert.waitFor({ timeout: 60_000 });
    expect(await alert.textContent()).toMatch(/^The analysis failed: .*no-such-dataset/);
  }, 90_000);
});
