import type { Frame, TestClient } from "./test-client";

export interface IngestOutcome {
  uploadId: string;
  jobId: string;
  /** `job_completed` or `job_failed` (or `job_cancelled`). */
  terminal: Frame;
  /** Every event of the job, in arrival order. */
  events: Frame[];
}

let n = 0;
const rid = (tag: string) => `${tag}-${Date.now()}-${++n}`;

/** `request_upload` then the browser's PUT; resolves with the upload id, or the `error` frame's message. */
export async function upload(client: TestClient, bytes: Uint8Array, filename: string, contentType = "application/pdf"): Promise<string> {
  const requestId = rid("up");
  client.send({ action: "request_upload", requestId, filename, contentType, size: bytes.byteLength });
  const ready = await client.next((f) => f.requestId === requestId);
  if (ready.type === "error") throw new Error(`${ready.code}: ${ready.message}`);
  const res = await fetch(ready.url, { method: "PUT", headers: ready.headers, body: Buffer.from(bytes) });
  if (!res.ok) throw new Error(`upload PUT failed with HTTP ${res.status}: ${await res.text()}`);
  return ready.uploadId as string;
}

/** Submits `ingest_pdf` for an upload and waits for the job to end. */
export async function ingest(client: TestClient, uploadId: string, timeoutMs = 120_000): Promise<Omit<IngestOutcome, "uploadId">> {
  const requestId = rid("ingest");
  client.send({ action: "submit_job", requestId, kind: "ingest_pdf", input: { uploadId } });
  const queued = await client.next((f) => f.requestId === requestId);
  if (queued.type === "error") throw new Error(`${queued.code}: ${queued.message}`);
  const jobId = queued.jobId as string;
  const terminal = await client.next((f) => f.jobId === jobId && ["job_completed", "job_failed", "job_cancelled"].includes(f.type), timeoutMs);
  return { jobId, terminal, events: client.ofJob(jobId) };
}

/** Uploads and ingests one file, as the dashboard does. */
export async function uploadAndIngest(client: TestClient, bytes: Uint8Array, filename: string, timeoutMs?: number): Promise<IngestOutcome> {
  const uploadId = await upload(client, bytes, filename);
  return { uploadId, ...(await ingest(client, uploadId, timeoutMs)) };
}
