/**
 * The S3 Vectors bucket and index the ingest worker writes chunks to and
 * `rag_query` searches. SST has no S3 Vectors component, so these are the raw
 * Pulumi resources wrapped in an `sst.Linkable` named `Vectors`:
 * `Resource.Vectors.{bucketName, indexName, indexArn}`.
 *
 * @module
 */
import { stageSettings, VECTOR_DIMENSION, VECTOR_INDEX_NAME, vectorBucketName } from "./lib/settings";

const settings = stageSettings($app.stage);

// `removal: "retain"` only covers SST's own data components; these need their own option.
const keep = { retainOnDelete: settings.retainData };

const bucket = new aws.s3.VectorsVectorBucket(
  "VectorsBucket",
  {
    vectorBucketName: vectorBucketName($app.name, $app.stage),
    // A removable stage deletes its indexes and vectors with it.
    forceDestroy: !settings.retainData,
  },
  keep,
);

const index = new aws.s3.VectorsIndex(
  "VectorsIndex",
  {
    vectorBucketName: bucket.vectorBucketName,
    indexName: VECTOR_INDEX_NAME,
    dataType: "float32",
    dimension: VECTOR_DIMENSION,
    distanceMetric: "cosine",
    // The chunk text rides along for citations but is never filtered on; keeping
    // it non-filterable lifts it out of the small filterable-metadata budget.
    metadataConfiguration: { nonFilterableMetadataKeys: ["text"] },
  },
  keep,
);

export const vectors = new sst.Linkable("Vectors", {
  properties: {
    bucketName: bucket.vectorBucketName,
    indexName: index.indexName,
    indexArn: index.indexArn,
  },
  include: [
    sst.aws.permission({
      // QueryVectors with a metadata filter or returnMetadata also needs GetVectors.
      actions: [
        "s3vectors:PutVectors",
        "s3vectors:GetVectors",
        "s3vectors:QueryVectors",
        "s3vectors:DeleteVectors",
        "s3vectors:ListVectors",
        "s3vectors:GetIndex",
      ],
      resources: [bucket.vectorBucketArn, $interpolate`${bucket.vectorBucketArn}/index/*`],
    }),
  ],
});

export const vectorBucket = bucket;
