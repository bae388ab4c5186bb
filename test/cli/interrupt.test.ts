// Interrupted and concurrent commands leave nothing half-written: Ctrl-C or SIGTERM on `kubesim run`
// removes its temporary directory and exits 130 / 143 with one line; a run killed outright (SIGKILL)
// leaves a temporary that the next run removes; two sweeps on one --out do not race.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, kubesim, PROCESS_TEST_TIMEOUT_MS } from '../helpers/cli.js';
import { tempFiles } from '../helpers/scenario.js';

const SCENARIO = `name: long
duration: 200d
metrics: {interval: 1h}
cluster:
  nodePools:
    - {name: general, count: 3, allocatable: {cpu: "4", memory: 16Gi}}
workloads:
  - batch:
      name: b
      arrivals: {poisson: {rate: 20/m}}
      requests: {cpu: 500m}
      duration: 5m
`;

/** Starts `kubesim run` on a long scenario and waits (without a time bound) until its temporary directory exists. */
async function startRun(dir: string) {
  const child = spawn(process.execPath, [BIN, 'run', 's.yaml', '--out', 'out', '--quiet'], { cwd: dir });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((done) => child.on('exit', (code, signal) => done(code ?? (signal ? -1 : null))));
  while (!readdirSync(dir).some((f) => f.startsWith('out.tmp-'))) await new Promise((r) => setTimeout(r, 20));
  return { child, exited, stderr: () => stderr };
}

describe('interrupting kubesim run', () => {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(
      `${signal}: exit ${code}, one line, no output and no temporary left`,
      async () => {
        const dir = tempFiles({ 's.yaml': SCENARIO });
        const run = await startRun(dir);
        run.child.kill(signal);
        expect(await run.exited).toBe(code);
        expect(run.stderr()).toBe(`kubesim: interrupted by ${signal}; nothing written to out\n`);
        expect(readdirSync(dir)).toEqual(['s.yaml']);
      },
      PROCESS_TEST_TIMEOUT_MS,
    );
  }

  it(
    'SIGKILL leaves a temporary; the next run into the same place removes it',
    async () => {
      const dir = tempFiles({ 's.yaml': SCENARIO });
      const run = await startRun(dir);
      run.child.kill('SIGKILL');
      await run.exited;
      const left = readdirSync(dir).filter((f) => f.startsWith('out.tmp-'));
      expect(left).toHaveLength(1);
      // A temporary of a live process (a child that sleeps) is left alone.
      const live = spawn('sleep', ['60']);
      try {
        mkdirSync(join(dir, `out.tmp-${live.pid}`));
        const r = await kubesim(['run', 's.yaml', '--out', 'out', '--quiet', '--set', 'duration=1h'], dir);
        expect(r.status).toBe(0);
        expect(readdirSync(dir).sort()).toEqual(['out', `out.tmp-${live.pid}`, 's.yaml']);
      } finally {
        live.kill();
      }
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});

describe('sweeps and their output folder', () => {
  const SMALL = SCENARIO.replace('200d', '10m');

  it('a second sweep on the same --out is refused while the first holds it; a stale lock is taken over', async () => {
    const dir = tempFiles({ 's.yaml': SMALL });
    mkdirSync(join(dir, 'sw'));
    // A live process holds the lock: this test's child, which sleeps.
    const holder = spawn('sleep', ['60']);
    try {
      writeFileSync(join(dir, 'sw', '.kubesim.lock'), `${holder.pid}\n`);
      const r = await kubesim(['sweep', 's.yaml', '--out', 'sw', '--quiet', '--grid', 'nodePools.general.count=[2,3]'], dir);
      expect(r.status).toBe(2);
      expect(r.stderr).toBe(
        `error: ${join(dir, 'sw')}: another kubesim (process ${holder.pid}) is writing to this directory (wait for it to finish, or choose another --out)\n`,
      );
      expect(readdirSync(join(dir, 'sw'))).toEqual(['.kubesim.lock']);
    } finally {
      holder.kill();
    }
    rmSync(join(dir, 'sw', '.kubesim.lock'));
    const first = await kubesim(['sweep', 's.yaml', '--out', 'sw', '--quiet', '--grid', 'nodePools.general.count=[2,3]'], dir);
    expect(first.status).toBe(0);
    // A lock whose process is gone (a finished child's id) is stale.
    const gone = spawnSync('true').pid;
    writeFileSync(join(dir, 'sw', '.kubesim.lock'), `${gone}\n`);
    // An aggregation killed half way left a temporary: removed.
    writeFileSync(join(dir, 'sw', 'timeseries.csv.tmp'), 'partial');
    const r = await kubesim(['sweep', 's.yaml', '--out', 'sw', '--quiet', '--resume', '--grid', 'nodePools.general.count=[2,3]'], dir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const files = readdirSync(join(dir, 'sw'));
    expect(files).not.toContain('.kubesim.lock');
    expect(files).not.toContain('timeseries.csv.tmp');
    expect(files).toContain('summary.csv');
  });

  it('merge takes the same lock', async () => {
    const dir = tempFiles({ 's.yaml': SMALL });
    expect((await kubesim(['sweep', 's.yaml', '--out', 'a', '--quiet', '--shard', '0/2', '--seeds', '2'], dir)).status).toBe(0);
    mkdirSync(join(dir, 'merged'));
    const holder = spawn('sleep', ['60']);
    try {
      writeFileSync(join(dir, 'merged', '.kubesim.lock'), `${holder.pid}\n`);
      const r = await kubesim(['merge', 'a', '--out', 'merged', '--quiet'], dir);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/another kubesim \(process \d+\) is writing to this directory/);
    } finally {
      const gone = new Promise((done) => holder.on('exit', done));
      holder.kill();
      await gone;
    }
    // Its holder gone, the lock is stale and taken over.
    const r = await kubesim(['merge', 'a', '--out', 'merged', '--quiet'], dir);
    expect(r.status).toBe(1); // one shard of two: runs are missing, said in the exit code
    expect(readdirSync(join(dir, 'merged'))).not.toContain('.kubesim.lock');
  });

  it("a sweep refused on a folder of the user's leaves it as it was (no lock file)", async () => {
    const dir = tempFiles({ 's.yaml': SMALL });
    mkdirSync(join(dir, 'occupied'));
    writeFileSync(join(dir, 'occupied', 'notes.txt'), 'mine');
    const r = await kubesim(['sweep', 's.yaml', '--out', 'occupied', '--quiet'], dir);
    expect(r.status).toBe(2);
    expect(readdirSync(join(dir, 'occupied'))).toEqual(['notes.txt']);
  });

  it('--threads above the cores gets a warning', async () => {
    const dir = tempFiles({ 's.yaml': SMALL });
    const n = availableParallelism() + 1;
    const r = await kubesim(['sweep', 's.yaml', '--out', 'sw', '--quiet', '--threads', String(n)], dir);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(
      `warning: --threads ${n} is more than this machine's ${n - 1} core(s); runs are CPU-bound, so the sweep will be slower than with --threads ${n - 1}\n`,
    );
  });

  it('a shard without --out goes to results/<scenario>-sweep-shard-<i>, not the current folder', async () => {
    const dir = tempFiles({ 's.yaml': SMALL });
    const r = await kubesim(['sweep', 's.yaml', '--quiet', '--shard', '1/2', '--seeds', '2'], dir);
    expect(r.status).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['results', 's.yaml']);
    expect(existsSync(join(dir, 'results', 's-sweep-shard-1', 'sweep.json'))).toBe(true);
  });
});
