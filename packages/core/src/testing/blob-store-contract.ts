import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { BlobStore } from "../ports";

const put = (url: string, headers: Record<string, string>, body: Uint8Array | string) =>
  fetch(url, { method: "PUT", headers, body: typeof body === "string" ? body : Buffer.from(body) });

/** The behaviour every `BlobStore` adapter must show, driven over HTTP like a browser would. */
export function runBlobStoreContract(
  name: string,
  makeStore: () => Promise<BlobStore> | BlobStore,
  /** s3rver checks SigV4 query signatures only partly, so it cannot refuse a wrong size or type itself. */
  options: { enforcesSignedHeaders: boolean },
) {
  describe(`BlobStore contract: ${name}`, () => {
    it("signs the declared size and type into the URL, and no checksum of an empty body", async () => {
      const store = await makeStore();
      const upload = await store.presignPut(`uploads/alice/${randomUUID()}`, { contentType: "application/pdf", size: 10, expiresInSeconds: 300 });
      const signed = new URL(upload.url).searchParams.get("X-Amz-SignedHeaders")?.split(";") ?? [];
      expect(signed).toEqual(expect.arrayContaining(["content-length", "content-type"]));
      // A checksum computed at presign time would be of an empty body, and S3 would refuse every real upload.
      expect([...new URL(upload.url).searchParams.keys()].filter((k) => k.startsWith("x-amz-checksum"))).toEqual([]);
    });

    it("accepts a browser PUT of the presigned URL with the given headers, then reads it back", async () => {
      const store = await makeStore();
      const key = `uploads/alice/${randomUUID()}`;
      const body = new TextEncoder().encode("%PDF-1.4 hello");
      const upload = await store.presignPut(key, { contentType: "application/pdf", size: body.byteLength, expiresInSeconds: 300 });
      expect(upload.expiresAt).toBeGreaterThan(Date.now());
      const res = await put(upload.url, upload.headers, body);
      expect(res.status).toBe(200);
      expect(await store.head(key)).toEqual({ size: body.byteLength, contentType: "application/pdf" });
      expect(Buffer.from(await store.getBytes(key)).toString()).toBe("%PDF-1.4 hello");
    });

    it.runIf(options.enforcesSignedHeaders)("refuses a body whose size differs from the declared one", async () => {
      const store = await makeStore();
      const key = `uploads/alice/${randomUUID()}`;
      const upload = await store.presignPut(key, { contentType: "application/pdf", size: 10, expiresInSeconds: 300 });
      const res = await put(upload.url, upload.headers, "x".repeat(5000));
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(await store.head(key)).toBeUndefined();
    });

    it.runIf(options.enforcesSignedHeaders)("refuses a PUT with another content type than the signed one", async () => {
      const store = await makeStore();
      const key = `uploads/alice/${randomUUID()}`;
      const upload = await store.presignPut(key, { contentType: "application/pdf", size: 4, expiresInSeconds: 300 });
      const res = await put(upload.url, { "content-type": "text/html" }, "abcd");
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(await store.head(key)).toBeUndefined();
    });

    it("stores server-side objects, serves them through a presigned GET and deletes them", async () => {
      const store = await makeStore();
      const key = `results/${randomUUID()}.json`;
      await store.put(key, JSON.stringify({ big: true }), { contentType: "application/json" });
      const url = await store.presignGet(key, { expiresInSeconds: 60, filename: "résult.json" });
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ big: true });
      await store.delete(key);
      expect(await store.head(key)).toBeUndefined();
      await store.delete(key); // deleting twice is fine
    });

    it("copies an object to another key, leaving the original", async () => {
      const store = await makeStore();
      const from = `uploads/alice/${randomUUID()}`;
      const to = `documents/alice/${randomUUID()}.pdf`;
      await store.put(from, "%PDF-1.7 body", { contentType: "application/pdf" });
      await store.copy(from, to);
      expect(Buffer.from(await store.getBytes(to)).toString()).toBe("%PDF-1.7 body");
      expect(await store.head(from)).toMatchObject({ size: 13 });
    });

    it("streams an object into a local file, replacing what was there, and refuses a missing one", async () => {
      const store = await makeStore();
      const key = `uploads/alice/${randomUUID()}`;
      // 3 MB of varied bytes: more than one chunk of any stream, and checkable byte for byte.
      const body = new Uint8Array(3 * 1024 * 1024 + 17).map((_, i) => (i * 7919) % 251);
      await store.put(key, body, { contentType: "text/csv" });
      const dir = mkdtempSync(join(tmpdir(), "ferry-blob-"));
      try {
        const file = join(dir, "download");
        writeFileSync(file, "old content that is longer than nothing");
        expect(await store.download(key, file)).toBe(body.byteLength);
        expect(Buffer.compare(readFileSync(file), Buffer.from(body))).toBe(0);
        await expect(store.download(`uploads/nobody/${randomUUID()}`, join(dir, "missing"))).rejects.toThrow(/could not download uploads\/nobody/);
        const cancelled = new AbortController();
        cancelled.abort(new Error("cancelled"));
        await expect(store.download(key, join(dir, "cancelled"), { signal: cancelled.signal })).rejects.toThrow("cancelled");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("answers undefined for an object that was never uploaded", async () => {
      const store = await makeStore();
      expect(await store.head(`uploads/nobody/${randomUUID()}`)).toBeUndefined();
    });
  });
}
