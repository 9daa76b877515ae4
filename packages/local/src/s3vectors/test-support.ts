import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateIndexCommand,
  CreateVectorBucketCommand,
  PutVectorsCommand,
  S3VectorsClient,
  S3VectorsServiceException,
  type PutInputVector,
} from "@aws-sdk/client-s3vectors";
import { startS3VectorsEmulator } from "./server";
import type { DistanceMetric, S3VectorsEmulator, S3VectorsEmulatorOptions } from "./types";
import { mulberry32 } from "@ferry/core/testing/random";

/**
 * Test-only helpers: emulators on free ports, the real SDK client pointed at
 * them, seeded random vectors and a brute-force reference. Nothing is mocked.
 */

export const silentLogger = { warn() {}, error() {} };

export class Harness {
  readonly #emulators: S3VectorsEmulator[] = [];
  readonly #dirs: string[] = [];

  async start(options: S3VectorsEmulatorOptions = {}): Promise<S3VectorsEmulator> {
    const emulator = await startS3VectorsEmulator({ logger: silentLogger, ...options });
    this.#emulators.push(emulator);
    return emulator;
  }

  /** The unmodified SDK client; one attempt, so a 500 is seen instead of retried. */
  client(emulator: S3VectorsEmulator, endpoint = emulator.url): S3VectorsClient {
    return new S3VectorsClient({
      endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
      maxAttempts: 1,
    });
  }

  tempDir(): string {
    const dir = mkdtempSync(join(tmpdir(), "ferry-s3vectors-"));
    this.#dirs.push(dir);
    return dir;
  }

  async dispose(): Promise<void> {
    await Promise.all(this.#emulators.splice(0).map((e) => e.stop()));
    for (const dir of this.#dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}

export interface IndexFixture {
  emulator: S3VectorsEmulator;
  client: S3VectorsClient;
  bucket: string;
  index: string;
  indexArn: string;
  /** `{ vectorBucketName, indexName }`, to spread into commands. */
  at: { vectorBucketName: string; indexName: string };
}

/** An emulator with one bucket and one index. */
export async function indexFixture(
  harness: Harness,
  index: { dimension: number; metric?: DistanceMetric; nonFilterable?: string[] },
  options: S3VectorsEmulatorOptions = {},
): Promise<IndexFixture> {
  const emulator = await harness.start(options);
  const client = harness.client(emulator);
  const bucket = "test-bucket";
  const name = "test-index";
  await client.send(new CreateVectorBucketCommand({ vectorBucketName: bucket }));
  const { indexArn } = await client.send(
    new CreateIndexCommand({
      vectorBucketName: bucket,
      indexName: name,
      dataType: "float32",
      dimension: index.dimension,
      distanceMetric: index.metric ?? "cosine",
      ...(index.nonFilterable && { metadataConfiguration: { nonFilterableMetadataKeys: index.nonFilterable } }),
    }),
  );
  return { emulator, client, bucket, index: name, indexArn: indexArn!, at: { vectorBucketName: bucket, indexName: name } };
}

/** Puts any number of vectors in batches of 500. */
export async function putAll(fixture: IndexFixture, vectors: PutInputVector[]): Promise<void> {
  for (let i = 0; i < vectors.length; i += 500) {
    await fixture.client.send(new PutVectorsCommand({ ...fixture.at, vectors: vectors.slice(i, i + 500) }));
  }
}

/** The error a call fails with; fails the test if it succeeds or throws something that is not an S3 Vectors error. */
export async function rejection(promise: Promise<unknown>): Promise<S3VectorsServiceException & { fieldList?: { path?: string; message?: string }[] }> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (outcome === undefined) throw new Error("expected the call to fail, but it succeeded");
  if (!(outcome instanceof S3VectorsServiceException)) throw outcome;
  return outcome;
}

/** Deterministic PRNG, so a failing case can be replayed. */
export const seeded = mulberry32;

export function randomVectors(count: number, dimension: number, seed: number): number[][] {
  const random = seeded(seed);
  return Array.from({ length: count }, () => Array.from({ length: dimension }, () => Math.fround(random() * 2 - 1)));
}

/** What the index should answer, computed the slow obvious way in float64 on the float32-rounded values. */
export function bruteForce(
  vectors: ReadonlyArray<{ key: string; data: readonly number[] }>,
  query: readonly number[],
  metric: DistanceMetric,
  topK: number,
): Array<{ key: string; distance: number }> {
  const q = query.map(Math.fround);
  return vectors
    .map(({ key, data }) => {
      const v = data.map(Math.fround);
      if (metric === "euclidean") return { key, distance: Math.sqrt(v.reduce((s, x, i) => s + (x - q[i]!) ** 2, 0)) };
      const dot = v.reduce((s, x, i) => s + x * q[i]!, 0);
      const norms = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) * Math.sqrt(q.reduce((s, x) => s + x * x, 0));
      return { key, distance: 1 - dot / norms };
    })
    .sort((a, b) => a.distance - b.distance)
    .slice(0, topK);
}
