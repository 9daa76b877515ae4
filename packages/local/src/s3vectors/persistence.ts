import { closeSync, mkdirSync, openSync, readdirSync, readSync, renameSync, statSync, ftruncateSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import type { Mutation } from "./mutations";
import type { Metadata } from "./types";

/** Vectors per putVectors frame in a snapshot: the same bound as a PutVectors call. */
export const SNAPSHOT_CHUNK = 500;
/** Frames larger than this can only come from corruption (the largest real one is ~30 MB). */
const MAX_FRAME_BYTES = 256 * 1024 * 1024;
const FRAME_HEADER_BYTES = 8;

export interface DataDirectoryOptions {
  /** Compact once the log is this large and larger than the last snapshot; default 16 MiB. */
  compactAfterBytes?: number;
  logger?: Pick<Console, "warn" | "error">;
}

/**
 * Durable state in a directory: a snapshot plus a write-ahead log of the
 * mutations since, both in the same binary frame format.
 *
 * @remarks
 * - Frame: `[u32 length][u32 crc32][u32 header length][header JSON][float32 data]`,
 *   little-endian. Vector data travels as raw float32 (4 bytes a value instead of
 *   ~20 as JSON text), so logging a PutVectors batch is one `writeSync` of
 *   roughly the bytes that were stored.
 * - Each mutation is appended before it is applied, synchronously, so the
 *   response is sent only after the OS has the bytes; a killed process loses
 *   nothing it acknowledged. There is no fsync: a power cut may lose the tail.
 * - Replay stops at the first torn or corrupt frame and truncates the log there,
 *   the state a crash mid-append leaves.
 * - Compaction writes the whole state as generation g+1's snapshot (to a temp
 *   file, then renamed), starts an empty log g+1 and deletes generation g. At
 *   every instant the highest complete snapshot plus its log is the full state.
 */
export class DataDirectory {
  readonly #dir: string;
  readonly #compactAfterBytes: number;
  readonly #logger: Pick<Console, "warn" | "error">;
  #generation = 0;
  #logFd: number | undefined;
  #logBytes = 0;
  #snapshotBytes = 0;

  constructor(dir: string, options: DataDirectoryOptions = {}) {
    this.#dir = dir;
    this.#compactAfterBytes = options.compactAfterBytes ?? 16 * 1024 * 1024;
    this.#logger = options.logger ?? console;
  }

  /** Replays the newest snapshot and its log through `apply`, then opens the log for appends. */
  load(apply: (mutation: Mutation) => void): void {
    mkdirSync(this.#dir, { recursive: true });
    const files = readdirSync(this.#dir);
    const generations = files.flatMap((f) => /^snapshot-(\d+)\.bin$/.exec(f)?.[1] ?? []).map(Number);
    this.#generation = generations.length > 0 ? Math.max(...generations) : 0;

    const snapshot = this.#path("snapshot");
    if (generations.length > 0) {
      const { validBytes, totalBytes } = readFrames(snapshot, (m) => this.#replay(apply, m));
      if (validBytes !== totalBytes) throw new Error(`${snapshot} is damaged at byte ${validBytes}; refusing to start without it`);
      this.#snapshotBytes = totalBytes;
    }
    const log = this.#path("wal");
    let logBytes = 0;
    if (files.includes(`wal-${this.#generation}.bin`)) {
      const { validBytes, totalBytes } = readFrames(log, (m) => this.#replay(apply, m));
      if (validBytes !== totalBytes) {
        this.#logger.warn(`[s3vectors] ${log}: dropping ${totalBytes - validBytes} bytes of an incomplete write at the end`);
        const fd = openSync(log, "r+");
        ftruncateSync(fd, validBytes);
        closeSync(fd);
      }
      logBytes = validBytes;
    }
    for (const file of files) {
      const match = /^(snapshot|wal)-(\d+)\.bin(\.tmp)?$/.exec(file);
      if (match && (Number(match[2]) !== this.#generation || match[3])) unlinkSync(join(this.#dir, file));
    }
    this.#logFd = openSync(log, "a");
    this.#logBytes = logBytes;
  }

  /** Appends one mutation to the log; throws if the disk refuses, before anything is applied. */
  append(mutation: Mutation): void {
    if (this.#logFd === undefined) throw new Error("data directory is not open");
    this.#logBytes += writeFrame(this.#logFd, mutation);
  }

  /** True once the log outweighs the snapshot enough that a compaction pays off. */
  get compactionDue(): boolean {
    return this.#logBytes > Math.max(this.#compactAfterBytes, this.#snapshotBytes);
  }

  /** Writes `state` as the next generation's snapshot and starts an empty log. */
  compact(state: Iterable<Mutation>): void {
    if (this.#logFd === undefined) throw new Error("data directory is not open");
    const next = this.#generation + 1;
    const snapshot = join(this.#dir, `snapshot-${next}.bin`);
    const fd = openSync(`${snapshot}.tmp`, "w");
    let bytes = 0;
    try {
      for (const mutation of state) bytes += writeFrame(fd, mutation);
    } finally {
      closeSync(fd);
    }
    renameSync(`${snapshot}.tmp`, snapshot);
    const oldSnapshot = this.#path("snapshot");
    const oldLog = this.#path("wal");
    closeSync(this.#logFd);
    this.#generation = next;
    this.#logFd = openSync(this.#path("wal"), "w");
    this.#logBytes = 0;
    this.#snapshotBytes = bytes;
    for (const old of [oldSnapshot, oldLog]) {
      try {
        unlinkSync(old);
      } catch {
        // generation 0 may have no snapshot, and a fresh log may never have been written
      }
    }
  }

  close(): void {
    if (this.#logFd !== undefined) closeSync(this.#logFd);
    this.#logFd = undefined;
  }

  /** Sizes of the current generation, for tests and logs. */
  get stats(): { generation: number; logBytes: number; snapshotBytes: number } {
    return { generation: this.#generation, logBytes: this.#logBytes, snapshotBytes: this.#snapshotBytes };
  }

  #path(kind: "snapshot" | "wal"): string {
    return join(this.#dir, `${kind}-${this.#generation}.bin`);
  }

  #replay(apply: (mutation: Mutation) => void, mutation: Mutation): void {
    try {
      apply(mutation);
    } catch (error) {
      this.#logger.error(`[s3vectors] could not replay ${mutation.op}; skipping it`, error);
    }
  }
}

/** Writes one frame; returns its size. */
function writeFrame(fd: number, mutation: Mutation): number {
  const { data, ...header } = mutation.op === "putVectors" ? mutation : { ...mutation, data: undefined };
  const headerBytes = Buffer.from(JSON.stringify(header), "utf8");
  const dataBytes = data ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.alloc(0);
  const bodyLength = 4 + headerBytes.length + dataBytes.length;
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + bodyLength);
  frame.writeUInt32LE(bodyLength, 0);
  frame.writeUInt32LE(headerBytes.length, 8);
  headerBytes.copy(frame, 12);
  dataBytes.copy(frame, 12 + headerBytes.length);
  frame.writeUInt32LE(crc32(frame.subarray(FRAME_HEADER_BYTES)), 4);
  let written = 0;
  while (written < frame.length) written += writeSync(fd, frame, written);
  return frame.length;
}

/** Calls `onFrame` for each intact frame; stops at the first torn or corrupt one. */
function readFrames(path: string, onFrame: (mutation: Mutation) => void): { validBytes: number; totalBytes: number } {
  const totalBytes = statSync(path).size;
  const fd = openSync(path, "r");
  const head = Buffer.alloc(FRAME_HEADER_BYTES);
  let position = 0;
  try {
    while (position + FRAME_HEADER_BYTES <= totalBytes) {
      readExactly(fd, head, position);
      const bodyLength = head.readUInt32LE(0);
      if (bodyLength < 4 || bodyLength > MAX_FRAME_BYTES || position + FRAME_HEADER_BYTES + bodyLength > totalBytes) break;
      const body = Buffer.allocUnsafe(bodyLength);
      readExactly(fd, body, position + FRAME_HEADER_BYTES);
      if (crc32(body) !== head.readUInt32LE(4)) break;
      const mutation = decodeBody(body);
      if (!mutation) break;
      onFrame(mutation);
      position += FRAME_HEADER_BYTES + bodyLength;
    }
  } finally {
    closeSync(fd);
  }
  return { validBytes: position, totalBytes };
}

function readExactly(fd: number, buffer: Buffer, position: number): void {
  let read = 0;
  while (read < buffer.length) {
    const n = readSync(fd, buffer, read, buffer.length - read, position + read);
    if (n === 0) throw new Error("unexpected end of file");
    read += n;
  }
}

function decodeBody(body: Buffer): Mutation | undefined {
  const headerLength = body.readUInt32LE(0);
  if (4 + headerLength > body.length) return undefined;
  let header: Mutation;
  try {
    header = JSON.parse(body.toString("utf8", 4, 4 + headerLength)) as Mutation;
  } catch {
    return undefined;
  }
  if (header.op !== "putVectors") return header;
  const raw = body.subarray(4 + headerLength);
  const data = new Float32Array(raw.length / 4);
  new Uint8Array(data.buffer).set(raw);
  // Stored metadata is null-prototype (see types.ts); JSON.parse gives ordinary objects.
  const metadata = header.metadata.map((m) => Object.assign(Object.create(null) as Metadata, m));
  return { ...header, metadata, data };
}

