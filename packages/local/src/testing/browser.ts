import { existsSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";

/** Debian's chromium; `npm test` installs it with apt when it is missing and we are root. */
export const CHROMIUM = process.env.FERRY_CHROMIUM ?? "/usr/bin/chromium";
export const HAS_BROWSER = existsSync(CHROMIUM);

/** Says, once per suite, why its browser tests are skipped. */
export function warnIfNoBrowser(suite: string): void {
  if (!HAS_BROWSER) console.warn(`${suite} skipped: no browser at ${CHROMIUM} (apt-get install chromium)`);
}

/** Headless chromium without the background traffic (updates, sync, QUIC) a test does not want. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/**
 * Opens the dashboard at `hash` (`#/ask`), retrying while Vite compiles it on the first
 * request (up to about 30 s), then waits until it shows "Connected" unless told not to.
 */
export async function openDashboard(page: Page, dashboardUrl: string, hash = "", options: { connected?: boolean } = {}): Promise<void> {
  for (let i = 0; ; i++) {
    const status = await page.goto(`${dashboardUrl}${hash}`).then((r) => r?.status(), () => 0);
    if (status === 200) break;
    if (i > 60) throw new Error(`dashboard at ${dashboardUrl} never answered 200`);
    await new Promise((r) => setTimeout(r, 500));
  }
  if (options.connected !== false) await page.getByText("Connected", { exact: true }).waitFor({ timeout: 20_000 });
}
