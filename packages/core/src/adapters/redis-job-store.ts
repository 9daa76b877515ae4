import type { Redis } from "ioredis";
import { JobNotFoundError, StaleAttemptError, TransitionRejectedError } from "../errors";
import { decodeCursor, encodeCursor, isAfter } from "../jobs/cursor";
import { JobRecord, newJobRecord, patchFor, type NewJob } from "../jobs/job";
import { JobStatus, type JobEvent, type JobEventDraft } from "../protocol";
import type { AppendOptions, JobPage, JobStore } from "../ports";
import { RedisScript } from "./redis-script";

/** JSON-valued record fields: stored as opaque strings so Lua never re-encodes them. */
const jsonFields = new Set(["input", "result", "checkpoint"]);
const numberFields = new Set(["progress", "attempts", "createdAt", "updatedAt", "lastSeq", "expiresAt"]);

const CREATE = new RedisScript(`
if KEYS[4] ~= '' then
  local existing = redis.call('GET', KEYS[4])
  if existing and redis.call('EXISTS', ARGV[3] .. existing) == 1 then return existing end
end
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[3], ARGV[1], redis.call('HGET', KEYS[1], 'jobId'))
redis.call('EXPIRE', KEYS[3], ARGV[2])
if KEYS[4] ~= '' then redis.call('SET', KEYS[4], redis.call('HGET', KEYS[1], 'jobId'), 'EX', ARGV[2]) end
return ''`);

const APPEND = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return {-1, ''} end
local status = redis.call('HGET', KEYS[1], 'status')
if ARGV[1] ~= '' then
  local ok = false
  for s in string.gmatch(ARGV[1], '[^,]+') do if s == status then ok = true end end
  if not ok then return {-2, status} end
end
if ARGV[2] ~= '' and redis.call('HGET', KEYS[1], 'attempts') ~= ARGV[2] then return {-3, status} end
local seq = redis.call('HINCRBY', KEYS[1], 'lastSeq', 1)
redis.call('RPUSH', KEYS[2], '{"seq":' .. seq .. ',' .. string.sub(ARGV[3], 2))
if ARGV[5] == '1' then redis.call('APPEND', KEYS[3], ARGV[4]) end
redis.call('HSET', KEYS[1], 'updatedAt', ARGV[7], 'expiresAt', ARGV[8], unpack(ARGV, 9))
for i = 1, 3 do redis.call('EXPIRE', KEYS[i], ARGV[6]) end
return {seq, status}`);

const BEGIN = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return {-1} end
local status = redis.call('HGET', KEYS[1], 'status')
if status == 'completed' or status == 'failed' or status == 'cancelled' then return {-2, status} end
local attempts = tonumber(redis.call('HGET', KEYS[1], 'attempts'))
if ARGV[1] == '1' then
  if attempts == 0 then attempts = 1 end
else
  attempts = attempts + 1
end
redis.call('HSET', KEYS[1], 'status', 'processing', 'attempts', attempts, 'updatedAt', ARGV[2])
return {redis.call('HGETALL', KEYS[1]), redis.call('GET', KEYS[2]) or ''}`);

const CHECKPOINT = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('HGET', KEYS[1], 'attempts') ~= ARGV[1] then return -3 end
redis.call('HSET', KEYS[1], 'checkpoint', ARGV[2], 'updatedAt', ARGV[3])
return 1`);

const CANCEL = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
redis.call('HSET', KEYS[1], 'cancelRequested', '1', 'updatedAt', ARGV[1])
return {redis.call('HGETALL', KEYS[1]), redis.call('GET', KEYS[2]) or ''}`);

export interface RedisJobStoreOptions {
  /** Key prefix, so several stacks (or tests) can share one Redis. */
  prefix?: string;
  /** Seconds a job and its log live after their last write. */
  ttlSeconds?: number;
  now?: () => number;
}

/**
 * `JobStore` on Redis. A job is a hash, its log a list (index = seq − 1) and its
 * streamed output a string; every append is one Lua script, so the status check,
 * the attempt fence, the `seq` increment and the record update are atomic.
 */
export class RedisJobStore implements JobStore {
  readonly #prefix: string;
  readonly #ttl: number;
  readonly #now: () => number;

  constructor(private readonly redis: Redis, options: RedisJobStoreOptions = {}) {
    this.#prefix = options.prefix ?? "ferry:";
    this.#ttl = options.ttlSeconds ?? 7 * 24 * 3600;
    this.#now = options.now ?? Date.now;
  }

  #keys(jobId: string) {
    const job = `${this.#prefix}job:${jobId}`;
    return { job, log: `${job}:log`, out: `${job}:out` };
  }

  async create(job: NewJob) {
    const record = newJobRecord(job);
    const k = this.#keys(job.jobId);
    const idem = job.idempotencyKey ? `${this.#prefix}idem:${job.owner}:${job.idempotencyKey}` : "";
    const existing = (await CREATE.run(this.redis, [k.job, k.log, `${this.#prefix}owner:${job.owner}:jobs`, idem], [
      String(record.createdAt),
      String(job.ttlSeconds),
      `${this.#prefix}job:`,
      ...encode(record),
    ])) as string;
    if (existing) {
      const found = await this.get(existing);
      if (found) return { job: found, created: false };
    }
    return { job: record, created: true };
  }

  async get(jobId: string) {
    const k = this.#keys(jobId);
    const [[, hash], [, out]] = (await this.redis.multi().hgetall(k.job).get(k.out).exec()) as [
      [unknown, Record<string, string>],
      [unknown, string | null],
    ];
    return Object.keys(hash).length ? decode(hash, out ?? "") : undefined;
  }

  async control(jobId: string) {
    const [status, attempts, cancel] = await this.redis.hmget(this.#keys(jobId).job, "status", "attempts", "cancelRequested");
    if (!status) return undefined;
    return { status: JobStatus.parse(status), attempts: Number(attempts), cancelRequested: cancel === "1" };
  }

  async listByOwner(owner: string, page: { limit: number; cursor?: string }): Promise<JobPage> {
    const after = page.cursor ? decodeCursor(page.cursor) : undefined;
    const index = `${this.#prefix}owner:${owner}:jobs`;
    const max = after ? String(after.createdAt) : "+inf";
    const batch = page.limit + 50;
    const jobs: JobRecord[] = [];
    const gone: string[] = [];
    // One job past the page tells whether there is a next page. Expired jobs linger in
    // the index until seen here; skip them now and forget them after paging.
    for (let offset = 0; jobs.length <= page.limit; offset += batch) {
      const flat = await this.redis.zrevrangebyscore(index, max, "-inf", "WITHSCORES", "LIMIT", offset, batch);
      const candidates: Array<{ jobId: string; createdAt: number }> = [];
      for (let i = 0; i < flat.length; i += 2) candidates.push({ jobId: flat[i]!, createdAt: Number(flat[i + 1]) });
      const wanted = candidates.filter((c) => !after || isAfter(c, after));
      const records = await Promise.all(wanted.map((c) => this.get(c.jobId)));
      records.forEach((r, i) => (r ? jobs.push(r) : gone.push(wanted[i]!.jobId)));
      if (candidates.length < batch) break;
    }
    if (gone.length) await this.redis.zrem(index, ...gone);
    const pageJobs = jobs.slice(0, page.limit);
    const last = pageJobs.at(-1);
    return { jobs: pageJobs, cursor: jobs.length > page.limit && last ? encodeCursor(last) : undefined };
  }

  async append(jobId: string, draft: JobEventDraft, options: AppendOptions = {}) {
    const now = this.#now();
    const k = this.#keys(jobId);
    const patch = patchFor(draft);
    const { outputDelta, ...fields } = patch;
    const body = JSON.stringify({ ...draft, timestamp: now });
    const [seq, status] = (await APPEND.run(this.redis, [k.job, k.log, k.out], [
      options.expect?.join(",") ?? "",
      options.attempt === undefined ? "" : String(options.attempt),
      body,
      outputDelta ?? "",
      outputDelta === undefined ? "0" : "1",
      String(this.#ttl),
      String(now),
      String(Math.floor(now / 1000) + this.#ttl),
      ...encode(fields),
    ])) as [number, string];
    if (seq === -1) throw new JobNotFoundError(jobId);
    if (seq === -2) throw new TransitionRejectedError(jobId, status, draft.type);
    if (seq === -3) throw new StaleAttemptError(jobId, options.attempt ?? 0);
    return { ...draft, seq, timestamp: now } as JobEvent;
  }

  async events(jobId: string, afterSeq: number, limit = 1000) {
    const k = this.#keys(jobId);
    const [[, exists], [, raw]] = (await this.redis
      .multi()
      .exists(k.job)
      .lrange(k.log, afterSeq, afterSeq + limit - 1)
      .exec()) as [[unknown, number], [unknown, string[]]];
    if (!exists) throw new JobNotFoundError(jobId);
    return raw.map((r) => JSON.parse(r) as JobEvent);
  }

  async beginAttempt(jobId: string, options: { resume: boolean; now: number }) {
    const k = this.#keys(jobId);
    const reply = (await BEGIN.run(this.redis, [k.job, k.out], [options.resume ? "1" : "0", String(options.now)])) as
      | [number, string?]
      | [string[], string];
    if (reply[0] === -1) throw new JobNotFoundError(jobId);
    if (reply[0] === -2) throw new TransitionRejectedError(jobId, reply[1] as string, "processing");
    return decode(pairs(reply[0] as string[]), reply[1] as string);
  }

  async saveCheckpoint(jobId: string, attempt: number, checkpoint: unknown) {
    const k = this.#keys(jobId);
    const r = await CHECKPOINT.run(this.redis, [k.job], [String(attempt), JSON.stringify(checkpoint ?? null), String(this.#now())]);
    if (r === -1) throw new JobNotFoundError(jobId);
    if (r === -3) throw new StaleAttemptError(jobId, attempt);
  }

  async requestCancel(jobId: string) {
    const k = this.#keys(jobId);
    const reply = (await CANCEL.run(this.redis, [k.job, k.out], [String(this.#now())])) as [string[], string] | [];
    return reply.length ? decode(pairs(reply[0]!), reply[1]!) : undefined;
  }
}

function encode(fields: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || key === "output") continue;
    if (jsonFields.has(key)) out.push(key, JSON.stringify(value));
    else if (typeof value === "boolean") out.push(key, value ? "1" : "0");
    else out.push(key, String(value));
  }
  return out;
}

function pairs(flat: string[]): Record<string, string> {
  const hash: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) hash[flat[i]!] = flat[i + 1]!;
  return hash;
}

function decode(hash: Record<string, string>, output: string): JobRecord {
  const raw: Record<string, unknown> = { output };
  for (const [key, value] of Object.entries(hash)) {
    if (jsonFields.has(key)) raw[key] = JSON.parse(value);
    else if (numberFields.has(key)) raw[key] = Number(value);
    else if (key === "cancelRequested") raw[key] = value === "1";
    else raw[key] = value;
  }
  return JobRecord.parse(raw);
}
