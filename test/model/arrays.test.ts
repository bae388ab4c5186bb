// IndexList: a set of indices kept as an unordered list with each member's place, against a plain Set.
import { describe, expect, it } from 'vitest';
import { RngStreams } from '../../src/engine/rng.js';
import { IndexList } from '../../src/model/arrays.js';

describe('IndexList', () => {
  it('holds what a Set holds through random adds, deletes and clears, indices past its first size included', () => {
    const rng = new RngStreams(3).get('index-list');
    const list = new IndexList();
    const ref = new Set<number>();
    for (let step = 0; step < 5000; step++) {
      const i = rng.int(300);
      const op = rng.int(20);
      if (op === 0) {
        list.clear();
        ref.clear();
      } else if (op < 10) {
        list.add(i);
        ref.add(i);
      } else {
        list.delete(i);
        ref.delete(i);
      }
      expect(list.size).toBe(ref.size);
      expect(list.has(i)).toBe(ref.has(i));
    }
    expect([...list.list.subarray(0, list.size)].sort((a, b) => a - b)).toEqual([...ref].sort((a, b) => a - b));
    for (let i = 0; i < 400; i++) expect(list.has(i)).toBe(ref.has(i));
  });
});
