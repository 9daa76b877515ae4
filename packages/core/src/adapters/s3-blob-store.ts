import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException, type S3ClientConfig } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { createWriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { NonRetryableJobError, RetryableJobError, describeError } from "../errors";
import type { BlobInfo, BlobStore, PresignedUpload } from "../ports";

/**
 * `BlobStore` on the real S3 client: S3 on AWS (`Resource.Uploads.name`), s3rver offline.
 *
 * @remarks
 * Presigned PUTs sign `content-type` **and** `content-length`, so S3 itself refuses
 * a body whose size differs from the one the user declared (and was checked against
 * the cap): the cap cannot be dodged by declaring a small size and sending a big file.
 */
export class S3BlobStore implements BlobStore {
  private readonly client: S3Client;
  private readonly bucket: string;

  /**
   * Builds its own client because presigning needs `requestChecksumCalculation:
   * "WHEN_REQUIRED"`: by default the SDK puts the CRC32 of an *empty* body into a
   * presigned PUT URL, and S3 then refuses every real upload.
   */
  constructor(options: { bucket: string; client?: S3ClientConfig }) {
    this.bucket = options.bucket;
    this.client = new S3Client({ ...options.client, requestChecksumCalculation: "WHEN_REQUIRED" });
  }

  async presignPut(key: string, o: { contentType: string; size: number; expiresInSeconds: number }): Promise<PresignedUpload> {
    const command = new PutObjectCommand({ Bucket: this.bucket, Key: key, ContentType: o.contentType, ContentLength: o.size });
    const url = await getSignedUrl(this.client, command, {
      expiresIn: o.expiresInSeconds,
      signableHeaders: new Set(["content-type", "content-length"]),
    });
    return { url, headers: { "content-type": o.contentType }, expiresAt: Date.now() + o.expiresInSeconds * 1000 };
  }

  async presignGet(key: string, o: { expiresInSeconds: number; filename?: string }): Promise<string> {
    const disposition = o.filename ? `attachment; filename*=UTF-8''${encodeURIComponent(o.filename)}` : undefined;
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: key, ResponseContentDisposition: disposition }), {
      expiresIn: o.expiresInSeconds,
    });
  }

  async head(key: string): Promise<BlobInfo | undefined> {
    try {
      const r = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: r.ContentLength ?? 0, contentType: r.ContentType };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw translate(error, "read", key);
    }
  }

  async getBytes(key: string, options: { signal?: AbortSignal } = {}): Promise<Uint8Array> {
    try {
      const r = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal: options.signal });
      return r.Body ? await r.Body.transformToByteArray() : new Uint8Array();
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      throw translate(error, "read", key);
    }
  }

  async download(key: string, filePath: string, options: { signal?: AbortSignal } = {}): Promise<number> {
    try {
      const r = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal: options.signal });
      if (!(r.Body instanceof Readable)) throw new Error("S3 returned no readable body");
      await pipeline(r.Body, createWriteStream(filePath), { signal: options.signal });
      return (await stat(filePath)).size;
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      throw translate(error, "download", key);
    }
  }

  async put(key: string, body: Uint8Array | string, options: { contentType: string }): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: options.contentType })).catch((e: unknown) => {
      throw translate(e, "write", key);
    });
  }

  async copy(fromKey: string, toKey: string): Promise<void> {
    await this.client
      .send(new CopyObjectCommand({ Bucket: this.bucket, Key: toKey, CopySource: `${this.bucket}/${encodeURI(fromKey)}` }))
      .catch((e: unknown) => {
        throw translate(e, "copy", fromKey);
      });
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })).catch((e: unknown) => {
      throw translate(e, "delete", key);
    });
  }
}

function isMissing(error: unknown): boolean {
  return error instanceof S3ServiceException && (error.name === "NotFound" || error.name === "NoSuchKey" || error.$metadata.httpStatusCode === 404);
}

/**
 * S3's answer as a job error: throttling, timeouts, 5xx and network failures may pass
 * (`RetryableJobError`); a refusal (403, a missing bucket or object, a bad request)
 * will not, so the job fails at once with S3's reason instead of retrying 3 times.
 */
function translate(error: unknown, action: string, key: string): Error {
  const status = error instanceof S3ServiceException ? (error.$metadata.httpStatusCode ?? 0) : 0;
  const name = error instanceof Error ? error.name : "Error";
  const text = `object storage could not ${action} ${key} (${name}: ${describeError(error)})`;
  const transient = !(error instanceof S3ServiceException) || status === 429 || status === 408 || status >= 500 || name === "SlowDown" || name === "RequestTimeout";
  return transient ? new RetryableJobError(text, { cause: error }) : new NonRetryableJobError(text, "handler_error", { cause: error });
}
