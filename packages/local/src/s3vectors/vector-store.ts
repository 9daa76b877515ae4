import type { MetadataPredicate } from "./filter";
import { BLOCK_ROWS, maxVectors, VectorArena } from "./scan-kernel";
import { TopK } from "./top-k";
import type { DistanceMetric, Metadata } from "./types";

export interface Match {
  key: string;
  distance: number;
  metadata: Metadata;
}

/** A run of consecutive slots (for snapshots). */
export interface StoredChunk {
  keys: readonly string[];
  metadata: readonly Metadata[];
  /** `keys.length × dimension` floats, unpadded. */
  data: Float32Array;
}

const MIN_CAPACITY = 16;

/**
 * The vectors of one index, laid out for a fast exact scan.
 *
 * @remarks
 * - Vectors sit back to back in one growable `Float32Array` (slot i at
 *   `i × stride`) inside a WebAssembly memory, so a query walks memory linearly,
 *   holds half the bytes of `number[][]`, and is scored by the SIMD kernel in
 *   `scan-kernel.ts` without copying. The array grows by 1.5× and shrinks when
 *   three quarters are empty.
 * - Keys live in an array parallel to the slots plus a `Map` key → slot.
 *   Deleting moves the last vector into the freed slot (swap-remove), so slots
 *   stay dense and scans skip no tombstones.
 * - Cosine indexes keep each vector's inverse norm, so a query costs one dot
 *   product per vector and nothing is normalised per query.
 * - Metadata objects are stored as given and filters read them in place.
 */
export class VectorStore {
  #arena: VectorArena;
  #invNorms: Float64Array;
  #size = 0;
  readonly #keys: string[] = [];
  readonly #metadata: Metadata[] = [];
  readonly #slots = new Map<string, number>();
  /** Sorted keys for paging, rebuilt lazily after the key set changes. */
  #sortedKeys: string[] | undefined;

  constructor(
    readonly dimension: number,
    readonly metric: DistanceMetric,
  ) {
    this.#arena = new VectorArena(dimension, 0);
    this.#invNorms = new Float64Array(0);
  }

  get size(): number {
    return this.#size;
  }

  has(key: string): boolean {
    return this.#slots.has(key);
  }

  /**
   * Inserts or completely replaces the vector under `key`, copying `dimension`
   * floats from `source[offset]`.
   *
   * @throws {RangeError} when the index would outgrow the 4 GiB a WebAssembly memory can address.
   */
  put(key: string, source: Float32Array, offset: number, metadata: Metadata): void {
    const d = this.dimension;
    let slot = this.#slots.get(key);
    if (slot === undefined) {
      if (this.#size === this.#arena.capacity) {
        const grown = Math.max(MIN_CAPACITY, Math.ceil(this.#arena.capacity * 1.5));
        this.#resize(Math.min(grown, Math.max(this.#size + 1, maxVectors(this.dimension))));
      }
      slot = this.#size++;
      this.#keys.push(key);
      this.#metadata.push(metadata);
      this.#slots.set(key, slot);
      this.#sortedKeys = undefined;
    } else {
      this.#metadata[slot] = metadata;
    }
    this.#arena.data.set(source.subarray(offset, offset + d), slot * this.#arena.stride);
    if (this.metric === "cosine") {
      let sum = 0;
      for (let j = 0; j < d; j++) {
        const x = source[offset + j]!;
        sum += x * x;
      }
      this.#invNorms[slot] = 1 / Math.sqrt(sum);
    }
  }

  /** Removes `key` if present; the last vector moves into its slot. */
  delete(key: string): boolean {
    const slot = this.#slots.get(key);
    if (slot === undefined) return false;
    const last = this.#size - 1;
    const lastKey = this.#keys.pop()!;
    const lastMetadata = this.#metadata.pop()!;
    this.#slots.delete(key);
    if (slot !== last) {
      const stride = this.#arena.stride;
      this.#arena.data.copyWithin(slot * stride, last * stride, last * stride + stride);
      this.#invNorms[slot] = this.#invNorms[last]!;
      this.#keys[slot] = lastKey;
      this.#metadata[slot] = lastMetadata;
      this.#slots.set(lastKey, slot);
    }
    this.#size = last;
    this.#sortedKeys = undefined;
    if (this.#arena.capacity > 1024 && this.#size < this.#arena.capacity / 4) this.#resize(this.#size * 2);
    return true;
  }

  /** The stored float32 values of `key`, as plain numbers for a JSON response. */
  vectorOf(key: string): number[] | undefined {
    const slot = this.#slots.get(key);
    return slot === undefined ? undefined : Array.from(this.#row(slot));
  }

  metadataOf(key: string): Metadata | undefined {
    const slot = this.#slots.get(key);
    return slot === undefined ? undefined : this.#metadata[slot];
  }

  /** Every key in UTF-16 code-unit order; cached until the key set changes. */
  sortedKeys(): readonly string[] {
    return (this.#sortedKeys ??= this.#keys.slice().sort());
  }

  /**
   * Exact k-nearest-neighbour scan, nearest first.
   *
   * @remarks
   * Rows are scored in blocks: the filter picks the block's rows first (so
   * filtered-out vectors cost no arithmetic), the SIMD kernel scores the picked
   * rows in float32, and a k-sized heap keeps the best. The k survivors are then
   * re-scored in float64, so returned distances are exact (up to the float32
   * storage) and an identical vector gives 0. Per query this allocates only the
   * heap and the result.
   *
   * @returns cosine: 1 − cosine similarity (0..2); euclidean: the L2 distance (not squared).
   */
  query(vector: Float32Array, topK: number, predicate?: MetadataPredicate): Match[] {
    const n = this.#size;
    if (n === 0) return [];
    const cosine = this.metric === "cosine";
    const arena = this.#arena;
    const { idx, out } = arena;
    const invNorms = this.#invNorms;
    const metadata = this.#metadata;
    const qInv = 1 / Math.sqrt(dot(vector, vector));
    const top = new TopK(Math.min(topK, n));
    arena.setQuery(vector);
    for (let start = 0; start < n; start += BLOCK_ROWS) {
      const end = Math.min(n, start + BLOCK_ROWS);
      let count = 0;
      if (predicate === undefined) {
        for (let i = start; i < end; i++) idx[count++] = i;
      } else {
        for (let i = start; i < end; i++) if (predicate(metadata[i]!)) idx[count++] = i;
      }
      if (count === 0) continue;
      if (cosine) {
        arena.dots(count);
        for (let c = 0; c < count; c++) {
          const i = idx[c]!;
          top.push(1 - out[c]! * invNorms[i]! * qInv, i);
        }
      } else {
        arena.sqdists(count);
        for (let c = 0; c < count; c++) top.push(out[c]!, idx[c]!);
      }
    }
    const matches = top.sorted().map(({ slot }) => {
      const row = this.#row(slot);
      const distance = cosine
        ? Math.min(2, Math.max(0, 1 - dot(vector, row) * invNorms[slot]! * qInv))
        : Math.sqrt(squaredDistance(vector, row));
      return { key: this.#keys[slot]!, distance, metadata: metadata[slot]! };
    });
    return matches.sort((a, b) => a.distance - b.distance || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** Consecutive slot ranges of at most `max` vectors, for snapshots. */
  *chunks(max: number): Generator<StoredChunk> {
    const d = this.dimension;
    for (let start = 0; start < this.#size; start += max) {
      const end = Math.min(this.#size, start + max);
      const data = new Float32Array((end - start) * d);
      for (let i = start; i < end; i++) data.set(this.#row(i), (i - start) * d);
      yield { keys: this.#keys.slice(start, end), metadata: this.#metadata.slice(start, end), data };
    }
  }

  #row(slot: number): Float32Array {
    const base = slot * this.#arena.stride;
    return this.#arena.data.subarray(base, base + this.dimension);
  }

  #resize(capacity: number): void {
    const arena = new VectorArena(this.dimension, capacity);
    arena.data.set(this.#arena.data.subarray(0, this.#size * arena.stride));
    const invNorms = new Float64Array(capacity);
    invNorms.set(this.#invNorms.subarray(0, this.#size));
    this.#arena = arena;
    this.#invNorms = invNorms;
  }
}

/** q · v in float64, for the query norm and the k survivors. */
function dot(q: Float32Array, v: Float32Array): number {
  let sum = 0;
  for (let j = 0; j < q.length; j++) sum += q[j]! * v[j]!;
  return sum;
}

function squaredDistance(q: Float32Array, v: Float32Array): number {
  let sum = 0;
  for (let j = 0; j < q.length; j++) {
    const diff = q[j]! - v[j]!;
    sum += diff * diff;
  }
  return sum;
}
