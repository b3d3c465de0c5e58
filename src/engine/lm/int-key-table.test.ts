import { describe, expect, it } from 'vitest';
import { IntKeyTable } from './int-key-table.ts';

describe('IntKeyTable', () => {
  it('finds every key it holds, including keys above 2^32, and nothing else', () => {
    const table = new IntKeyTable(5000);
    const keys = Array.from({ length: 5000 }, (_, i) => (i % 2 ? i * 7919 : 2 ** 40 + i * 65_537));
    keys.forEach((k, i) => expect(table.add(k, i)).toBe(true));
    expect(table.size).toBe(5000);
    keys.forEach((k, i) => expect(table.get(k)).toBe(i));
    for (const missing of [1, 2 ** 40 + 1, 2 ** 52, 123_456_789]) expect(table.get(missing)).toBe(-1);
  });

  it('keeps the first value of a key added twice', () => {
    const table = new IntKeyTable(2);
    expect(table.add(0, 5)).toBe(true);
    expect(table.add(0, 6)).toBe(false);
    expect(table.get(0)).toBe(5);
    expect(table.size).toBe(1);
  });

  it('refuses keys it cannot hold exactly and entries beyond its size', () => {
    const table = new IntKeyTable(1);
    expect(() => table.add(-1, 0)).toThrow(RangeError);
    expect(() => table.add(2 ** 53, 0)).toThrow(RangeError);
    expect(() => table.add(1.5, 0)).toThrow(RangeError);
    for (let k = 0; k < 8; k++) table.add(k, k); // capacity 16 at ≤ 50% load
    expect(() => table.add(8, 8)).toThrow(/full/);
  });
});
