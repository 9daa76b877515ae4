import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException, type S3ClientConfig } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
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
      throw error;
    }
  }

  async getBytes(key: string, options: { signal?: AbortSignal } = {}): Promise<Uint8Array> {
    const r = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal: options.signal });
    if (!r.Body) return new Uint8Array();
    return r.Body.transformToByteArray();
  }

  async put(key: string, body: Uint8Array | string, options: { contentType: string }): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: options.contentType }));
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }
}

function isMissing(error: unknown): boolean {
  return error instanceof S3ServiceException && (error.name === "NotFound" || error.name === "NoSuchKey" || error.$metadata.httpStatusCode === 404);
}
