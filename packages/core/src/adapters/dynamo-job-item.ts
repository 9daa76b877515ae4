import { z } from "zod";
import { JobRecord } from "../jobs/job";
import { JobEvent } from "../protocol";
import { JobsKeys } from "./dynamo-tables";

/**
 * How job records and log events look as DynamoDB items, and how big they are.
 *
 * `input`, `result` and `checkpoint` are stored as JSON strings: DynamoDB would turn
 * them into maps, lists and numbers of its own (38-digit decimals, no `undefined`),
 * and they are never queried, so an opaque string keeps them exactly as written.
 */

const jsonFields = ["input", "result", "checkpoint"] as const;

/** The job item: the record's plain fields, keys, and `tail`, the JSON of the event numbered `lastSeq`. */
export function toJobItem(record: JobRecord, tail?: string): Record<string, unknown> {
  const item: Record<string, unknown> = { ...JobsKeys.job(record.jobId), ...record, tail };
  for (const field of jsonFields) item[field] = toJson(record[field]);
  return item;
}

/** Stored item fields that are not part of the record. */
const JobItemExtras = z.object({ tail: z.string().optional() });

/** Parses a job item read back from the table; throws if it is not one this adapter wrote. */
export function fromJobItem(item: Record<string, unknown>): { record: JobRecord; tail?: string } {
  const raw: Record<string, unknown> = { ...item };
  for (const field of jsonFields) raw[field] = fromJson(item[field]);
  return { record: JobRecord.parse(raw), tail: JobItemExtras.parse(item).tail };
}

/** An event item holds the event exactly as numbered, as JSON. */
export const EventItem = z.object({ seq: z.number().int(), event: z.string() });

/** The projection `control()` reads. */
export const ControlItem = JobRecord.pick({ status: true, attempts: true, cancelRequested: true, expiresAt: true });

/** The projection `events()` reads: what is committed, and the event that may not be logged yet. */
export const LogHeadItem = z.object({ lastSeq: z.number().int(), tail: z.string().optional(), expiresAt: z.number() });

/** `idem#<owner>#<key>`: the job an idempotency key first created. */
export const IdempotencyItem = z.object({ jobId: z.string(), expiresAt: z.number() });

export function parseEvent(json: string): JobEvent {
  return JobEvent.parse(JSON.parse(json));
}

/** A JSON-valued field as stored: `undefined` stays absent. */
export function toJson(value: unknown): string | undefined {
  return value === undefined ? undefined : JSON.stringify(value);
}

function fromJson(value: unknown): unknown {
  return typeof value === "string" ? JSON.parse(value) : undefined;
}

/**
 * An upper bound of DynamoDB's size for an item of strings, numbers and booleans:
 * attribute names plus UTF-8 string bytes, 21 bytes per number (the most DynamoDB
 * charges), 1 per boolean or null.
 */
export function itemSize(item: Record<string, unknown>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value === undefined) continue;
    size += Buffer.byteLength(name);
    if (typeof value === "string") size += Buffer.byteLength(value);
    else if (typeof value === "number") size += 21;
    else if (typeof value === "boolean" || value === null) size += 1;
    else size += Buffer.byteLength(JSON.stringify(value));
  }
  return size;
}

/** Marks the start of an output whose beginning was dropped (the same mark `snapshot()` uses). */
export const CUT_MARK = "…";

/**
 * `output` without its first `bytes` UTF-8 bytes (at least), cut on a character
 * boundary and marked with {@link CUT_MARK}: the end of a stream is what a reader
 * needs. Returns `""` when nothing of it would be left.
 */
export function dropHead(output: string, bytes: number): string {
  const buffer = Buffer.from(output, "utf8");
  let start = bytes + Buffer.byteLength(CUT_MARK);
  // Continuation bytes are 10xxxxxx; skip forward to the next character's first byte.
  while (start < buffer.length && (buffer[start]! & 0xc0) === 0x80) start++;
  return start >= buffer.length ? "" : CUT_MARK + buffer.subarray(start).toString("utf8");
}
