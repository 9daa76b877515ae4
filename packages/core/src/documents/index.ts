/**
 * Reading documents for the `ingest_pdf` job: PDF text extraction page by page
 * (pdf.js, bounded memory), cleanup, header/footer removal and sentence-aware
 * chunking that never crosses a page. Library code without ports: it reads nothing
 * but the bytes it is given and pdf.js's own data files.
 *
 * @example
 * const pdf = await openPdf(bytes);
 * try {
 *   const boilerplate = await learnBoilerplate(pdf);
 *   const chunker = new Chunker({ maxChars: embedder.maxInputChars });
 *   for await (const page of pdf.pages()) {
 *     if (page.hasTextLayer) await store(chunker.chunk(page.page, cleanPageText(page.text, boilerplate, page.page)));
 *   }
 * } finally {
 *   await pdf.close();
 * }
 * @module
 */
export { openPdf, type OpenPdfOptions, type PdfDocument, type PdfInfo, type PdfPage } from "./pdf-text";
export { assertPdfBytes } from "./pdf-bytes";
export { buildPageText, defaultLayout, type LayoutOptions, type TextRun } from "./page-text";
export type { PdfJsAssets } from "./pdfjs";
export { DocumentError, EmptyFileError, NotAPdfError, PdfDamagedError, PdfEncryptedError, type DocumentErrorReason } from "./errors";
export { cleanPageText, collapseWhitespace, joinLines, normalizeCharacters } from "./text-cleanup";
export { BoilerplateDetector, BoilerplateOptions, learnBoilerplate, samplePages, stripBoilerplate, type BoilerplateState, type PageKeys, type PageText } from "./boilerplate";
export { ChunkOptions, Chunker, chunkPage, chunkSpans, splitSentences, type Chunk, type ResolvedChunkOptions, type Span } from "./chunker";
export { looksGarbled } from "./text-quality";
