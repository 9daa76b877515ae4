/**
 * Deterministic PRNG (mulberry32): 32 bits of state, good enough for test data and
 * benchmarks, and byte-stable across runs and machines, so a seed names one dataset and a
 * failing case can be replayed. Returns floats in [0, 1).
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
