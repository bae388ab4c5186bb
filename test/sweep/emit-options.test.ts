// kubesim sweep --emit: shards run exactly the emitted sweep; options are checked, not passed through.
// The command line runs in this process; the emitted CI step runs as it would in CI, through a shell.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, kubesim as cli, PROCESS_TEST_TIMEOUT_MS, PROCESS_TIMEOUT_MS } from '../helpers/cli.js';
import { load as loadYaml } from './yaml-helper.js';

const ROOT = resolve('.');
// 2 x 2 cells x 3 seeds = 12 runs.
const SWEEP = [
  '--grid',
  'scheduler.profile=[default,most-allocated]',
  '--grid',
  'nodePools.general.count=5..6',
  '--seeds',
  '3',
  '--set',
  'duration=1h',
];
const ARGS = ['scenarios/default.yaml', ...SWEEP];

/** `kubesim sweep …`, in this process. */
const kubesim = (args: string[], cwd = ROOT) => cli(['sweep', ...args], cwd);

interface Entry {
  shard: string;
  index: number;
  fingerprint: string;
  args: string;
}
const matrix = (stdout: string) => (JSON.parse(stdout) as { include: Entry[] }).include;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a parsed Job manifest, read field by field
const job = (stdout: string) => loadYaml(stdout) as Record<string, any>;
/** The shell script of the Job's container (`sh -c <script>`). */
const command = (j: ReturnType<typeof job>) => {
  const c = j.spec.template.spec.containers[0].command as string[];
  expect(c.slice(0, 2)).toEqual(['sh', '-c']);
  return c[2]!;
};
const tmp = () => mkdtempSync(join(tmpdir(), 'kubesim-emit-'));

describe('kubesim sweep --emit: the shards run the emitted sweep', () => {
  it(
    'gives every matrix entry the complete arguments of its shard, with the fingerprint',
    async () => {
      const r = await kubesim([...ARGS, '--emit', 'github-matrix', '--shards', '3']);
      expect(r.status, r.stderr).toBe(0);
      const entries = matrix(r.stdout);
      expect(entries.map((e) => [e.shard, e.index])).toEqual([
        ['0/3', 0],
        ['1/3', 1],
        ['2/3', 2],
      ]);
      const fp = entries[0]!.fingerprint;
      expect(fp).toMatch(/^[0-9a-f]{16}$/);
      for (const e of entries) {
        expect(e.fingerprint).toBe(fp);
        expect(e.args).toBe(
          `scenarios/default.yaml --grid 'scheduler.profile=[default,most-allocated]' --grid nodePools.general.count=5..6 ` +
            `--seeds 3 --set duration=1h --shard ${e.shard} --fingerprint ${fp}`,
        );
      }
      // The CI step: `kubesim sweep ${{ matrix.args }} --out … --quiet`, through a shell.
      const out = join(tmp(), 'shard-1');
      const s = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" sweep ${entries[1]!.args} --out "${out}" --quiet`], {
        encoding: 'utf8',
        cwd: ROOT,
        timeout: PROCESS_TIMEOUT_MS,
      });
      expect(s.error).toBeUndefined();
      expect(s.status, s.stderr).toBe(0);
      expect(JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')).fingerprint).toBe(fp);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it('passes the fingerprint to the pods of the Job', async () => {
    const r = await kubesim([...ARGS, '--emit', 'k8s-job']);
    expect(r.status, r.stderr).toBe(0);
    const j = job(r.stdout);
    const fp = j.metadata.labels['kubesim.io/sweep'] as string;
    expect(command(j)).toContain(`--shard "$JOB_COMPLETION_INDEX/4" --fingerprint ${fp} `);
  });

  it('refuses a shard whose sweep differs from the emitted one', async () => {
    const e = matrix((await kubesim([...ARGS, '--emit', 'github-matrix', '--shards', '2'])).stdout)[0]!;
    const out = join(tmp(), 'shard');
    // The emitted shard, but with 2 seeds instead of 3.
    const r = await kubesim([
      'scenarios/default.yaml',
      ...SWEEP.map((x, i) => (SWEEP[i - 1] === '--seeds' ? '2' : x)),
      '--shard',
      e.shard,
      '--fingerprint',
      e.fingerprint,
      '--out',
      out,
      '--quiet',
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^error: --fingerprint: this shard's sweep differs from the emitted one/);
    expect(r.stderr).toContain(e.fingerprint);
  });
});

describe('kubesim sweep --emit k8s-job: threads', () => {
  it('runs each pod with as many threads as it requests CPUs, 2 by default', async () => {
    const d = job((await kubesim([...ARGS, '--emit', 'k8s-job'])).stdout);
    expect(command(d)).toMatch(/ --threads 2(\s|$)/);
    expect(d.spec.template.spec.containers[0].resources.requests.cpu).toBe('2');
    const t = job((await kubesim([...ARGS, '--emit', 'k8s-job', '--threads', '3'])).stdout);
    expect(command(t)).toMatch(/ --threads 3(\s|$)/);
    expect(t.spec.template.spec.containers[0].resources.requests.cpu).toBe('3');
  });

  it('refuses --threads that is not a positive integer', async () => {
    const r = await kubesim([...ARGS, '--emit', 'k8s-job', '--threads', '0']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^error: --threads: expected a positive integer, got "0"/);
  });
});

describe('kubesim sweep --emit: shards and parallelism', () => {
  for (const [option, value] of [
    ['--parallelism', '0'],
    ['--parallelism', '1.5'],
    ['--parallelism', '-2'],
    ['--shards', '0'],
    ['--shards', '2.5'],
  ] as const) {
    it(`refuses ${option} ${value}`, async () => {
      const r = await kubesim([...ARGS, '--emit', 'k8s-job', option, value]);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(new RegExp(`^error: ${option}: expected a positive integer, got ${value}`));
    });
  }

  it('cuts more shards than runs to one shard per run, with a note', async () => {
    const r = await kubesim([...ARGS, '--emit', 'k8s-job', '--shards', '50']);
    expect(r.status, r.stderr).toBe(0);
    const j = job(r.stdout);
    expect(j.spec.completions).toBe(12);
    expect(j.spec.parallelism).toBe(12);
    expect(command(j)).toContain('--shard "$JOB_COMPLETION_INDEX/12"');
    expect(r.stderr).toMatch(/--shards 50 is more than the 12 run\(s\) of this sweep: emitting 12 shard/);
    const m = await kubesim([...ARGS, '--emit', 'github-matrix', '--shards', '13']);
    expect(matrix(m.stdout).map((e) => e.shard)).toEqual(Array.from({ length: 12 }, (_, i) => `${i}/12`));
    expect(m.stderr).toMatch(/--shards 13 is more than the 12 run/);
  });

  it('says nothing when the shards fit', async () => {
    const r = await kubesim([...ARGS, '--emit', 'k8s-job', '--shards', '12', '--parallelism', '3']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(job(r.stdout).spec.parallelism).toBe(3);
  });
});

describe('kubesim sweep --emit: options that cannot apply', () => {
  it('refuses --shard', async () => {
    const r = await kubesim([...ARGS, '--emit', 'k8s-job', '--shard', '0/2']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: --shard: --emit prints every shard of the sweep, so --shard cannot go with it/);
  });

  for (const option of ['--image', '--claim']) {
    it(`refuses ${option} given twice`, async () => {
      const r = await kubesim([...ARGS, '--emit', 'k8s-job', option, 'a', option, 'b']);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(new RegExp(`^error: ${option}: expected one value, it was given 2 times \\(a, b\\)`));
    });
  }

  it('refuses an empty --image', async () => {
    const r = await kubesim([...ARGS, '--emit', 'k8s-job', '--image', '']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^error: --image: expected a non-empty value/);
  });
});

describe('kubesim sweep --emit: the scenario path', () => {
  it('is relative to the current directory, silently from the project root', async () => {
    const r = await kubesim([resolve('scenarios/default.yaml'), ...SWEEP, '--emit', 'k8s-job']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(command(job(r.stdout))).toMatch(/^kubesim sweep scenarios\/default\.yaml /);
  });

  it('warns when it leads outside the current directory', async () => {
    for (const kind of ['k8s-job', 'github-matrix']) {
      const r = await kubesim(['../scenarios/default.yaml', ...SWEEP, '--emit', kind], join(ROOT, 'src'));
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('../scenarios/default.yaml');
      expect(r.stderr).toMatch(
        /warning: the scenario path \.\.\/scenarios\/default\.yaml is outside the current directory.*run --emit from the project root/,
      );
    }
  });

  it('points out, for the image, a path outside scenarios/ (emitted from inside scenarios/)', async () => {
    const r = await kubesim(['default.yaml', ...SWEEP, '--emit', 'k8s-job'], join(ROOT, 'scenarios'));
    expect(r.status, r.stderr).toBe(0);
    expect(command(job(r.stdout))).toMatch(/^kubesim sweep default\.yaml /);
    expect(r.stderr).toMatch(/note: the shards look for the scenario at default\.yaml from the image's working directory \(\/app\)/);
  });
});

describe('kubesim sweep --emit k8s-job: the volume', () => {
  it("gives the pod the image user's group, so it can write to the results volume", async () => {
    const dockerfile = readFileSync('Dockerfile', 'utf8');
    // The final stage runs as node of the official node image: uid 1000, gid 1000.
    expect(dockerfile.match(/^FROM (\S+)/gm)!.at(-1)).toMatch(/^FROM node:/);
    expect(dockerfile.match(/^USER (\S+)/gm)!.at(-1)).toBe('USER node');
    const j = job((await kubesim([...ARGS, '--emit', 'k8s-job'])).stdout);
    expect(j.spec.template.spec.securityContext.fsGroup).toBe(1000);
  });
});
