// Same scenario and seed -> byte-identical output files, within a process and across processes.
// Two scheduler profiles under one seed see the same arrivals (common random numbers).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { runToDirectory } from '../../src/run/output.js';
import { kubesimProcess, PROCESS_TEST_TIMEOUT_MS } from '../helpers/process.js';
import { fileHashes } from '../helpers/scenario.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'kubesim-det-'));
const DEFAULT = 'scenarios/default.yaml';

describe('determinism', () => {
  it(
    'gives byte-identical outputs for the same seed, in-process and in a separate process',
    () => {
      const a = join(tmp(), 'a');
      const b = join(tmp(), 'b');
      const c = join(tmp(), 'c');
      runToDirectory(loadScenario(DEFAULT), a, 't');
      runToDirectory(loadScenario(DEFAULT), b, 't');
      const r = kubesimProcess(['run', DEFAULT, '--out', c, '--quiet']);
      expect(r.status, r.stderr).toBe(0);
      const ha = fileHashes(a);
      expect(Object.keys(ha)).toEqual([
        'budgets.csv',
        'events.csv',
        'nodes.csv',
        'pods.csv',
        'pools.csv',
        'requests.csv',
        'rollouts.csv',
        'scenario.resolved.yaml',
        'services.csv',
        'summary.csv',
        'timeseries.csv',
        'workloads.csv',
      ]);
      expect(fileHashes(b)).toEqual(ha);
      expect(fileHashes(c)).toEqual(ha);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it('gives different outputs for another seed', () => {
    const a = join(tmp(), 'a');
    const b = join(tmp(), 'b');
    runToDirectory(loadScenario(DEFAULT), a, 't');
    runToDirectory(loadScenario(DEFAULT, { seed: 7 }), b, 't');
    expect(fileHashes(b)['pods.csv']).not.toBe(fileHashes(a)['pods.csv']);
  });

  it('the resolved scenario reproduces the run', () => {
    const a = join(tmp(), 'a');
    runToDirectory(loadScenario(DEFAULT), a, 't');
    // The resolved file names manifests relative to the original scenario, so load it from there.
    const resolved = join('scenarios', `.resolved-test-${process.pid}.yaml`);
    writeFileSync(resolved, readFileSync(join(a, 'scenario.resolved.yaml')));
    try {
      const b = join(tmp(), 'b');
      runToDirectory(loadScenario(resolved), b, 't');
      const ha = fileHashes(a);
      const hb = fileHashes(b);
      delete ha['scenario.resolved.yaml'];
      delete hb['scenario.resolved.yaml'];
      expect(hb).toEqual(ha);
    } finally {
      rmSync(resolved);
    }
  });
});

function arrivals(dir: string): string[] {
  // pod, created_s and requests of every batch pod: the arrival stream.
  const lines = readFileSync(join(dir, 'pods.csv'), 'utf8').trim().split('\n').slice(1);
  return lines
    .map((l) => l.split(','))
    .filter((f) => f[2] === 'default/etl')
    .map((f) => `${f[0]} ${f[6]} ${f[4]} ${f[5]}`)
    .sort();
}

describe('common random numbers', () => {
  it('two profiles under one seed see identical arrivals but place pods differently', () => {
    const a = join(tmp(), 'a');
    const b = join(tmp(), 'b');
    runToDirectory(loadScenario(DEFAULT, { set: ['cluster.scheduler.profile=default'] }), a, 't');
    runToDirectory(loadScenario(DEFAULT, { set: ['cluster.scheduler.profile=most-allocated'] }), b, 't');
    const xa = arrivals(a);
    expect(xa.length).toBeGreaterThan(50);
    expect(arrivals(b)).toEqual(xa);
    expect(readFileSync(join(b, 'pods.csv'), 'utf8')).not.toBe(readFileSync(join(a, 'pods.csv'), 'utf8'));
  });
});
