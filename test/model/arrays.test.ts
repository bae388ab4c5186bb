// IndexList: a set of indices kept as an unordered list with each member's place, against a plain Set; Versions:
// a counter per index, against a Map.
import { describe, expect, it } from 'vitest';
import { RngStreams } from '../../src/engine/rng.js';
import { IndexList, Versions } from '../../src/model/arrays.js';

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

describe('Versions', () => {
  it('counts the bumps of each index, 0 for one never bumped, past its first size too', () => {
    const rng = new RngStreams(5).get('versions');
    const v = new Versions();
    const ref = new Map<number, number>();
    for (let step = 0; step < 3000; step++) {
      const i = rng.int(step < 1500 ? 20 : 700);
      v.bump(i);
      ref.set(i, (ref.get(i) ?? 0) + 1);
    }
    for (let i = 0; i < 800; i++) expect(v.of(i)).toBe(ref.get(i) ?? 0);
  });
});
