/**
 * Local Amazon S3 Vectors emulator: the restJson1 wire protocol of the real
 * service, so the unmodified `@aws-sdk/client-s3vectors` runs against it.
 * Buckets, indexes, Put/Get/List/Delete/QueryVectors with the service's limits,
 * metadata filters and typed errors; exact search with a SIMD scan; optional
 * persistence in a data directory. What differs from AWS is listed in
 * `docs/local-vs-aws.md`.
 *
 * @module
 */
export { startS3VectorsEmulator } from "./server";
export type { S3VectorsEmulator, S3VectorsEmulatorOptions } from "./types";
