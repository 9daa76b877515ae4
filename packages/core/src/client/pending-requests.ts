import type { z } from "zod";
import { ClientAction, Limits, type ActionName, type ServerEvent } from "../protocol";
import { ActionRejectedError, ClientClosedError, FrameTooLargeError, RequestTimeoutError } from "./errors";
import type { JobState } from "./job-tracker";
import { randomId } from "./random-id";

/** A frame the client may send, as the sender writes it (defaults not yet applied). */
export type ActionFrame = z.input<typeof ClientAction>;

/** Reads a frame carrying the request's id; returns true once it has resolved the request. */
export type FrameAnswer<T> = (frame: ServerEvent, resolve: (value: T) => void, sentAt: number) => boolean;

/** Reads a change of a job's state; returns true once it has resolved the request. */
export type JobAnswer<T> = (job: JobState, resolve: (value: T) => void) => boolean;

export interface RequestSettings {
  /** How long the request may wait for its answer once sent. */
  timeoutMs: number;
  /** Internal requests (keep-alive pings, re-subscribes) belong to one connection: they fail instead of being re-sent. */
  internal: boolean;
}

interface Pending<Link> {
  readonly requestId: string;
  readonly action: ActionName;
  readonly text: string;
  readonly settings: RequestSettings;
  /** The connection it is in flight on; undefined while it waits for one. */
  link: Link | undefined;
  sentAt: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  onFrame(frame: ServerEvent): boolean;
  onJob: ((job: JobState) => boolean) | undefined;
  reject(error: Error): void;
}

const encoder = new TextEncoder();

/**
 * The requests of a {@link FerryClient} from the moment they are made until they
 * settle, apart from the sockets they travel on. A request either waits for a
 * connection or is in flight on one with its timeout running; exactly one of an
 * answer, that timeout, the loss of its connection (internal requests only) or
 * {@link rejectAll} settles it. Kept out of the client so that its connection
 * code only decides *when* requests are sent, re-queued or failed, never how an
 * answer finds its request.
 *
 * `Link` is whatever the client uses to tell its connections apart; it is only
 * compared by identity.
 */
export class PendingRequests<Link> {
  readonly #byId = new Map<string, Pending<Link>>();
  readonly #idPrefix = randomId().replace(/-/g, "").slice(0, 8);
  #count = 0;

  /**
   * Validates and encodes `frame` (adding a `requestId`) and queues it until the
   * next {@link flush}. A frame that does not match `ClientAction`, or that would
   * exceed API Gateway's 32 KB frame limit, rejects at once and is never queued.
   */
  add<T>(frame: ActionFrame, settings: RequestSettings, onFrame: FrameAnswer<T>, onJob?: JobAnswer<T>): Promise<T> {
    const requestId = `${this.#idPrefix}-${++this.#count}`;
    const full = { ...frame, requestId } as ActionFrame;
    const valid = ClientAction.safeParse(full);
    if (!valid.success) {
      const reason = valid.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
      return Promise.reject(new ActionRejectedError("bad_request", `invalid ${frame.action}: ${reason}`, frame.action, undefined));
    }
    const text = JSON.stringify(full);
    const bytes = encoder.encode(text).byteLength;
    if (bytes > Limits.maxFrameBytes) return Promise.reject(new FrameTooLargeError(frame.action, bytes, Limits.maxFrameBytes));

    return new Promise<T>((resolve, reject) => {
      const pending: Pending<Link> = {
        requestId,
        action: frame.action,
        text,
        settings,
        link: undefined,
        sentAt: 0,
        timer: undefined,
        onFrame: (event) => {
          if (event.type === "error") {
            reject(new ActionRejectedError(event.code, event.message, frame.action, requestId, { jobId: event.jobId }));
            return true;
          }
          return onFrame(event, resolve, pending.sentAt);
        },
        onJob: onJob && ((job) => onJob(job, resolve)),
        reject,
      };
      this.#byId.set(requestId, pending);
    });
  }

  /**
   * Sends every request not in flight on `link`. `write` returns false when the
   * connection cannot take a frame: an ordinary request then waits for the next
   * connection, an internal one fails with {@link ClientClosedError}.
   */
  flush(link: Link, write: (text: string) => boolean): void {
    for (const pending of this.#byId.values()) {
      if (pending.link !== undefined) continue;
      if (!write(pending.text)) {
        if (pending.settings.internal) this.#fail(pending, new ClientClosedError("closed", "connection dropped"));
        continue;
      }
      pending.link = link;
      pending.sentAt = Date.now();
      pending.timer = setTimeout(() => {
        this.#fail(pending, new RequestTimeoutError(pending.action, pending.requestId, pending.settings.timeoutMs));
      }, pending.settings.timeoutMs);
    }
  }

  /**
   * Takes back the requests in flight on a connection that is gone: ordinary ones
   * wait to be sent again, internal ones fail. Returns true when some wait.
   */
  detach(link: Link): boolean {
    let waiting = false;
    for (const pending of this.#byId.values()) {
      if (pending.link !== link) continue;
      this.#stopTimer(pending);
      pending.link = undefined;
      if (pending.settings.internal) this.#fail(pending, new ClientClosedError("closed", "connection dropped"));
      else waiting = true;
    }
    return waiting;
  }

  /** Settles the request `frame` answers, if there is one. */
  answer(frame: ServerEvent): void {
    const requestId = "requestId" in frame ? frame.requestId : undefined;
    const pending = requestId === undefined ? undefined : this.#byId.get(requestId);
    if (pending?.onFrame(frame)) this.#settle(pending);
  }

  /** Shows a job's new state to the requests that wait for one (a cancel waits for the job to end). */
  jobChanged(job: JobState): void {
    for (const pending of this.#byId.values()) if (pending.onJob?.(job)) this.#settle(pending);
  }

  /** Fails every request, sent or not, with an error from `error`. */
  rejectAll(error: () => Error): void {
    for (const pending of this.#byId.values()) this.#fail(pending, error());
  }

  #fail(pending: Pending<Link>, error: Error): void {
    this.#settle(pending);
    pending.reject(error);
  }

  #settle(pending: Pending<Link>): void {
    this.#stopTimer(pending);
    this.#byId.delete(pending.requestId);
  }

  #stopTimer(pending: Pending<Link>): void {
    if (pending.timer) clearTimeout(pending.timer);
    pending.timer = undefined;
  }
}
