import { describe, expect, it } from 'vitest';
import { CycleState } from '../../src/scheduler/framework.js';

describe('CycleState', () => {
  it('returns what was written in this cycle', () => {
    const s = new CycleState();
    expect(s.read('k')).toBeUndefined();
    s.write('k', 1);
    s.write('k', 2);
    expect(s.read<number>('k')).toBe(2);
  });
  it('forgets every value on reset, and takes new ones after', () => {
    const s = new CycleState();
    s.write('a', { x: 1 });
    s.write('b', 0);
    s.reset();
    expect(s.read('a')).toBeUndefined();
    expect(s.read('b')).toBeUndefined();
    s.write('b', 5);
    expect(s.read('a')).toBeUndefined();
    expect(s.read<number>('b')).toBe(5);
    s.reset();
    s.reset();
    expect(s.read('b')).toBeUndefined();
  });
});
