import { patchFor } from "../jobs/job";
import { terminalStatuses, type FailureCode, type JobEvent, type JobStatus, type JobView, type ServerEvent } from "../protocol";
import { Listeners } from "./listeners";

/**
 * What a client knows about one job: the last snapshot with every later event
 * applied in `seq` order. Immutable; each change produces a new object, so UI
 * code may compare by reference.
 */
export interface JobState {
  readonly jobId: string;
  /** Empty until a `job_queued` or a snapshot names it. */
  readonly kind: string;
  readonly status: JobStatus;
  /** The last attempt failed with a retryable error and another one is on its way. */
  readonly retrying: boolean;
  /** 0–100. */
  readonly progress: number;
  readonly stage: string | undefined;
  readonly message: string;
  /** Every `job_output` delta so far, concatenated. */
  readonly output: string;
  readonly result: unknown;
  /** Set instead of `result` when the result was too large to send inline. */
  readonly resultUrl: string | undefined;
  readonly error: string | undefined;
  readonly errorCode: FailureCode | undefined;
  readonly attempts: number;
  /** 1-based place in the queue when the job was queued, if the queue could tell. */
  readonly queuePosition: number | undefined;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** `seq` of the last event applied; replay resumes after it. */
  readonly lastSeq: number;
  /** `completed`, `failed` or `cancelled`: no more events will come. */
  readonly terminal: boolean;
  /** Events that arrived ahead of a gap and wait for the missing ones. */
  readonly pendingEvents: number;
}

/** Where to resume a job's event stream after a reconnect. */
export interface JobCursor {
  jobId: string;
  afterSeq: number;
}

export interface JobTrackerOptions {
  /** How long a gap in `seq` may last before the tracker asks for a replay. Default 1 500 ms. */
  gapTimeoutMs?: number;
  /** Upper bound of the doubling wait between replay requests for the same gap. Default 30 s. */
  maxGapTimeoutMs?: number;
  /** Out-of-order events kept per job; beyond this the buffer is dropped and a replay requested. Default 1 000. */
  maxBufferedEvents?: number;
  /** Receives errors thrown by listeners. Default: ignored. */
  onListenerError?: (error: unknown) => void;
}

interface Entry {
  jobId: string;
  /** Undefined while only out-of-order events are known. */
  state: JobState | undefined;
  lastSeq: number;
  buffer: Map<number, JobEvent>;
  gapTimer: ReturnType<typeof setTimeout> | undefined;
  gapDelayMs: number;
}

const isTerminal = (status: JobStatus) => terminalStatuses.includes(status);

/**
 * Folds the frames of many jobs into one {@link JobState} per job.
 *
 * Rules: a snapshot (from `job_snapshot` or a `job_list` entry) replaces the state
 * unless it is older than what is already applied; events apply strictly in `seq`
 * order; a `seq` already applied is dropped; an event ahead of a gap waits in a
 * buffer, and if the gap outlives `gapTimeoutMs` the tracker asks (through
 * {@link JobTracker.onResync}) for `subscribe {jobIds:[id], afterSeq: lastSeq}`,
 * backing off while the gap stays open. Pure logic with timers: no I/O.
 *
 * @example
 * ```ts
 * const tracker = new JobTracker();
 * tracker.onResync((jobId, afterSeq) => socket.send(JSON.stringify({ action: "subscribe", jobIds: [jobId], afterSeq })));
 * tracker.onJob((job) => render(job));
 * socket.onmessage = (m) => tracker.apply(ServerEvent.parse(JSON.parse(m.data)));
 * ```
 */
export class JobTracker {
  readonly #entries = new Map<string, Entry>();
  readonly #gapTimeoutMs: number;
  readonly #maxGapTimeoutMs: number;
  readonly #maxBuffered: number;
  readonly #onJob: Listeners<[JobState, JobEvent | undefined]>;
  readonly #onEvent: Listeners<[JobEvent, JobState]>;
  readonly #onChange: Listeners<[]>;
  readonly #onResync: Listeners<[string, number]>;
  #list: readonly JobState[] | undefined;
  #duplicates = 0;

  constructor(options: JobTrackerOptions = {}) {
    this.#gapTimeoutMs = options.gapTimeoutMs ?? 1_500;
    this.#maxGapTimeoutMs = Math.max(this.#gapTimeoutMs, options.maxGapTimeoutMs ?? 30_000);
    this.#maxBuffered = options.maxBufferedEvents ?? 1_000;
    this.#onJob = new Listeners(options.onListenerError);
    this.#onEvent = new Listeners(options.onListenerError);
    this.#onChange = new Listeners(options.onListenerError);
    this.#onResync = new Listeners(options.onListenerError);
  }

  /** Calls `listener` with a job's new state after every change, and the event that caused it (none for snapshots). */
  onJob(listener: (job: JobState, event: JobEvent | undefined) => void): () => void {
    return this.#onJob.add(listener);
  }

  /** Calls `listener` once per job event actually applied: in `seq` order, without duplicates. */
  onEvent(listener: (event: JobEvent, job: JobState) => void): () => void {
    return this.#onEvent.add(listener);
  }

  /** Calls `listener` after anything in {@link list} changed (for `useSyncExternalStore`). */
  onChange(listener: () => void): () => void {
    return this.#onChange.add(listener);
  }

  /** Calls `listener` when a job needs `subscribe {jobIds:[jobId], afterSeq}` to fill a gap. */
  onResync(listener: (jobId: string, afterSeq: number) => void): () => void {
    return this.#onResync.add(listener);
  }

  /** The state of one job, if known. */
  get(jobId: string): JobState | undefined {
    return this.#entries.get(jobId)?.state;
  }

  /** Every known job, newest first. The same array is returned until something changes. */
  list(): readonly JobState[] {
    this.#list ??= [...this.#entries.values()]
      .flatMap((entry) => (entry.state ? [entry.state] : []))
      .sort((a, b) => b.createdAt - a.createdAt || a.jobId.localeCompare(b.jobId));
    return this.#list;
  }

  /** Events dropped so far because their `seq` had already been applied. */
  get duplicates(): number {
    return this.#duplicates;
  }

  /** Where each unfinished job's stream should resume: what a reconnect re-subscribes. */
  cursors(): JobCursor[] {
    return [...this.#entries.values()]
      .filter((entry) => !entry.state?.terminal)
      .map((entry) => ({ jobId: entry.jobId, afterSeq: entry.lastSeq }));
  }

  /**
   * Applies any server frame: job events, `job_snapshot` and `job_list`; other
   * frames are ignored. Returns true when a job's state changed.
   */
  apply(frame: ServerEvent): boolean {
    switch (frame.type) {
      case "job_snapshot":
        return this.applyView(frame.job, frame.seq);
      case "job_list": {
        let changed = false;
        for (const job of frame.jobs) changed = this.applyView(job) || changed;
        return changed;
      }
      case "job_queued":
      case "progress_update":
      case "job_output":
      case "job_completed":
      case "job_failed":
      case "job_cancelled":
        return this.applyEvent(frame);
      default:
        return false;
    }
  }

  /** Applies one job event, or buffers it until the events before it arrive. */
  applyEvent(event: JobEvent): boolean {
    const entry = this.#entry(event.jobId);
    if (event.seq <= entry.lastSeq || entry.buffer.has(event.seq)) {
      this.#duplicates++;
      return false;
    }
    if (event.seq !== entry.lastSeq + 1) {
      if (entry.buffer.size >= this.#maxBuffered) {
        // A snapshot will cover whatever the buffer held; keep memory bounded meanwhile.
        entry.buffer.clear();
        this.#onResync.emit(entry.jobId, entry.lastSeq);
      }
      entry.buffer.set(event.seq, event);
      this.#armGapTimer(entry);
      this.#refreshPending(entry);
      return false;
    }
    this.#step(entry, event);
    this.#drain(entry);
    return true;
  }

  /**
   * Replaces a job's state with a snapshot taken at `seq` (a `job_list` entry's
   * `lastSeq` by default), unless events beyond it have already been applied.
   */
  applyView(view: JobView, seq: number = view.lastSeq): boolean {
    const entry = this.#entry(view.jobId);
    if (entry.state && seq < entry.lastSeq) return false;
    const previous = entry.state;
    // `job_list` leaves out outputs and results that would not fit one message; at the same seq, keep ours.
    const same = previous?.lastSeq === seq ? previous : undefined;
    const status = view.status;
    entry.state = {
      jobId: view.jobId,
      kind: view.kind,
      status,
      // A snapshot cannot say "retrying"; keep what the events said while the job runs.
      retrying: !isTerminal(status) && (previous?.retrying ?? false),
      progress: view.progress,
      stage: view.stage,
      message: view.message,
      output: view.output ?? same?.output ?? "",
      result: view.result !== undefined ? view.result : same?.result,
      resultUrl: view.resultUrl,
      error: view.error,
      errorCode: view.errorCode,
      attempts: view.attempts,
      queuePosition: status === "queued" ? previous?.queuePosition : undefined,
      createdAt: view.createdAt,
      updatedAt: view.updatedAt,
      lastSeq: seq,
      terminal: isTerminal(status),
      pendingEvents: 0,
    };
    entry.lastSeq = seq;
    for (const buffered of entry.buffer.keys()) if (buffered <= seq) entry.buffer.delete(buffered);
    this.#changed(entry, previous, undefined);
    this.#drain(entry);
    return true;
  }

  /** Stops tracking a job (for example one the server no longer knows). */
  forget(jobId: string): void {
    const entry = this.#entries.get(jobId);
    if (!entry) return;
    this.#clearGapTimer(entry);
    this.#entries.delete(jobId);
    this.#list = undefined;
    this.#onChange.emit();
  }

  /**
   * Stops waiting for missing events, keeping what is buffered; the job's next
   * event or snapshot starts the wait afresh. For a client going offline: no
   * replay can be asked for meanwhile, and its reconnect re-subscribes every
   * unfinished job from its cursor anyway.
   */
  stopGapTimers(): void {
    for (const entry of this.#entries.values()) {
      this.#clearGapTimer(entry);
      entry.gapDelayMs = this.#gapTimeoutMs;
    }
  }

  /** Stops every timer and forgets every job; listeners stay attached. */
  clear(): void {
    this.stopGapTimers();
    this.#entries.clear();
    this.#list = undefined;
    this.#onChange.emit();
  }

  /** Stops every timer and drops every listener. */
  dispose(): void {
    this.stopGapTimers();
    for (const listeners of [this.#onJob, this.#onEvent, this.#onChange, this.#onResync]) listeners.clear();
  }

  #entry(jobId: string): Entry {
    let entry = this.#entries.get(jobId);
    if (!entry) {
      entry = { jobId, state: undefined, lastSeq: 0, buffer: new Map(), gapTimer: undefined, gapDelayMs: this.#gapTimeoutMs };
      this.#entries.set(jobId, entry);
    }
    return entry;
  }

  #step(entry: Entry, event: JobEvent): void {
    const previous = entry.state;
    entry.state = reduce(previous, event);
    entry.lastSeq = event.seq;
    this.#onEvent.emit(event, entry.state);
    this.#changed(entry, previous, event);
  }

  /** Applies buffered events that have become next in line, then settles the gap timer. */
  #drain(entry: Entry): void {
    let next: JobEvent | undefined;
    while ((next = entry.buffer.get(entry.lastSeq + 1))) {
      entry.buffer.delete(next.seq);
      this.#step(entry, next);
    }
    if (entry.state?.terminal) entry.buffer.clear();
    if (entry.buffer.size === 0) {
      this.#clearGapTimer(entry);
      entry.gapDelayMs = this.#gapTimeoutMs;
    } else {
      this.#armGapTimer(entry);
    }
    this.#refreshPending(entry);
  }

  #armGapTimer(entry: Entry): void {
    if (entry.gapTimer) return;
    entry.gapTimer = setTimeout(() => {
      entry.gapTimer = undefined;
      if (entry.buffer.size === 0 || this.#entries.get(entry.jobId) !== entry) return;
      this.#onResync.emit(entry.jobId, entry.lastSeq);
      entry.gapDelayMs = Math.min(entry.gapDelayMs * 2, this.#maxGapTimeoutMs);
      this.#armGapTimer(entry);
    }, entry.gapDelayMs);
  }

  #clearGapTimer(entry: Entry): void {
    if (entry.gapTimer) clearTimeout(entry.gapTimer);
    entry.gapTimer = undefined;
  }

  #refreshPending(entry: Entry): void {
    const previous = entry.state;
    if (!previous || previous.pendingEvents === entry.buffer.size) return;
    entry.state = { ...previous, pendingEvents: entry.buffer.size };
    this.#changed(entry, previous, undefined);
  }

  #changed(entry: Entry, previous: JobState | undefined, event: JobEvent | undefined): void {
    const state = entry.state!;
    // Most changes keep the job's place in the list: swap it in instead of sorting everything again.
    const at = previous?.createdAt === state.createdAt ? (this.#list?.indexOf(previous) ?? -1) : -1;
    if (at === -1) {
      this.#list = undefined;
    } else {
      const list = this.#list!.slice();
      list[at] = state;
      this.#list = list;
    }
    this.#onJob.emit(state, event);
    this.#onChange.emit();
  }
}

/** The state before any snapshot: what the first event of a job implies. */
function blank(event: JobEvent): JobState {
  return {
    jobId: event.jobId,
    kind: "",
    status: "queued",
    retrying: false,
    progress: 0,
    stage: undefined,
    message: "",
    output: "",
    result: undefined,
    resultUrl: undefined,
    error: undefined,
    errorCode: undefined,
    attempts: 0,
    queuePosition: undefined,
    createdAt: event.timestamp,
    updatedAt: event.timestamp,
    lastSeq: 0,
    terminal: false,
    pendingEvents: 0,
  };
}

/**
 * One event applied to a state. Field changes come from the store's own
 * `patchFor`, so a client's view equals the snapshot the server would send.
 */
export function reduce(previous: JobState | undefined, event: JobEvent): JobState {
  const patch = patchFor(event);
  const base = previous ?? blank(event);
  let status = patch.status ?? base.status;
  let { retrying, attempts, queuePosition, kind } = base;
  switch (event.type) {
    case "job_queued":
      kind = event.kind;
      queuePosition = event.queuePosition;
      break;
    case "progress_update":
      if (!isTerminal(status)) status = "processing";
      if (event.status === "retrying") attempts = Math.max(attempts, event.attempt ?? attempts);
      // Only retry notices carry `attempt`; progress after one means the next attempt has begun.
      else attempts = event.attempt ?? (retrying ? attempts + 1 : Math.max(attempts, 1));
      retrying = event.status === "retrying";
      queuePosition = undefined;
      break;
    case "job_failed":
      attempts = Math.max(attempts, event.attempts);
      retrying = false;
      break;
    case "job_completed":
    case "job_cancelled":
      retrying = false;
      break;
    case "job_output":
      break;
  }
  if (isTerminal(status)) queuePosition = undefined;
  return {
    ...base,
    kind,
    status,
    retrying,
    attempts,
    queuePosition,
    progress: patch.progress ?? base.progress,
    stage: patch.stage ?? base.stage,
    message: patch.message ?? base.message,
    output: patch.outputDelta === undefined ? base.output : base.output + patch.outputDelta,
    result: patch.result !== undefined ? patch.result : base.result,
    resultUrl: patch.resultUrl ?? base.resultUrl,
    error: patch.error ?? base.error,
    errorCode: patch.errorCode ?? base.errorCode,
    updatedAt: event.timestamp,
    lastSeq: event.seq,
    terminal: isTerminal(status),
  };
}
