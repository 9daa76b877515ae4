import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { HAS_PDFS, NO_PDFS_MESSAGE, PDF_DIR } from "@ferry/core/testing/pdf-fixtures";

export { PDF_DIR, HAS_PDFS as HAS_SHARED_PDFS, NO_PDFS_MESSAGE as NO_SHARED_PDFS };
/** The shared test corpus beside the checkout (never copied into the repo). */
export const SHARED_DATA = dirname(PDF_DIR);

export interface GroundTruth {
  file: string;
  page: number;
  question: string;
  answer: string;
  /** Verbatim (whitespace-normalised) on `page`. */
  quote: string;
}

/**
 * The retrieval ground truth of MANIFEST.md §3: one row per question, read from its
 * tables (`#### \`file.pdf\`` headings, then `| # | page | question | answer | “quote” | … |`).
 */
export function readGroundTruth(manifest = readFileSync(join(SHARED_DATA, "MANIFEST.md"), "utf8")): GroundTruth[] {
  const section = manifest.slice(manifest.indexOf("## 3."));
  const rows: GroundTruth[] = [];
  let file: string | undefined;
  for (const line of section.split("\n")) {
    const heading = /^####\s+`([^`]+\.pdf)`/.exec(line);
    if (heading) file = heading[1];
    const row = /^\|\s*\d+\s*\|\s*(\d+)\s*\|([^|]+)\|([^|]+)\|\s*“(.+)”\s*\|/.exec(line);
    if (file && row) rows.push({ file, page: Number(row[1]), question: row[2]!.trim(), answer: row[3]!.trim(), quote: row[4]!.trim() });
  }
  return rows;
}
