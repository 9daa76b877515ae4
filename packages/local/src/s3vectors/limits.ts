/**
 * S3 Vectors quotas and constraints (GA values from the service model and the
 * "Limitations and restrictions" page), in one place so the schemas, the
 * metadata checks and the tests agree on the numbers.
 */
export const LIMITS = {
  nameMinLength: 3,
  nameMaxLength: 63,
  keyMaxLength: 1024,
  dimensionMin: 1,
  dimensionMax: 4096,
  putVectorsMax: 500,
  deleteVectorsMax: 500,
  getVectorsMax: 100,
  topKMax: 100,
  /** 40 KB, filterable + non-filterable together. */
  metadataTotalBytes: 40 * 1024,
  /** 2 KB of the keys that can be used in filters. */
  metadataFilterableBytes: 2 * 1024,
  metadataKeysMax: 50,
  nonFilterableKeysMax: 10,
  metadataKeyMaxLength: 63,
  listVectorsMaxResults: 1000,
  listVectorsDefaultResults: 500,
  /** A ListVectors page also stops once about this much data has been gathered. */
  listVectorsPageBytes: 1024 * 1024,
  listPageMaxResults: 500,
  segmentCountMax: 16,
  nextTokenMaxLength: 2048,
  /** Request payload limit. */
  payloadBytes: 20 * 1024 * 1024,
  vectorBucketsPerRegion: 10_000,
  indexesPerBucket: 10_000,
} as const;

/**
 * Vector bucket names: lowercase letters, digits and hyphens, starting and ending
 * with a letter or digit. Length is checked separately, so one problem gives one error.
 */
export const BUCKET_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
/** Index names may also contain dots. */
export const INDEX_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$/;
