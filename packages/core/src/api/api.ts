import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { AuthError, JobNotFoundError, RequestError, TransitionRejectedError, describeError } from "../errors";
import { isTerminal, toView, type JobRecord } from "../jobs/job";
import type { JobKindRegistry } from "../jobs/kinds";
import type { EventPublisher } from "../jobs/publisher";
import type { ConnectionStore, JobQueue, JobStore, Logger, RateLimiter } from "../ports";
import { ClientAction, Limits, actionNames, type ActionName, type JobView, type ServerEvent } from "../protocol";
import type { Principal, TokenVerifier } from "../auth";
import type { DocumentService } from "../ingest/document-service";

export interface ApiOptions {
  /** How long a job and its log are kept after their last event. */
  jobTtlSeconds: number;
  /** Largest serialized `submit_job.input`; bigger inputs belong in an upload. */
  maxInputBytes: number;
  /** Jobs `subscribe` without `jobIds` snapshots. */
  recentJobs: number;
  /** Most events one `subscribe` replays per job. */
  maxReplay: number;
  /** Jobs one user may submit per minute, across all their connections. */
  submitsPerMinute: number;
}

export const defaultApiOptions: ApiOptions = {
  jobTtlSeconds: 7 * 24 * 3600,
  maxInputBytes: 32 * 1024,
  recentJobs: 20,
  maxReplay: 10_000,
  submitsPerMinute: 120,
};

export interface ApiDeps {
  store: JobStore;
  connections: ConnectionStore;
  publisher: EventPublisher;
  queue: JobQueue;
  kinds: JobKindRegistry;
  verifier: TokenVerifier;
  rateLimiter: RateLimiter;
  logger: Logger;
  /** Uploads and documents; without it those actions answer that documents are not enabled. */
  documents?: DocumentService;
  options?: Partial<ApiOptions>;
}

/** Who sent a frame, as API Gateway's authorizer context tells it. */
export interface Caller {
  connectionId: string;
  userId: string;
}

/**
 * What the WebSocket API does, independent of API Gateway: each route handler in
 * `packages/functions` is a thin adapter over one of these methods, and the
 * offline gateway runs those same handlers.
 */
export class FerryApi {
  readonly #o: ApiOptions;

  constructor(private readonly deps: ApiDeps) {
    this.#o = { ...defaultApiOptions, ...deps.options };
  }

  /** The `$connect` authorizer's check; throws `AuthError` (→ 401). */
  async authorize(token: string | undefined): Promise<Principal> {
    if (!token) throw new AuthError("no token");
    return this.deps.verifier.verify(token);
  }

  async connect(caller: Caller, connectedAt = Date.now()): Promise<void> {
    await this.deps.connections.put({
      ...caller,
      connectedAt,
      // API Gateway closes every connection within 2 h; keep the record a little longer.
      expiresAt: Math.floor((connectedAt + Limits.maxConnectionMs) / 1000) + 300,
    });
  }

  async disconnect(connectionId: string): Promise<void> {
    await this.deps.connections.delete(connectionId);
  }

  /**
   * Handles one frame from a route. `route` is the action its route key names, or
   * `$default` for frames API Gateway could not route. Every outcome, error
   * included, is sent back as a frame; nothing a client sends closes its connection.
   */
  async handleFrame(caller: Caller, route: ActionName | "$default", body: string | null | undefined): Promise<void> {
    let requestId: string | undefined;
    try {
      const frame = parseFrame(body);
      requestId = typeof frame.requestId === "string" ? frame.requestId.slice(0, 128) : undefined;
      const action = route === "$default" ? frame.action : route;
      if (typeof action !== "string" || !actionNames.includes(action as ActionName)) {
        throw new RequestError(
          "bad_request",
          action === undefined
            ? `frame has no "action"; expected one of ${actionNames.join(", ")}`
            : `unknown action ${JSON.stringify(action)}; expected one of ${actionNames.join(", ")}`,
        );
      }
      const parsed = ClientAction.safeParse({ ...frame, action });
      if (!parsed.success) throw new RequestError("bad_request", `invalid ${action}: ${summarize(parsed.error)}`);
      await this.#dispatch(caller, parsed.data);
    } catch (error) {
      await this.#replyError(caller, error, requestId);
    }
  }

  async #dispatch(caller: Caller, action: ClientAction): Promise<void> {
    switch (action.action) {
      case "ping":
        return this.#reply(caller, { type: "pong", timestamp: Date.now(), requestId: action.requestId });
      case "authenticate":
        return this.#authenticate(caller, action);
      case "submit_job":
        return this.#submit(caller, action);
      case "subscribe":
        return this.#subscribe(caller, action);
      case "list_jobs":
        return this.#list(caller, action);
      case "cancel_job":
        return this.#cancel(caller, action);
      case "request_upload": {
        const upload = await this.#documents().requestUpload(caller.userId, action);
        return this.#reply(caller, { type: "upload_ready", timestamp: Date.now(), ...upload, requestId: action.requestId });
      }
      case "list_documents": {
        const page = await this.#documents().list(caller.userId, action);
        return this.#reply(caller, { type: "document_list", timestamp: Date.now(), ...page, requestId: action.requestId });
      }
      case "delete_document":
        await this.#documents().delete(caller.userId, action.documentId);
        return this.#reply(caller, { type: "document_deleted", timestamp: Date.now(), documentId: action.documentId, requestId: action.requestId });
    }
  }

  #documents(): DocumentService {
    if (!this.deps.documents) throw new RequestError("bad_request", "documents are not enabled on this deployment");
    return this.deps.documents;
  }

  async #authenticate(caller: Caller, action: Extract<ClientAction, { action: "authenticate" }>) {
    let principal: Principal;
    try {
      principal = await this.deps.verifier.verify(action.token);
    } catch (error) {
      throw new RequestError("unauthorized", describeError(error), { cause: error });
    }
    if (principal.userId !== caller.userId) {
      throw new RequestError("forbidden", "this token belongs to another user; reconnect with it to switch users");
    }
    await this.connect(caller);
    await this.#reply(caller, {
      type: "authenticated",
      timestamp: Date.now(),
      userId: principal.userId,
      connectionId: caller.connectionId,
      requestId: action.requestId,
    });
  }

  async #submit(caller: Caller, action: Extract<ClientAction, { action: "submit_job" }>) {
    const kind = this.deps.kinds.get(action.kind);
    if (!kind) {
      throw new RequestError("bad_request", `unknown job kind ${JSON.stringify(action.kind)}; expected one of ${this.deps.kinds.names().join(", ")}`);
    }
    const size = Buffer.byteLength(JSON.stringify(action.input ?? null));
    if (size > this.#o.maxInputBytes) {
      throw new RequestError("payload_too_large", `job input is ${size} bytes; the limit is ${this.#o.maxInputBytes} (upload large data with request_upload)`);
    }
    const input = kind.input.safeParse(action.input);
    if (!input.success) throw new RequestError("bad_request", `invalid input for ${kind.name}: ${summarize(input.error)}`);
    const rate = await this.deps.rateLimiter.take(`submit:${caller.userId}`, this.#o.submitsPerMinute, 60);
    if (!rate.allowed) {
      throw new RequestError(
        "rate_limited",
        `at most ${this.#o.submitsPerMinute} jobs a minute may be submitted; try again in ${Math.ceil(rate.retryAfterMs / 1000)} s`,
      );
    }

    const { job, created } = await this.deps.store.create({
      jobId: randomUUID(),
      owner: caller.userId,
      kind: kind.name,
      input: input.data,
      idempotencyKey: action.idempotencyKey,
      now: Date.now(),
      ttlSeconds: this.#o.jobTtlSeconds,
    });
    if (!created) {
      // Same idempotency key again: tell the caller about the job it already has.
      return this.#reply(caller, snapshot(job, action.requestId));
    }
    const waiting = await this.deps.queue.waitingCount?.(kind.queue).catch(() => undefined);
    await this.deps.publisher.publish(caller.userId, {
      type: "job_queued",
      jobId: job.jobId,
      kind: kind.name,
      message: kind.describe?.(input.data) ?? `Queued ${kind.name}`,
      progress: 5,
      queuePosition: waiting === undefined ? undefined : waiting + 1,
      requestId: action.requestId,
    });
    try {
      await this.deps.queue.enqueue(kind.queue, { jobId: job.jobId, kind: kind.name });
    } catch (error) {
      this.deps.logger.error("enqueue failed", { jobId: job.jobId, error: describeError(error) });
      await this.deps.publisher.publish(
        caller.userId,
        { type: "job_failed", jobId: job.jobId, error: "the job could not be queued; try again", code: "internal", attempts: 0 },
        { expect: ["queued"] },
      );
    }
  }

  async #subscribe(caller: Caller, action: Extract<ClientAction, { action: "subscribe" }>) {
    const jobs: JobRecord[] = action.jobIds
      ? await Promise.all(action.jobIds.map((id) => this.#ownJob(caller, id)))
      : (await this.deps.store.listByOwner(caller.userId, { limit: this.#o.recentJobs })).jobs;
    for (const job of jobs) {
      await this.#reply(caller, snapshot(job, action.requestId));
      if (action.afterSeq === undefined || action.afterSeq >= job.lastSeq) continue;
      let after = action.afterSeq;
      while (after - action.afterSeq < this.#o.maxReplay) {
        const events = await this.deps.store.events(job.jobId, after, 500);
        if (!events.length) break;
        for (const event of events) await this.#reply(caller, event);
        after = events.at(-1)!.seq;
      }
    }
  }

  async #list(caller: Caller, action: Extract<ClientAction, { action: "list_jobs" }>) {
    const page = await this.deps.store.listByOwner(caller.userId, { limit: action.limit ?? 20, cursor: action.cursor });
    await this.#reply(caller, {
      type: "job_list",
      timestamp: Date.now(),
      jobs: listViews(page.jobs),
      cursor: page.cursor,
      requestId: action.requestId,
    });
  }

  async #cancel(caller: Caller, action: Extract<ClientAction, { action: "cancel_job" }>) {
    const job = await this.#ownJob(caller, action.jobId);
    if (isTerminal(job.status)) {
      throw new RequestError("bad_request", `job ${job.jobId} has already ${job.status === "cancelled" ? "been cancelled" : job.status}`, { jobId: job.jobId });
    }
    await this.deps.store.requestCancel(job.jobId);
    if (job.status !== "queued") return; // the worker notices within a poll interval and sends job_cancelled
    try {
      await this.deps.publisher.publish(
        caller.userId,
        { type: "job_cancelled", jobId: job.jobId, message: "Cancelled before it started" },
        { expect: ["queued"] },
      );
    } catch (error) {
      if (!(error instanceof TransitionRejectedError)) throw error;
      // A worker took it meanwhile; it sees the flag and cancels.
    }
  }

  /** The job, if it exists and the caller owns it; the same answer otherwise, so ids cannot be probed. */
  async #ownJob(caller: Caller, jobId: string): Promise<JobRecord> {
    const job = await this.deps.store.get(jobId);
    if (!job || job.owner !== caller.userId) {
      throw new RequestError("not_found", `job ${jobId} not found (or not yours)`, { jobId });
    }
    return job;
  }

  async #reply(caller: Caller, event: ServerEvent): Promise<void> {
    await this.deps.publisher.send(caller.connectionId, event);
  }

  async #replyError(caller: Caller, error: unknown, requestId: string | undefined): Promise<void> {
    let code: RequestError["code"] = "internal";
    let message = "internal error; please retry";
    let jobId: string | undefined;
    if (error instanceof RequestError) ({ code, message, jobId } = error);
    else if (error instanceof JobNotFoundError) [code, message, jobId] = ["not_found", error.message, error.jobId];
    else this.deps.logger.error("action failed", { connectionId: caller.connectionId, error: describeError(error), stack: (error as Error)?.stack });
    await this.#reply(caller, { type: "error", timestamp: Date.now(), code, message, requestId, jobId });
  }
}

/** Room left in a 128 KB message for everything but the job views. */
const FRAME_BUDGET = Limits.maxMessageBytes - 2 * 1024;
const size = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

/**
 * A job's snapshot, kept within one API Gateway message: an output too long to
 * fit alongside the result is cut from the front (`output` then starts with "…"),
 * since the end of a stream is what a reconnecting reader needs.
 */
export function snapshot(job: JobRecord, requestId?: string): ServerEvent {
  const event = { type: "job_snapshot" as const, jobId: job.jobId, seq: job.lastSeq, timestamp: Date.now(), job: toView(job), requestId };
  const over = size(event) - FRAME_BUDGET;
  if (over > 0 && event.job.output) {
    // Cut by characters: multi-byte text may leave it a little short of the budget, never over.
    event.job.output = `…${event.job.output.slice(Math.min(event.job.output.length, over + 1))}`;
  }
  return event;
}

/**
 * Views for `job_list`, kept within one message: when they would not fit, outputs
 * and then results are left out (`subscribe` to a job fetches them).
 */
export function listViews(jobs: JobRecord[]): JobView[] {
  let views = jobs.map(toView);
  if (size(views) > FRAME_BUDGET) views = views.map(({ output: _output, ...v }) => v);
  if (size(views) > FRAME_BUDGET) views = views.map(({ result: _result, ...v }) => v);
  return views;
}

function parseFrame(body: string | null | undefined): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body ?? "");
  } catch {
    throw new RequestError("bad_request", "frames must be JSON objects such as {\"action\":\"ping\"}");
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new RequestError("bad_request", "frames must be JSON objects such as {\"action\":\"ping\"}");
  }
  return value as Record<string, unknown>;
}

function summarize(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`)
    .join("; ");
}
