import { isUtf8 } from "node:buffer";
import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { createGunzip } from "node:zlib";
import { NonRetryableJobError, describeError } from "../errors";

/**
 * Looks at an uploaded billing file before DuckDB does: what it is from its bytes (never
 * its name), whether it is text in an encoding DuckDB reads, and its CSV header. Anything
 * that is not a FOCUS export is refused here with a message the user can act on.
 *
 * @remarks
 * The whole text is checked for valid UTF-8, streamed, before DuckDB reads it: DuckDB
 * 1.5 hits an internal error (and invalidates its database) on an invalid byte past the
 * rows its CSV sniffer samples, instead of reporting the line.
 */

export type CostFileFormat = "csv" | "csv.gz" | "parquet";

export interface CostFileShape {
  format: CostFileFormat;
  bytes: number;
  /** CSV only: DuckDB's name of the text encoding. */
  encoding?: "utf-8" | "utf-16";
  /** CSV only: the column names of the first line, and the delimiter that splits it. */
  header?: string[];
  delimiter?: string;
}

const HEAD_BYTES = 64 * 1024;
const DELIMITERS = [",", ";", "\t", "|"] as const;

const refuse = (message: string, cause?: unknown) =>
  new NonRetryableJobError(message, "invalid_input", cause === undefined ? undefined : { cause });

const UPLOAD_HINT = "upload the FOCUS export as CSV, CSV.gz or Parquet";

/** Magic numbers of things people upload by mistake, and what to tell them. */
const KNOWN_BINARIES: Array<[bytes: number[], what: string]> = [
  [[0x25, 0x50, 0x44, 0x46], `the file is a PDF, not a FOCUS export: ${UPLOAD_HINT}`],
  [[0x50, 0x4b, 0x03, 0x04], "the file is a ZIP archive (or an Excel workbook): unzip it and upload the CSV or Parquet file inside"],
  [[0x28, 0xb5, 0x2f, 0xfd], `the file is compressed with zstd, which is not supported: ${UPLOAD_HINT}`],
  [[0x42, 0x5a, 0x68], `the file is compressed with bzip2, which is not supported: ${UPLOAD_HINT}`],
  [[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], `the file is compressed with xz, which is not supported: ${UPLOAD_HINT}`],
  [[0x37, 0x7a, 0xbc, 0xaf], `the file is a 7-Zip archive: ${UPLOAD_HINT}`],
  [[0xd0, 0xcf, 0x11, 0xe0], `the file is an old Excel (.xls) workbook: ${UPLOAD_HINT}`],
  [[0x89, 0x50, 0x4e, 0x47], `the file is a PNG image, not a FOCUS export: ${UPLOAD_HINT}`],
  [[0xff, 0xd8, 0xff], `the file is a JPEG image, not a FOCUS export: ${UPLOAD_HINT}`],
  [[0x00, 0x00, 0xfe, 0xff], "the file is UTF-32 text, which is not supported: convert it to UTF-8"],
  [[0xff, 0xfe, 0x00, 0x00], "the file is UTF-32 text, which is not supported: convert it to UTF-8"],
  [[0xfe, 0xff], "the file is UTF-16 big-endian text, which is not supported: convert it to UTF-8"],
];

const startsWith = (head: Uint8Array, magic: readonly number[]) => magic.every((b, i) => head[i] === b);

/**
 * Identifies the file, checks its text and reads its header.
 *
 * @throws NonRetryableJobError (`invalid_input`) for an empty file, a file that is not
 * CSV, CSV.gz or Parquet, text that is not UTF-8 (or UTF-16 with a BOM), corrupt gzip.
 */
export async function inspectCostFile(path: string, signal?: AbortSignal): Promise<CostFileShape> {
  const bytes = (await stat(path)).size;
  if (bytes === 0) throw refuse("the file has no billing rows (it is empty)");
  const head = await readHead(path);
  if (startsWith(head, [0x50, 0x41, 0x52, 0x31])) return { format: "parquet", bytes };
  if (startsWith(head, [0x1f, 0x8b])) {
    const text = await gunzipHead(path);
    if (text.length === 0) throw refuse("the file has no billing rows (it is an empty gzip file)");
    if (startsWith(text, [0x50, 0x41, 0x52, 0x31])) throw refuse(`the file is a gzip-compressed Parquet file, which is not supported: upload the .parquet file itself`);
    const shape = textShape(text, "the gzip-compressed file", text.length < HEAD_BYTES);
    await checkWholeText(path, true, shape.encoding, signal);
    return { format: "csv.gz", bytes, ...shape };
  }
  const shape = textShape(head, "the file", head.length === bytes);
  await checkWholeText(path, false, shape.encoding, signal);
  return { format: "csv", bytes, ...shape };
}

async function readHead(path: string): Promise<Buffer> {
  const file = await open(path, "r");
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await file.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

async function gunzipHead(path: string): Promise<Buffer> {
  const source = createReadStream(path);
  const gunzip = createGunzip();
  source.on("error", (e) => gunzip.destroy(e));
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of source.pipe(gunzip) as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= HEAD_BYTES) break;
    }
  } catch (error) {
    throw refuse(`the gzip data is corrupt or truncated (${describeError(error)}): ${UPLOAD_HINT}`, error);
  } finally {
    source.destroy();
    gunzip.destroy();
  }
  return Buffer.concat(chunks).subarray(0, HEAD_BYTES);
}

/** Decides whether the first bytes are CSV text, and reads the header line. */
function textShape(head: Buffer, what: string, wholeFile: boolean): Pick<CostFileShape, "encoding" | "header" | "delimiter"> {
  for (const [magic, message] of KNOWN_BINARIES) if (startsWith(head, magic)) throw refuse(message);
  let text: string;
  let encoding: "utf-8" | "utf-16";
  if (startsWith(head, [0xff, 0xfe])) {
    encoding = "utf-16";
    text = new TextDecoder("utf-16le").decode(head.subarray(2, head.length - (head.length % 2)));
  } else {
    encoding = "utf-8";
    const nul = head.indexOf(0);
    if (nul >= 0) throw refuse(`${what} is not text (binary data at byte ${nul}): ${UPLOAD_HINT}`);
    const body = startsWith(head, [0xef, 0xbb, 0xbf]) ? head.subarray(3) : head;
    const complete = body.subarray(0, completePrefix(body));
    if (!isUtf8(complete)) {
      const at = firstInvalidByte(complete);
      throw refuse(`${what} is not UTF-8 text (byte 0x${complete[at]?.toString(16).padStart(2, "0")} at offset ${at} is not valid UTF-8): ${UPLOAD_HINT}, encoded as UTF-8`);
    }
    text = complete.toString("utf8");
  }
  const controls = [...text].filter((c) => /[\u0000-\u0008\u000e-\u001f\u007f]/.test(c)).length;
  if (controls > text.length / 100) throw refuse(`${what} is not text (${controls} control characters in its first ${text.length} characters): ${UPLOAD_HINT}`);
  const start = text.trimStart();
  if (start.startsWith("{") || start.startsWith("[")) throw refuse(`${what} looks like JSON, not CSV: ${UPLOAD_HINT}`);
  if (start.startsWith("<")) throw refuse(`${what} looks like XML or HTML, not CSV: ${UPLOAD_HINT}`);
  const line = firstRecord(text, wholeFile);
  if (line === undefined) throw refuse(`${what} has no line break in its first ${HEAD_BYTES / 1024} KB, so it has no CSV header: ${UPLOAD_HINT}`);
  if (line.trim() === "") throw refuse(`${what} starts with an empty line where the CSV header should be: ${UPLOAD_HINT}`);
  const delimiter = DELIMITERS.map((d) => [d, splitRecord(line, d).length] as const).reduce((a, b) => (b[1] > a[1] ? b : a))[0];
  return { encoding, header: splitRecord(line, delimiter), delimiter };
}

/** The first CSV record (quotes may hold line breaks), or undefined when the head ends inside it. */
function firstRecord(text: string, wholeFile: boolean): string | undefined {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === "\n" || c === "\r")) return text.slice(0, i);
  }
  return wholeFile ? text : undefined;
}

/** Splits one CSV record on `delimiter`, honouring `"…"` quoting with doubled quotes. */
export function splitRecord(line: string, delimiter: string): string[] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) {
      fields.push(field);
      field = "";
    } else field += c;
  }
  fields.push(field);
  return fields.map((f) => f.trim());
}

/** Length of the longest prefix that does not end inside a multi-byte UTF-8 sequence. */
function completePrefix(buf: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, buf.length); back++) {
    const b = buf[buf.length - back]!;
    if ((b & 0xc0) === 0x80) continue;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? buf.length - back : buf.length;
  }
  return buf.length;
}

/** Offset of the first byte that makes `buf` invalid UTF-8 (binary search on valid prefixes). */
function firstInvalidByte(buf: Uint8Array): number {
  let lo = 0;
  let hi = buf.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const prefix = buf.subarray(0, mid + 1);
    if (isUtf8(prefix.subarray(0, completePrefix(prefix)))) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Streams the whole (decompressed) text through a validator without holding it. */
async function checkWholeText(path: string, gzipped: boolean, encoding: "utf-8" | "utf-16" | undefined, signal?: AbortSignal): Promise<void> {
  const source = createReadStream(path, { highWaterMark: 1 << 20 });
  const gunzip = gzipped ? createGunzip() : undefined;
  if (gunzip) source.on("error", (e) => gunzip.destroy(e));
  const stream = (gunzip ? source.pipe(gunzip) : source) as AsyncIterable<Buffer>;
  const utf16 = encoding === "utf-16" ? new TextDecoder("utf-16le", { fatal: true }) : undefined;
  let carry: Buffer = Buffer.alloc(0);
  let offset = 0;
  try {
    for await (const chunk of stream) {
      signal?.throwIfAborted();
      if (utf16) {
        try {
          utf16.decode(chunk, { stream: true });
        } catch (error) {
          throw refuse(`the file is not valid UTF-16 text (near byte ${offset}): convert it to UTF-8`, error);
        }
        offset += chunk.length;
        continue;
      }
      const data = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
      const cut = completePrefix(data);
      const whole = data.subarray(0, cut);
      if (!isUtf8(whole)) {
        const at = firstInvalidByte(whole);
        throw refuse(`the file is not UTF-8 text (byte 0x${whole[at]?.toString(16).padStart(2, "0")} at offset ${offset + at} is not valid UTF-8): ${UPLOAD_HINT}, encoded as UTF-8`);
      }
      offset += cut;
      carry = Buffer.from(data.subarray(cut));
    }
    if (carry.length > 0) throw refuse(`the file is not UTF-8 text (it ends inside a multi-byte character at offset ${offset}): ${UPLOAD_HINT}, encoded as UTF-8`);
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (error instanceof NonRetryableJobError || !gzipped) throw error;
    throw refuse(`the gzip data is corrupt or truncated (${describeError(error)}): ${UPLOAD_HINT}`, error);
  } finally {
    source.destroy();
    gunzip?.destroy();
  }
}
