import { describe, expect, it } from 'vitest';
import { prefixLines } from '../../src/sweep/aggregate.js';

const run = (body: string, prefix: string) => prefixLines(Buffer.from(body), Buffer.from(prefix)).toString();

describe('prefixLines (the combined timeseries.csv)', () => {
  it('puts the prefix before every line and keeps the line ends', () => {
    expect(run('a,1\nb,2\n', 'c00,7,')).toBe('c00,7,a,1\nc00,7,b,2\n');
  });
  it('prefixes a last line without a newline too', () => {
    expect(run('a,1\nb,2', 'x,')).toBe('x,a,1\nx,b,2');
  });
  it('writes nothing for an empty body', () => {
    expect(run('', 'x,')).toBe('');
  });
  it('keeps empty lines as lines', () => {
    expect(run('\n\n', 'p')).toBe('p\np\n');
  });
  it('handles multi-byte characters in labels', () => {
    expect(run('zöne,1\n', 'c01,8,')).toBe('c01,8,zöne,1\n');
  });
});
