import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// @ts-expect-error s3rver ships no types
import S3rver from "s3rver";
import { freePort } from "./redis-server";

/** The access key pair s3rver accepts; it checks SigV4 signatures like S3 does. */
export const S3RVER_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;

/** CORS for browser PUTs of presigned URLs, as the uploads bucket has on AWS. */
const corsXml = `<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>PUT</AllowedMethod><AllowedMethod>GET</AllowedMethod><AllowedMethod>HEAD</AllowedMethod><AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>600</MaxAgeSeconds></CORSRule></CORSConfiguration>`;

export interface S3Server {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts s3rver (an S3 implementation on the filesystem) with the given buckets.
 * Without `dir` it uses a temporary folder removed on stop.
 */
export async function startS3rver(options: { buckets: string[]; dir?: string; port?: number; host?: string }): Promise<S3Server> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "ferry-s3-"));
  const port = options.port ?? (await freePort());
  const host = options.host ?? "127.0.0.1";
  const server = new S3rver({
    port,
    address: host,
    directory: dir,
    silent: true,
    vhostBuckets: false,
    configureBuckets: options.buckets.map((name) => ({ name, configs: [corsXml] })),
  });
  await server.run();
  return {
    url: `http://${host}:${port}`,
    port,
    async stop() {
      await server.close();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
