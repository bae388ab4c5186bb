import { describe, expect, it } from 'vitest';
import { RngStreams } from '../../src/engine/rng.js';
import { csvRow } from '../../src/metrics/csv.js';
import { prefixLines, recordEnd } from '../../src/sweep/aggregate.js';

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

describe('prefixLines: records, not lines (RFC 4180 quoting)', () => {
  it.each([
    [
      'a newline inside a quoted field',
      '0,pods_running,"default/a\nb",3\n1,nodes,,2\n',
      'P,0,pods_running,"default/a\nb",3\nP,1,nodes,,2\n',
    ],
    ['several newlines in one field', '"x\n\ny\n",1\n2\n', 'P,"x\n\ny\n",1\nP,2\n'],
    ['doubled quotes', '"say ""hi""",1\n2\n', 'P,"say ""hi""",1\nP,2\n'],
    ['doubled quotes around a newline', '"a""\n""b",1\n2\n', 'P,"a""\n""b",1\nP,2\n'],
    ['a quoted field ending in a doubled quote', '"x""",1\ny\n', 'P,"x""",1\nP,y\n'],
    ['an empty quoted field', 'x,"",1\ny\n', 'P,x,"",1\nP,y\n'],
    ['a comma and a newline in one field', 'w,"a,\nb",1\n', 'P,w,"a,\nb",1\n'],
    ['quoted records one after another', '"a\nb"\n"c\nd"\n', 'P,"a\nb"\nP,"c\nd"\n'],
    ['a quoted last record without a newline', '1\n"a\nb",2', 'P,1\nP,"a\nb",2'],
    ['a quote left open: the rest is one record', '1\n"a\nb\n', 'P,1\nP,"a\nb\n'],
    ['quotes far from the newlines', 'a\nb\nc\n"d"\n', 'P,a\nP,b\nP,c\nP,"d"\n'],
  ])('%s', (_, body, out) => {
    expect(run(body, 'P,')).toBe(out);
  });

  it('gives every row the prefix a worker writes before it (csvRow), whatever the row holds', () => {
    const rng = new RngStreams(11).get('rows');
    const pieces = ['a', 'zöne', ',', '"', '""', '\n', '\r\n', ' ', '', '0.5', 'default/a\nb'];
    const field = () => Array.from({ length: rng.int(4) }, () => pieces[rng.int(pieces.length)]!).join('');
    for (let t = 0; t < 200; t++) {
      const rows = Array.from({ length: 1 + rng.int(8) }, () =>
        Array.from({ length: 1 + rng.int(5) }, () => (rng.int(3) ? field() : rng.int(100))),
      );
      const body = rows.map(csvRow).join('');
      expect(run(body, 'c03,44,')).toBe(rows.map((r) => `c03,44,${csvRow(r)}`).join(''));
    }
  });
});

describe('recordEnd', () => {
  it('ends a header line at its newline', () => {
    const text = Buffer.from('time_s,metric,workload,value\n0,x,"a\nb",1\n');
    expect(recordEnd(text, 0, { next: text.indexOf('"') })).toBe(29);
  });
  it('walks a body record by record', () => {
    const text = Buffer.from('1\n"a\nb"\n""""\n\n"c"');
    const quotes = { next: text.indexOf('"') };
    const ends: number[] = [];
    for (let at = 0; at < text.length; at = ends[ends.length - 1]!) ends.push(recordEnd(text, at, quotes));
    expect(ends).toEqual([2, 8, 13, 14, 17]);
  });
});
