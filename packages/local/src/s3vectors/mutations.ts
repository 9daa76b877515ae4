import type { DistanceMetric, EncryptionConfiguration, Metadata } from "./types";

/**
 * Every state change, as written to the log and applied to the catalog. Live
 * requests and replay go through the same `applyMutation`, so what is recovered
 * after a restart is exactly what was served before it.
 *
 * Each mutation sets state rather than adjusting it (create replaces, put
 * overwrites, deletes ignore what is missing), so replay is deterministic.
 */
export type Mutation =
  | {
      op: "createBucket";
      bucket: string;
      creationTime: number;
      encryption: EncryptionConfiguration;
      tags?: Record<string, string>;
    }
  | { op: "deleteBucket"; bucket: string }
  | {
      op: "createIndex";
      bucket: string;
      index: string;
      creationTime: number;
      dimension: number;
      metric: DistanceMetric;
      nonFilterableKeys?: string[];
      encryption?: EncryptionConfiguration;
      tags?: Record<string, string>;
    }
  | { op: "deleteIndex"; bucket: string; index: string }
  | {
      op: "putVectors";
      bucket: string;
      index: string;
      keys: string[];
      metadata: Metadata[];
      /** `keys.length × dimension` floats; travels as the frame's binary part, not as JSON. */
      data: Float32Array;
    }
  | { op: "deleteVectors"; bucket: string; index: string; keys: string[] };
