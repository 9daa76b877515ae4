/**
 * bench/ingest/extract — pdf.js text extraction alone (open, every page's text,
 * close; no cleanup, chunking or embedding), for the ingest bench to report
 * pages/s. Run directly to print it for a folder of PDFs:
 *   node --import tsx bench/ingest/extract.ts [dir]   (default ../shared/data/pdfs)
 */
import { readFile, readdir } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DocumentError, openPdf } from "@ferry/core/documents";

export interface ExtractResult {
  /** Pages extracted from the files that could be opened. */
  pages: number;
  /** Wall time spent extracting them (file reads and unreadable files excluded). */
  ms: number;
  /** Non-whitespace characters extracted. */
  chars: number;
  /** Files that could not be opened (encrypted without a known password, damaged, not a PDF…). */
  skipped: Array<{ file: string; reason: string }>;
}

export interface ExtractOptions {
  /** Passwords by file name, for encrypted test files. */
  passwords?: Record<string, string>;
}

/** Extracts every page of every file in turn, one document open at a time. */
export async function extractAll(files: string[], options: ExtractOptions = {}): Promise<ExtractResult> {
  const result: ExtractResult = { pages: 0, ms: 0, chars: 0, skipped: [] };
  for (const file of files) {
    const bytes = new Uint8Array(await readFile(file));
    const password = options.passwords?.[basename(file)];
    const started = performance.now();
    try {
      const pdf = await openPdf(bytes, password === undefined ? {} : { password });
      try {
        for await (const page of pdf.pages()) {
          result.pages++;
          result.chars += page.charCount;
        }
      } finally {
        await pdf.close();
      }
      result.ms += performance.now() - started;
    } catch (error) {
      if (!(error instanceof DocumentError)) throw error;
      result.skipped.push({ file: basename(file), reason: error.reason });
    }
  }
  return result;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = resolve(process.argv[2] ?? join(fileURLToPath(import.meta.url), "../../../../shared/data/pdfs"));
  const files = (await readdir(dir)).filter((f) => f.endsWith(".pdf")).sort().map((f) => join(dir, f));
  // Warm up the JIT and pdf.js's lazy imports on one file so the first document is not penalised.
  await extractAll(files.slice(0, 1));
  const r = await extractAll(files, { passwords: { "pr6531_1.pdf": "asdfasdf" } });
  console.log(`bench/ingest/extract — Node ${process.version}, ${files.length} files in ${dir}`);
  console.log(`${r.pages} pages, ${r.chars.toLocaleString("en")} chars in ${r.ms.toFixed(0)} ms → ${((r.pages * 1000) / r.ms).toFixed(1)} pages/s`);
  for (const s of r.skipped) console.log(`  skipped ${s.file}: ${s.reason}`);
}
