import { EmptyFileError, NotAPdfError, PdfDamagedError } from "./errors";

/**
 * How far from each end of the file the header and the end-of-file marker may sit.
 * Acrobat's own rule (PDF Reference 1.7, implementation notes 13 and 18) is 1024
 * bytes for both; junk before the header or after `%%EOF` is tolerated within it.
 */
const WINDOW = 1024;

const HEADER = ascii("%PDF-");
const EOF_MARKER = ascii("%%EOF");

/** Magic numbers of formats people upload by mistake, for a more helpful message. */
const SIGNATURES: Array<[string, number[]]> = [
  ["a PNG image", [0x89, 0x50, 0x4e, 0x47]],
  ["a JPEG image", [0xff, 0xd8, 0xff]],
  ["a GIF image", [0x47, 0x49, 0x46, 0x38]],
  ["a TIFF image", [0x49, 0x49, 0x2a, 0x00]],
  ["a TIFF image", [0x4d, 0x4d, 0x00, 0x2a]],
  ["a ZIP archive or Office document", [0x50, 0x4b, 0x03, 0x04]],
  ["a gzip archive", [0x1f, 0x8b]],
  ["a legacy Office document", [0xd0, 0xcf, 0x11, 0xe0]],
  ["a PostScript file", [0x25, 0x21, 0x50, 0x53]],
];

function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

function matchesAt(bytes: Uint8Array, at: number, pattern: Uint8Array): boolean {
  for (let j = 0; j < pattern.length; j++) if (bytes[at + j] !== pattern[j]) return false;
  return true;
}

function indexOf(bytes: Uint8Array, pattern: Uint8Array): number {
  for (let i = 0; i + pattern.length <= bytes.length; i++) if (matchesAt(bytes, i, pattern)) return i;
  return -1;
}

/** Scans from the end: the marker we want is almost always in the last few bytes. */
function lastIndexOf(bytes: Uint8Array, pattern: Uint8Array): number {
  for (let i = bytes.length - pattern.length; i >= 0; i--) if (matchesAt(bytes, i, pattern)) return i;
  return -1;
}

function sniff(head: Uint8Array): string | undefined {
  for (const [name, magic] of SIGNATURES) {
    if (magic.every((b, i) => head[i] === b)) return name;
  }
  const text = String.fromCharCode(...head.subarray(0, 256)).trimStart().toLowerCase();
  if (text.startsWith("<!doctype html") || text.startsWith("<html")) return "an HTML page";
  if (text.startsWith("<?xml")) return "an XML file";
  if (text.startsWith("{") || text.startsWith("[")) return "a JSON file";
  return undefined;
}

/** Bytes that are only padding: whitespace or NUL, which some writers and transfers append. */
function isPadding(bytes: Uint8Array): boolean {
  for (const b of bytes) {
    if (b !== 0x00 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d && b !== 0x20) return false;
  }
  return true;
}

/**
 * Rejects bytes that cannot be a complete PDF before pdf.js sees them.
 *
 * The trailer check exists because pdf.js is forgiving to a fault: a file cut off
 * mid-way is "reconstructed" from whatever objects survive, and opens with fewer
 * pages and no error, so an interrupted upload would be ingested silently in part.
 * Every complete PDF ends with `%%EOF` (each incremental update adds another), so
 * we require the last one within 1024 bytes of the end, or followed only by padding.
 *
 * @throws EmptyFileError for zero bytes.
 * @throws NotAPdfError when `%PDF-` is not in the first 1024 bytes.
 * @throws PdfDamagedError (truncated) when the file does not end with `%%EOF`.
 */
export function assertPdfBytes(bytes: Uint8Array): void {
  if (bytes.byteLength === 0) throw new EmptyFileError();
  const head = bytes.subarray(0, WINDOW);
  if (indexOf(head, HEADER) < 0) throw new NotAPdfError(sniff(head));
  const eof = lastIndexOf(bytes, EOF_MARKER);
  if (eof < 0) throw new PdfDamagedError(true, "it has no %%EOF marker");
  const after = bytes.subarray(eof + EOF_MARKER.length);
  if (after.byteLength > WINDOW && !isPadding(after)) {
    throw new PdfDamagedError(true, `its last %%EOF marker is ${after.byteLength} bytes before the end`);
  }
}
