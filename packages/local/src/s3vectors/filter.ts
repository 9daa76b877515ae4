import { ValidationError } from "./errors";
import type { Metadata, MetadataPrimitive, MetadataValue } from "./types";
import { z } from "zod";

/** A compiled filter: reads the stored metadata object in place, never copies it. */
export type MetadataPredicate = (metadata: Metadata) => boolean;

const primitive = z.union([z.string(), z.number(), z.boolean()]);
const primitives = z.array(primitive).min(1);

/** Field operators with the operand each accepts (s3-vectors-metadata-filtering). */
const OPERATORS = {
  $eq: { operand: primitive, expects: "a string, number or boolean" },
  $ne: { operand: primitive, expects: "a string, number or boolean" },
  $gt: { operand: z.number(), expects: "a number" },
  $gte: { operand: z.number(), expects: "a number" },
  $lt: { operand: z.number(), expects: "a number" },
  $lte: { operand: z.number(), expects: "a number" },
  $in: { operand: primitives, expects: "a non-empty array of strings, numbers or booleans" },
  $nin: { operand: primitives, expects: "a non-empty array of strings, numbers or booleans" },
  $exists: { operand: z.boolean(), expects: "a boolean" },
} as const;
type FieldOperator = keyof typeof OPERATORS;
const LOGICAL = new Set(["$and", "$or"]);
const KNOWN = [...LOGICAL, ...Object.keys(OPERATORS)].join(" ");

/**
 * Validates a QueryVectors filter against the index and compiles it once into a
 * predicate that the scan calls per candidate.
 *
 * @remarks
 * Semantics, following the S3 Vectors filtering guide where it speaks:
 * - a bare value means `$eq`; several keys in one object, or several operators on
 *   one key, must all hold;
 * - against list metadata, `$eq` and `$in` match when any element matches (the
 *   guide's documentary/romance example), and so do the range operators;
 * - `$ne` and `$nin` are the negations of `$eq` and `$in`, so they also match a
 *   vector that lacks the key (the guide does not say; this is MongoDB's rule);
 * - comparing values of different types is simply false, never an error.
 *
 * @throws {ValidationError} unknown operators, operands of the wrong type, empty
 * `$and`/`$or`/`$in`/`$nin`, and keys the index declared non-filterable.
 */
export function compileFilter(filter: unknown, nonFilterable: ReadonlySet<string>): MetadataPredicate {
  return compileNode(filter, "filter", nonFilterable);
}

function compileNode(node: unknown, path: string, nonFilterable: ReadonlySet<string>): MetadataPredicate {
  if (!isObject(node)) throw invalid(path, `must be an object such as {"genre": {"$eq": "drama"}}, got ${describe(node)}`);
  const parts: MetadataPredicate[] = [];
  for (const [key, value] of Object.entries(node)) {
    const at = `${path}.${key}`;
    if (LOGICAL.has(key)) {
      if (!Array.isArray(value) || value.length === 0) throw invalid(at, `must be a non-empty array of filters, got ${describe(value)}`);
      const children = value.map((child, i) => compileNode(child, `${at}[${i}]`, nonFilterable));
      parts.push(key === "$and" ? all(children) : any(children));
    } else if (key.startsWith("$")) {
      throw invalid(
        at,
        `${key} is not a supported operator here; logical operators are $and and $or, ` +
          'and field operators go inside a key, e.g. {"year": {"$gt": 2019}}',
      );
    } else {
      if (nonFilterable.has(key)) {
        throw invalid(at, `metadata key "${key}" is declared non-filterable on this index and cannot be used in a filter`);
      }
      parts.push(compileCondition(key, value, at));
    }
  }
  return all(parts);
}

function compileCondition(key: string, condition: unknown, path: string): MetadataPredicate {
  if (typeof condition === "string" || typeof condition === "number" || typeof condition === "boolean") {
    return eq(key, condition);
  }
  if (Array.isArray(condition)) throw invalid(path, `a list is not a condition; to match any of several values use {"$in": [...]}`);
  if (!isObject(condition)) throw invalid(path, `must be a string, number, boolean or an operator object, got ${describe(condition)}`);
  const entries = Object.entries(condition);
  if (entries.length === 0) throw invalid(path, "has no operator");
  const parts: MetadataPredicate[] = [];
  for (const [op, operand] of entries) {
    if (!(op in OPERATORS)) {
      throw invalid(`${path}.${op}`, `unknown operator ${JSON.stringify(op)}; supported operators are ${KNOWN}`);
    }
    const spec = OPERATORS[op as FieldOperator];
    const parsed = spec.operand.safeParse(operand);
    if (!parsed.success) throw invalid(`${path}.${op}`, `${op} expects ${spec.expects}, got ${describe(operand)}`);
    parts.push(fieldPredicate(op as FieldOperator, key, parsed.data));
  }
  return all(parts);
}

/** `operand` has already passed the operator's schema, so the casts below are what it checked. */
function fieldPredicate(op: FieldOperator, key: string, operand: unknown): MetadataPredicate {
  switch (op) {
    case "$eq":
      return eq(key, operand as MetadataPrimitive);
    case "$ne": {
      const isEq = eq(key, operand as MetadataPrimitive);
      return (m) => !isEq(m);
    }
    case "$gt": {
      const bound = operand as number;
      return (m) => someNumber(m[key], (x) => x > bound);
    }
    case "$gte": {
      const bound = operand as number;
      return (m) => someNumber(m[key], (x) => x >= bound);
    }
    case "$lt": {
      const bound = operand as number;
      return (m) => someNumber(m[key], (x) => x < bound);
    }
    case "$lte": {
      const bound = operand as number;
      return (m) => someNumber(m[key], (x) => x <= bound);
    }
    case "$in":
      return inSet(key, new Set(operand as MetadataPrimitive[]));
    case "$nin": {
      const isIn = inSet(key, new Set(operand as MetadataPrimitive[]));
      return (m) => !isIn(m);
    }
    case "$exists":
      return operand ? (m) => m[key] !== undefined : (m) => m[key] === undefined;
  }
}

function eq(key: string, value: MetadataPrimitive): MetadataPredicate {
  return (m) => {
    const stored = m[key];
    return Array.isArray(stored) ? stored.includes(value) : stored === value;
  };
}

function inSet(key: string, values: ReadonlySet<MetadataPrimitive>): MetadataPredicate {
  return (m) => {
    const stored = m[key];
    if (stored === undefined) return false;
    if (!Array.isArray(stored)) return values.has(stored);
    for (const element of stored) if (values.has(element)) return true;
    return false;
  };
}

function someNumber(stored: MetadataValue | undefined, test: (x: number) => boolean): boolean {
  if (typeof stored === "number") return test(stored);
  if (!Array.isArray(stored)) return false;
  for (const element of stored) if (typeof element === "number" && test(element)) return true;
  return false;
}

function all(parts: MetadataPredicate[]): MetadataPredicate {
  if (parts.length === 0) return () => true;
  if (parts.length === 1) return parts[0]!;
  return (m) => {
    for (const part of parts) if (!part(m)) return false;
    return true;
  };
}

function any(parts: MetadataPredicate[]): MetadataPredicate {
  if (parts.length === 1) return parts[0]!;
  return (m) => {
    for (const part of parts) if (part(m)) return true;
    return false;
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  const json = JSON.stringify(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

function invalid(path: string, problem: string): ValidationError {
  const message = `${path}: ${problem}`;
  return new ValidationError(`Invalid filter: ${message}`, [{ path, message }]);
}
