/**
 * The distance kernel: a tiny hand-assembled WebAssembly module that scores
 * stored vectors against a query with 128-bit SIMD (four float32 lanes, four
 * accumulators), several times faster than a scalar JavaScript loop over the
 * same Float32Array. The vectors live in the module's linear memory, so nothing
 * is copied per query.
 *
 * Equivalent WAT (`len` is the row stride in floats, a multiple of 16):
 * ```wat
 * (func $dot (param $q i32) (param $v i32) (param $len i32) (result f32)
 *   ;; a0..a3 += q[0..16) * v[0..16) per 64 bytes, then a horizontal sum
 * (func $sqdist ...)                ;; the same over (q - v)²
 * (func (export "dots") (param $q $base $idx $count $len $out i32)
 *   ;; for each c < count: out[c] = $dot(q, base + idx[c] * len * 4, len)
 * (func (export "sqdists") ...)     ;; the same with $sqdist
 * ```
 */

const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;

/** Opcodes used below (core and 0xfd-prefixed SIMD). */
const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  brIf: (depth: number) => [0x0d, depth],
  call: (index: number) => [0x10, index],
  get: (local: number) => [0x20, local],
  set: (local: number) => [0x21, local],
  tee: (local: number) => [0x22, local],
  i32Const: (value: number) => [0x41, ...sleb(value)],
  i32Load: [0x28, 2, 0],
  f32Store: [0x38, 2, 0],
  i32Eqz: [0x45],
  i32LtU: [0x49],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32Shl: [0x74],
  f32Add: [0x92],
  v128Load: (offset: number) => [0xfd, 0x00, 4, ...uleb(offset)],
  f32x4ExtractLane: (lane: number) => [0xfd, 0x1f, lane],
  f32x4Add: [0xfd, 0xe4, 0x01],
  f32x4Sub: [0xfd, 0xe5, 0x01],
  f32x4Mul: [0xfd, 0xe6, 0x01],
} as const;

/** $dot / $sqdist: params q=0 v=1 len=2; locals end=3, a0..a3=4..7. */
function pairKernel(squaredDifference: boolean): number[] {
  const lane = (acc: number, offset: number) =>
    squaredDifference
      ? [
          ...op.get(0), ...op.v128Load(offset), ...op.get(1), ...op.v128Load(offset), ...op.f32x4Sub,
          ...op.tee(8), ...op.get(8), ...op.f32x4Mul, ...op.get(acc), ...op.f32x4Add, ...op.set(acc),
        ]
      : [
          ...op.get(acc), ...op.get(0), ...op.v128Load(offset), ...op.get(1), ...op.v128Load(offset),
          ...op.f32x4Mul, ...op.f32x4Add, ...op.set(acc),
        ];
  const locals = squaredDifference ? [[1, I32], [5, V128]] : [[1, I32], [4, V128]];
  return body(locals, [
    // end = v + len * 4
    ...op.get(1), ...op.get(2), ...op.i32Const(2), ...op.i32Shl, ...op.i32Add, ...op.set(3),
    ...op.loop,
    ...lane(4, 0), ...lane(5, 16), ...lane(6, 32), ...lane(7, 48),
    ...op.get(0), ...op.i32Const(64), ...op.i32Add, ...op.set(0),
    ...op.get(1), ...op.i32Const(64), ...op.i32Add, ...op.tee(1),
    ...op.get(3), ...op.i32LtU, ...op.brIf(0),
    ...op.end,
    // a4 = (a0 + a1) + (a2 + a3); return lane0 + lane1 + lane2 + lane3
    ...op.get(4), ...op.get(5), ...op.f32x4Add, ...op.get(6), ...op.get(7), ...op.f32x4Add, ...op.f32x4Add, ...op.set(4),
    ...op.get(4), ...op.f32x4ExtractLane(0), ...op.get(4), ...op.f32x4ExtractLane(1), ...op.f32Add,
    ...op.get(4), ...op.f32x4ExtractLane(2), ...op.f32Add, ...op.get(4), ...op.f32x4ExtractLane(3), ...op.f32Add,
  ]);
}

/** dots / sqdists: params q=0 base=1 idx=2 count=3 len=4 out=5; local step=6. */
function batchKernel(pairFunction: number): number[] {
  return body([[1, I32]], [
    ...op.get(4), ...op.i32Const(2), ...op.i32Shl, ...op.set(6),
    ...op.block,
    ...op.get(3), ...op.i32Eqz, ...op.brIf(0),
    ...op.loop,
    ...op.get(5),
    ...op.get(0), ...op.get(1), ...op.get(2), ...op.i32Load, ...op.get(6), ...op.i32Mul, ...op.i32Add, ...op.get(4),
    ...op.call(pairFunction),
    ...op.f32Store,
    ...op.get(5), ...op.i32Const(4), ...op.i32Add, ...op.set(5),
    ...op.get(2), ...op.i32Const(4), ...op.i32Add, ...op.set(2),
    ...op.get(3), ...op.i32Const(1), ...op.i32Sub, ...op.tee(3), ...op.brIf(0),
    ...op.end,
    ...op.end,
  ]);
}

function body(locals: number[][], code: number[]): number[] {
  const content = [...uleb(locals.length), ...locals.flatMap(([count, type]) => [...uleb(count!), type!]), ...code, ...op.end];
  return [...uleb(content.length), ...content];
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function name(text: string): number[] {
  const bytes = [...Buffer.from(text, "utf8")];
  return [...uleb(bytes.length), ...bytes];
}

function uleb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

function sleb(value: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    const done = (value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

const moduleBytes = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  // types: 0 = (i32 i32 i32) -> f32, 1 = (i32 × 6) -> ()
  ...section(1, [2, 0x60, 3, I32, I32, I32, 1, F32, 0x60, 6, I32, I32, I32, I32, I32, I32, 0]),
  // import env.memory (min 0 pages)
  ...section(2, [1, ...name("env"), ...name("memory"), 0x02, 0x00, 0x00]),
  ...section(3, [4, 0, 0, 1, 1]),
  ...section(7, [2, ...name("dots"), 0x00, 2, ...name("sqdists"), 0x00, 3]),
  ...section(10, [4, ...pairKernel(false), ...pairKernel(true), ...batchKernel(0), ...batchKernel(1)]),
]);

const compiled = new WebAssembly.Module(moduleBytes);

type BatchFn = (q: number, base: number, idx: number, count: number, len: number, out: number) => void;

/** Rows scored per kernel call; bounds the scratch space and the filter's index list. */
export const BLOCK_ROWS = 1024;
const PAGE_BYTES = 65_536;
/** wasm32 addresses 4 GiB; V8 allows that many pages. */
const MAX_PAGES = 65_536;

/** How many vectors of `dimension` one arena can hold (wasm32 addresses 4 GiB). */
export function maxVectors(dimension: number): number {
  const stride = Math.ceil(dimension / 16) * 16;
  const front = stride * 4 + BLOCK_ROWS * 8;
  return Math.floor((MAX_PAGES * PAGE_BYTES - front) / (stride * 4));
}

/**
 * One index's vectors in a WebAssembly memory, padded to a stride of 16 floats
 * (zeros in the padding change neither dot products nor distances), with the
 * query, an index list and the output in front of them.
 *
 * Layout: `[query: stride f32][idx: BLOCK i32][out: BLOCK f32][slot 0][slot 1]…`
 */
export class VectorArena {
  readonly stride: number;
  readonly capacity: number;
  /** Slot i's floats start at `data[i × stride]`. */
  readonly data: Float32Array;
  /** Row numbers the next {@link dots}/{@link sqdists} call scores. */
  readonly idx: Int32Array;
  /** Results of the last kernel call, one per listed row. */
  readonly out: Float32Array;
  readonly #query: Float32Array;
  readonly #dataOffset: number;
  readonly #idxOffset: number;
  readonly #outOffset: number;
  readonly #dots: BatchFn;
  readonly #sqdists: BatchFn;

  /** @throws {RangeError} when `capacity` rows would not fit in 4 GiB. */
  constructor(dimension: number, capacity: number) {
    this.stride = Math.ceil(dimension / 16) * 16;
    this.capacity = capacity;
    this.#idxOffset = this.stride * 4;
    this.#outOffset = this.#idxOffset + BLOCK_ROWS * 4;
    this.#dataOffset = this.#outOffset + BLOCK_ROWS * 4;
    const bytes = this.#dataOffset + capacity * this.stride * 4;
    const pages = Math.ceil(bytes / PAGE_BYTES);
    if (pages > MAX_PAGES) throw new RangeError(`${capacity} vectors of dimension ${dimension} exceed the 4 GiB an index can hold`);
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    const exports = new WebAssembly.Instance(compiled, { env: { memory } }).exports as { dots: BatchFn; sqdists: BatchFn };
    this.#dots = exports.dots;
    this.#sqdists = exports.sqdists;
    this.#query = new Float32Array(memory.buffer, 0, this.stride);
    this.idx = new Int32Array(memory.buffer, this.#idxOffset, BLOCK_ROWS);
    this.out = new Float32Array(memory.buffer, this.#outOffset, BLOCK_ROWS);
    this.data = new Float32Array(memory.buffer, this.#dataOffset, capacity * this.stride);
  }

  setQuery(query: Float32Array): void {
    this.#query.fill(0);
    this.#query.set(query);
  }

  /** out[c] = query · row(idx[c]) for c < count. */
  dots(count: number): void {
    this.#dots(0, this.#dataOffset, this.#idxOffset, count, this.stride, this.#outOffset);
  }

  /** out[c] = |query − row(idx[c])|² for c < count. */
  sqdists(count: number): void {
    this.#sqdists(0, this.#dataOffset, this.#idxOffset, count, this.stride, this.#outOffset);
  }
}
