/**
 * Keeps the k nearest candidates of a scan in a bounded max-heap on typed arrays:
 * O(n log k) for the whole scan, no allocation per candidate, and no sort of the
 * full candidate set (only the k survivors are sorted at the end).
 */
export class TopK {
  readonly #distances: Float64Array;
  readonly #slots: Int32Array;
  #size = 0;

  constructor(readonly capacity: number) {
    this.#distances = new Float64Array(capacity);
    this.#slots = new Int32Array(capacity);
  }

  get size(): number {
    return this.#size;
  }

  /** The distance a candidate has to beat to get in: the worst kept once full. */
  get bound(): number {
    return this.#size < this.capacity ? Infinity : this.#distances[0]!;
  }

  push(distance: number, slot: number): void {
    const d = this.#distances;
    const s = this.#slots;
    if (this.#size < this.capacity) {
      let i = this.#size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (d[parent]! >= distance) break;
        d[i] = d[parent]!;
        s[i] = s[parent]!;
        i = parent;
      }
      d[i] = distance;
      s[i] = slot;
      return;
    }
    if (!(distance < d[0]!)) return;
    const n = this.#size;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && d[right]! > d[left]! ? right : left;
      if (d[child]! <= distance) break;
      d[i] = d[child]!;
      s[i] = s[child]!;
      i = child;
    }
    d[i] = distance;
    s[i] = slot;
  }

  /** The kept candidates, nearest first. */
  sorted(): Array<{ slot: number; distance: number }> {
    const out: Array<{ slot: number; distance: number }> = [];
    for (let i = 0; i < this.#size; i++) out.push({ slot: this.#slots[i]!, distance: this.#distances[i]! });
    return out.sort((a, b) => a.distance - b.distance);
  }
}
