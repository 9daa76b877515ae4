import type { PDFDocumentProxy, PDFPageProxy } from "pdfjs-dist/legacy/build/pdf.mjs";
import type { TextItem } from "pdfjs-dist/types/src/display/api";
import { describeError } from "../errors";
import type { Logger } from "../ports";
import { PdfDamagedError, PdfEncryptedError } from "./errors";
import { buildPageText } from "./page-text";
import { assertPdfBytes } from "./pdf-bytes";
import { type PdfJsAssets, bundledPdfJsAssets, loadPdfJs } from "./pdfjs";

/** The text of one page, as extracted; clean it with `cleanPageText` before chunking. */
export interface PdfPage {
  /** 1-based page index in the file (not the printed page label). */
  page: number;
  /** Lines separated by `\n`, paragraphs by `\n\n`; line-end hyphens kept. */
  text: string;
  /**
   * False when the page has no extractable text: a scanned image, a blank page,
   * or a page skipped because it failed (see `error`). Such pages need OCR to be indexed.
   */
  hasTextLayer: boolean;
  /** Non-whitespace characters in `text`. */
  charCount: number;
  /** Set when the page could not be read and was skipped; the message says why. */
  error?: string;
}

/** Document properties worth recording with an ingested document. */
export interface PdfInfo {
  title?: string;
  author?: string;
  /** Encrypted at all, including with an empty user password (which opens without asking). */
  encrypted: boolean;
  /**
   * The author's "copy text" permission. We extract regardless: the uploader is
   * indexing the file for their own retrieval, and the flag is advisory in every reader.
   */
  copyAllowed: boolean;
}

/** An open PDF. Call `close()` when done, also after an error, to free pdf.js's state. */
export interface PdfDocument {
  readonly pageCount: number;
  readonly info: PdfInfo;
  /**
   * Pages `fromPage…pageCount` in order, extracted one at a time as the consumer pulls,
   * each page's resources released before the next is read; start later to resume.
   * `preloaded` pages (read earlier, e.g. to learn headers) are yielded as they are,
   * not extracted again.
   */
  pages(fromPage?: number, preloaded?: ReadonlyMap<number, PdfPage>): AsyncIterable<PdfPage>;
  /** One page, 1-based, for sampling; released like the pages of `pages()`. */
  page(n: number): Promise<PdfPage>;
  close(): Promise<void>;
}

export interface OpenPdfOptions {
  /** The user password, for password-protected files. */
  password?: string;
  /** Receives a warning for every page that had to be skipped. */
  logger?: Pick<Logger, "warn">;
  /** Overrides the CMap and standard-font folders found in `node_modules/pdfjs-dist`. */
  assets?: PdfJsAssets;
  /**
   * Every this many pages the document-wide caches (parsed fonts, shared images) are
   * dropped too, bounding memory on long documents at the cost of re-parsing fonts.
   */
  cleanupEvery?: number;
}

// pdf.js's PasswordResponses; the enum is on the lazily loaded module.
const INCORRECT_PASSWORD = 2;

function isTextItem(item: object): item is TextItem {
  return "str" in item;
}

/** Counted like the corpus manifest counts: UTF-16 units of the text without whitespace. */
function nonSpaceLength(text: string): number {
  return text.replace(/\s+/g, "").length;
}

function translateOpenError(error: unknown, passwordGiven: boolean): Error {
  const e = error as { name?: string; code?: number; message?: string } | undefined;
  if (e?.name === "PasswordException") {
    return new PdfEncryptedError(passwordGiven && e.code === INCORRECT_PASSWORD, { cause: error });
  }
  // InvalidPDFException, FormatError, UnknownErrorException…: pdf.js could not make
  // sense of the structure. Any of them recurs on every attempt, so none is retryable.
  return new PdfDamagedError(false, e?.message, { cause: error });
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() ? value.trim() : undefined;
}

/**
 * Opens a PDF from its bytes for page-by-page text extraction with pdf.js.
 *
 * The bytes are checked first (empty, not a PDF, truncated) because pdf.js accepts
 * far too much: it would open a cut-off upload as a shorter document. The bytes are
 * copied, since pdf.js takes ownership of (detaches) the buffer it is given.
 *
 * A page whose text cannot be read (a broken content stream, a font pdf.js
 * chokes on) is skipped with a warning and comes out with `error` set rather than
 * failing the document: one bad page in a 500-page book should not cost the other
 * 499, retrying cannot fix it, and the ingest result reports skipped pages so the
 * user learns of it. A file pdf.js cannot open at all throws instead.
 *
 * A PDF with zero pages opens fine with `pageCount` 0; whether that is an error
 * is the caller's call.
 *
 * @throws EmptyFileError, NotAPdfError, PdfDamagedError, PdfEncryptedError
 * @example
 * const pdf = await openPdf(bytes);
 * try {
 *   for await (const page of pdf.pages()) if (page.hasTextLayer) index(page);
 * } finally {
 *   await pdf.close();
 * }
 */
export async function openPdf(bytes: Uint8Array, options: OpenPdfOptions = {}): Promise<PdfDocument> {
  assertPdfBytes(bytes);
  const pdfjs = await loadPdfJs();
  const assets = options.assets ?? bundledPdfJsAssets();
  const task = pdfjs.getDocument({
    data: bytes.slice(),
    password: options.password,
    ...assets,
    // Text needs neither font rendering nor system fonts.
    disableFontFace: true,
    useSystemFonts: false,
    // Warnings about recoverable structure problems would go to stdout.
    verbosity: pdfjs.VerbosityLevel.ERRORS,
  });
  let doc: PDFDocumentProxy;
  try {
    doc = await task.promise;
  } catch (error) {
    await task.destroy().catch(() => {});
    throw translateOpenError(error, options.password !== undefined);
  }
  try {
    const info = await readInfo(doc);
    return new PdfJsReader(doc, info, options);
  } catch (error) {
    await doc.destroy().catch(() => {});
    throw translateOpenError(error, options.password !== undefined);
  }
}

async function readInfo(doc: PDFDocumentProxy): Promise<PdfInfo> {
  const [metadata, permissions] = await Promise.all([
    doc.getMetadata().catch(() => undefined),
    doc.getPermissions().catch(() => null),
  ]);
  const raw = (metadata?.info ?? {}) as Record<string, unknown>;
  const title = text(metadata?.metadata?.get("dc:title")) ?? text(raw.Title);
  const author = text(raw.Author);
  const COPY = 0x10; // PermissionFlag.COPY
  return {
    ...(title ? { title } : {}),
    ...(author ? { author } : {}),
    encrypted: Boolean(raw.EncryptFilterName),
    copyAllowed: permissions === null || permissions.includes(COPY),
  };
}

class PdfJsReader implements PdfDocument {
  readonly pageCount: number;
  #closed = false;

  constructor(
    readonly doc: PDFDocumentProxy,
    readonly info: PdfInfo,
    readonly options: OpenPdfOptions,
  ) {
    this.pageCount = doc.numPages;
  }

  async *pages(fromPage = 1, preloaded?: ReadonlyMap<number, PdfPage>): AsyncGenerator<PdfPage> {
    const every = this.options.cleanupEvery ?? 100;
    let sinceCleanup = 0;
    for (let n = Math.max(1, Math.floor(fromPage)); n <= this.pageCount; n++) {
      if (this.#closed) throw new Error("the PDF was closed while its pages were being read");
      const known = preloaded?.get(n);
      if (known) {
        yield known;
        continue;
      }
      const page = await this.#readPage(n);
      if (++sinceCleanup >= every) {
        sinceCleanup = 0;
        await this.doc.cleanup().catch(() => {});
      }
      yield page;
    }
  }

  page(n: number): Promise<PdfPage> {
    if (!Number.isInteger(n) || n < 1 || n > this.pageCount) {
      return Promise.reject(new RangeError(`page ${n} is not in 1…${this.pageCount}`));
    }
    if (this.#closed) return Promise.reject(new Error("the PDF is closed"));
    return this.#readPage(n);
  }

  async #readPage(n: number): Promise<PdfPage> {
    let proxy: PDFPageProxy | undefined;
    try {
      proxy = await this.doc.getPage(n);
      const content = await proxy.getTextContent();
      const text = buildPageText(content.items.filter(isTextItem));
      const charCount = nonSpaceLength(text);
      return { page: n, text, hasTextLayer: charCount > 0, charCount };
    } catch (error) {
      if (this.#closed) throw error;
      const message = describeError(error);
      this.options.logger?.warn("skipping a PDF page whose text cannot be read", { page: n, error: message });
      return { page: n, text: "", hasTextLayer: false, charCount: 0, error: message };
    } finally {
      proxy?.cleanup();
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.doc.destroy();
  }
}
