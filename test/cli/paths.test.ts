import { describe, expect, it } from 'vitest';
import { join, resolve } from 'node:path';
import { shortPath } from '../../src/cli/paths.js';

describe('shortPath', () => {
  it('shows a path under the working directory relative to it', () => {
    expect(shortPath(resolve('results/default'))).toBe(join('results', 'default'));
  });
  it('keeps a path outside the working directory absolute', () => {
    const outside = resolve(process.cwd(), '..', 'elsewhere');
    expect(shortPath(outside)).toBe(outside);
    expect(shortPath('/')).toBe('/');
  });
  it('keeps the working directory itself absolute rather than empty', () => {
    expect(shortPath(process.cwd())).toBe(process.cwd());
  });
});
