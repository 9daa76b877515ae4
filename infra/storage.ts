/**
 * State: the two DynamoDB tables and the uploads bucket.
 *
 * The table keys are the contract with the DynamoDB adapters, so they are
 * defined once, in `packages/core/src/adapters/dynamo-tables.ts` (import-free),
 * and used here as they are:
 *
 * | table | key | index | TTL |
 * |---|---|---|---|
 * | `Connections` | `connectionId` (S) | `byUser`: `userId` (S) + `connectedAt` (N) — a user's live connections | `expiresAt` |
 * | `Jobs` | `pk` (S) + `sk` (S) — jobs, event logs, idempotency keys, rate windows | `byOwner`: `owner` (S) + `createdAt` (N) — `list_jobs` | `expiresAt` |
 *
 * TTL attributes hold epoch **seconds** and are not listed in `fields`
 * (DynamoDB rejects attribute definitions no index uses).
 *
 * @module
 */
import { CONNECTIONS_TABLE, JOBS_TABLE } from "../packages/core/src/adapters/dynamo-tables";
import { days, stageSettings } from "./lib/settings";

const settings = stageSettings($app.stage);

export const connections = new sst.aws.Dynamo("Connections", {
  ...CONNECTIONS_TABLE,
  deletionProtection: settings.tableDeletionProtection,
});

export const jobs = new sst.aws.Dynamo("Jobs", {
  ...JOBS_TABLE,
  deletionProtection: settings.tableDeletionProtection,
});

/**
 * Browser uploads (presigned PUT) and server-written objects: `uploads/` (expires:
 * only uploads nobody ingested stay there), `documents/` (ingested PDFs, kept until
 * the user deletes the document) and `results/` (results too large for one
 * message, expiring with their job). CORS comes from {@link allowBrowserUploads}, because the
 * allowed origin (the dashboard's URL) exists only once `web.ts` has run.
 */
export const uploads = new sst.aws.Bucket("Uploads", {
  cors: false,
  lifecycle: [
    { id: "expire-abandoned-uploads", prefix: "uploads/", expiresIn: days(settings.uploads.expireAfterDays) },
    { id: "expire-large-results", prefix: "results/", expiresIn: days(settings.uploads.resultsExpireAfterDays) },
  ],
});

/**
 * Lets browsers on `origins` PUT to presigned URLs (and GET presigned results).
 * Every header is allowed because presigned PUTs carry signed `content-type`
 * and `x-amz-*` headers; `ETag` is exposed for multipart uploads.
 */
export function allowBrowserUploads(origins: $util.Input<$util.Input<string>[]>) {
  return new aws.s3.BucketCorsConfiguration("UploadsBrowserCors", {
    bucket: uploads.name,
    corsRules: [
      {
        allowedMethods: ["PUT", "GET", "HEAD"],
        allowedOrigins: origins,
        allowedHeaders: ["*"],
        exposeHeaders: ["ETag"],
        maxAgeSeconds: settings.uploads.corsMaxAgeSeconds,
      },
    ],
  });
}
