import { ValidationError } from "./errors";
import { LIMITS } from "./limits";
import type { Metadata } from "./types";
import { z } from "zod";

const primitive = z.union([z.string(), z.number(), z.boolean()]);
const metadataValue = z.union([primitive, z.array(primitive)]);

/**
 * Checks one vector's metadata (value types, key count, sizes) and returns it
 * as a null-prototype object ready to store.
 *
 * @remarks
 * AWS does not document how it measures metadata size. The emulator counts the
 * UTF-8 bytes of the JSON encoding (of all keys for the 40 KB limit, of the
 * filterable keys for the 2 KB one), which is at least as strict as counting raw
 * key and value bytes for the strings that make up nearly all real metadata, so
 * something accepted here will not be refused by the service for size.
 *
 * @throws {ValidationError} naming the vector and what is wrong (the measured size and the limit for sizes).
 */
export function checkMetadata(
  metadata: Readonly<Record<string, unknown>>,
  nonFilterable: ReadonlySet<string>,
  path: string,
): Metadata {
  const keys = Object.keys(metadata);
  if (keys.length > LIMITS.metadataKeysMax) {
    throw invalid(path, `has ${keys.length} keys; at most ${LIMITS.metadataKeysMax} metadata keys are allowed per vector`);
  }
  const stored: Metadata = Object.create(null) as Metadata;
  const filterable: Metadata = Object.create(null) as Metadata;
  for (const key of keys) {
    const parsed = metadataValue.safeParse(metadata[key]);
    if (!parsed.success) {
      throw invalid(`${path}.${key}`, `must be a string, number, boolean or a list of those, got ${JSON.stringify(metadata[key])?.slice(0, 80)}`);
    }
    const value = parsed.data;
    stored[key] = value;
    if (!nonFilterable.has(key)) filterable[key] = value;
  }
  const total = jsonBytes(stored);
  if (total > LIMITS.metadataTotalBytes) {
    throw invalid(path, `is ${total} bytes; total metadata per vector is limited to ${LIMITS.metadataTotalBytes} bytes (40 KB)`);
  }
  const filterableBytes = keys.length === Object.keys(filterable).length ? total : jsonBytes(filterable);
  if (filterableBytes > LIMITS.metadataFilterableBytes) {
    throw invalid(
      path,
      `has ${filterableBytes} bytes of filterable metadata; the limit is ${LIMITS.metadataFilterableBytes} bytes (2 KB). ` +
        "Declare large keys in the index's nonFilterableMetadataKeys",
    );
  }
  return stored;
}

/** Size as the emulator counts it: UTF-8 bytes of the JSON encoding. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), "utf8");
}

function invalid(path: string, problem: string): ValidationError {
  const message = `${path} ${problem}`;
  return new ValidationError(`Invalid metadata: ${message}`, [{ path, message }]);
}
