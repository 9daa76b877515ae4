import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Test support for FOCUS billing data: where the shared sample lives (described in
 * shared/data/MANIFEST.md §1, never copied into the repo), a CSV reader and writer that
 * keep the difference between an unquoted `NULL` and a quoted string, and exact decimal
 * sums on BigInt, so expected figures never come from the code under test.
 */

/** `<repo>/../shared/data/focus`, resolved from this file so any working directory works. */
export const FOCUS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..", "../shared/data/focus");
export const FOCUS_SAMPLE = join(FOCUS_DIR, "focus-1.0-sample_accounts-A.csv");
export const HAS_FOCUS = existsSync(FOCUS_SAMPLE);
export const NO_FOCUS_MESSAGE = `shared FOCUS sample not found at ${FOCUS_SAMPLE} (see shared/data/MANIFEST.md §1); sample tests skipped`;

/** A CSV cell: `null` for an unquoted NULL or an empty unquoted field. */
export type Cell = string | null;

export interface Table {
  header: string[];
  rows: Cell[][];
}

/** RFC 4180 with doubled quotes; an unquoted `NULL` or empty field reads as `null`. */
export function parseCsv(text: string): Table {
  const records: Cell[][] = [];
  let record: Cell[] = [];
  let field = "";
  let quoted = false;
  let wasQuoted = false;
  const endField = () => {
    record.push(!wasQuoted && (field === "NULL" || field === "") ? null : field);
    field = "";
    wasQuoted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') {
      quoted = true;
      wasQuoted = true;
    } else if (c === ",") endField();
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      endField();
      records.push(record);
      record = [];
    } else field += c;
  }
  if (field !== "" || record.length > 0) {
    endField();
    records.push(record);
  }
  const [header, ...rows] = records;
  return { header: (header ?? []).map((h) => h ?? ""), rows };
}

/** Writes cells back: `null` as an unquoted NULL, strings quoted with doubled quotes. */
export function writeCsv(table: Table, delimiter = ","): string {
  const cell = (c: Cell) => (c === null ? "NULL" : `"${c.replaceAll('"', '""')}"`);
  return [table.header.map(cell), ...table.rows.map((r) => r.map(cell))].map((r) => r.join(delimiter)).join("\n") + "\n";
}

export function readFocusSample(): Table {
  return parseCsv(readFileSync(FOCUS_SAMPLE, "utf8"));
}

/** Column accessor by name. */
export function column(table: Table, name: string): (row: Cell[]) => Cell {
  const i = table.header.indexOf(name);
  if (i < 0) throw new Error(`no column ${name}`);
  return (row) => row[i] ?? null;
}

const SCALE = 20;

/** A decimal string as an integer count of 1e-20. */
function toUnits(value: string): bigint {
  const match = /^\s*([+-]?)(\d*)(?:\.(\d*))?\s*$/.exec(value);
  if (!match) throw new Error(`not a plain decimal: ${value}`);
  const [, sign, whole, fraction = ""] = match;
  const units = BigInt((whole || "0") + fraction.padEnd(SCALE, "0").slice(0, SCALE));
  return sign === "-" ? -units : units;
}

/** Exact sum of decimal strings (nulls and empties skipped), as a JS number at the end only. */
export function exactSum(values: Iterable<Cell>): number {
  let total = 0n;
  for (const v of values) if (v !== null && v.trim() !== "") total += toUnits(v);
  const negative = total < 0n;
  const digits = (negative ? -total : total).toString().padStart(SCALE + 1, "0");
  return Number(`${negative ? "-" : ""}${digits.slice(0, -SCALE)}.${digits.slice(-SCALE)}`);
}

/** Compares decimal strings exactly: is `value` > 0 / = 0? */
export const decimalSign = (value: Cell): number => (value === null || value.trim() === "" ? Number.NaN : Math.sign(Number(toUnits(value) > 0n) - Number(toUnits(value) < 0n)));
