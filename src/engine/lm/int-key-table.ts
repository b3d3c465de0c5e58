const EMPTY = -1;

/**
 * A fixed-capacity hash map from non-negative integer keys (< 2^53) to int32 values, in two typed
 * arrays with linear probing. An n-gram LM holds ~0.5 M keys: a Map of them costs ~45 MB of heap
 * and a slow build; this costs 12 bytes a slot at ≤ 50% load.
 */
export class IntKeyTable {
  private readonly keys: Float64Array;
  private readonly values: Int32Array;
  private readonly mask: number;
  private count = 0;

  constructor(maxEntries: number) {
    let capacity = 16;
    while (capacity < 2 * maxEntries) capacity *= 2;
    this.keys = new Float64Array(capacity).fill(EMPTY);
    this.values = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  get size(): number {
    return this.count;
  }

  /** The value of `key`, or −1 when absent. */
  get(key: number): number {
    for (let i = this.slot(key); ; i = (i + 1) & this.mask) {
      const k = this.keys[i];
      if (k === key) return this.values[i];
      if (k === EMPTY) return -1;
    }
  }

  /** Adds `key`; false (and no change) if it is already there. */
  add(key: number, value: number): boolean {
    if (!Number.isSafeInteger(key) || key < 0) throw new RangeError(`key must be a safe non-negative integer, got ${key}`);
    if (2 * (this.count + 1) > this.keys.length) throw new RangeError('table is full');
    for (let i = this.slot(key); ; i = (i + 1) & this.mask) {
      const k = this.keys[i];
      if (k === key) return false;
      if (k === EMPTY) {
        this.keys[i] = key;
        this.values[i] = value;
        this.count++;
        return true;
      }
    }
  }

  /** Mixes both 32-bit halves of the key (murmur3's finalizer). */
  private slot(key: number): number {
    let h = (key >>> 0) ^ Math.imul(Math.floor(key / 4294967296), 0x9e3779b1);
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return (h ^ (h >>> 16)) & this.mask;
  }
}
