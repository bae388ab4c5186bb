// docs/OUTPUTS.md documents every column of every file the shipped scenarios write, and every metric of
// timeseries.csv: a new column cannot land undocumented.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { simulate } from '../../src/run/simulate.js';
import type { RowSink } from '../../src/metrics/collector.js';

/** The backticked names in the first column of each file section's tables. */
function documented(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  let file = '';
  for (const line of readFileSync('docs/OUTPUTS.md', 'utf8').split('\n')) {
    const h = /^## (\S+\.csv)$/.exec(line);
    if (h) {
      file = h[1]!;
      out.set(file, new Set());
      continue;
    }
    const row = /^\| ([^|]+) \|/.exec(line);
    if (!row || !file) continue;
    for (const m of row[1]!.matchAll(/`([^`]+)`/g)) out.get(file)!.add(m[1]!);
  }
  return out;
}

describe('docs/OUTPUTS.md', () => {
  const doc = documented();
  const files = new Map<string, Set<string>>();
  const metrics = new Set<string>();
  for (const f of readdirSync('scenarios').filter((x) => x.endsWith('.yaml'))) {
    const s = loadScenario(join('scenarios', f), { set: ['duration=10m'] });
    const result = simulate(s, {
      open(name: string, columns: readonly string[]): RowSink {
        if (!files.has(name)) files.set(name, new Set());
        for (const c of columns) files.get(name)!.add(c);
        return { write: (r) => name === 'timeseries.csv' && metrics.add(String(r[1])) };
      },
    });
    if (!files.has('summary.csv')) files.set('summary.csv', new Set());
    for (const k of Object.keys(result.summary)) files.get('summary.csv')!.add(k);
  }

  it('documents every file the shipped scenarios write', () => {
    expect([...files.keys()].filter((f) => !doc.has(f))).toEqual([]);
  });

  it.each([...files.keys()].filter((f) => f !== 'timeseries.csv'))('documents every column of %s', (f) => {
    expect([...files.get(f)!].filter((c) => !doc.get(f)?.has(c))).toEqual([]);
  });

  it('documents every metric of timeseries.csv', () => {
    expect(metrics.size).toBeGreaterThan(5);
    expect([...metrics].filter((m) => !doc.get('timeseries.csv')?.has(m))).toEqual([]);
  });
});
