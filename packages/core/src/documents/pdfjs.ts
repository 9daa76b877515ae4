import { createRequire } from "node:module";
import { dirname, join } from "node:path";

type PdfJs = typeof import("pdfjs-dist/legacy/build/pdf.mjs");

let loading: Promise<PdfJs> | undefined;

/**
 * Loads pdf.js on first use, so importing `@ferry/core/documents` for the chunker
 * alone does not pay for parsing ~2 MB of JavaScript.
 *
 * The worker module is imported here and handed to pdf.js as `globalThis.pdfjsWorker`:
 * pdf.js then runs its parser in this thread (Node has no web worker, and a worker
 * thread would only add copying; one job extracts one PDF at a time) and never tries
 * to `import()` the worker by a relative path, which breaks once a bundler moves it.
 */
export function loadPdfJs(): Promise<PdfJs> {
  loading ??= (async () => {
    const [pdfjs, worker] = await Promise.all([
      import("pdfjs-dist/legacy/build/pdf.mjs"),
      import("pdfjs-dist/legacy/build/pdf.worker.mjs"),
    ]);
    const g = globalThis as { pdfjsWorker?: unknown };
    g.pdfjsWorker ??= worker;
    return pdfjs;
  })();
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}

/** Where pdf.js finds the data files it reads lazily, as directory paths with a trailing slash. */
export interface PdfJsAssets {
  /** Packed CMaps, needed to map CID-keyed (mostly CJK) fonts without a ToUnicode table to text. */
  cMapUrl?: string;
  /** The 14 standard fonts, whose metrics position text drawn with non-embedded fonts. */
  standardFontDataUrl?: string;
}

let assets: PdfJsAssets | undefined;

/**
 * The CMap and standard-font directories shipped inside `pdfjs-dist`, read from disk
 * (no network). When a bundler has moved pdf.js out of `node_modules` they are not
 * found; pdf.js then still extracts text, only CID fonts lacking a ToUnicode map
 * lose their text and standard-font runs are spaced from estimated widths.
 * Deployments that bundle can copy the two folders and pass their paths to `openPdf`.
 */
export function bundledPdfJsAssets(): PdfJsAssets {
  if (assets) return assets;
  try {
    const root = dirname(createRequire(import.meta.url).resolve("pdfjs-dist/package.json"));
    assets = { cMapUrl: join(root, "cmaps") + "/", standardFontDataUrl: join(root, "standard_fonts") + "/" };
  } catch {
    assets = {};
  }
  return assets;
}
