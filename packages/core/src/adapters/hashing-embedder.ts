import { checkEmbedderInput, type Embedder } from "../ports";
import { isStopWord, stemWord, termWeight } from "./hashing-embedder-text";

const DIMENSION = 1024;
/** How much each feature family contributes to the final vector (each family is normalized first). */
const WEIGHT = { words: 1, chars: 0.6, bigrams: 0.45 } as const;
/** Stop words still count, a little, so a query made only of them is not a zero vector. */
const STOP_WORD_WEIGHT = 0.1;
const SEED = { words: 0x9747b28c, chars: 0x2f6b1d3a, bigrams: 0x5bd1e995, raw: 0x1b873593 } as const;
/** Scripts written without spaces: a run of them is one "word" to the tokenizer, so it is split into character pairs. */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u;
/** Texts embedded between yields to the event loop, so a big batch does not starve timers and aborts. */
const YIELD_EVERY = 64;

/**
 * An offline `Embedder` that needs no network and no model files: feature hashing
 * ("the hashing trick") of words, word pairs and character n-grams into 1,024 signed
 * dimensions, the same size as Titan V2 so the same vector index serves both.
 *
 * @remarks
 * It captures lexical overlap, not meaning: "How are traces recorded?" finds "the tracer
 * records hot loops as traces" because normalization maps *traces/tracer/traced* and
 * *records/recorded* to shared stems, and character n-grams (3–5, within words) catch the
 * morphology the small stemmer misses. Synonyms with no shared letters do not match.
 *
 * Per text: NFKD accent folding and lower-casing; tokens are runs of letters and digits
 * (CJK runs become character bigrams); each token adds its stem (stop words at 0.1,
 * frequent English words at 0.5 — a fixed stand-in for IDF, see `termWeight`), its
 * character n-grams and, over the sequence with stop words skipped, a bigram of stems.
 * Term counts are dampened (1 + ln tf), each family is normalized and weighted, and
 * every feature is hashed (FNV-1a + murmur3 finalizer) to several index-and-sign slots
 * (4 for words and bigrams, 2 for n-grams) sharing its weight; the sum is L2-normalized.
 *
 * Why several slots: 1,024 dimensions hold a 600-character chunk's ~700 features only
 * with collisions. With one slot a collision is rare but large, and a short chunk
 * ("AFTERWORD", a running head) that collides with one question word jumps to the top;
 * spread over slots, collisions are as frequent in total but small, which keeps such
 * flukes below real matches. Deterministic across runs and machines; changing any of
 * this must change `id`, since stored vectors and queries must come from one version.
 */
export class HashingEmbedder implements Embedder {
  /**
   * v3: ingestion embeds each chunk under its document's heading (`rag/chunk-heading`);
   * the vectors of v2 documents lack it, so they are asked to be ingested again.
   */
  readonly id = "offline-hashing-v3";
  readonly dimension = DIMENSION;
  readonly maxInputChars: number;

  /** `maxInputChars` defaults to the Bedrock adapter's, so offline runs chunk exactly like AWS runs. */
  constructor(options: { maxInputChars?: number } = {}) {
    this.maxInputChars = options.maxInputChars ?? 20_000;
  }

  async embed(texts: readonly string[], options: { signal?: AbortSignal } = {}): Promise<Float32Array[]> {
    const { signal } = options;
    signal?.throwIfAborted();
    checkEmbedderInput(this.id, texts, this.maxInputChars);
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i++) {
      if (i > 0 && i % YIELD_EVERY === 0) {
        await new Promise((resolve) => setImmediate(resolve));
        signal?.throwIfAborted();
      }
      out.push(hashingVector(texts[i]!));
    }
    return out;
  }
}

/** Feature families. Stop words are normalized together with words, a tenth as loud. */
const Family = { Words: 0, StopWords: 1, Chars: 2, Bigrams: 3, Raw: 4 } as const;
type Family = (typeof Family)[keyof typeof Family];
/** Per family: its normalization group and its weight within the group. */
const GROUP_OF: readonly number[] = [0, 0, 1, 2, 3];
const WEIGHT_IN_GROUP: readonly number[] = [1, STOP_WORD_WEIGHT, 1, 1, 1];
/** Per group: the norm it contributes before the final normalization. */
const GROUP_WEIGHT: readonly number[] = [WEIGHT.words, WEIGHT.chars, WEIGHT.bigrams, 1];
/**
 * Per family: the slots each feature is spread over. N-grams, the bulk of the features,
 * get fewer: their value lies in many weak matches, not in any single one.
 */
const SLOTS: readonly number[] = [4, 4, 2, 4, 1];
const SLOT_SCALE: readonly number[] = SLOTS.map((k) => 1 / Math.sqrt(k));

/** The embedding of one non-blank text; exported for benchmarks and tests. */
export function hashingVector(text: string): Float32Array {
  const table = FeatureTable.shared;
  table.clear();
  const ascii = !/[^\x00-\x7f]/.test(text);
  // NFKD splits accents off (and unfolds ligatures and full-width forms); then they are dropped.
  const folded = ascii ? text.toLowerCase() : text.normalize("NFKD").replace(/\p{M}+/gu, "").toLowerCase();
  const tokens = /[\p{L}\p{N}]+/gu;
  let previous = 0;
  let previousWeight = 1;
  for (let m = tokens.exec(folded); m; m = tokens.exec(folded)) {
    const token = m[0];
    if (!ascii && UNSPACED.test(token)) {
      // One feature per character pair (and the lone character of a one-character run).
      if (token.length === 1) table.add(hashRange(token, 0, 1, SEED.words), Family.Words, 1);
      for (let i = 0; i + 1 < token.length; i++) table.add(hashRange(token, i, i + 2, SEED.words), Family.Words, 1);
      previous = 0;
      continue;
    }
    if (isStopWord(token)) {
      table.add(hashRange(token, 0, token.length, SEED.words), Family.StopWords, 1);
      continue;
    }
    const stem = stemWord(token);
    const stemHash = hashRange(stem, 0, stem.length, SEED.words);
    const weight = termWeight(stem);
    table.add(stemHash, Family.Words, weight);
    if (previous !== 0) table.add(fmix32(Math.imul(previous, 0x9e3779b1) ^ stemHash ^ SEED.bigrams), Family.Bigrams, Math.sqrt(previousWeight * weight));
    previous = stemHash;
    previousWeight = weight;
    for (let n = 3; n <= 5; n++) {
      // n-grams of "<token>", the brackets marking the word's start and end.
      for (let i = -1; i + n <= token.length + 1; i++) table.add(hashPadded(token, i, n, SEED.chars), Family.Chars, 1);
    }
  }
  if (table.size === 0) {
    // Punctuation or symbols only: still a stable, non-zero vector of the characters.
    for (const ch of folded.replace(/\s+/gu, "")) table.add(hashRange(ch, 0, ch.length, SEED.raw), Family.Raw, 1);
  }
  return table.toVector();
}

/**
 * Counts of hashed features for one text: open addressing over typed arrays, reused
 * between texts (a `Map` per text spent most of the time allocating).
 */
class FeatureTable {
  static readonly shared = new FeatureTable(1 << 14);
  #keys: Int32Array;
  #counts: Uint32Array;
  #families: Uint8Array;
  #weights: Float32Array;
  #occupied: Uint8Array;
  #slots: Int32Array;
  size = 0;

  constructor(capacity: number) {
    this.#keys = new Int32Array(capacity);
    this.#counts = new Uint32Array(capacity);
    this.#families = new Uint8Array(capacity);
    this.#weights = new Float32Array(capacity);
    this.#occupied = new Uint8Array(capacity);
    this.#slots = new Int32Array(capacity);
  }

  clear(): void {
    for (let i = 0; i < this.size; i++) this.#occupied[this.#slots[i]!] = 0;
    this.size = 0;
  }

  /** Counts one occurrence; `weight` is the feature's own (the same on every occurrence). */
  add(hash: number, family: Family, weight: number): void {
    if (this.size * 2 >= this.#keys.length) this.#grow();
    const mask = this.#keys.length - 1;
    // Families have their own seeds; mixing the family in keeps equal hashes apart anyway.
    let slot = (hash ^ Math.imul(family, 0x27d4eb2d)) & mask;
    while (this.#occupied[slot]) {
      if (this.#keys[slot] === hash && this.#families[slot] === family) {
        this.#counts[slot]!++;
        return;
      }
      slot = (slot + 1) & mask;
    }
    this.#occupied[slot] = 1;
    this.#keys[slot] = hash;
    this.#families[slot] = family;
    this.#weights[slot] = weight;
    this.#counts[slot] = 1;
    this.#slots[this.size++] = slot;
  }

  /**
   * Weighted, dampened counts (1 + ln tf), each normalization group scaled to its weight
   * (so long texts do not let the many n-grams drown the words), spread over the
   * family's slots, each a dimension (low bits of a remix of the hash) and a sign (top
   * bit, so collisions cancel on average), then L2-normalized.
   */
  toVector(): Float32Array {
    const sumSquares = [0, 0, 0, 0];
    for (let i = 0; i < this.size; i++) {
      const slot = this.#slots[i]!;
      const family = this.#families[slot]!;
      const value = this.#weights[slot]! * WEIGHT_IN_GROUP[family]! * dampen(this.#counts[slot]!);
      sumSquares[GROUP_OF[family]!]! += value * value;
    }
    const scale = sumSquares.map((s, group) => (s === 0 ? 0 : GROUP_WEIGHT[group]! / Math.sqrt(s)));
    const vector = new Float32Array(DIMENSION);
    for (let i = 0; i < this.size; i++) {
      const slot = this.#slots[i]!;
      const family = this.#families[slot]!;
      const hash = this.#keys[slot]!;
      const value = scale[GROUP_OF[family]!]! * this.#weights[slot]! * WEIGHT_IN_GROUP[family]! * dampen(this.#counts[slot]!) * SLOT_SCALE[family]!;
      const slots = SLOTS[family]!;
      for (let r = 0; r < slots; r++) {
        const h = r === 0 ? hash : fmix32(hash ^ Math.imul(r, 0x9e3779b9));
        vector[h & (DIMENSION - 1)]! += h < 0 ? -value : value;
      }
    }
    let sum = 0;
    for (let i = 0; i < DIMENSION; i++) sum += vector[i]! * vector[i]!;
    const unit = 1 / Math.sqrt(sum);
    for (let i = 0; i < DIMENSION; i++) vector[i]! *= unit;
    return vector;
  }

  #grow(): void {
    const old = { keys: this.#keys, counts: this.#counts, families: this.#families, weights: this.#weights, slots: this.#slots, size: this.size };
    const capacity = old.keys.length * 2;
    this.#keys = new Int32Array(capacity);
    this.#counts = new Uint32Array(capacity);
    this.#families = new Uint8Array(capacity);
    this.#weights = new Float32Array(capacity);
    this.#occupied = new Uint8Array(capacity);
    this.#slots = new Int32Array(capacity);
    this.size = 0;
    for (let i = 0; i < old.size; i++) {
      const slot = old.slots[i]!;
      const family = old.families[slot]! as Family;
      const hash = old.keys[slot]!;
      this.add(hash, family, old.weights[slot]!);
      this.#counts[this.#slots[this.size - 1]!] = old.counts[slot]!;
    }
  }
}

const DAMPENED = Float64Array.from({ length: 64 }, (_, tf) => (tf === 0 ? 0 : 1 + Math.log(tf)));

/** Sublinear term frequency, 1 + ln tf: the tenth "trace" in a chunk adds little over the second. */
function dampen(tf: number): number {
  return tf < 64 ? DAMPENED[tf]! : 1 + Math.log(tf);
}

/** `hashRange` over `"<" + token + ">"` from `start` (-1 is the "<"), without building the string. */
function hashPadded(token: string, start: number, n: number, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = start; i < start + n; i++) {
    const c = i < 0 ? 60 : i >= token.length ? 62 : token.charCodeAt(i);
    h = Math.imul(h ^ c, 0x01000193);
  }
  return fmix32(h);
}

/** FNV-1a over UTF-16 code units of `s[start, end)`, finished with murmur3's fmix32 for avalanche. Signed 32-bit. */
function hashRange(s: string, start: number, end: number, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = start; i < end; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return fmix32(h);
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
