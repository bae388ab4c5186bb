// Sweeps: byte-identical merged outputs whatever the thread count or shard split; clear errors.
// The command line runs in this process (its runs still on worker threads); the end-to-end tests at the end start
// bin/kubesim.js: an interrupted sweep, and an error's exit code with no stack trace.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { bootstrapStream, meanInterval } from '../../src/sweep/stats.js';
import { BIN, kubesim as cli, kubesimProcess, PROCESS_TEST_TIMEOUT_MS } from '../helpers/cli.js';
import { load as loadYaml } from './yaml-helper.js';

const ARGS = [
  'scenarios/default.yaml',
  '--grid',
  'scheduler.profile=[default,most-allocated]',
  '--grid',
  'nodePools.general.count=5..6',
  '--seeds',
  '3',
  '--set',
  'duration=1h',
  '--baseline',
  'c00',
  '--quiet',
];

const kubesim = (...args: string[]) => cli(args);
/** Sweeps run simulations on worker threads: on a loaded machine they take many times their idle time. */
const SWEEP_TEST_TIMEOUT_MS = 180_000;

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

const tmp = () => mkdtempSync(join(tmpdir(), 'kubesim-sweep-'));

describe('kubesim sweep', () => {
  it(
    'writes the same bytes with 1, 2 and 4 threads, and when 3 shards run separately and are merged',
    async () => {
      const base = tmp();
      const trees: Record<string, string>[] = [];
      for (const t of [1, 2, 4]) {
        const out = join(base, `t${t}`);
        const r = await kubesim('sweep', ...ARGS, '--threads', String(t), '--out', out);
        expect(r.status, r.stderr).toBe(0);
        trees.push(tree(out));
      }
      expect(Object.keys(trees[0]!)).toContain('summary.csv');
      expect(Object.keys(trees[0]!)).toContain('differences.csv');
      expect(Object.keys(trees[0]!).filter((f) => f.endsWith('summary.csv'))).toHaveLength(1 + 12);
      expect(trees[1]).toEqual(trees[0]);
      expect(trees[2]).toEqual(trees[0]);
      // The workers' parts of the combined timeseries.csv are gone once it is written.
      expect(Object.keys(trees[0]!).some((f) => f.startsWith('.parts'))).toBe(false);

      const shards: string[] = [];
      for (const i of [0, 1, 2]) {
        const out = join(base, `shard${i}`);
        const r = await kubesim('sweep', ...ARGS, '--shard', `${i}/3`, '--threads', '1', '--out', out);
        expect(r.status, r.stderr).toBe(0);
        shards.push(out);
      }
      // Shard i holds runs i, i+3, …: in cell-major order with 3 seeds, shard 0 has seed 42 of every cell.
      expect(readdirSync(join(shards[0]!, 'runs', 'c00'))).toEqual(['42']);
      expect(readdirSync(join(shards[1]!, 'runs', 'c00'))).toEqual(['43']);
      const merged = join(base, 'merged');
      const m = await kubesim('merge', ...shards, '--out', merged, '--quiet');
      expect(m.status, m.stderr).toBe(0);
      expect(tree(merged)).toEqual(trees[0]);
    },
    SWEEP_TEST_TIMEOUT_MS,
  );

  it(
    'summarises cells with seeded bootstrap intervals and pairs differences by seed',
    async () => {
      const out = join(tmp(), 's');
      expect((await kubesim('sweep', ...ARGS, '--out', out)).status).toBe(0);
      const summary = parse(readFileSync(join(out, 'summary.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
      const runs = parse(readFileSync(join(out, 'runs.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
      // The axes' columns are their keys' full field paths.
      expect(summary.map((r) => [r.cell, r['cluster.scheduler.profile'], r['cluster.nodePools.general.count'], r.runs])).toEqual([
        ['c00', 'default', '5', '3'],
        ['c01', 'default', '6', '3'],
        ['c02', 'most-allocated', '5', '3'],
        ['c03', 'most-allocated', '6', '3'],
      ]);
      expect(runs.filter((r) => r.cell === 'c02').map((r) => r['cluster.scheduler.profile'])).toEqual(Array(3).fill('most-allocated'));
      // Recompute one interval from runs.csv: the bootstrap of the cell's values, its stream named by the
      // scenario's seed (42), the cell and the metric.
      const xs = runs.filter((r) => r.cell === 'c02').map((r) => Number(r.cpu_requested_ratio_mean));
      const iv = meanInterval(xs, bootstrapStream(42, 'summary', 'c02', 'cpu_requested_ratio_mean'));
      const row = summary[2]!;
      expect(Number(row.cpu_requested_ratio_mean_mean)).toBeCloseTo(xs.reduce((a, b) => a + b, 0) / 3, 9);
      expect(Number(row.cpu_requested_ratio_mean_ci95_low)).toBeCloseTo(iv.low, 9);
      expect(Number(row.cpu_requested_ratio_mean_ci95_high)).toBeCloseTo(iv.high, 9);
      expect(Number(row.cpu_requested_ratio_mean_ci95_low)).toBeGreaterThanOrEqual(Math.min(...xs));
      expect(Number(row.cpu_requested_ratio_mean_ci95_high)).toBeLessThanOrEqual(Math.max(...xs));
      expect(iv.low).toBeLessThan(iv.high);
      // Paired differences use the same seeds: nodes differ by exactly one between count 6 and 5.
      const diffs = parse(readFileSync(join(out, 'differences.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
      const d = diffs.find((r) => r.cell === 'c01' && r.metric === 'nodes')!;
      expect([d.pairs, d.mean_difference, d.ci95_low, d.ci95_high]).toEqual(['3', '1', '1', '1']);
      // The same bootstrap on the paired differences, on a stream of its own.
      const base = (seed: string) => Number(runs.find((r) => r.cell === 'c00' && r.seed === seed)!.cpu_requested_ratio_mean);
      const dx = runs.filter((r) => r.cell === 'c02').map((r) => Number(r.cpu_requested_ratio_mean) - base(r.seed!));
      const div = meanInterval(dx, bootstrapStream(42, 'difference', 'c02', 'cpu_requested_ratio_mean'));
      const dd = diffs.find((r) => r.cell === 'c02' && r.metric === 'cpu_requested_ratio_mean')!;
      expect(Number(dd.ci95_low)).toBeCloseTo(div.low, 9);
      expect(Number(dd.ci95_high)).toBeCloseTo(div.high, 9);
      expect(div.low).toBeGreaterThanOrEqual(Math.min(...dx));
      expect(div.high).toBeLessThanOrEqual(Math.max(...dx));
      const ts = readFileSync(join(out, 'timeseries.csv'), 'utf8').split('\n');
      expect(ts[0]).toBe('cell,seed,time_s,metric,node_pool,zone,workload,value');
      expect(ts[1]!.startsWith('c00,42,0,')).toBe(true);
    },
    SWEEP_TEST_TIMEOUT_MS,
  );

  it(
    'resumes: runs only what is missing, and refuses to overwrite without --resume',
    async () => {
      const out = join(tmp(), 's');
      expect((await kubesim('sweep', ...ARGS, '--out', out)).status).toBe(0);
      const before = tree(out);
      const again = await kubesim('sweep', ...ARGS, '--out', out);
      expect(again.status).toBe(2);
      expect(again.stderr).toMatch(/already run here \(add --resume/);
      rmSync(join(out, 'runs', 'c03', '43'), { recursive: true });
      const r = await kubesim('sweep', ...ARGS.filter((x) => x !== '--quiet'), '--out', out, '--resume');
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/11 already done/);
      expect(tree(out)).toEqual(before);
    },
    SWEEP_TEST_TIMEOUT_MS,
  );

  it(
    'reports a failing run with the command to repeat it, and goes on (also under --quiet)',
    async () => {
      const dir = tmp();
      const file = join(dir, 'two-pools.yaml');
      // Each value is valid on its own, so the sweep starts; the cell that names both pools "c" fails.
      writeFileSync(
        file,
        [
          'name: two-pools',
          'duration: 30m',
          'cluster:',
          '  nodePools:',
          '    - {name: a, count: 1, allocatable: {cpu: "4", memory: 16Gi}}',
          '    - {name: b, count: 1, allocatable: {cpu: "4", memory: 16Gi}}',
          'workloads:',
          '  - batch: {name: jobs, arrivals: {poisson: {rate: 60/h}}, requests: {cpu: 100m, memory: 128Mi}, duration: {constant: 5m}}',
          '',
        ].join('\n'),
      );
      const out = join(dir, 's');
      const r = await kubesim(
        'sweep',
        file,
        '--grid',
        'nodePools.a.name=[a,c]',
        '--grid',
        'nodePools.b.name=[b,c]',
        '--quiet',
        '--out',
        out,
      );
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/run c03 \(name=c b_name=c\) seed 1 failed: .*duplicate node pool name "c"/);
      expect(r.stderr).toMatch(
        /to repeat it alone: npx kubesim run \S*two-pools.yaml --seed 1 --set 'cluster.nodePools\[0\].name=c' --set 'cluster.nodePools\[1\].name=c' --out \S+\/runs\/c03\/1\n/,
      );
      expect(existsSync(join(out, 'runs', 'c00', '1', 'summary.csv'))).toBe(true);
      expect(existsSync(join(out, 'runs', 'c03', '1'))).toBe(false);
      expect(readFileSync(join(out, 'summary.csv'), 'utf8').split('\n')[4]).toMatch(/^c03,c,c,0,/);
    },
    SWEEP_TEST_TIMEOUT_MS,
  );

  it.each([
    [
      ['--grid', 'scheduler.profile=[default,frist-fit]'],
      /--grid: scheduler.profile: the value frist-fit is not valid here: .*unknown scheduler profile "frist-fit" \(did you mean "first-fit"\?\)/,
    ],
    [['--grid', 'scheduler.profile=default,first-fit'], /several values are written as a list: \[a,b\]/],
    [['--grid', 'nodePools.general.count=4..8:-2'], /the step of "4..8:-2" must be positive/],
    [['--grid', 'nodePools.general.count=4..6:0.5'], /the value 4.5 is not valid here: cluster.nodePools\[0\].count: expected an integer/],
    [['--grid', 'scheduler.profile=[default,default]'], /the value default is listed twice/],
  ])('checks every grid value before it starts: %j', async (grid, message) => {
    const out = join(tmp(), 'x');
    const r = await kubesim('sweep', 'scenarios/default.yaml', ...grid, '--out', out);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
  });

  it.each([
    [
      'scheduler.profile: [default, most-allocated, first-fit]',
      'scheduler.profile: [default, most-alocated, first-fit]',
      /scheduler-comparison.yaml:\d+:\d+: sweep.grid.scheduler.profile\[1\]: the value most-alocated is not valid here: .*\(did you mean "most-allocated"\?\)/,
    ],
    [
      'scheduler.profile: [',
      'scheduler.profil: [',
      /scheduler-comparison.yaml:\d+:\d+: sweep.grid.scheduler.profil: no field "profil" under cluster.scheduler \(did you mean "profile"\?\)/,
    ],
    [
      'baseline: profile=default',
      'baseline: profile=defualt',
      /scheduler-comparison.yaml:\d+:\d+: sweep.baseline: no cell "profile=defualt" \(did you mean "profile=default"\?/,
    ],
  ])("points at the line of a mistake in the scenario's sweep block: %s", async (from, to, message) => {
    const dir = tmp();
    cpSync('scenarios', dir, { recursive: true });
    const file = join(dir, 'scheduler-comparison.yaml');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain(from);
    writeFileSync(file, text.replace(from, to));
    for (const args of [
      ['validate', file],
      ['sweep', file, '--out', join(dir, 'out')],
    ]) {
      const r = await kubesim(...args);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it.each([
    [
      ['--grid', 'scheduler.profil=[a,b]'],
      /--grid: scheduler.profil: no field "profil" under cluster.scheduler \(did you mean "profile"\?\)/,
    ],
    [['--grid', 'nodePools.general.count=50..10'], /the range "50..10" is empty/],
    [['--grid', 'nodePools.general.count=[]'], /the list "\[\]" is empty/],
    [['--grid', 'nodePools.gpu.count=1..2'], /cluster.nodePools has no item named "gpu"/],
    [['--shard', '3/3'], /--shard: shard index 3 is out of range: shards are numbered 0 to 2/],
    [['--baseline', 'c99'], /--baseline: no cell "c99"/],
  ])('refuses %j', async (extra, message) => {
    const r = await kubesim(
      'sweep',
      'scenarios/default.yaml',
      '--grid',
      'scheduler.profile=[default,first-fit]',
      ...extra,
      '--out',
      join(tmp(), 'x'),
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it(
    'refuses to merge shards of different sweeps',
    async () => {
      const base = tmp();
      const a = join(base, 'a');
      const b = join(base, 'b');
      expect((await kubesim('sweep', ...ARGS, '--shard', '0/2', '--out', a)).status).toBe(0);
      const twoSeeds = ARGS.map((x, i) => (ARGS[i - 1] === '--seeds' ? '2' : x));
      expect((await kubesim('sweep', ...twoSeeds, '--shard', '1/2', '--out', b)).status).toBe(0);
      const r = await kubesim('merge', a, b, '--out', join(base, 'm'));
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/belongs to a different sweep/);
    },
    SWEEP_TEST_TIMEOUT_MS,
  );
});

describe('kubesim sweep --emit', () => {
  it('emits an Indexed Job whose pods run their shard into a shared volume', async () => {
    const r = await kubesim(
      'sweep',
      ...ARGS,
      '--emit',
      'k8s-job',
      '--shards',
      '5',
      '--parallelism',
      '2',
      '--image',
      'registry.example.com/kubesim:1',
    );
    expect(r.status, r.stderr).toBe(0);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a parsed Job manifest, read field by field
    const job = loadYaml(r.stdout) as Record<string, any>;
    expect(job.apiVersion).toBe('batch/v1');
    expect(job.kind).toBe('Job');
    expect(job.spec.completionMode).toBe('Indexed');
    expect(job.spec.completions).toBe(5);
    expect(job.spec.parallelism).toBe(2);
    const pod = job.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    const c = pod.containers[0];
    expect(c.image).toBe('registry.example.com/kubesim:1');
    const cmd = c.command.join(' ');
    expect(cmd).toMatch(/kubesim sweep scenarios\/default.yaml --grid 'scheduler.profile=\[default,most-allocated\]'/);
    expect(cmd).toMatch(/--shard "\$JOB_COMPLETION_INDEX\/5"/);
    expect(cmd).toMatch(/--out "\/results\/[0-9a-f]{16}\/shard-\$JOB_COMPLETION_INDEX"/);
    expect(c.volumeMounts[0].mountPath).toBe('/results');
    expect(pod.volumes[0].persistentVolumeClaim.claimName).toBe(
      c.volumeMounts[0].name === pod.volumes[0].name ? 'kubesim-results' : 'mismatch',
    );
  });

  it('emits a CI matrix of shards', async () => {
    const r = await kubesim('sweep', ...ARGS, '--emit', 'github-matrix', '--shards', '3');
    expect(r.status, r.stderr).toBe(0);
    const { include } = JSON.parse(r.stdout) as { include: { shard: string; index: number; fingerprint: string; args: string }[] };
    expect(include.map((e) => [e.shard, e.index])).toEqual([
      ['0/3', 0],
      ['1/3', 1],
      ['2/3', 2],
    ]);
    // Each entry runs the whole emitted sweep: its arguments, its shard and its fingerprint.
    for (const e of include)
      expect(e.args).toMatch(
        new RegExp(
          `^scenarios/default.yaml --grid .* --seeds 3 --set duration=1h --baseline c00 --shard ${e.shard} --fingerprint ${e.fingerprint}$`,
        ),
      );
  });
});

describe('kubesim sweep, as a process (bin/kubesim.js)', () => {
  it(
    'refuses a bad option: exit code 2, one line, no stack trace, nothing written',
    () => {
      const out = join(tmp(), 'x');
      const r = kubesimProcess([
        'sweep',
        'scenarios/default.yaml',
        '--grid',
        'scheduler.profile=[default,first-fit]',
        '--shard',
        '3/3',
        '--out',
        out,
      ]);
      expect(r.status).toBe(2);
      expect(r.stderr).toBe('error: --shard: shard index 3 is out of range: shards are numbered 0 to 2\n');
      expect(existsSync(out)).toBe(false);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    "points at the line of a mistake in the scenario's sweep block: exit code 2, no stack trace",
    () => {
      const dir = tmp();
      cpSync('scenarios', dir, { recursive: true });
      const file = join(dir, 'scheduler-comparison.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('baseline: profile=default', 'baseline: profile=defualt'));
      for (const args of [
        ['validate', file],
        ['sweep', file, '--out', join(dir, 'out')],
      ]) {
        const r = kubesimProcess(args);
        expect(r.status).toBe(2);
        expect(r.stderr).toMatch(/^error: \S*scheduler-comparison.yaml:\d+:\d+: sweep.baseline: no cell "profile=defualt"/);
        expect(r.stderr).not.toMatch(/\n\s+at /);
      }
      expect(existsSync(join(dir, 'out'))).toBe(false);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    'stops on SIGINT keeping finished runs, and --resume finishes the same bytes',
    async () => {
      const { spawn } = await import('node:child_process');
      const base = tmp();
      const full = join(base, 'full');
      const args = [
        'scenarios/scheduler-comparison.yaml',
        '--grid',
        'scheduler.profile=[default,first-fit]',
        '--seeds',
        '4',
        '--set',
        'duration=3h',
        '--threads',
        '1',
      ];
      expect((await kubesim('sweep', ...args, '--quiet', '--out', full)).status).toBe(0);
      const out = join(base, 'cut');
      const child = spawn(process.execPath, [BIN, 'sweep', ...args, '--out', out], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      const code = await new Promise<number | null>((done) => {
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
          // Interrupt once the first run is done (plain progress lines, as stderr is not a terminal).
          if (/^1\/8 runs done/m.test(stderr) && !child.killed) child.kill('SIGINT');
        });
        child.on('exit', (c) => done(c));
      }).finally(() => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      });
      expect(code, stderr).toBe(130);
      expect(stderr).toMatch(/interrupted: \d+ of 8 runs finished and kept/);
      const kept = readdirSync(join(out, 'runs')).flatMap((c) => readdirSync(join(out, 'runs', c)));
      expect(kept.some((d) => d.includes('.tmp-'))).toBe(false);
      expect(kept.length).toBeGreaterThanOrEqual(1);
      expect(kept.length).toBeLessThan(8);
      // Each finished run's part of the combined timeseries stays for the resumed sweep; no temporary parts.
      const parts = readdirSync(join(out, '.parts'));
      expect(parts.some((f) => f.includes('.tmp-'))).toBe(false);
      for (const c of readdirSync(join(out, 'runs')))
        for (const seed of readdirSync(join(out, 'runs', c))) expect(parts).toContain(`${c}-${seed}.csv`);
      const r = await kubesim('sweep', ...args, '--quiet', '--resume', '--out', out);
      expect(r.status, r.stderr).toBe(0);
      expect(tree(out)).toEqual(tree(full));
    },
    SWEEP_TEST_TIMEOUT_MS,
  );
});
