import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { S3BlobStore } from "../adapters/s3-blob-store";
import { S3RVER_CREDENTIALS, startS3rver, type S3Server } from "../testing/s3rver";
import { UploadFailedError } from "./errors";
import { abortable, contentTypeOf, putToPresignedUrl, storageErrorDetail, type XhrLike } from "./upload";

const file = (text: string, name = "doc.pdf", type = "application/pdf") => Object.assign(new Blob([text], { type }), { name });

/** A scripted `XMLHttpRequest`: records what was set and finishes the way `outcome` says. */
function fakeXhr(outcome: { status: number; responseText?: string } | "network-error" | "hang") {
  const made: FakeXhr[] = [];
  class FakeXhr implements XhrLike {
    status = 0;
    responseText = "";
    upload: XhrLike["upload"] = { onprogress: null };
    onload: (() => void) | null = null;
    onerror: (() => void) | null = null;
    onabort: (() => void) | null = null;
    ontimeout: (() => void) | null = null;
    opened: [string, string] | undefined;
    headers: Record<string, string> = {};
    sent: Blob | undefined;
    constructor() {
      made.push(this);
    }
    open(method: string, url: string) {
      this.opened = [method, url];
    }
    setRequestHeader(name: string, value: string) {
      this.headers[name] = value;
    }
    send(body: Blob) {
      this.sent = body;
      if (outcome === "hang") return;
      queueMicrotask(() => {
        this.upload.onprogress?.({ loaded: Math.floor(body.size / 2), total: body.size, lengthComputable: true });
        if (outcome === "network-error") return this.onerror?.();
        this.status = outcome.status;
        this.responseText = outcome.responseText ?? "";
        this.onload?.();
      });
    }
    abort() {
      queueMicrotask(() => this.onabort?.());
    }
  }
  return { XMLHttpRequest: FakeXhr, made };
}

describe("putToPresignedUrl", () => {
  let s3: S3Server;
  let store: S3BlobStore;
  beforeAll(async () => {
    s3 = await startS3rver({ buckets: ["uploads"] });
    store = new S3BlobStore({
      bucket: "uploads",
      client: { endpoint: s3.url, region: "us-east-1", forcePathStyle: true, credentials: S3RVER_CREDENTIALS },
    });
  });
  afterAll(() => s3?.stop());

  it("PUTs a file to a real presigned URL (s3rver) with fetch", async () => {
    const body = file("%PDF-1.4 some bytes");
    const presigned = await store.presignPut("uploads/a/1", { contentType: "application/pdf", size: body.size, expiresInSeconds: 60 });
    await putToPresignedUrl(presigned, body, { XMLHttpRequest: null });
    expect(await store.head("uploads/a/1")).toMatchObject({ size: body.size, contentType: "application/pdf" });
    expect(new TextDecoder().decode(await store.getBytes("uploads/a/1"))).toBe("%PDF-1.4 some bytes");
  });

  it("reports a refused PUT with its status and storage's error code", async () => {
    const body = file("%PDF-1.4");
    const elsewhere = new S3BlobStore({
      bucket: "no-such-bucket",
      client: { endpoint: s3.url, region: "us-east-1", forcePathStyle: true, credentials: S3RVER_CREDENTIALS },
    });
    const presigned = await elsewhere.presignPut("k", { contentType: "application/pdf", size: body.size, expiresInSeconds: 60 });
    const error = await putToPresignedUrl(presigned, body).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UploadFailedError);
    expect(error).toMatchObject({ status: 404, filename: "doc.pdf", detail: expect.stringMatching(/^NoSuchBucket: /) });
    expect((error as Error).message).toMatch(/^uploading doc\.pdf failed: storage answered HTTP 404 \(NoSuchBucket: /);
  });

  it("turns a network failure into UploadFailedError with status 0", async () => {
    const error = await putToPresignedUrl({ url: "http://127.0.0.1:1/nowhere", headers: {} }, file("x")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UploadFailedError);
    expect(error).toMatchObject({ status: 0 });
    expect((error as Error).message).toMatch(/^uploading doc\.pdf failed before storage answered \(fetch failed/);
  });

  it("uses XMLHttpRequest when asked for progress, setting only the headers a browser allows", async () => {
    const xhr = fakeXhr({ status: 200 });
    const progress: Array<[number, number]> = [];
    const body = file("0123456789");
    await putToPresignedUrl({ url: "https://s3.example/k?sig", headers: { "content-type": "application/pdf", "Content-Length": "10" } }, body, {
      XMLHttpRequest: xhr.XMLHttpRequest,
      onProgress: (p) => progress.push([p.loaded, p.total]),
    });
    const [made] = xhr.made;
    expect(made).toMatchObject({ opened: ["PUT", "https://s3.example/k?sig"], headers: { "content-type": "application/pdf" }, sent: body });
    expect(progress).toEqual([
      [0, 10],
      [5, 10],
      [10, 10],
    ]);
  });

  it("XMLHttpRequest: a non-2xx answer, a network error and an abort each reject clearly", async () => {
    const onProgress = () => {};
    const refused = fakeXhr({ status: 413, responseText: "<Error><Code>EntityTooLarge</Code></Error>" });
    await expect(putToPresignedUrl({ url: "u", headers: {} }, file("x"), { XMLHttpRequest: refused.XMLHttpRequest, onProgress })).rejects.toMatchObject({
      name: "UploadFailedError",
      status: 413,
      detail: "EntityTooLarge",
    });
    const offline = fakeXhr("network-error");
    await expect(putToPresignedUrl({ url: "u", headers: {} }, file("x"), { XMLHttpRequest: offline.XMLHttpRequest, onProgress })).rejects.toMatchObject({
      status: 0,
      message: expect.stringMatching(/CORS/),
    });
    const hanging = fakeXhr("hang");
    const controller = new AbortController();
    const put = putToPresignedUrl({ url: "u", headers: {} }, file("x"), { XMLHttpRequest: hanging.XMLHttpRequest, onProgress, signal: controller.signal });
    controller.abort(new Error("stop"));
    await expect(put).rejects.toThrow("stop");
  });

  it("aborts a fetch upload in flight", async () => {
    const controller = new AbortController();
    const never: typeof fetch = (_url, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError"))));
    const put = putToPresignedUrl({ url: "u", headers: {} }, file("x"), { fetch: never, signal: controller.signal });
    controller.abort(new Error("user cancelled"));
    await expect(put).rejects.toThrow("user cancelled");
  });
});

describe("upload helpers", () => {
  it("guesses a PDF's type from its name when the browser left it empty", () => {
    expect(contentTypeOf({ name: "a.pdf", type: "application/pdf" })).toBe("application/pdf");
    expect(contentTypeOf({ name: "A.PDF", type: "" })).toBe("application/pdf");
    expect(contentTypeOf({ name: "notes.txt", type: "text/plain" })).toBe("text/plain");
    expect(contentTypeOf({ name: "blob", type: "" })).toBe("application/octet-stream");
  });

  it("reads S3's XML error bodies", () => {
    expect(storageErrorDetail("<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>")).toBe("AccessDenied: Request has expired");
    expect(storageErrorDetail("<Error><Code>NoSuchBucket</Code></Error>")).toBe("NoSuchBucket");
    expect(storageErrorDetail("Bad Gateway")).toBeUndefined();
  });

  it("abortable settles like the promise, or with the signal's reason", async () => {
    await expect(abortable(Promise.resolve(1), undefined)).resolves.toBe(1);
    const controller = new AbortController();
    const pending = abortable(new Promise(() => {}), controller.signal);
    controller.abort(new Error("gone"));
    await expect(pending).rejects.toThrow("gone");
    await expect(abortable(Promise.resolve(1), controller.signal)).rejects.toThrow("gone");
  });
});
