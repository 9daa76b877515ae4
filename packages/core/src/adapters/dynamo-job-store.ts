import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { FerryError, JobNotFoundError, NonRetryableJobError, StaleAttemptError, TransitionRejectedError } from "../errors";
import { decodeCursor, encodeCursor } from "../jobs/cursor";
import { applyPatch, isTerminal, newJobRecord, patchFor, type JobRecord, type NewJob } from "../jobs/job";
import { terminalStatuses, type JobEvent, type JobEventDraft } from "../protocol";
import type { AppendOptions, JobControl, JobPage, JobStore } from "../ports";
import { backoff, contention, isConditionalCheckFailed, MAX_WRITE_RACES, translatingSend } from "./dynamo-errors";
import { Expression } from "./dynamo-expression";
import {
  ControlItem,
  dropHead,
  EventItem,
  fromJobItem,
  IdempotencyItem,
  itemSize,
  LogHeadItem,
  parseEvent,
  toJobItem,
  toJson,
} from "./dynamo-job-item";
import { eventSortKey, JOBS_TABLE, JobsKeys } from "./dynamo-tables";
import { expiresAtSeconds } from "../util/expiry";

export interface DynamoJobStoreOptions {
  client: DynamoDBClient;
  /** The Jobs table (`Resource.Jobs.name` on AWS); layout in `dynamo-tables.ts`. */
  tableName: string;
  /** Seconds a job and its log live after their last event; never shortens a job's own TTL. */
  ttlSeconds?: number;
  /**
   * Largest job item this store writes, in bytes. DynamoDB refuses items above 400 KB;
   * the default 350 KiB leaves room for the estimate's error and attribute overhead.
   */
  maxItemBytes?: number;
  now?: () => number;
}

/** Log events outlive their job by this long, so the log never expires under a live job. */
const LOG_GRACE_SECONDS = 24 * 3600;

/**
 * `JobStore` on DynamoDB, in the single Jobs table (`dynamo-tables.ts`): the record
 * at `job#<id>/job`, each event at `job#<id>/evt#<seq>`.
 *
 * @remarks
 * **How `append` is atomic without transactions.** dynalite, which the tests run
 * against, has no `TransactWriteItems`, so `append` is one conditional write plus an
 * idempotent one, and the design is the same on AWS:
 *
 * 1. read the record and the newest logged event in one consistent `Query`
 *    (`sk <= "job"`, newest first, two items), and check `expect` and `attempt` on it;
 * 2. `UpdateItem` the record on condition that `lastSeq`, the status and the attempt
 *    are still what was read: it sets `lastSeq + 1`, applies the event's patch, and
 *    stores the event itself in `tail`. **This write is the commit point.** A writer
 *    that loses the race re-reads and retries, or gets the typed error the new state calls for;
 * 3. `PutItem` the event under `evt#<seq>` with `attribute_not_exists(sk)`.
 *
 * If a writer dies between 2 and 3, the event is still in `tail`: the next `append`
 * writes it to the log before committing its own (step 1 sees that the newest logged
 * seq is behind `lastSeq`), and `events()` serves it from `tail` meanwhile. So the log
 * holds every event below `lastSeq`, only the last one can be pending, and it is never
 * lost. Both writers of a pending event put the same JSON, so whichever lands first is right.
 * A transaction would save step 1's event check and the repair, at twice the write cost.
 * Racing writers lose conditions and retry with backoff, so appends from one process
 * are queued per job before they reach DynamoDB (see `append`).
 *
 * **Output and the 400 KB item limit.** `output` (a streamed answer) lives on the
 * record, and DynamoDB cannot append to a string, so every `job_output` rewrites it;
 * when the item would pass `maxItemBytes`, the head of `output` is dropped and it
 * starts with "…" — the same policy as `snapshot()` in `api.ts`, since the end of a
 * stream is what a reconnecting reader needs. The full stream stays in the log.
 * A record that cannot fit even with no output is refused with `NonRetryableJobError`.
 *
 * **Costs.** DynamoDB charges reads and writes by whole item size, so each append to a
 * job with a long output costs about `size / 4 KB` read units and `size / 1 KB` write
 * units; `control()` projects three attributes, which saves bandwidth but not read units.
 *
 * **Consistency.** Reads of the table are strongly consistent; `listByOwner` reads the
 * `byOwner` index, which AWS updates within about a second, so a job created a moment
 * ago may be missing from a list. Expired items linger until DynamoDB's lazy TTL
 * deletion, so every read also filters on `expiresAt`.
 */
export class DynamoJobStore implements JobStore {
  readonly #send: DynamoDBDocumentClient["send"];
  readonly #table: string;
  readonly #ttl: number;
  readonly #maxItemBytes: number;
  readonly #now: () => number;
  /** The latest append queued per job in this process (see `append`). */
  readonly #appending = new Map<string, Promise<unknown>>();

  constructor(options: DynamoJobStoreOptions) {
    this.#send = translatingSend(DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } }));
    this.#table = options.tableName;
    this.#ttl = options.ttlSeconds ?? 7 * 24 * 3600;
    this.#maxItemBytes = options.maxItemBytes ?? 350 * 1024;
    this.#now = options.now ?? Date.now;
  }

  #nowSeconds = () => Math.floor(this.#now() / 1000);

  async create(job: NewJob): Promise<{ job: JobRecord; created: boolean }> {
    const record = newJobRecord(job);
    const idem = job.idempotencyKey ? JobsKeys.idempotency(job.owner, job.idempotencyKey) : undefined;
    let written = false;
    // The job is written before the key is claimed, so a key always points at a job that
    // exists; the loser of a race for the key deletes its own job and returns the winner's.
    for (let losses = 0; losses < MAX_WRITE_RACES; losses++) {
      let stale: string | undefined;
      if (idem) {
        const item = await this.#get(idem, ["jobId", "expiresAt"]);
        const claimed = item && IdempotencyItem.parse(item);
        if (claimed && claimed.expiresAt > this.#nowSeconds()) {
          const existing = await this.get(claimed.jobId);
          if (existing) {
            if (written) await this.#send(new DeleteCommand({ TableName: this.#table, Key: JobsKeys.job(job.jobId) }));
            return { job: existing, created: false };
          }
        }
        stale = claimed?.jobId;
      }
      if (!written) {
        await this.#putNewJob(record);
        written = true;
      }
      if (!idem) return { job: record, created: true };
      const e = new Expression();
      const condition = [
        `attribute_not_exists(${e.name("pk")})`,
        `${e.name("expiresAt")} <= ${e.value(this.#nowSeconds())}`,
        ...(stale ? [`${e.name("jobId")} = ${e.value(stale)}`] : []),
      ].join(" OR ");
      try {
        await this.#send(
          new PutCommand({
            TableName: this.#table,
            Item: { ...idem, jobId: record.jobId, expiresAt: record.expiresAt },
            ConditionExpression: condition,
            ...e.params(),
          }),
        );
        return { job: record, created: true };
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
    }
    throw contention(`idempotency key of job ${job.jobId}`);
  }

  async #putNewJob(record: JobRecord) {
    const e = new Expression();
    try {
      await this.#send(
        new PutCommand({
          TableName: this.#table,
          Item: toJobItem(record),
          ConditionExpression: `attribute_not_exists(${e.name("pk")})`,
          ...e.params(),
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) throw new FerryError(`job id ${record.jobId} is already taken`, { cause: error });
      throw error;
    }
  }

  async get(jobId: string): Promise<JobRecord | undefined> {
    const item = await this.#get(JobsKeys.job(jobId));
    return item && this.#live(item) ? fromJobItem(item).record : undefined;
  }

  async control(jobId: string): Promise<JobControl | undefined> {
    const item = await this.#get(JobsKeys.job(jobId), ["status", "attempts", "cancelRequested", "expiresAt"]);
    if (!item || !this.#live(item)) return undefined;
    const { status, attempts, cancelRequested } = ControlItem.parse(item);
    return { status, attempts, cancelRequested };
  }

  async listByOwner(owner: string, page: { limit: number; cursor?: string }): Promise<JobPage> {
    const after = page.cursor ? decodeCursor(page.cursor) : undefined;
    // The cursor is the shared (createdAt, jobId) one; the index start key is rebuilt from
    // it and the caller's owner, so a client cannot page through someone else's index.
    let startKey: Record<string, unknown> | undefined = after && {
      ...JobsKeys.job(after.jobId),
      owner,
      createdAt: after.createdAt,
    };
    const jobs: JobRecord[] = [];
    // One job past the page tells whether there is a next one. The filter drops expired
    // jobs after `Limit` is applied, so a short answer with a start key means: read on.
    do {
      const e = new Expression();
      const { Items = [], LastEvaluatedKey } = await this.#send(
        new QueryCommand({
          TableName: this.#table,
          IndexName: BY_OWNER,
          KeyConditionExpression: `${e.name("owner")} = ${e.value(owner)}`,
          FilterExpression: `${e.name("expiresAt")} > ${e.value(this.#nowSeconds())}`,
          ScanIndexForward: false,
          Limit: page.limit + 1 - jobs.length,
          ExclusiveStartKey: startKey,
          ...e.params(),
        }),
      );
      jobs.push(...Items.map((item) => fromJobItem(item).record));
      startKey = LastEvaluatedKey;
    } while (startKey && jobs.length <= page.limit);
    const pageJobs = jobs.slice(0, page.limit);
    const last = pageJobs.at(-1);
    return { jobs: pageJobs, cursor: jobs.length > page.limit && last ? encodeCursor(last) : undefined };
  }

  /**
   * Appends run one at a time per job within this store: concurrent appends from one
   * process (a worker's progress and output) would otherwise only race each other's
   * conditional writes, costing a round trip per loss. Across processes the conditions
   * alone keep them apart.
   */
  append(jobId: string, draft: JobEventDraft, options: AppendOptions = {}): Promise<JobEvent> {
    const run = (this.#appending.get(jobId) ?? Promise.resolve()).then(() => this.#append(jobId, draft, options));
    const settled = run.catch(() => undefined);
    this.#appending.set(jobId, settled);
    void settled.then(() => {
      if (this.#appending.get(jobId) === settled) this.#appending.delete(jobId);
    });
    return run;
  }

  async #append(jobId: string, draft: JobEventDraft, options: AppendOptions): Promise<JobEvent> {
    for (let losses = 0; losses < MAX_WRITE_RACES; losses++) {
      const { job, tail, loggedSeq } = await this.#readForAppend(jobId);
      if (options.expect && !options.expect.includes(job.status)) {
        throw new TransitionRejectedError(jobId, job.status, draft.type);
      }
      if (options.attempt !== undefined && options.attempt !== job.attempts) {
        throw new StaleAttemptError(jobId, options.attempt);
      }
      if (tail && loggedSeq < job.lastSeq) await this.#log(jobId, job.lastSeq, tail, job.expiresAt);

      const now = this.#now();
      const event = { ...draft, seq: job.lastSeq + 1, timestamp: now } as JobEvent;
      const eventJson = JSON.stringify(event);
      const next = this.#fit(
        {
          ...applyPatch(job, patchFor(draft), now),
          lastSeq: event.seq,
          expiresAt: Math.max(job.expiresAt, expiresAtSeconds(now, this.#ttl)),
        },
        eventJson,
      );

      const e = new Expression();
      const changed = changedFields(job, next);
      const condition = [
        `${e.name("lastSeq")} = ${e.value(job.lastSeq)}`,
        `${e.name("expiresAt")} > ${e.value(Math.floor(now / 1000))}`,
        ...(options.expect ? [`${e.name("status")} IN (${options.expect.map((s) => e.value(s)).join(", ")})`] : []),
        ...(options.attempt !== undefined ? [`${e.name("attempts")} = ${e.value(options.attempt)}`] : []),
      ].join(" AND ");
      try {
        await this.#send(
          new UpdateCommand({
            TableName: this.#table,
            Key: JobsKeys.job(jobId),
            UpdateExpression: e.set({ ...changed, tail: eventJson }),
            ConditionExpression: condition,
            ...e.params(),
          }),
        );
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
        await backoff(losses);
        continue;
      }
      await this.#log(jobId, event.seq, eventJson, next.expiresAt);
      return event;
    }
    throw contention(`an event of job ${jobId}`);
  }

  async events(jobId: string, afterSeq: number, limit = 1000): Promise<JobEvent[]> {
    // The record first: its `lastSeq` bounds what is committed, and `tail` covers the one
    // event that may not be in the log yet.
    const item = await this.#get(JobsKeys.job(jobId), ["lastSeq", "tail", "expiresAt"]);
    if (!item || !this.#live(item)) throw new JobNotFoundError(jobId);
    const { lastSeq, tail, expiresAt } = LogHeadItem.parse(item);
    const from = Math.max(afterSeq, 0) + 1;
    const to = Math.min(lastSeq, from + limit - 1);
    if (limit <= 0 || from > to) return [];

    const events: JobEvent[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const e = new Expression();
      const { Items = [], LastEvaluatedKey } = await this.#send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: `${e.name("pk")} = ${e.value(JobsKeys.job(jobId).pk)} AND ${e.name("sk")} BETWEEN ${e.value(eventSortKey(from))} AND ${e.value(eventSortKey(to))}`,
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
          ...e.params(),
        }),
      );
      events.push(...Items.map((i) => parseEvent(EventItem.parse(i).event)));
      startKey = LastEvaluatedKey;
    } while (startKey);

    if (tail && to === lastSeq && (events.at(-1)?.seq ?? 0) < lastSeq) {
      events.push(parseEvent(tail));
      await this.#log(jobId, lastSeq, tail, expiresAt);
    }
    return events;
  }

  async beginAttempt(jobId: string, options: { resume: boolean; now: number }): Promise<JobRecord> {
    // Write first, read only when the condition fails: the common case is one request.
    let fromZero = false;
    for (let losses = 0; losses < MAX_WRITE_RACES; losses++) {
      const e = new Expression();
      const attempts = e.name("attempts");
      const condition = [
        `attribute_exists(${e.name("pk")})`,
        `${e.name("expiresAt")} > ${e.value(this.#nowSeconds())}`,
        `NOT (${e.name("status")} IN (${terminalStatuses.map((s) => e.value(s)).join(", ")}))`,
        // A resume continues the attempt it hands over from; only a job never begun starts at 1.
        ...(options.resume ? [`${attempts} ${fromZero ? "=" : ">"} ${e.value(0)}`] : []),
      ].join(" AND ");
      const increment = options.resume && !fromZero ? 0 : 1;
      try {
        const { Attributes } = await this.#send(
          new UpdateCommand({
            TableName: this.#table,
            Key: JobsKeys.job(jobId),
            UpdateExpression: `SET ${e.name("status")} = ${e.value("processing")}, ${e.name("updatedAt")} = ${e.value(options.now)}, ${attempts} = ${attempts} + ${e.value(increment)}`,
            ConditionExpression: condition,
            ReturnValues: "ALL_NEW",
            ...e.params(),
          }),
        );
        return fromJobItem(Attributes!).record;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
      const control = await this.control(jobId);
      if (!control) throw new JobNotFoundError(jobId);
      if (isTerminal(control.status)) throw new TransitionRejectedError(jobId, control.status, "processing");
      fromZero = options.resume && control.attempts === 0;
    }
    throw contention(`attempt of job ${jobId}`);
  }

  async saveCheckpoint(jobId: string, attempt: number, checkpoint: unknown): Promise<void> {
    const e = new Expression();
    try {
      await this.#send(
        new UpdateCommand({
          TableName: this.#table,
          Key: JobsKeys.job(jobId),
          UpdateExpression: e.set({ checkpoint: toJson(checkpoint ?? null), updatedAt: this.#now() }),
          ConditionExpression: `attribute_exists(${e.name("pk")}) AND ${e.name("expiresAt")} > ${e.value(this.#nowSeconds())} AND ${e.name("attempts")} = ${e.value(attempt)}`,
          ...e.params(),
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      if (!(await this.control(jobId))) throw new JobNotFoundError(jobId);
      throw new StaleAttemptError(jobId, attempt);
    }
  }

  async requestCancel(jobId: string): Promise<JobRecord | undefined> {
    const e = new Expression();
    try {
      const { Attributes } = await this.#send(
        new UpdateCommand({
          TableName: this.#table,
          Key: JobsKeys.job(jobId),
          UpdateExpression: e.set({ cancelRequested: true, updatedAt: this.#now() }),
          ConditionExpression: `attribute_exists(${e.name("pk")}) AND ${e.name("expiresAt")} > ${e.value(this.#nowSeconds())}`,
          ReturnValues: "ALL_NEW",
          ...e.params(),
        }),
      );
      return fromJobItem(Attributes!).record;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }

  /** The record and the newest logged seq, in one consistent read (see the class remarks). */
  async #readForAppend(jobId: string) {
    const e = new Expression();
    const { Items = [] } = await this.#send(
      new QueryCommand({
        TableName: this.#table,
        KeyConditionExpression: `${e.name("pk")} = ${e.value(JobsKeys.job(jobId).pk)} AND ${e.name("sk")} <= ${e.value("job")}`,
        ScanIndexForward: false,
        Limit: 2,
        ConsistentRead: true,
        ...e.params(),
      }),
    );
    const [item, newestEvent] = Items;
    if (!item || item.sk !== "job" || !this.#live(item)) throw new JobNotFoundError(jobId);
    const { record, tail } = fromJobItem(item);
    const loggedSeq = newestEvent ? EventItem.parse(newestEvent).seq : 0;
    return { job: record, tail, loggedSeq };
  }

  /** Writes event `seq` to the log; a no-op when it is there already (it can only be the same event). */
  async #log(jobId: string, seq: number, eventJson: string, jobExpiresAt: number) {
    const e = new Expression();
    try {
      await this.#send(
        new PutCommand({
          TableName: this.#table,
          Item: { ...JobsKeys.event(jobId, seq), seq, event: eventJson, expiresAt: jobExpiresAt + LOG_GRACE_SECONDS },
          ConditionExpression: `attribute_not_exists(${e.name("sk")})`,
          ...e.params(),
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  /** `next`, with the head of its output dropped if the item would otherwise be too large. */
  #fit(next: JobRecord, tail: string): JobRecord {
    const over = itemSize(toJobItem(next, tail)) - this.#maxItemBytes;
    if (over <= 0) return next;
    const fitted = { ...next, output: dropHead(next.output, over) };
    if (itemSize(toJobItem(fitted, tail)) > this.#maxItemBytes) {
      throw new NonRetryableJobError(
        `job ${next.jobId} would exceed DynamoDB's item limit even without its output (result, input or checkpoint too large)`,
        "internal",
      );
    }
    return fitted;
  }

  async #get(key: { pk: string; sk: string }, attributes?: string[]) {
    const e = new Expression();
    const projection = attributes?.map((a) => e.name(a)).join(", ");
    const { Item } = await this.#send(
      new GetCommand({ TableName: this.#table, Key: key, ConsistentRead: true, ProjectionExpression: projection, ...e.params() }),
    );
    return Item;
  }

  #live(item: Record<string, unknown>): boolean {
    return Number(item.expiresAt) > this.#nowSeconds();
  }
}

const BY_OWNER: keyof typeof JOBS_TABLE.globalIndexes = "byOwner";

/** The record fields an append changes, with JSON fields in their stored form. */
function changedFields(before: JobRecord, after: JobRecord): Record<string, unknown> {
  const changed: Record<string, unknown> = {};
  for (const key of Object.keys(after) as Array<keyof JobRecord>) {
    const [a, b] = [before[key], after[key]];
    if (key === "result" || key === "input" || key === "checkpoint") {
      if (toJson(a) !== toJson(b)) changed[key] = toJson(b);
    } else if (a !== b) {
      changed[key] = b;
    }
  }
  return changed;
}
