import { UploadFailedError } from "./errors";

/** What an upload needs of a file: a browser `File` fits, so does a Node `Blob` given a name. */
export type UploadableFile = Blob & { readonly name: string };

/** Bytes sent so far out of `total`; `total` is the file's size. */
export interface UploadProgress {
  loaded: number;
  total: number;
}

/** The part of the WHATWG `XMLHttpRequest` an upload uses (browsers only; it reports upload progress). */
export interface XhrLike {
  readonly status: number;
  readonly responseText: string;
  upload: { onprogress: ((event: { loaded: number; total: number; lengthComputable: boolean }) => void) | null };
  onload: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
  ontimeout: (() => void) | null;
  open(method: string, url: string): void;
  setRequestHeader(name: string, value: string): void;
  send(body: Blob): void;
  abort(): void;
}

export type XhrConstructor = new () => XhrLike;

export interface PutOptions {
  signal?: AbortSignal;
  /** Called as bytes go out (with `XMLHttpRequest`), or once at the start and once at the end (with `fetch`). */
  onProgress?: (progress: UploadProgress) => void;
  /** Defaults to `globalThis.fetch`. */
  fetch?: typeof fetch;
  /**
   * Used instead of `fetch` when `onProgress` is given, because only it reports
   * upload progress. Defaults to `globalThis.XMLHttpRequest` (absent in Node,
   * which then uses `fetch`); pass `null` to always use `fetch`.
   */
  XMLHttpRequest?: XhrConstructor | null;
}

/**
 * Headers a browser computes itself and refuses to let scripts set; they are
 * signed into the URL, but the browser sends the right values anyway.
 */
const BROWSER_HEADERS = new Set(["content-length", "host", "connection"]);

/** Guesses the type browsers leave empty for unknown extensions (mostly on some Linux desktops). */
export function contentTypeOf(file: Pick<UploadableFile, "name" | "type">): string {
  if (file.type) return file.type;
  if (/\.pdf$/i.test(file.name)) return "application/pdf";
  return "application/octet-stream";
}

/**
 * PUTs `body` to a presigned URL with exactly the signed `headers`, in one
 * request. Resolves once storage answered 2xx.
 *
 * @throws {UploadFailedError} on a non-2xx answer (with its status and S3's error
 *   code when there is one) or a network failure (status 0)
 * @throws the signal's reason when `signal` aborts
 */
export async function putToPresignedUrl(
  target: { url: string; headers: Record<string, string> },
  body: UploadableFile,
  options: PutOptions = {},
): Promise<void> {
  options.signal?.throwIfAborted();
  const headers = Object.entries(target.headers).filter(([name]) => !BROWSER_HEADERS.has(name.toLowerCase()));
  const Xhr = options.XMLHttpRequest === undefined ? (globalThis as { XMLHttpRequest?: XhrConstructor }).XMLHttpRequest : options.XMLHttpRequest;
  if (options.onProgress && Xhr) return putWithXhr(Xhr, target.url, headers, body, options);

  const fetchImpl = options.fetch ?? globalThis.fetch;
  options.onProgress?.({ loaded: 0, total: body.size });
  let response: Response;
  try {
    response = await fetchImpl(target.url, { method: "PUT", headers, body, signal: options.signal });
  } catch (error) {
    options.signal?.throwIfAborted();
    throw new UploadFailedError(body.name, 0, describe(error), { cause: error });
  }
  if (!response.ok) {
    const text = await response.text().catch(() => "");
    throw new UploadFailedError(body.name, response.status, storageErrorDetail(text) ?? response.statusText);
  }
  options.onProgress?.({ loaded: body.size, total: body.size });
}

function putWithXhr(
  Xhr: XhrConstructor,
  url: string,
  headers: Array<[string, string]>,
  body: UploadableFile,
  options: PutOptions,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const xhr = new Xhr();
    const signal = options.signal;
    const onAbort = () => xhr.abort();
    const settle = (error?: unknown) => {
      signal?.removeEventListener("abort", onAbort);
      if (error === undefined) resolve();
      else reject(error);
    };
    xhr.open("PUT", url);
    for (const [name, value] of headers) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => options.onProgress?.({ loaded: event.loaded, total: event.lengthComputable ? event.total : body.size });
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        options.onProgress?.({ loaded: body.size, total: body.size });
        return settle();
      }
      settle(new UploadFailedError(body.name, xhr.status, storageErrorDetail(xhr.responseText)));
    };
    // Browsers hide why (CORS, DNS, a reset): status 0 and no text.
    xhr.onerror = () => settle(new UploadFailedError(body.name, 0, "network error or blocked by CORS"));
    xhr.ontimeout = () => settle(new UploadFailedError(body.name, 0, "timed out"));
    xhr.onabort = () => settle(signal?.reason ?? new DOMException("The upload was aborted.", "AbortError"));
    signal?.addEventListener("abort", onAbort, { once: true });
    options.onProgress?.({ loaded: 0, total: body.size });
    xhr.send(body);
  });
}

/** `AccessDenied: Request has expired` from S3's XML error body, when it has one. */
export function storageErrorDetail(body: string): string | undefined {
  const code = /<Code>([^<]*)<\/Code>/.exec(body)?.[1]?.trim();
  const message = /<Message>([^<]*)<\/Message>/.exec(body)?.[1]?.trim();
  if (code && message) return `${code}: ${message}`;
  return code || message || undefined;
}

/** Settles like `promise`, or rejects with the signal's reason as soon as it aborts. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => (signal.removeEventListener("abort", onAbort), resolve(value)),
      (error: unknown) => (signal.removeEventListener("abort", onAbort), reject(error)),
    );
  });
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { message?: unknown } } | null)?.cause?.message;
  const message = error instanceof Error ? error.message : String(error);
  return typeof cause === "string" && cause ? `${message}: ${cause}` : message;
}
