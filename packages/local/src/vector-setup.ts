import { ConflictException, CreateIndexCommand, CreateVectorBucketCommand, S3VectorsClient } from "@aws-sdk/client-s3vectors";

export interface VectorIndexSpec {
  endpoint: string;
  vectorBucketName: string;
  indexName: string;
  dimension: number;
}

/**
 * Creates the vector bucket and index the offline stack uses, as `infra/vectors.ts`
 * does on AWS (1024-d, cosine, `text` stored but not filterable). Idempotent:
 * an existing bucket or index is left as it is.
 */
export async function ensureVectorIndex(spec: VectorIndexSpec): Promise<void> {
  const client = new S3VectorsClient({ endpoint: spec.endpoint, region: process.env.AWS_REGION ?? "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
  try {
    await ignoreConflict(client.send(new CreateVectorBucketCommand({ vectorBucketName: spec.vectorBucketName })));
    await ignoreConflict(
      client.send(
        new CreateIndexCommand({
          vectorBucketName: spec.vectorBucketName,
          indexName: spec.indexName,
          dataType: "float32",
          dimension: spec.dimension,
          distanceMetric: "cosine",
          metadataConfiguration: { nonFilterableMetadataKeys: ["text"] },
        }),
      ),
    );
  } finally {
    client.destroy();
  }
}

async function ignoreConflict(p: Promise<unknown>) {
  try {
    await p;
  } catch (error) {
    if (!(error instanceof ConflictException)) throw error;
  }
}
