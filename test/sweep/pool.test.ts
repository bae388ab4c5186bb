import { describe, expect, it } from 'vitest';
import { compileBeside } from '../../src/sweep/pool.js';

describe('compileBeside (where a pool of sweep workers runs its optimizing compiler)', () => {
  it.each([
    // threads, cores, beside the workers on V8's helper threads?
    [1, 2, true],
    [3, 4, true],
    [2, 2, false],
    [1, 1, false],
    [4, 2, false],
  ])('%i thread(s) on %i core(s): %s', (threads, cores, want) => {
    expect(compileBeside(threads, cores)).toBe(want);
  });
});
