import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Catalog } from "./catalog";
import { toWireError, UnknownOperationError, ValidationError } from "./errors";
import { LIMITS } from "./limits";
import type { Mutation } from "./mutations";
import { createOperations, operationFor } from "./operations";
import { DataDirectory, SNAPSHOT_CHUNK } from "./persistence";
import type { S3VectorsEmulator, S3VectorsEmulatorOptions } from "./types";

const DEFAULT_ACCOUNT_ID = "000000000000";

/**
 * Starts a local S3 Vectors endpoint that the unmodified
 * `@aws-sdk/client-s3vectors` talks to: restJson1, every operation a
 * `POST /<OperationName>` with a JSON body (under any base path), signatures
 * accepted without checking, errors as `x-amzn-errortype` + `{__type, message}`.
 *
 * @example
 * ```ts
 * const emulator = await startS3VectorsEmulator({ dir: ".ferry/vectors" });
 * const client = new S3VectorsClient({
 *   endpoint: emulator.url,
 *   region: "us-east-1",
 *   credentials: { accessKeyId: "local", secretAccessKey: "local" },
 * });
 * ```
 *
 * @remarks
 * With `dir`, state survives restarts (see `persistence.ts`); without it, it
 * lives in memory. Requests are served one at a time once their body is read,
 * so every operation is atomic and writes are immediately visible to reads.
 */
export async function startS3VectorsEmulator(options: S3VectorsEmulatorOptions = {}): Promise<S3VectorsEmulator> {
  const logger = options.logger ?? console;
  const catalog = new Catalog(options.region ?? process.env.AWS_REGION ?? "us-east-1", options.accountId ?? DEFAULT_ACCOUNT_ID);
  const directory = options.dir === undefined ? undefined : new DataDirectory(options.dir, { logger });
  directory?.load((mutation) => catalog.apply(mutation));
  let compaction: NodeJS.Immediate | undefined;

  const compact = () => {
    compaction = undefined;
    try {
      directory?.compact(catalog.snapshot(SNAPSHOT_CHUNK));
    } catch (error) {
      logger.error("[s3vectors] compaction failed; the log keeps growing until the next attempt", error);
    }
  };
  if (directory?.compactionDue) compact();

  const commit = (mutation: Mutation) => {
    directory?.append(mutation);
    catalog.apply(mutation);
    // After the response, not inside the request: a snapshot of a large index takes a moment.
    if (directory?.compactionDue && compaction === undefined) compaction = setImmediate(compact);
  };

  const operations = createOperations({
    catalog,
    commit,
    quotas: {
      vectorBuckets: options.quotas?.vectorBuckets ?? LIMITS.vectorBucketsPerRegion,
      indexesPerBucket: options.quotas?.indexesPerBucket ?? LIMITS.indexesPerBucket,
    },
  });

  const server = createServer((req, res) => {
    serve(req, res).catch((error: unknown) => {
      logger.error("[s3vectors] failed to answer a request", error);
      res.destroy();
    });
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const name = operationName(req.url ?? "/");
      if (req.method !== "POST") throw new UnknownOperationError(`S3 Vectors operations are POST requests; got ${req.method} ${name}`);
      const operation = operationFor(operations, name);
      const body = await readJson(req);
      send(res, 200, operation(body));
    } catch (error) {
      const wire = toWireError(error);
      if (wire.status >= 500) logger.error("[s3vectors] internal error", error);
      send(res, wire.status, wire.body, { "x-amzn-errortype": wire.errorType });
    }
  }

  const host = options.host ?? "127.0.0.1";
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    directory?.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const hostForUrl = host.includes(":") ? `[${host}]` : host;

  let stopping: Promise<void> | undefined;
  const stop = async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    if (compaction !== undefined) clearImmediate(compaction);
    directory?.close();
  };

  return { url: `http://${hostForUrl}:${port}`, port, stop: () => (stopping ??= stop()) };
}

/** The last path segment, so a base path in the endpoint (`http://h/p`) is ignored as the SDK keeps it. */
function operationName(url: string): string {
  const pathname = new URL(url, "http://localhost").pathname;
  const segments = pathname.split("/").filter(Boolean);
  return decodeURIComponent(segments.at(-1) ?? "");
}

/**
 * Reads the whole body (an empty one reads as `{}`, as the SDK does). Past the
 * 20 MiB payload limit the rest is drained and dropped, so the client still
 * gets the error instead of a reset connection.
 */
async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= LIMITS.payloadBytes) chunks.push(chunk);
  }
  if (size > LIMITS.payloadBytes) {
    throw new ValidationError(`The request payload is ${size} bytes; the limit is ${LIMITS.payloadBytes} bytes (20 MiB)`);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks, size).toString("utf8"));
  } catch {
    throw new ValidationError("The request body is not valid JSON");
  }
}

function send(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(payload),
    "x-amzn-requestid": randomUUID(),
    ...headers,
  });
  res.end(payload);
}
