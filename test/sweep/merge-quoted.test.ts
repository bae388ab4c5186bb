// kubesim merge reads CSV records, not lines: workload names holding a newline, quotes and commas (quoted fields
// in timeseries.csv) merge from shards into the bytes the unsharded sweep writes. The command line runs in this
// process; its runs on worker threads (the compiled worker in dist/).
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { kubesim as cli } from '../helpers/cli.js';

/** Sweeps run simulations on worker threads: on a loaded machine they take many times their idle time. */
const SWEEP_TEST_TIMEOUT_MS = 180_000;

const SCENARIO = [
  'name: quoted-names',
  'seed: 7',
  'duration: 1h',
  'metrics:',
  '  interval: 5m',
  'cluster:',
  '  nodePools:',
  '    - {name: general, zones: [zone-a, zone-b], count: 2, allocatable: {cpu: "4", memory: 16Gi}}',
  'workloads:',
  '  - batch:',
  '      name: "a\\nb"',
  '      arrivals: {poisson: {rate: 30/h}}',
  '      requests: {cpu: 500m, memory: 512Mi}',
  '      duration: {constant: 10m}',
  '  - batch:',
  '      name: "say \\"hi\\",\\n twice"',
  '      arrivals: {poisson: {rate: 20/h}}',
  '      requests: {cpu: 250m, memory: 256Mi}',
  '      duration: {exponential: {mean: 15m}}',
  '',
].join('\n');

/** Two grid axes whose fields are both `count`. */
const GRID = ['--grid', 'nodePools.general.count=[2,3]', '--grid', 'workloads[1].batch.count=[3,50]', '--seeds', '2'];

/** sha256 of every file under dir, by relative path. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

describe('kubesim merge: quoted fields', () => {
  it(
    'merges shards into the bytes of the unsharded sweep when a workload name holds a newline',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'kubesim-quoted-'));
      const file = join(dir, 'quoted.yaml');
      writeFileSync(file, SCENARIO);
      const whole = join(dir, 'whole');
      const r = await cli(['sweep', file, ...GRID, '--baseline', 'c00', '--threads', '2', '--quiet', '--out', whole]);
      expect(r.status, r.stderr).toBe(0);
      const shards = [0, 1].map((i) => join(dir, `shard-${i}`));
      for (const [i, out] of shards.entries()) {
        const s = await cli(['sweep', file, ...GRID, '--baseline', 'c00', '--shard', `${i}/2`, '--threads', '1', '--quiet', '--out', out]);
        expect(s.status, s.stderr).toBe(0);
      }
      const merged = join(dir, 'merged');
      const m = await cli(['merge', ...shards, '--out', merged, '--quiet']);
      expect(m.status, m.stderr).toBe(0);

      for (const f of ['timeseries.csv', 'summary.csv', 'runs.csv', 'differences.csv']) {
        expect(readFileSync(join(merged, f)).equals(readFileSync(join(whole, f))), f).toBe(true);
      }
      expect(tree(merged)).toEqual(tree(whole));

      // Every record of the combined timeseries has its cell and seed, and the names are whole.
      const rows = parse(readFileSync(join(merged, 'timeseries.csv'), 'utf8')) as string[][];
      expect(rows[0]).toEqual(['cell', 'seed', 'time_s', 'metric', 'node_pool', 'zone', 'workload', 'value']);
      for (const row of rows.slice(1)) {
        expect(row).toHaveLength(8);
        expect(row[0]).toMatch(/^c0[0-3]$/);
        expect(['7', '8']).toContain(row[1]);
      }
      const workloads = new Set(rows.slice(1).map((row) => row[6]));
      expect(workloads).toContain('default/a\nb');
      expect(workloads).toContain('default/say "hi",\n twice');

      // The axes' columns are their full field paths, though both fields are `count`.
      const summary = parse(readFileSync(join(merged, 'summary.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
      expect(summary.map((row) => [row.cell, row['cluster.nodePools.general.count'], row['workloads[1].batch.count'], row.runs])).toEqual([
        ['c00', '2', '3', '2'],
        ['c01', '2', '50', '2'],
        ['c02', '3', '3', '2'],
        ['c03', '3', '50', '2'],
      ]);
    },
    SWEEP_TEST_TIMEOUT_MS,
  );
});
