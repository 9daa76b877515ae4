import { ValidationError } from "./errors";
import type { DistanceMetric } from "./types";

/**
 * Converts a wire `float32` list into `out` at `offset`, checking it on the way.
 *
 * @remarks
 * This runs once per number of every PutVectors batch (up to 500 × 4096), so it is
 * a plain loop fused with the conversion instead of a per-element zod schema. The
 * SDK sends NaN and ±Infinity as the strings "NaN", "Infinity", "-Infinity", so
 * those are named in the error rather than reported as "not a number".
 *
 * @throws {ValidationError} wrong length, a non-number, NaN/Infinity, a value beyond
 * float32 range, or an all-zero vector under cosine.
 */
export function readFloat32Into(
  values: readonly unknown[],
  out: Float32Array,
  offset: number,
  dimension: number,
  metric: DistanceMetric,
  path: string,
): void {
  if (values.length !== dimension) {
    throw invalid(path, `has ${values.length} dimensions, but the index dimension is ${dimension}`);
  }
  let nonZero = false;
  for (let i = 0; i < dimension; i++) {
    const value = values[i];
    if (typeof value !== "number") {
      if (value === "NaN" || value === "Infinity" || value === "-Infinity") {
        throw invalid(`${path}[${i}]`, `is ${value}; NaN and Infinity are not valid vector values`);
      }
      throw invalid(`${path}[${i}]`, `must be a number, got ${JSON.stringify(value) ?? typeof value}`);
    }
    const f = Math.fround(value);
    if (!Number.isFinite(f)) throw invalid(`${path}[${i}]`, `${value} is outside the float32 range`);
    out[offset + i] = f;
    if (f !== 0) nonZero = true;
  }
  if (metric === "cosine" && !nonZero) {
    throw invalid(path, "is all zeros, which has no direction; the cosine distance metric does not accept zero vectors");
  }
}

/** One vector as a fresh Float32Array (query vectors). */
export function readFloat32(values: readonly unknown[], dimension: number, metric: DistanceMetric, path: string): Float32Array {
  const out = new Float32Array(dimension);
  readFloat32Into(values, out, 0, dimension, metric, path);
  return out;
}

function invalid(path: string, problem: string): ValidationError {
  const message = `${path} ${problem}`;
  return new ValidationError(`Invalid vector data: ${message}`, [{ path, message }]);
}
