import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makePdf } from "@ferry/core/testing/pdf-fixtures";
import { type Browser, type Page, type WebSocketRoute } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "./stack";
import { HAS_BROWSER, launchBrowser, openDashboard, warnIfNoBrowser } from "./testing/browser";
import { uploadAndIngest } from "./testing/documents";
import { TestClient } from "./testing/test-client";

warnIfNoBrowser("Ask UI tests");

/** Three pages on three subjects, so retrieval has to find the right one: the answer is on page 2. */
const HARBOUR_PDF = makePdf([
  [
    { text: "Harbour guide.", y: 720, size: 16 },
    { text: "The harbour office opens at eight and sells tickets for every crossing.", y: 690 },
  ],
  [
    { text: "The night ferry Aurora.", y: 720, size: 16 },
    { text: "The night ferry Aurora carries up to 240 passengers and 60 cars across the strait.", y: 690 },
    { text: "Aurora leaves the north pier at ten in the evening and arrives before dawn.", y: 670 },
  ],
  [
    { text: "Weather.", y: 720, size: 16 },
    { text: "Storms in winter can close the strait for a day or two; check the notices.", y: 690 },
  ],
]);

describe.skipIf(!HAS_BROWSER)("the Ask page in a real browser against the offline stack", () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  /**
   * The dashboard's WebSockets run through Playwright, so a test can play the network:
   * hold a job's completion back a moment (the offline answerer writes its answer in
   * well under a second), or lose every frame after the first streamed delta and then
   * drop the connection.
   */
  const links: Array<{ page: WebSocketRoute; server: WebSocketRoute; losing: boolean }> = [];
  const network = { completionDelayMs: 0, loseAfterFirstOutput: false };
  const logs: string[] = [];

  beforeAll(async () => {
    stack = await startStack({
      dir: mkdtempSync(join(tmpdir(), "ferry-ask-ui-")),
      workers: 1,
      webPort: 0,
      onLog: (source, line) => logs.push(`[${source}] ${line}`),
    });
    // The same user as the dashboard: ingest the document the questions are about.
    const api = await TestClient.open(stack.outputs.websocketUrl, stack.outputs.devToken);
    const ingested = await uploadAndIngest(api, HARBOUR_PDF, "harbour.pdf");
    await api.close();
    expect(ingested.terminal.type, JSON.stringify(ingested.terminal)).toBe("job_completed");

    browser = await launchBrowser();
    page = await browser.newPage();
    page.on("pageerror", (error) => logs.push(`[page] ${error.message}`));
    await page.routeWebSocket(/\/local(\?|$)/, (ws) => {
      const link = { page: ws, server: ws.connectToServer(), losing: false };
      links.push(link);
      ws.onMessage((message) => link.server.send(message));
      // One chain per connection keeps frames in order while one of them waits.
      let chain = Promise.resolve();
      link.server.onMessage((message) => {
        const type = typeof message === "string" ? (JSON.parse(message) as { type?: string }).type : undefined;
        chain = chain.then(async () => {
          if (link.losing) return;
          if (type === "job_completed" && network.completionDelayMs > 0) await new Promise((r) => setTimeout(r, network.completionDelayMs));
          ws.send(message);
          if (type === "job_output" && network.loseAfterFirstOutput) {
            network.loseAfterFirstOutput = false;
            link.losing = true;
          }
        });
      });
    });
    // Vite compiles on first request; openDashboard waits for it.
    await openDashboard(page, stack.outputs.dashboardUrl!, "#/ask");
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  const turns = () => page.getByRole("list", { name: "Questions and answers" }).getByRole("article");

  /** Records, on every change, what a user would see of the newest answer: its status badge and its text. */
  async function watchAnswers(): Promise<void> {
    await page.evaluate(() => {
      const seen: Array<{ badge: string; text: string }> = [];
      (window as unknown as { seenAnswers: typeof seen }).seenAnswers = seen;
      new MutationObserver(() => {
        const articles = document.querySelectorAll('[aria-label="Questions and answers"] article');
        const last = articles[articles.length - 1];
        if (!last) return;
        const badge = last.querySelector("header > span")?.textContent ?? "";
        const text = last.querySelector('[aria-live="polite"]')?.textContent ?? "";
        const previous = seen[seen.length - 1];
        if (previous?.badge !== badge || previous?.text !== text) seen.push({ badge, text });
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
  }

  const seenAnswers = () => page.evaluate(() => (window as unknown as { seenAnswers: Array<{ badge: string; text: string }> }).seenAnswers);

  it("answers from the picked document as it is written, then links each [n] to its source and page", async () => {
    network.completionDelayMs = 400;
    await page.getByRole("radio", { name: /Only the ones I pick/ }).check();
    await page.getByRole("checkbox", { name: /harbour\.pdf/ }).check();
    await watchAnswers();
    await page.getByLabel("Question", { exact: true }).fill("How many passengers does the night ferry Aurora carry?");
    await page.keyboard.press("Enter");

    const turn = turns().last();
    await turn.getByText("Answered", { exact: true }).waitFor({ timeout: 60_000 }).catch((error: unknown) => {
      throw new Error(`${String(error)}\n--- stack and page logs:\n${logs.slice(-40).join("\n")}`);
    });
    const answer = turn.getByRole("region", { name: /^Answer to:/ });
    expect(await answer.textContent()).toContain("240");
    expect(await turn.textContent()).toContain("Searched 1 document");

    // The text was on screen, growing, before the answer was marked complete.
    const seen = await seenAnswers();
    expect(seen.some((s) => s.text.trim() !== "" && s.badge !== "Answered"), JSON.stringify(seen)).toBe(true);

    // The offline stack answers extractively and says so.
    expect(await turn.getByText(/Model: offline-.* — extractive \(offline\)/).count()).toBe(1);

    // Sources: the page the answer came from, with its score and snippet.
    const sources = turn.getByRole("list", { name: "Sources" }).getByRole("listitem");
    await expect.poll(() => sources.count()).toBeGreaterThan(0);
    const aurora = sources.filter({ hasText: "240 passengers" }).first();
    expect(await aurora.textContent()).toMatch(/page 2 · match \d+%/);

    // A marker in the answer moves focus to its source, and the page stays on Ask.
    const marker = answer.getByRole("link", { name: /^Source \d+: .*, page 2$/ }).first();
    await marker.click();
    const focused = await page.evaluate(() => document.activeElement?.textContent ?? "");
    expect(focused).toContain("page 2");
    expect(new URL(page.url()).hash).toBe("#/ask");
    expect(await page.getByRole("status").filter({ hasText: /Answer complete, with \d+ sources?\./ }).count()).toBe(1);
    network.completionDelayMs = 0;
  }, 90_000);

  it("carries a follow-up answer across a lost connection, keeps the conversation over a reload, and starts over", async () => {
    await page.getByRole("radio", { name: /All ready documents \(1\)/ }).check();
    await watchAnswers();
    // The network loses everything after the first streamed delta; then the connection drops.
    network.loseAfterFirstOutput = true;
    await page.getByLabel("Follow-up question").fill("When does Aurora leave the north pier?");
    await page.getByRole("button", { name: "Ask", exact: true }).click();
    await expect.poll(() => turns().count()).toBe(2);
    const turn = turns().last();
    await expect.poll(async () => (await seenAnswers()).some((s) => s.text.trim() !== "" && s.badge !== "Answered"), { timeout: 30_000 }).toBe(true);
    expect(await turn.getByText("Answered", { exact: true }).count()).toBe(0);
    await new Promise((r) => setTimeout(r, 1_000)); // meanwhile the job ends on the server, unseen
    for (const link of links.splice(0)) await link.page.close({ code: 4000, reason: "test: network lost" });

    // The client reconnects, re-subscribes from the last seq it saw, and the snapshot completes the answer.
    await turn.getByText("Answered", { exact: true }).waitFor({ timeout: 30_000 });
    const final = (await turn.getByRole("region", { name: /^Answer to:/ }).textContent()) ?? "";
    expect(final.match(/ten in the evening/g)).toHaveLength(1);
    // Whatever showed before, across the reconnect, was the start of the final answer: nothing doubled.
    const squeeze = (text: string) => text.replace(/\[\d+\]/g, "").replace(/\s+/g, "");
    const streamed = (await seenAnswers()).filter((s) => s.badge !== "Answered").map((s) => squeeze(s.text));
    for (const text of streamed) expect(squeeze(final).startsWith(text), `${text}\nis not the start of\n${squeeze(final)}`).toBe(true);

    // The conversation survives a reload.
    await page.reload();
    await page.getByText("Connected", { exact: true }).waitFor({ timeout: 20_000 });
    await expect.poll(() => turns().count()).toBe(2);
    await turns().first().getByText("Answered", { exact: true }).waitFor({ timeout: 20_000 });

    await page.getByRole("button", { name: "New conversation" }).click();
    await expect.poll(() => turns().count()).toBe(0);
    expect(await page.getByLabel("Question", { exact: true }).evaluate((el) => el === document.activeElement)).toBe(true);
  }, 120_000);
});
