import { Limits, ServerEvent, type JobEvent, type ServerEventOf } from "../protocol";
import { ActionRejectedError, ClientClosedError, RequestTimeoutError } from "./errors";
import { JobTracker, type JobCursor, type JobState } from "./job-tracker";
import { Listeners } from "./listeners";
import { PendingRequests, type ActionFrame, type FrameAnswer, type JobAnswer } from "./pending-requests";
import { randomId } from "./random-id";
import { abortable, contentTypeOf, putToPresignedUrl, type PutOptions, type UploadableFile } from "./upload";

/**
 * The part of the WHATWG `WebSocket` the client uses. Browsers' `WebSocket` and
 * the `ws` package's class both satisfy it. Handlers' event types are left open
 * because the two implementations type their events differently.
 */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: never) => void) | null;
  onmessage: ((event: never) => void) | null;
  onerror: ((event: never) => void) | null;
  onclose: ((event: never) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

/**
 * - `connecting`: the first connection is being made (or retried).
 * - `open`: frames flow.
 * - `reconnecting`: the connection dropped; the client is waiting or trying again.
 * - `unauthorized`: the handshake was refused several times in a row (bad or expired token); the client gave up.
 * - `closed`: `close()` was called, or `connect()` not yet.
 */
export type ConnectionState = "connecting" | "open" | "reconnecting" | "unauthorized" | "closed";

export interface ConnectionStatus {
  readonly state: ConnectionState;
  /** Failed attempts since the last connection that stayed up. */
  readonly attempt: number;
  /** When the next attempt starts (epoch ms), while waiting to reconnect. */
  readonly retryAt: number | undefined;
  /** The last close the client saw. */
  readonly lastClose: { readonly code: number; readonly reason: string } | undefined;
  /** Why the client is not `open`, in words a person can act on. */
  readonly detail: string | undefined;
}

export interface FerryClientOptions {
  /** The WebSocket API URL, e.g. `wss://abc.execute-api.eu-west-1.amazonaws.com/prod` or `ws://127.0.0.1:3001/local`. */
  url: string;
  /** A bearer token, or a function called before every connection attempt (to refresh expiring tokens). */
  token: string | (() => string | Promise<string>);
  /** The WebSocket class: `globalThis.WebSocket` in browsers, `ws`'s `WebSocket` in Node 20. */
  WebSocket?: WebSocketConstructor;
  /** Connect from the constructor. Default true. */
  autoConnect?: boolean;
  /** How long a request may wait for its answer once sent. Default 30 s (cancel: 60 s). */
  requestTimeoutMs?: number;
  /** Interval of keep-alive pings; API Gateway drops connections idle for 10 min. Default 5 min. */
  pingIntervalMs?: number;
  /** A ping unanswered this long means the connection is dead. Default 20 s. */
  pongTimeoutMs?: number;
  /** Age at which the client opens a fresh connection and retires the old one (API Gateway cuts at 2 h). Default 1 h 55 min. */
  maxConnectionAgeMs?: number;
  /** Reconnect delays: exponential from `initialMs`, capped at `maxMs`, with jitter. Default 500 ms → 10 s. */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Handshakes refused in a row before the client settles in `unauthorized`. Default 4. */
  maxHandshakeFailures?: number;
  /** A connection open at least this long resets the backoff. Default 5 s. */
  stableAfterMs?: number;
  /** How long a retired connection may still deliver answers after a rotation. Default 5 s. */
  rotationGraceMs?: number;
  /** How long a gap in a job's `seq` may last before the client asks for a replay. Default 1 500 ms. */
  gapTimeoutMs?: number;
  /** Where invalid frames and listener errors are reported. Default `console`. */
  logger?: { warn(message: string, ...details: unknown[]): void };
}

/** What `submitJob` resolves with. */
export interface SubmitResult {
  jobId: string;
  /** The tracked state right after the answer was applied. */
  job: JobState;
  /** The answer: `job_queued`, or `job_snapshot` when the idempotency key had been used already. */
  event: ServerEventOf<"job_queued"> | ServerEventOf<"job_snapshot">;
  /** True when the server returned an existing job for this idempotency key. */
  duplicate: boolean;
}

export interface RequestOptions {
  /** Overrides the client's `requestTimeoutMs` for this request. */
  timeoutMs?: number;
}

/** What `request_upload` declares about a file; the presigned URL accepts exactly this. */
export interface UploadRequest {
  filename: string;
  contentType: string;
  /** Bytes that will be PUT. */
  size: number;
}

export interface UploadFileOptions extends RequestOptions, Pick<PutOptions, "signal" | "onProgress" | "fetch" | "XMLHttpRequest"> {}

/** Why a frame was ignored. */
export interface InvalidFrame {
  data: unknown;
  reason: string;
}

/**
 * One WebSocket. Whether it is the current connection, a rotation being opened
 * or a retiring one is not stored here: it is whichever of `#current`,
 * `#rotation` or neither the client holds it in.
 */
interface Link {
  readonly socket: WebSocketLike;
  /** When the handshake completed; undefined until then. */
  openedAt: number | undefined;
  /** What the socket's `error` event said: before the handshake, the only clue to why it failed. */
  error: string | undefined;
  /** Keep-alive, rotation and retirement timers; all stop when the link ends. */
  timers: Array<ReturnType<typeof setTimeout>>;
}

const OPEN = 1;
const CONNECTING = 0;
const DEFAULT_MAX_AGE_MS = Limits.maxConnectionMs - 5 * 60_000;
/** Wait before trying a failed rotation again; the current connection serves meanwhile. */
const ROTATION_RETRY_MS = 30_000;
/** `subscribe` takes at most this many `jobIds`. */
const MAX_SUBSCRIBE_IDS = 100;

/**
 * A Ferry WebSocket client for browsers and Node, with no dependencies beyond
 * the protocol schemas. It hides API Gateway's quirks: it reconnects with
 * jittered backoff and re-subscribes unfinished jobs from their last `seq`, pings
 * before the 10-minute idle cut, swaps to a fresh connection before the 2-hour
 * cut, re-sends unanswered requests after a reconnect (submits carry an
 * idempotency key, so this is safe), refuses frames over 32 KB, validates every
 * incoming frame, and tracks each job's state through a {@link JobTracker}.
 *
 * @example
 * ```ts
 * import WebSocket from "ws";
 * const client = new FerryClient({ url: outputs.websocketUrl, token, WebSocket });
 * client.onJob((job) => console.log(job.jobId, job.status, job.progress));
 * const { jobId } = await client.submitJob("canary", { steps: 3 });
 * ```
 */
export class FerryClient {
  /** Every job this client has seen, folded from snapshots and events. */
  readonly tracker: JobTracker;

  readonly #url: string;
  #token: FerryClientOptions["token"];
  readonly #WebSocket: WebSocketConstructor;
  readonly #requestTimeoutMs: number;
  readonly #pingIntervalMs: number;
  readonly #pongTimeoutMs: number;
  readonly #maxAgeMs: number;
  readonly #backoffInitialMs: number;
  readonly #backoffMaxMs: number;
  readonly #maxHandshakeFailures: number;
  readonly #stableAfterMs: number;
  readonly #rotationGraceMs: number;
  readonly #logger: NonNullable<FerryClientOptions["logger"]>;

  readonly #onStatus: Listeners<[ConnectionStatus]>;
  readonly #onFrame: Listeners<[ServerEvent]>;
  readonly #onInvalidFrame: Listeners<[InvalidFrame]>;

  readonly #requests = new PendingRequests<Link>();
  /** Every link not yet ended: the current one, a rotation being opened, retiring ones. */
  readonly #links = new Set<Link>();

  #status: ConnectionStatus = { state: "closed", attempt: 0, retryAt: undefined, lastClose: undefined, detail: undefined };
  /** True between `close()` (or giving up) and the next `connect()`. */
  #stopped = true;
  #everOpened = false;
  #handshakeFailures = 0;
  /** Bumped by every new attempt, and by `#stop`, so a late token for an older one is ignored. */
  #generation = 0;
  #current: Link | undefined;
  #rotation: Link | undefined;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: FerryClientOptions) {
    this.#url = options.url;
    this.#token = options.token;
    const WebSocketClass = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!WebSocketClass) throw new TypeError("no WebSocket class: pass one, e.g. `WebSocket` from the ws package in Node 20");
    this.#WebSocket = WebSocketClass;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.#pingIntervalMs = options.pingIntervalMs ?? 5 * 60_000;
    this.#pongTimeoutMs = options.pongTimeoutMs ?? 20_000;
    this.#maxAgeMs = options.maxConnectionAgeMs ?? DEFAULT_MAX_AGE_MS;
    this.#backoffInitialMs = options.backoff?.initialMs ?? 500;
    this.#backoffMaxMs = Math.max(this.#backoffInitialMs, options.backoff?.maxMs ?? 10_000);
    this.#maxHandshakeFailures = Math.max(1, options.maxHandshakeFailures ?? 4);
    this.#stableAfterMs = options.stableAfterMs ?? 5_000;
    this.#rotationGraceMs = options.rotationGraceMs ?? 5_000;
    this.#logger = options.logger ?? console;

    const onListenerError = (error: unknown) => this.#logger.warn("[ferry] a listener threw", error);
    this.#onStatus = new Listeners(onListenerError);
    this.#onFrame = new Listeners(onListenerError);
    this.#onInvalidFrame = new Listeners(onListenerError);
    this.tracker = new JobTracker({ gapTimeoutMs: options.gapTimeoutMs, onListenerError });
    this.tracker.onResync((jobId, afterSeq) => this.#resubscribe([{ jobId, afterSeq }]));
    this.tracker.onJob((job) => this.#requests.jobChanged(job));

    if (options.autoConnect ?? true) this.connect();
  }

  // ── state ─────────────────────────────────────────────────────────────

  /** The connection's state and why; the same object until it changes. */
  get status(): ConnectionStatus {
    return this.#status;
  }

  get state(): ConnectionState {
    return this.#status.state;
  }

  /** Every tracked job, newest first; the same array until something changes. */
  get jobs(): readonly JobState[] {
    return this.tracker.list();
  }

  job(jobId: string): JobState | undefined {
    return this.tracker.get(jobId);
  }

  /** Calls `listener` with the new status on every change of state, attempt, retry time or detail. */
  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    return this.#onStatus.add(listener);
  }

  /** Calls `listener` with a job's new state after every change (see {@link JobTracker.onJob}). */
  onJob(listener: (job: JobState, event: JobEvent | undefined) => void): () => void {
    return this.tracker.onJob(listener);
  }

  /** Calls `listener` once per job event applied: in `seq` order, de-duplicated, gaps filled. */
  onEvent(listener: (event: JobEvent, job: JobState) => void): () => void {
    return this.tracker.onEvent(listener);
  }

  /** Calls `listener` when the list of jobs changed (for `useSyncExternalStore`). */
  onJobsChange(listener: () => void): () => void {
    return this.tracker.onChange(listener);
  }

  /** Calls `listener` with every valid frame as received, duplicates and `error` frames included. */
  onFrame(listener: (frame: ServerEvent) => void): () => void {
    return this.#onFrame.add(listener);
  }

  /** Calls `listener` with frames that were not JSON or did not match the `ServerEvent` schema; they are ignored. */
  onInvalidFrame(listener: (frame: InvalidFrame) => void): () => void {
    return this.#onInvalidFrame.add(listener);
  }

  // ── lifecycle ─────────────────────────────────────────────────────────

  /** Starts connecting; after `close()` or `unauthorized`, starts over. A no-op while already active. */
  connect(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#handshakeFailures = 0;
    this.#setStatus({ attempt: 0, retryAt: undefined, detail: undefined });
    this.#start();
  }

  /** Tries now instead of waiting for the backoff, dropping the current connection if there is one. */
  reconnect(): void {
    if (this.#stopped) return this.connect();
    this.#dropConnection("reconnecting");
    this.#handshakeFailures = 0;
    this.#start();
  }

  /** Uses another token from the next connection on; reconnects if the last one was refused. */
  setToken(token: FerryClientOptions["token"]): void {
    this.#token = token;
    if (this.#status.state === "unauthorized") this.connect();
  }

  /** Closes the connection for good (until `connect()`); unanswered requests reject with {@link ClientClosedError}. */
  close(): void {
    this.#stop("closed");
  }

  // ── actions ───────────────────────────────────────────────────────────

  /**
   * Submits a job. Resolves with the `job_queued` answer, or the `job_snapshot` of
   * the existing job when `idempotencyKey` was used before. A key is generated
   * when none is given, so a submit re-sent after a reconnect never runs twice.
   *
   * @throws {FrameTooLargeError} when the frame exceeds 32 KB (nothing is sent)
   * @throws {ActionRejectedError} when the server answers with an `error`
   */
  submitJob(
    kind: string,
    input: unknown = {},
    options: RequestOptions & { idempotencyKey?: string } = {},
  ): Promise<SubmitResult> {
    const frame: ActionFrame = { action: "submit_job", kind, input, idempotencyKey: options.idempotencyKey ?? randomId() };
    return this.#request<SubmitResult>(frame, options, (frame, resolve) => {
      if (frame.type !== "job_queued" && frame.type !== "job_snapshot") return false;
      const job = this.tracker.get(frame.jobId);
      if (!job) return false;
      resolve({ jobId: frame.jobId, job, event: frame, duplicate: frame.type === "job_snapshot" });
      return true;
    });
  }

  /**
   * Asks for a job to be cancelled. Resolves with the job's state once it is
   * terminal: `cancelled`, or `completed`/`failed` if it finished first.
   */
  cancelJob(jobId: string, options: RequestOptions = {}): Promise<JobState> {
    const timeoutMs = options.timeoutMs ?? Math.max(this.#requestTimeoutMs, 60_000);
    return this.#request<JobState>(
      { action: "cancel_job", jobId },
      { timeoutMs },
      () => false,
      (job, resolve) => {
        if (job.jobId !== jobId || !job.terminal) return false;
        resolve(job);
        return true;
      },
    );
  }

  /** One page of the caller's jobs, newest first; they are tracked from now on. */
  listJobs(options: RequestOptions & { limit?: number; cursor?: string } = {}): Promise<{ jobs: JobState[]; cursor: string | undefined }> {
    const frame: ActionFrame = { action: "list_jobs", limit: options.limit, cursor: options.cursor };
    return this.#request(frame, options, (frame, resolve) => {
      if (frame.type !== "job_list") return false;
      const jobs = frame.jobs.flatMap((view) => {
        const job = this.tracker.get(view.jobId);
        return job ? [job] : [];
      });
      resolve({ jobs, cursor: frame.cursor });
      return true;
    });
  }

  /**
   * Snapshots `jobIds` (at most 100) and replays their events after `afterSeq`;
   * resolves once every snapshot has arrived. Replayed events follow and are
   * applied as they come.
   */
  subscribe(jobIds: string[], afterSeq?: number, options: RequestOptions = {}): Promise<JobState[]> {
    const waiting = new Set(jobIds);
    return this.#request({ action: "subscribe", jobIds, afterSeq }, options, (frame, resolve) => {
      if (frame.type !== "job_snapshot") return false;
      waiting.delete(frame.jobId);
      if (waiting.size > 0) return false;
      resolve(jobIds.flatMap((id) => this.tracker.get(id) ?? []));
      return true;
    });
  }

  /**
   * Asks for a presigned URL to upload one file to. Resolves with the
   * `upload_ready` answer; PUT the file to its `url` with exactly its `headers`
   * (or let {@link uploadFile} do both steps).
   *
   * @throws {ActionRejectedError} `bad_request` (not an accepted type, 0 bytes),
   *   `payload_too_large` (over the server's cap)
   */
  requestUpload(file: UploadRequest, options: RequestOptions = {}): Promise<ServerEventOf<"upload_ready">> {
    const frame: ActionFrame = { action: "request_upload", filename: file.filename, contentType: file.contentType, size: file.size };
    return this.#request(frame, options, (frame, resolve) => {
      if (frame.type !== "upload_ready") return false;
      resolve(frame);
      return true;
    });
  }

  /**
   * Uploads a file straight to object storage: `request_upload`, then one PUT to
   * the presigned URL. Resolves with the `uploadId` to submit, e.g.
   * `submitJob("ingest_pdf", { uploadId })`. In browsers, `onProgress` reports
   * bytes sent (through `XMLHttpRequest`); elsewhere it is called at the start
   * and the end.
   *
   * @throws {ActionRejectedError} when the server refuses the upload (type, size)
   * @throws {UploadFailedError} when storage refuses the PUT (with its HTTP status)
   * @throws the signal's reason when `signal` aborts
   *
   * @example
   * ```ts
   * const uploadId = await client.uploadFile(input.files[0], { onProgress: (p) => bar.value = p.loaded / p.total });
   * const { jobId } = await client.submitJob("ingest_pdf", { uploadId });
   * ```
   */
  async uploadFile(file: UploadableFile, options: UploadFileOptions = {}): Promise<string> {
    const { signal } = options;
    signal?.throwIfAborted();
    const request = { filename: file.name, contentType: contentTypeOf(file), size: file.size };
    const ready = await abortable(this.requestUpload(request, options), signal);
    await putToPresignedUrl(ready, file, options);
    return ready.uploadId;
  }

  /** One page of the caller's documents, newest first; pass the answer's `cursor` back for the next one. */
  listDocuments(page: RequestOptions & { limit?: number; cursor?: string } = {}): Promise<ServerEventOf<"document_list">> {
    const frame: ActionFrame = { action: "list_documents", limit: page.limit, cursor: page.cursor };
    return this.#request(frame, page, (frame, resolve) => {
      if (frame.type !== "document_list") return false;
      resolve(frame);
      return true;
    });
  }

  /**
   * Deletes a document: its vectors, its file and its record. Resolves with the
   * `document_deleted` answer once all three are gone.
   *
   * @throws {ActionRejectedError} `not_found` (unknown or someone else's),
   *   `bad_request` (still ingesting: cancel its job first)
   */
  deleteDocument(documentId: string, options: RequestOptions = {}): Promise<ServerEventOf<"document_deleted">> {
    return this.#request({ action: "delete_document", documentId }, options, (frame, resolve) => {
      if (frame.type !== "document_deleted") return false;
      resolve(frame);
      return true;
    });
  }

  /** Round trip to the server; the client also pings on its own to keep the connection alive. */
  ping(options: RequestOptions = {}): Promise<{ serverTime: number; roundTripMs: number }> {
    return this.#ping(options.timeoutMs ?? this.#requestTimeoutMs, false);
  }

  /** Proves the token again on an open connection (it must name the same user). */
  authenticate(token: string, options: RequestOptions = {}): Promise<{ userId: string; connectionId: string }> {
    return this.#request({ action: "authenticate", token }, options, (frame, resolve) => {
      if (frame.type !== "authenticated") return false;
      resolve({ userId: frame.userId, connectionId: frame.connectionId });
      return true;
    });
  }

  // ── requests ──────────────────────────────────────────────────────────

  #request<T>(
    frame: ActionFrame,
    options: RequestOptions & { internal?: boolean },
    onFrame: FrameAnswer<T>,
    onJob?: JobAnswer<T>,
  ): Promise<T> {
    if (this.#stopped) {
      return Promise.reject(new ClientClosedError(this.#status.state === "unauthorized" ? "unauthorized" : "closed"));
    }
    const settings = { timeoutMs: options.timeoutMs ?? this.#requestTimeoutMs, internal: options.internal ?? false };
    const answer = this.#requests.add(frame, settings, onFrame, onJob);
    if (this.#current?.openedAt !== undefined) this.#flush(this.#current);
    return answer;
  }

  /** Sends every request not in flight: queued while offline, or lost with a dropped connection. */
  #flush(link: Link): void {
    this.#requests.flush(link, (text) => {
      if (!this.#links.has(link) || link.socket.readyState !== OPEN) return false;
      try {
        link.socket.send(text);
        return true;
      } catch {
        return false; // the close event that follows ends the link
      }
    });
  }

  #ping(timeoutMs: number, internal: boolean): Promise<{ serverTime: number; roundTripMs: number }> {
    return this.#request({ action: "ping" }, { timeoutMs, internal }, (frame, resolve, sentAt) => {
      if (frame.type !== "pong") return false;
      resolve({ serverTime: frame.timestamp, roundTripMs: Date.now() - sentAt });
      return true;
    });
  }

  /** Re-subscribes jobs from their cursors, {@link MAX_SUBSCRIBE_IDS} per frame, grouped by `afterSeq`. */
  #resubscribe(cursors: readonly JobCursor[]): void {
    if (this.#current?.openedAt === undefined || cursors.length === 0) return;
    const groups = new Map<number, string[]>();
    for (const { jobId, afterSeq } of cursors) {
      const group = groups.get(afterSeq);
      if (group) group.push(jobId);
      else groups.set(afterSeq, [jobId]);
    }
    for (const [afterSeq, jobIds] of groups) {
      for (let i = 0; i < jobIds.length; i += MAX_SUBSCRIBE_IDS) {
        const batch = jobIds.slice(i, i + MAX_SUBSCRIBE_IDS);
        this.#request({ action: "subscribe", jobIds: batch, afterSeq }, { internal: true }, (frame, resolve) => {
          if (frame.type !== "job_snapshot" || frame.jobId !== batch.at(-1)) return false;
          resolve(undefined);
          return true;
        }).catch((error: unknown) => {
          if (error instanceof ActionRejectedError && error.code === "not_found" && error.jobId) {
            // The job expired or was never ours: stop tracking it and retry the others.
            this.tracker.forget(error.jobId);
            const rest = new Set(batch);
            this.#resubscribe(this.tracker.cursors().filter((cursor) => rest.has(cursor.jobId)));
          } else if (!(error instanceof ClientClosedError || error instanceof RequestTimeoutError)) {
            this.#logger.warn("[ferry] re-subscribe failed", error);
          }
        });
      }
    }
  }

  // ── connection ────────────────────────────────────────────────────────

  #start(): void {
    this.#clearReconnectTimer();
    const generation = ++this.#generation;
    this.#setStatus({ state: this.#everOpened ? "reconnecting" : "connecting", retryAt: undefined });
    this.#resolveToken().then(
      (token) => {
        if (generation !== this.#generation) return;
        const link = this.#createLink(token);
        if (link) this.#current = link;
        else this.#stop("closed", `cannot open a WebSocket to ${this.#url}`);
      },
      (error: unknown) => {
        if (generation !== this.#generation) return;
        this.#handshakeFailed(`the token provider failed: ${describe(error)}`, "unknown");
      },
    );
  }

  async #resolveToken(): Promise<string> {
    return typeof this.#token === "function" ? await this.#token() : this.#token;
  }

  #createLink(token: string): Link | undefined {
    const separator = this.#url.includes("?") ? "&" : "?";
    let socket: WebSocketLike;
    try {
      socket = new this.#WebSocket(`${this.#url}${separator}token=${encodeURIComponent(token)}`);
    } catch (error) {
      this.#logger.warn("[ferry] cannot create a WebSocket", error);
      return undefined;
    }
    const link: Link = { socket, openedAt: undefined, error: undefined, timers: [] };
    this.#links.add(link);
    const on = socket as unknown as {
      onopen: (() => void) | null;
      onmessage: ((event: { data: unknown }) => void) | null;
      onerror: ((event: unknown) => void) | null;
      onclose: ((event: { code?: number; reason?: string }) => void) | null;
    };
    on.onopen = () => this.#onOpen(link);
    on.onmessage = (event) => this.#onMessage(event.data);
    on.onerror = (event) => {
      link.error ??= socketErrorMessage(event);
    };
    on.onclose = (event) => this.#onClose(link, event.code ?? 1006, event.reason ?? "");
    return link;
  }

  #onOpen(link: Link): void {
    if (link === this.#rotation) {
      const old = this.#current;
      this.#rotation = undefined;
      this.#current = link;
      if (old) this.#retire(old);
    } else if (link !== this.#current) {
      return this.#endLink(link, 1000, "superseded");
    }
    link.openedAt = Date.now();
    this.#everOpened = true;
    this.#handshakeFailures = 0;
    this.#startLinkTimers(link);
    this.#setStatus({ state: "open", retryAt: undefined, detail: undefined });
    this.#resubscribe(this.tracker.cursors());
    this.#flush(link);
  }

  #onMessage(data: unknown): void {
    const text = frameText(data);
    if (text === undefined) return this.#invalid({ data, reason: "not a text frame" });
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return this.#invalid({ data: text, reason: "not JSON" });
    }
    const parsed = ServerEvent.safeParse(json);
    if (!parsed.success) {
      const reason = parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
        .join("; ");
      return this.#invalid({ data: json, reason: `does not match ServerEvent: ${reason}` });
    }
    const frame = parsed.data;
    this.#onFrame.emit(frame);
    this.tracker.apply(frame);
    this.#requests.answer(frame);
  }

  #invalid(frame: InvalidFrame): void {
    this.#logger.warn(`[ferry] ignored an invalid frame: ${frame.reason}`, frame.data);
    this.#onInvalidFrame.emit(frame);
  }

  #onClose(link: Link, code: number, reason: string, closeSocket = false): void {
    if (!this.#links.has(link)) return;
    this.#endLink(link, closeSocket ? code : undefined, reason);
    if (link === this.#rotation) {
      this.#rotation = undefined;
      return this.#retryRotation(this.#current);
    }
    if (link !== this.#current) return;
    this.#dropConnection("superseded");
    this.#setStatus({ lastClose: { code, reason } });
    if (link.openedAt === undefined) {
      const detail = link.error ?? `closed with ${code} before the handshake completed`;
      return this.#handshakeFailed(detail, classifyHandshakeError(link.error));
    }
    if (Date.now() - link.openedAt >= this.#stableAfterMs) this.#setStatus({ attempt: 0 });
    this.#scheduleReconnect(`connection closed (${code}${reason ? ` ${reason}` : ""})`);
  }

  #handshakeFailed(detail: string, kind: "refused" | "unreachable" | "unknown"): void {
    if (kind !== "unreachable") this.#handshakeFailures++;
    if (this.#handshakeFailures >= this.#maxHandshakeFailures) {
      return this.#stop(
        "unauthorized",
        `the server refused the connection ${this.#handshakeFailures} times in a row (${detail}); ` +
          "the token is probably invalid or expired, or the server is unreachable",
      );
    }
    this.#scheduleReconnect(detail);
  }

  #scheduleReconnect(detail: string): void {
    const attempt = this.#status.attempt + 1;
    const ceiling = Math.min(this.#backoffMaxMs, this.#backoffInitialMs * 2 ** (attempt - 1));
    const delay = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
    this.#clearReconnectTimer();
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      if (!this.#stopped) this.#start();
    }, delay);
    this.#setStatus({
      state: this.#everOpened ? "reconnecting" : "connecting",
      attempt,
      retryAt: Date.now() + delay,
      detail,
    });
  }

  #stop(reason: "closed" | "unauthorized", detail?: string): void {
    this.#stopped = true;
    this.#generation++;
    this.#clearReconnectTimer();
    this.#current = this.#rotation = undefined;
    // Retiring links too: nothing may outlive close().
    for (const link of [...this.#links]) this.#endLink(link, 1000, "client closed");
    this.#requests.rejectAll(() => new ClientClosedError(reason, detail));
    // A reconnect re-subscribes every unfinished job from its cursor, which fills any gap.
    this.tracker.stopGapTimers();
    this.#setStatus({ state: reason, retryAt: undefined, detail });
  }

  /** Ends the current connection and any rotation being opened; retiring links finish on their own. */
  #dropConnection(reason: string): void {
    const links = [this.#current, this.#rotation];
    this.#current = this.#rotation = undefined;
    for (const link of links) if (link) this.#endLink(link, 1000, reason);
  }

  /** Keep-alive pings and the rotation before API Gateway's 2-hour cut. */
  #startLinkTimers(link: Link): void {
    const ping = setInterval(() => {
      if (link !== this.#current) return;
      this.#ping(this.#pongTimeoutMs, true).catch((error: unknown) => {
        if (error instanceof RequestTimeoutError && link === this.#current) {
          // A silent network can keep a dead socket "open" for minutes; treat it as closed now.
          this.#onClose(link, 4000, "no pong", true);
        }
      });
    }, this.#pingIntervalMs);
    link.timers.push(ping);
    // Jitter so that many tabs opened together do not all rotate at the same moment.
    const age = this.#maxAgeMs - Math.random() * Math.min(60_000, this.#maxAgeMs * 0.05);
    link.timers.push(setTimeout(() => this.#rotate(link), age));
  }

  /** Opens a fresh connection alongside `link`, the current one; {@link #onOpen} swaps them. */
  #rotate(link: Link): void {
    if (link !== this.#current || this.#rotation) return;
    this.#resolveToken().then(
      (token) => {
        if (link !== this.#current || this.#rotation) return;
        this.#rotation = this.#createLink(token);
        if (!this.#rotation) this.#retryRotation(link);
      },
      () => this.#retryRotation(link),
    );
  }

  /** Tries the rotation again later, on a timer of the current link so that it dies with it. */
  #retryRotation(link: Link | undefined): void {
    if (link && link === this.#current) link.timers.push(setTimeout(() => this.#rotate(link), ROTATION_RETRY_MS));
  }

  /** Lets an old connection deliver answers still in flight, then closes it. */
  #retire(link: Link): void {
    clearTimers(link);
    link.timers.push(setTimeout(() => this.#endLink(link, 1000, "rotated"), this.#rotationGraceMs));
  }

  /**
   * Detaches a connection: stops its timers, closes it if asked, and puts its
   * unanswered requests back in the queue (internal ones fail).
   */
  #endLink(link: Link, code?: number, reason?: string): void {
    if (!this.#links.delete(link)) return;
    clearTimers(link);
    const on = link.socket as unknown as Record<"onopen" | "onmessage" | "onerror" | "onclose", unknown>;
    // Keep no-op handlers: `ws` throws on an "error" event nobody listens to.
    on.onopen = on.onmessage = on.onclose = null;
    on.onerror = () => {};
    if (code !== undefined && (link.socket.readyState === OPEN || link.socket.readyState === CONNECTING)) {
      try {
        link.socket.close(code, reason);
      } catch {
        // already closing
      }
    }
    const requeued = this.#requests.detach(link);
    if (requeued && this.#current?.openedAt !== undefined && this.#current !== link) this.#flush(this.#current);
  }

  #clearReconnectTimer(): void {
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
  }

  #setStatus(patch: Partial<ConnectionStatus>): void {
    const next = { ...this.#status, ...patch };
    const keys = Object.keys(next) as Array<keyof ConnectionStatus>;
    if (keys.every((key) => next[key] === this.#status[key])) return;
    this.#status = next;
    this.#onStatus.emit(next);
  }
}

function clearTimers(link: Link): void {
  for (const timer of link.timers) clearTimeout(timer); // clears intervals too, in browsers and Node
  link.timers = [];
}

const decoder = new TextDecoder();

function frameText(data: unknown): string | undefined {
  if (typeof data === "string") return data;
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return decoder.decode(data);
  return undefined;
}

function socketErrorMessage(event: unknown): string | undefined {
  const e = event as { message?: unknown; error?: { message?: unknown } } | null;
  if (typeof e?.message === "string" && e.message) return e.message;
  if (typeof e?.error?.message === "string" && e.error.message) return e.error.message;
  return undefined;
}

/**
 * Browsers hide why a handshake failed (a 401 and a dead server look alike);
 * `ws` says "Unexpected server response: 401" or names the network error.
 */
export function classifyHandshakeError(message: string | undefined): "refused" | "unreachable" | "unknown" {
  if (typeof navigator !== "undefined" && (navigator as { onLine?: boolean }).onLine === false) return "unreachable";
  if (!message) return "unknown";
  const status = /Unexpected server response: (\d{3})/.exec(message)?.[1];
  if (status === "401" || status === "403") return "refused";
  if (status) return "unreachable";
  if (/ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|socket hang up/i.test(message)) {
    return "unreachable";
  }
  return "unknown";
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
