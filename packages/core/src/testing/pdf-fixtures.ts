import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Test support: where the shared PDF corpus lives (described in its MANIFEST.md,
 * never copied into the repo) and a tiny PDF writer for synthetic cases.
 */

/** `<repo>/../shared/data/pdfs`, resolved from this file so any working directory works. */
export const PDF_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..", "../shared/data/pdfs");
export const HAS_PDFS = existsSync(PDF_DIR) && readdirSync(PDF_DIR).some((f) => f.endsWith(".pdf"));
export const NO_PDFS_MESSAGE = `shared PDF corpus not found at ${PDF_DIR} (see shared/data/MANIFEST.md); manifest tests skipped`;

export function readPdf(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(PDF_DIR, name)));
}

export function listPdfs(): string[] {
  return readdirSync(PDF_DIR)
    .filter((f) => f.endsWith(".pdf"))
    .sort();
}

/** One line of text at a position on a synthetic page, in PDF points from the bottom left. */
export interface SyntheticLine {
  text: string;
  x?: number;
  y: number;
  size?: number;
}

function escape(text: string): string {
  return text.replace(/[\\()]/g, (c) => `\\${c}`);
}

/**
 * A minimal, valid PDF (Helvetica, WinAnsi text only) with one content stream per
 * page. `null` for a page makes a broken page object, whose text cannot be read.
 */
export function makePdf(pages: Array<SyntheticLine[] | null>): Uint8Array {
  const objects: string[] = [];
  const add = (body: string) => objects.push(body) + 2; // object numbers start at 3
  const font = add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
  const kids: number[] = [];
  for (const lines of pages) {
    if (lines === null) {
      kids.push(add("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 9999 0 R /Resources << /Font 42 >> >>"));
      continue;
    }
    const ops = lines
      .map((l) => `BT /F1 ${l.size ?? 12} Tf ${l.x ?? 72} ${l.y} Td (${escape(l.text)}) Tj ET`)
      .join("\n");
    const contents = add(`<< /Length ${Buffer.byteLength(ops, "latin1")} >>\nstream\n${ops}\nendstream`);
    kids.push(add(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ${contents} 0 R /Resources << /Font << /F1 ${font} 0 R >> >> >>`));
  }
  const all = ["<< /Type /Catalog /Pages 2 0 R >>", `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(" ")}] /Count ${kids.length} >>`, ...objects];
  let out = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n";
  const offsets: number[] = [];
  all.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, "latin1"));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, "latin1");
  out += `xref\n0 ${all.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  out += `trailer\n<< /Size ${all.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(out, "latin1"));
}
