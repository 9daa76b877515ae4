import type { IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { signDevToken } from "../auth";
import { ConnectionGoneError } from "../errors";
import { toView } from "../jobs/job";
import { Limits, type ServerEvent } from "../protocol";
import { memoryWorld } from "../testing/memory-world";
import { createServer, type IncomingHttpHeaders } from "node:http";
import { ActionRejectedError, ClientClosedError, FrameTooLargeError, UploadFailedError } from "./errors";
import { FerryClient, classifyHandshakeError, type ConnectionState, type FerryClientOptions } from "./ferry-client";

const quiet = { warn() {} };
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function waitFor<T>(check: () => T | undefined | false, what = "condition", timeoutMs = 5_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function client(options: Omit<FerryClientOptions, "WebSocket" | "logger"> & Partial<FerryClientOptions>): FerryClient {
  const c = new FerryClient({ WebSocket, logger: quiet, backoff: { initialMs: 20, maxMs: 100 }, ...options });
  cleanups.push(() => c.close());
  return c;
}

function track(c: FerryClient): ConnectionState[] {
  const states: ConnectionState[] = [c.state];
  c.onStatus((s) => {
    if (states.at(-1) !== s.state) states.push(s.state);
  });
  return states;
}

// ── A scripted peer: a real ws server whose answers each test writes ──────────

interface PeerConnection {
  ws: WebSocket;
  token: string;
  frames: Array<Record<string, any>>;
  send(event: ServerEvent): void;
}

async function startPeer(options: { tokens?: string[]; onFrame?: (conn: PeerConnection, frame: Record<string, any>) => void } = {}) {
  const tokens = options.tokens ?? ["good"];
  let handshakes = 0;
  const connections: PeerConnection[] = [];
  const wss = new WebSocketServer({
    host: "127.0.0.1",
    port: 0,
    verifyClient: (info: { req: IncomingMessage }, done: (ok: boolean, code?: number, message?: string) => void) => {
      handshakes++;
      const token = new URL(info.req.url!, "http://peer").searchParams.get("token") ?? "";
      if (tokens.includes(token)) done(true);
      else done(false, 401, "Unauthorized");
    },
  });
  await new Promise<void>((resolve) => wss.once("listening", () => resolve()));
  wss.on("connection", (ws, req) => {
    const conn: PeerConnection = {
      ws,
      token: new URL(req.url!, "http://peer").searchParams.get("token") ?? "",
      frames: [],
      send: (event) => ws.send(JSON.stringify(event)),
    };
    connections.push(conn);
    ws.on("message", (data) => {
      const frame = JSON.parse(String(data));
      conn.frames.push(frame);
      if (frame.action === "ping") conn.send({ type: "pong", timestamp: Date.now(), requestId: frame.requestId });
      options.onFrame?.(conn, frame);
    });
  });
  const peer = {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/local`,
    connections,
    get handshakes() {
      return handshakes;
    },
    open: () => connections.filter((c) => c.ws.readyState === WebSocket.OPEN),
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  };
  cleanups.push(peer.close);
  return peer;
}

const at = (seq: number) => 1_700_000_000_000 + seq;

// ── The real API on memory adapters behind a ws server ────────────────────────

const SECRET = "d".repeat(40); // the dev secret memoryWorld's verifier accepts

async function startApiPeer() {
  const world = memoryWorld();
  const sockets = new Map<string, WebSocket>();
  world.notifier.post = async (connectionId, data) => {
    const ws = sockets.get(connectionId);
    if (!ws || ws.readyState !== WebSocket.OPEN) throw new ConnectionGoneError(connectionId);
    ws.send(data);
  };
  let n = 0;
  const wss = new WebSocketServer({
    host: "127.0.0.1",
    port: 0,
    verifyClient: (info: { req: IncomingMessage }, done: (ok: boolean, code?: number, message?: string) => void) => {
      const token = new URL(info.req.url!, "http://peer").searchParams.get("token") ?? undefined;
      world.api.authorize(token).then(
        (principal) => {
          (info.req as IncomingMessage & { userId?: string }).userId = principal.userId;
          done(true);
        },
        () => done(false, 401, "Unauthorized"),
      );
    },
  });
  await new Promise<void>((resolve) => wss.once("listening", () => resolve()));
  wss.on("connection", (ws, req) => {
    const caller = { connectionId: `c${++n}AAAAAAAAAAAA=`, userId: (req as IncomingMessage & { userId: string }).userId };
    sockets.set(caller.connectionId, ws);
    const ready = world.api.connect(caller);
    ws.on("message", (data) => void ready.then(() => world.api.handleFrame(caller, "$default", String(data))));
    ws.on("close", () => {
      sockets.delete(caller.connectionId);
      void world.api.disconnect(caller.connectionId);
    });
  });
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  );
  return {
    world,
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/local`,
    token: (user = "alice") => signDevToken(SECRET, user),
    /** Drops every connection without a close handshake, like a network cut. */
    cut: () => {
      for (const ws of sockets.values()) ws.terminate();
    },
    connections: () => sockets.size,
  };
}

describe("FerryClient against the Ferry API (memory adapters behind a ws server)", () => {
  it("submits a canary job and tracks it to completion, ending equal to the server's snapshot", async () => {
    const api = await startApiPeer();
    const c = client({ url: api.url, token: await api.token() });
    const submitted = await c.submitJob("canary", { steps: 4, stepMs: 5 });
    expect(submitted).toMatchObject({ duplicate: false, event: { type: "job_queued", seq: 1 }, job: { status: "queued", kind: "canary" } });
    await api.world.work();
    const job = await waitFor(() => c.job(submitted.jobId)?.terminal && c.job(submitted.jobId), "completion");
    const server = toView((await api.world.store.get(submitted.jobId))!);
    expect(job).toMatchObject({
      status: "completed",
      progress: 100,
      output: server.output,
      lastSeq: server.lastSeq,
      result: { steps: 4, attempt: 1 },
      attempts: 1,
    });
  });

  it("catches up after the connection is cut mid-job: nothing lost, nothing twice", async () => {
    const api = await startApiPeer();
    const c = client({ url: api.url, token: await api.token() });
    const states = track(c);
    const seqs: number[] = [];
    c.onEvent((event) => seqs.push(event.seq));
    const { jobId } = await c.submitJob("canary", { steps: 30, stepMs: 15 });
    const working = api.world.work();
    await waitFor(() => (c.job(jobId)?.output.length ?? 0) > 0, "first output");
    api.cut();
    await waitFor(() => c.state === "reconnecting", "reconnecting");
    await working;
    const job = await waitFor(() => c.job(jobId)?.terminal && c.job(jobId), "completion after reconnect");
    const expected = Array.from({ length: 30 }, (_, i) => `step ${i + 1} done\n`).join("");
    expect(job.output).toBe(expected);
    expect(job.status).toBe("completed");
    expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b));
    expect(states).toEqual(["connecting", "open", "reconnecting", "open"]);
  });

  it("answers a repeated idempotency key with the first job", async () => {
    const api = await startApiPeer();
    const c = client({ url: api.url, token: await api.token() });
    const first = await c.submitJob("canary", { steps: 1 }, { idempotencyKey: "k1" });
    const again = await c.submitJob("canary", { steps: 1 }, { idempotencyKey: "k1" });
    expect(again).toMatchObject({ jobId: first.jobId, duplicate: true, event: { type: "job_snapshot" } });
  });

  it("rejects with the server's error code", async () => {
    const api = await startApiPeer();
    const c = client({ url: api.url, token: await api.token() });
    const unknownKind = await c.submitJob("nope", {}).catch((e: unknown) => e);
    expect(unknownKind).toBeInstanceOf(ActionRejectedError);
    expect(unknownKind).toMatchObject({ code: "bad_request", action: "submit_job" });
    await expect(c.cancelJob("missing")).rejects.toMatchObject({ code: "not_found", jobId: "missing" });
    await expect(c.ping()).resolves.toMatchObject({ roundTripMs: expect.any(Number) });
  });

  it("cancels a running job and resolves once it is cancelled", async () => {
    const api = await startApiPeer();
    const c = client({ url: api.url, token: await api.token() });
    const { jobId } = await c.submitJob("canary", { steps: 200, stepMs: 20 });
    const working = api.world.work();
    await waitFor(() => c.job(jobId)?.status === "processing", "processing");
    const cancelled = await c.cancelJob(jobId);
    expect(cancelled).toMatchObject({ jobId, status: "cancelled", terminal: true });
    await working;
  });

  it("lists the caller's jobs and tracks them; subscribe snapshots a job", async () => {
    const api = await startApiPeer();
    const token = await api.token();
    const writer = client({ url: api.url, token });
    const { jobId } = await writer.submitJob("canary", { steps: 1, stepMs: 1 });
    await api.world.work();
    await waitFor(() => writer.job(jobId)?.terminal, "completion");

    const reader = client({ url: api.url, token });
    const page = await reader.listJobs({ limit: 10 });
    expect(page.jobs.map((j) => j.jobId)).toEqual([jobId]);
    expect(reader.jobs[0]).toMatchObject({ jobId, status: "completed" });

    const other = client({ url: api.url, token });
    const [snap] = await other.subscribe([jobId], 0);
    expect(snap).toMatchObject({ jobId, status: "completed" });
  });

  it("gives up as unauthorized when the token is refused, and recovers with a new one", async () => {
    const api = await startApiPeer();
    const c = client({ url: api.url, token: "not-a-jwt", maxHandshakeFailures: 3 });
    const pending = expect(c.listJobs()).rejects.toBeInstanceOf(ClientClosedError);
    await waitFor(() => c.state === "unauthorized", "unauthorized");
    await pending;
    expect(c.status.detail).toMatch(/401/);
    await expect(c.ping()).rejects.toMatchObject({ reason: "unauthorized" });
    c.setToken(await api.token());
    await waitFor(() => c.state === "open", "open with the new token");
  });
});

describe("FerryClient against a scripted peer", () => {
  it("connects with ?token= and validates frames, reporting and ignoring invalid ones", async () => {
    const peer = await startPeer({ tokens: ["a b/c"] });
    const c = client({ url: peer.url, token: "a b/c" });
    const invalid: string[] = [];
    c.onInvalidFrame((f) => invalid.push(f.reason));
    await waitFor(() => c.state === "open", "open");
    expect(peer.connections[0]!.token).toBe("a b/c");
    const conn = peer.connections[0]!;
    conn.ws.send("not json");
    conn.ws.send(JSON.stringify({ type: "job_output", jobId: "j", seq: -1, timestamp: 1, delta: "x" }));
    conn.ws.send(JSON.stringify({ type: "mystery" }));
    conn.send({ type: "job_queued", jobId: "j", seq: 1, timestamp: at(1), kind: "canary", message: "q", progress: 5 });
    await waitFor(() => c.job("j"), "valid frame applied");
    expect(invalid).toEqual([expect.stringMatching(/not JSON/), expect.stringMatching(/seq/), expect.stringMatching(/ServerEvent/)]);
    expect(c.state).toBe("open");
  });

  it("refuses frames over 32 KB without sending anything", async () => {
    const peer = await startPeer();
    const c = client({ url: peer.url, token: "good" });
    await waitFor(() => c.state === "open", "open");
    const error = await c.submitJob("canary", { blob: "x".repeat(Limits.maxFrameBytes) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FrameTooLargeError);
    expect(error).toMatchObject({ code: "payload_too_large", limit: 32 * 1024 });
    await c.ping();
    expect(peer.connections[0]!.frames.map((f) => f.action)).toEqual(["ping"]);
  });

  it("rejects a malformed action locally", async () => {
    const peer = await startPeer();
    const c = client({ url: peer.url, token: "good" });
    await expect(c.subscribe([])).rejects.toMatchObject({ code: "bad_request", action: "subscribe" });
    expect(peer.connections.flatMap((conn) => conn.frames)).toEqual([]);
  });

  it("queues requests made while offline and re-sends those a dropped connection did not answer", async () => {
    let answer = false;
    const peer = await startPeer({
      onFrame: (conn, frame) => {
        if (frame.action === "list_jobs" && answer) conn.send({ type: "job_list", timestamp: 1, jobs: [], requestId: frame.requestId });
      },
    });
    const c = client({ url: peer.url, token: "good" });
    const early = c.listJobs(); // before the socket is open
    await waitFor(() => peer.connections[0]?.frames.length, "first frame");
    answer = true;
    peer.connections[0]!.ws.terminate();
    await expect(early).resolves.toEqual({ jobs: [], cursor: undefined });
    const all = peer.connections.flatMap((conn) => conn.frames.filter((f) => f.action === "list_jobs"));
    expect(all).toHaveLength(2);
    expect(all[0]!.requestId).toBe(all[1]!.requestId);
  });

  it("re-subscribes unfinished jobs after a reconnect, each from its own lastSeq", async () => {
    const peer = await startPeer();
    const c = client({ url: peer.url, token: "good" });
    await waitFor(() => c.state === "open", "open");
    const first = peer.connections[0]!;
    first.send({ type: "job_queued", jobId: "a", seq: 1, timestamp: at(1), kind: "canary", message: "", progress: 5 });
    first.send({ type: "job_output", jobId: "a", seq: 2, timestamp: at(2), delta: "x" });
    first.send({ type: "job_queued", jobId: "b", seq: 1, timestamp: at(1), kind: "canary", message: "", progress: 5 });
    first.send({ type: "job_queued", jobId: "c", seq: 1, timestamp: at(1), kind: "canary", message: "", progress: 5 });
    first.send({ type: "job_completed", jobId: "c", seq: 2, timestamp: at(2) });
    await waitFor(() => c.job("c")?.terminal, "c done");
    first.ws.close(1001, "Going away");
    await waitFor(() => peer.open().length === 1 && peer.connections.length === 2 && peer.connections[1]!.frames.length >= 2, "resubscribe");
    const subscribes = peer.connections[1]!.frames.filter((f) => f.action === "subscribe");
    expect(subscribes.map(({ jobIds, afterSeq }) => ({ jobIds, afterSeq }))).toEqual([
      { jobIds: ["a"], afterSeq: 2 },
      { jobIds: ["b"], afterSeq: 1 },
    ]);
  });

  it("asks for a replay when a gap in seq persists, and fills it from the answer", async () => {
    const peer = await startPeer({
      onFrame: (conn, frame) => {
        if (frame.action !== "subscribe") return;
        conn.send({
          type: "job_snapshot",
          jobId: "j",
          seq: 3,
          timestamp: at(3),
          requestId: frame.requestId,
          job: { jobId: "j", kind: "canary", status: "processing", progress: 30, message: "m", output: "abc", attempts: 1, createdAt: at(1), updatedAt: at(3), lastSeq: 3 },
        });
      },
    });
    const c = client({ url: peer.url, token: "good", gapTimeoutMs: 50 });
    await waitFor(() => c.state === "open", "open");
    const conn = peer.connections[0]!;
    conn.send({ type: "job_queued", jobId: "j", seq: 1, timestamp: at(1), kind: "canary", message: "", progress: 5 });
    conn.send({ type: "job_output", jobId: "j", seq: 4, timestamp: at(4), delta: "d" });
    const job = await waitFor(() => c.job("j")?.lastSeq === 4 && c.job("j"), "gap filled");
    expect(job.output).toBe("abcd");
    expect(conn.frames.filter((f) => f.action === "subscribe").map(({ jobIds, afterSeq }) => ({ jobIds, afterSeq }))).toEqual([
      { jobIds: ["j"], afterSeq: 1 },
    ]);
  });

  it("pings on its interval and reconnects when a pong does not come", async () => {
    const peer = await startPeer();
    const c = client({ url: peer.url, token: "good", pingIntervalMs: 40, pongTimeoutMs: 60 });
    await waitFor(() => (peer.connections[0]?.frames.filter((f) => f.action === "ping").length ?? 0) >= 2, "two pings");
    // From now on the first connection swallows everything, like a dead network path.
    const first = peer.connections[0]!;
    first.ws.removeAllListeners("message");
    await waitFor(() => peer.connections.length === 2 && c.state === "open", "a new connection");
    await waitFor(() => first.ws.readyState === WebSocket.CLOSED, "the silent one closed");
  });

  it("opens a fresh connection before the maximum age and retires the old one without going offline", async () => {
    const peer = await startPeer();
    const c = client({ url: peer.url, token: "good", maxConnectionAgeMs: 150, rotationGraceMs: 30 });
    const states = track(c);
    await waitFor(() => peer.connections.length >= 2, "a second connection");
    await waitFor(() => peer.connections[0]!.ws.readyState === WebSocket.CLOSED, "the first closed");
    expect(states).toEqual(["connecting", "open"]);
    await c.ping();
    expect(peer.connections.at(-1)!.frames.some((f) => f.action === "ping")).toBe(true);
  });

  it("close() during a rotation's grace period closes the retiring connection too", async () => {
    const peer = await startPeer();
    const c = client({ url: peer.url, token: "good", maxConnectionAgeMs: 150, rotationGraceMs: 60_000 });
    await waitFor(() => peer.open().length === 2, "the old and the new connection open together");
    c.close();
    await waitFor(() => peer.open().length === 0, "both closed");
  });

  it("backs off while the server is down and connects when it comes back", async () => {
    const peer = await startPeer();
    const url = peer.url;
    await peer.close();
    const c = client({ url, token: "good", maxHandshakeFailures: 2 });
    await waitFor(() => c.status.attempt >= 3, "several attempts");
    expect(c.state).toBe("connecting"); // unreachable is not unauthorized
    const port = Number(new URL(url).port);
    const wss = new WebSocketServer({ host: "127.0.0.1", port });
    cleanups.push(
      () =>
        new Promise<void>((r) => {
          for (const ws of wss.clients) ws.terminate();
          wss.close(() => r());
        }),
    );
    await waitFor(() => c.state === "open", "open once the server is back");
  });

  it("close() stops everything and rejects what is pending; connect() starts again", async () => {
    const peer = await startPeer();
    const c = client({ url: peer.url, token: "good" });
    await waitFor(() => c.state === "open", "open");
    const pending = expect(c.listJobs()).rejects.toMatchObject({ reason: "closed" }); // the peer never answers list_jobs
    c.close();
    await pending;
    expect(c.state).toBe("closed");
    await new Promise((r) => setTimeout(r, 100));
    expect(peer.connections).toHaveLength(1);
    expect(peer.open()).toHaveLength(0);
    c.connect();
    await waitFor(() => c.state === "open", "open again");
  });

  it("times out a request that gets no answer", async () => {
    const peer = await startPeer();
    const c = client({ url: peer.url, token: "good" });
    await expect(c.listJobs({ timeoutMs: 50 })).rejects.toMatchObject({ name: "RequestTimeoutError", action: "list_jobs" });
  });
});

// ── Documents and uploads ─────────────────────────────────────────────────────

/** A storage stand-in for presigned PUTs: records each request and answers with `status`. */
async function startStorage(status = 200, body = "") {
  const puts: Array<{ method: string; url: string; headers: IncomingHttpHeaders; body: string }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      puts.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.statusCode = status;
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, puts };
}

/** A peer that answers the document actions the way the API does. */
async function startDocumentsPeer(storageUrl = "http://127.0.0.1:1") {
  return startPeer({
    onFrame: (conn, frame) => {
      const base = { timestamp: Date.now(), requestId: frame.requestId };
      if (frame.action === "request_upload") {
        if (frame.size > 50 * 1024 * 1024) {
          return conn.send({ type: "error", ...base, code: "payload_too_large", message: `${frame.filename} is too large` });
        }
        conn.send({
          type: "upload_ready",
          ...base,
          uploadId: `up-${frame.filename}`,
          url: `${storageUrl}/ferry-uploads/k?X-Amz-Signature=abc`,
          headers: { "content-type": frame.contentType },
          expiresAt: Date.now() + 900_000,
        });
      } else if (frame.action === "list_documents") {
        const all = ["d3", "d2", "d1"].map((documentId, i) => ({
          documentId,
          filename: `${documentId}.pdf`,
          status: i === 0 ? ("ingesting" as const) : ("ready" as const),
          pages: 2,
          chunks: 4,
          createdAt: at(10 - i),
          updatedAt: at(10 - i),
        }));
        const from = frame.cursor ? Number(frame.cursor) : 0;
        const to = from + (frame.limit ?? 50);
        conn.send({ type: "document_list", ...base, documents: all.slice(from, to), cursor: to < all.length ? String(to) : undefined });
      } else if (frame.action === "delete_document") {
        if (frame.documentId === "d3") {
          conn.send({ type: "error", ...base, code: "bad_request", message: "d3 is still ingesting; cancel its job first" });
        } else if (frame.documentId === "nope") {
          conn.send({ type: "error", ...base, code: "not_found", message: "document nope not found" });
        } else {
          conn.send({ type: "document_deleted", ...base, documentId: frame.documentId });
        }
      }
    },
  });
}

const pdf = (name: string, text = "%PDF-1.4 hello") => Object.assign(new Blob([text], { type: "application/pdf" }), { name });

describe("FerryClient documents and uploads", () => {
  it("pages through the caller's documents with the cursor", async () => {
    const peer = await startDocumentsPeer();
    const c = client({ url: peer.url, token: "good" });
    const first = await c.listDocuments({ limit: 2 });
    expect(first).toMatchObject({ type: "document_list", cursor: "2" });
    expect(first.documents.map((d) => d.documentId)).toEqual(["d3", "d2"]);
    const second = await c.listDocuments({ limit: 2, cursor: first.cursor });
    expect(second.documents.map((d) => d.documentId)).toEqual(["d1"]);
    expect(second.cursor).toBeUndefined();
    expect(peer.connections[0]!.frames.filter((f) => f.action === "list_documents")).toEqual([
      { action: "list_documents", limit: 2, requestId: expect.any(String) },
      { action: "list_documents", limit: 2, cursor: "2", requestId: expect.any(String) },
    ]);
  });

  it("deletes a document, and rejects with the server's code and message", async () => {
    const peer = await startDocumentsPeer();
    const c = client({ url: peer.url, token: "good" });
    await expect(c.deleteDocument("d1")).resolves.toMatchObject({ type: "document_deleted", documentId: "d1" });
    const ingesting = await c.deleteDocument("d3").catch((e: unknown) => e);
    expect(ingesting).toBeInstanceOf(ActionRejectedError);
    expect(ingesting).toMatchObject({ code: "bad_request", action: "delete_document", message: "d3 is still ingesting; cancel its job first" });
    await expect(c.deleteDocument("nope")).rejects.toMatchObject({ code: "not_found" });
    await expect(c.deleteDocument("")).rejects.toMatchObject({ code: "bad_request" });
  });

  it("requests an upload and returns the upload_ready answer", async () => {
    const peer = await startDocumentsPeer();
    const c = client({ url: peer.url, token: "good" });
    const ready = await c.requestUpload({ filename: "a.pdf", contentType: "application/pdf", size: 10 });
    expect(ready).toMatchObject({ type: "upload_ready", uploadId: "up-a.pdf", headers: { "content-type": "application/pdf" } });
    await expect(c.requestUpload({ filename: "big.pdf", contentType: "application/pdf", size: 60 * 1024 * 1024 })).rejects.toMatchObject({
      code: "payload_too_large",
      action: "request_upload",
    });
  });

  it("uploadFile: request_upload, then one PUT of the bytes with the signed headers", async () => {
    const storage = await startStorage();
    const peer = await startDocumentsPeer(storage.url);
    const c = client({ url: peer.url, token: "good" });
    const progress: number[] = [];
    const uploadId = await c.uploadFile(pdf("report.pdf"), { onProgress: (p) => progress.push(p.loaded) });
    expect(uploadId).toBe("up-report.pdf");
    expect(storage.puts).toHaveLength(1);
    expect(storage.puts[0]).toMatchObject({
      method: "PUT",
      url: "/ferry-uploads/k?X-Amz-Signature=abc",
      body: "%PDF-1.4 hello",
      headers: { "content-type": "application/pdf", "content-length": "14" },
    });
    expect(progress).toEqual([0, 14]);
    expect(peer.connections[0]!.frames.find((f) => f.action === "request_upload")).toMatchObject({
      filename: "report.pdf",
      contentType: "application/pdf",
      size: 14,
    });
  });

  it("uploadFile: a refused PUT throws UploadFailedError with the status and storage's reason", async () => {
    const storage = await startStorage(403, "<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>");
    const peer = await startDocumentsPeer(storage.url);
    const c = client({ url: peer.url, token: "good" });
    const error = await c.uploadFile(pdf("late.pdf")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UploadFailedError);
    expect(error).toMatchObject({ status: 403, filename: "late.pdf", detail: "AccessDenied: Request has expired" });
    expect((error as Error).message).toBe("uploading late.pdf failed: storage answered HTTP 403 (AccessDenied: Request has expired)");
  });

  it("uploadFile: the server's refusal and an abort stop it before any PUT", async () => {
    const storage = await startStorage();
    const peer = await startDocumentsPeer(storage.url);
    const c = client({ url: peer.url, token: "good" });
    const huge = Object.assign(new Blob([new Uint8Array(51 * 1024 * 1024)], { type: "application/pdf" }), { name: "huge.pdf" });
    await expect(c.uploadFile(huge)).rejects.toMatchObject({ code: "payload_too_large" });
    const controller = new AbortController();
    controller.abort(new Error("user cancelled"));
    await expect(c.uploadFile(pdf("x.pdf"), { signal: controller.signal })).rejects.toThrow("user cancelled");
    expect(storage.puts).toHaveLength(0);
  });
});

describe("classifyHandshakeError", () => {
  it("tells a refused token from an unreachable server", () => {
    expect(classifyHandshakeError("Unexpected server response: 401")).toBe("refused");
    expect(classifyHandshakeError("Unexpected server response: 502")).toBe("unreachable");
    expect(classifyHandshakeError("connect ECONNREFUSED 127.0.0.1:1")).toBe("unreachable");
    expect(classifyHandshakeError(undefined)).toBe("unknown");
  });
});
