import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "./stack";
import { HAS_BROWSER, launchBrowser, openDashboard, warnIfNoBrowser } from "./testing/browser";
import { TestClient } from "./testing/test-client";

warnIfNoBrowser("documents UI tests");

/**
 * A small valid PDF written by hand: one page per entry, each a line of
 * Helvetica text, or no text at all for `""` (a page without a text layer, which
 * ingest skips with a warning). The xref offsets are computed, so strict readers
 * accept it too.
 */
function handmadePdf(pages: string[], title: string): Buffer {
  const objects: string[] = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "", // the page tree, once the page objects have numbers
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    `<< /Title (${title}) /Producer (ferry documents-ui test) >>`,
  ];
  const kids: number[] = [];
  for (const text of pages) {
    const ops = text ? `BT /F1 14 Tf 72 720 Td (${text.replace(/[\\()]/g, (c) => `\\${c}`)}) Tj ET` : "";
    objects.push(`<< /Length ${Buffer.byteLength(ops, "latin1")} >>\nstream\n${ops}\nendstream`);
    objects.push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ${objects.length} 0 R /Resources << /Font << /F1 3 0 R >> >> >>`);
    kids.push(objects.length);
  }
  objects[1] = `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(" ")}] /Count ${kids.length} >>`;
  let out = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n";
  const offsets = objects.map((body, i) => {
    const at = Buffer.byteLength(out, "latin1");
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
    return at;
  });
  const xref = Buffer.byteLength(out, "latin1");
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 4 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, "latin1");
}

const PNG = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex");

describe.skipIf(!HAS_BROWSER)("documents in the dashboard, in a real browser against the offline stack", () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let api: TestClient;
  const logs: string[] = [];

  beforeAll(async () => {
    stack = await startStack({
      dir: mkdtempSync(join(tmpdir(), "ferry-docs-ui-")),
      workers: 1,
      webPort: 0,
      onLog: (source, line) => logs.push(`[${source}] ${line}`),
    });
    browser = await launchBrowser();
    page = await browser.newPage();
    page.on("pageerror", (error) => logs.push(`[page] ${error.message}`));
    // Playwright turns on file-chooser interception when the first listener is added, asynchronously:
    // a listener added only just before pressing Enter can miss the dialog. Turn it on now.
    page.on("filechooser", () => {});
    // Vite compiles on first request; openDashboard waits for it.
    await openDashboard(page, stack.outputs.dashboardUrl!, "#/documents");
    // The same user as the dashboard, over a plain WebSocket: to check what the server holds.
    api = await TestClient.open(stack.outputs.websocketUrl, stack.outputs.devToken);
  }, 90_000);

  afterAll(async () => {
    await api?.close();
    await browser?.close();
    await stack?.stop();
  });

  let n = 0;
  async function serverDocuments(): Promise<Array<Record<string, any>>> {
    const requestId = `list-${++n}`;
    api.send({ action: "list_documents", requestId });
    const answer = await api.next((f) => f.requestId === requestId);
    expect(answer.type).toBe("document_list");
    return answer.documents;
  }

  const fileInput = () => page.locator('input[type="file"]');

  const upload = (name: string): Locator => page.getByRole("list", { name: "Uploads" }).getByRole("group", { name, exact: true });
  const documentRow = (name: string): Locator => page.getByRole("list", { name: "Documents" }).getByRole("group", { name, exact: true });

  it("picks a PDF from the keyboard, watches it reach ready with its page count, finds it in the list, and deletes it", async () => {
    await page.getByRole("link", { name: "Documents" }).click();
    await expect.poll(() => page.getByRole("link", { name: "Documents" }).getAttribute("aria-current")).toBe("page");
    // The drop zone is a button that opens the picker: focusable, labelled, keyboard-operable.
    // Record every status line the upload shows on its way, however briefly.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seenStatuses: string[] }).seenStatuses = seen;
      new MutationObserver(() => {
        const list = document.querySelector('[aria-label="Uploads"]');
        for (const line of list?.querySelectorAll("p") ?? []) {
          const text = line.textContent ?? "";
          if (seen.at(-1) !== text) seen.push(text);
        }
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    const zone = page.getByRole("button", { name: /Drop PDFs here or choose files/ });
    await zone.focus();
    const chooserOpened = page.waitForEvent("filechooser", { timeout: 5_000 });
    await page.keyboard.press("Enter");
    const chooser = await chooserOpened;
    await chooser.setFiles({
      name: "ferry-notes.pdf",
      mimeType: "application/pdf",
      buffer: handmadePdf(["Ferry carries long jobs to workers.", "", "Progress comes back over WebSockets."], "Ferry notes"),
    });

    const item = upload("ferry-notes.pdf");
    await item.getByText("Ready: 3 pages", { exact: false }).waitFor({ timeout: 60_000 }).catch((error: unknown) => {
      throw new Error(`${String(error)}\n--- stack and page logs:\n${logs.join("\n")}`);
    });
    expect(await item.textContent()).toMatch(/Ready: 3 pages, \d+ chunks?/);
    const seen = await page.evaluate(() => (window as unknown as { seenStatuses: string[] }).seenStatuses);
    expect(seen[0]).toMatch(/^Uploading: \d+% /);
    expect(seen.some((line) => /^Uploaded; queued|^(Starting|Downloading|Extracting text|Embedding|Indexing|Finishing)/.test(line)), seen.join(" | ")).toBe(true);
    await expect.poll(() => item.getByRole("list", { name: "Warnings for ferry-notes.pdf" }).textContent()).toMatch(/page 2 has no text layer/);
    await expect.poll(() => page.getByRole("status").filter({ hasText: "ferry-notes.pdf is ready" }).count()).toBe(1);

    const row = documentRow("ferry-notes.pdf");
    await row.getByText("Ready", { exact: true }).waitFor({ timeout: 10_000 });
    expect(await row.textContent()).toContain("3 pages");
    expect(await row.textContent()).toContain("Ferry notes");
    const [stored] = (await serverDocuments()).filter((d) => d.filename === "ferry-notes.pdf");
    expect(stored).toMatchObject({ status: "ready", pages: 3, title: "Ferry notes" });

    // Delete asks first; "Keep" backs out.
    await row.getByRole("button", { name: "Delete ferry-notes.pdf" }).click();
    await row.getByRole("button", { name: "Keep" }).click();
    await row.getByRole("button", { name: "Delete ferry-notes.pdf" }).click();
    await row.getByRole("button", { name: "Yes, delete" }).click();
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => page.getByRole("status").filter({ hasText: "Deleted ferry-notes.pdf." }).count()).toBe(1);
    expect((await serverDocuments()).map((d) => d.documentId)).not.toContain(stored!.documentId);
  }, 90_000);

  it("shows the server's own words for files it refuses: a corrupt PDF, a non-PDF named .pdf, an empty file", async () => {
    // Dropped on the zone this time, as a drag from the desktop would.
    const files = [
      { name: "corrupt.pdf", bytes: [...Buffer.from("%PDF-1.4 garbage")] },
      { name: "picture.pdf", bytes: [...PNG] },
      { name: "empty.pdf", bytes: [] },
    ];
    const dataTransfer = await page.evaluateHandle((list) => {
      const dt = new DataTransfer();
      for (const f of list) dt.items.add(new File([new Uint8Array(f.bytes)], f.name, { type: "application/pdf" }));
      return dt;
    }, files);
    const zone = page.getByRole("button", { name: /Drop PDFs here or choose files/ });
    await zone.dispatchEvent("dragenter", { dataTransfer });
    await expect.poll(() => zone.getAttribute("data-dragging")).toBe("true");
    await zone.dispatchEvent("drop", { dataTransfer });
    // The job's failure message, exactly as the worker wrote it.
    const corrupt = upload("corrupt.pdf");
    await corrupt.getByText("Failed", { exact: true }).waitFor({ timeout: 60_000 });
    expect(await corrupt.textContent()).toMatch(/The PDF is (truncated|damaged)/);
    const picture = upload("picture.pdf");
    await picture.getByText("Failed", { exact: true }).waitFor({ timeout: 60_000 });
    expect(await picture.textContent()).toContain("The file is not a PDF (it looks like a PNG image)");
    // request_upload's `bad_request`, before anything is uploaded.
    const empty = upload("empty.pdf");
    await empty.getByText("Failed", { exact: true }).waitFor({ timeout: 20_000 });
    expect(await empty.textContent()).toContain("empty.pdf is empty (0 bytes)");

    // A failed ingest leaves a failed document, which can be deleted.
    const failedRow = documentRow("corrupt.pdf");
    await failedRow.getByText("Failed", { exact: true }).waitFor({ timeout: 10_000 });
    await failedRow.getByRole("button", { name: "Delete corrupt.pdf" }).click();
    await failedRow.getByRole("button", { name: "Yes, delete" }).click();
    await expect.poll(() => failedRow.count(), { timeout: 10_000 }).toBe(0);

    // Finished uploads can be dismissed.
    await empty.getByRole("button", { name: "Dismiss empty.pdf" }).click();
    await expect.poll(() => empty.count()).toBe(0);
  }, 90_000);

  it("refuses a non-PDF in the browser with a clear message, without asking the server", async () => {
    await fileInput().setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("just text") });
    const alert = page.getByRole("alert").filter({ hasText: "not added" });
    await alert.waitFor({ timeout: 5_000 });
    expect(await alert.textContent()).toContain("notes.txt is not a PDF (text/plain); only PDF files can be added.");
    expect(await upload("notes.txt").count()).toBe(0);
    await alert.getByRole("button", { name: "Dismiss" }).click();
    await expect.poll(() => alert.count()).toBe(0);
  }, 30_000);

  it("shows a refused delete inline: the document was already deleted elsewhere", async () => {
    await fileInput().setInputFiles({ name: "twice.pdf", mimeType: "application/pdf", buffer: handmadePdf(["Delete me twice."], "Twice") });
    const row = documentRow("twice.pdf");
    await row.getByText("Ready", { exact: true }).waitFor({ timeout: 60_000 });
    const [doc] = (await serverDocuments()).filter((d) => d.filename === "twice.pdf");
    api.send({ action: "delete_document", documentId: doc!.documentId, requestId: "elsewhere" });
    expect(await api.next((f) => f.requestId === "elsewhere")).toMatchObject({ type: "document_deleted" });

    await row.getByRole("button", { name: "Delete twice.pdf" }).click();
    await row.getByRole("button", { name: "Yes, delete" }).click();
    const error = row.getByRole("alert");
    await error.waitFor({ timeout: 10_000 });
    expect(await error.textContent()).toMatch(/^Could not delete twice\.pdf: .*not found/i);
    // Refresh shows the server's truth.
    await page.getByRole("button", { name: "Refresh" }).click();
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(0);
  }, 90_000);

  it("pages through more documents than fit one page", async () => {
    // 21 more documents through the API (request_upload, PUT, submit_job), as another tab would add them.
    const jobIds = await Promise.all(
      Array.from({ length: 21 }, async (_, i) => {
        const body = handmadePdf([`Document number ${i}.`], `Bulk ${i}`);
        api.send({ action: "request_upload", filename: `bulk-${i}.pdf`, contentType: "application/pdf", size: body.length, requestId: `up-${i}` });
        const ready = await api.next((f) => f.requestId === `up-${i}`);
        expect(ready.type).toBe("upload_ready");
        const put = await fetch(ready.url, { method: "PUT", headers: ready.headers, body: new Uint8Array(body) });
        expect(put.status).toBe(200);
        api.send({ action: "submit_job", kind: "ingest_pdf", input: { uploadId: ready.uploadId }, requestId: `submit-${i}` });
        return (await api.next((f) => f.requestId === `submit-${i}`)).jobId as string;
      }),
    );
    await Promise.all(jobIds.map((jobId) => api.next((f) => f.jobId === jobId && f.type === "job_completed", 60_000)));

    await page.getByRole("link", { name: "Documents" }).click();
    await page.getByRole("button", { name: "Refresh" }).click();
    const pager = page.getByRole("navigation", { name: "Document pages" });
    await pager.getByRole("button", { name: "Next page" }).waitFor({ timeout: 10_000 });
    const rows = page.getByRole("list", { name: "Documents" }).getByRole("group").filter({ has: page.getByRole("heading") });
    await expect.poll(() => rows.count()).toBe(20);
    expect(await pager.getByRole("button", { name: "Previous page" }).isDisabled()).toBe(true);
    await pager.getByRole("button", { name: "Next page" }).click();
    await pager.getByText("Page 2").waitFor();
    await documentRow("picture.pdf").waitFor({ timeout: 10_000 });
    expect(await pager.getByRole("button", { name: "Next page" }).isDisabled()).toBe(true);
    await pager.getByRole("button", { name: "Previous page" }).click();
    await documentRow("bulk-20.pdf").waitFor({ timeout: 10_000 });
  }, 120_000);

  it("keeps the Jobs page working, and shows ingest jobs there too", async () => {
    await page.getByRole("link", { name: "Jobs" }).click();
    await page.getByRole("button", { name: "Submit job" }).waitFor({ timeout: 5_000 });
    await expect.poll(() => page.locator("article").filter({ hasText: "ingest_pdf" }).count()).toBeGreaterThan(0);
    expect(await page.title()).toBe("Ferry — jobs");
  }, 30_000);
});
