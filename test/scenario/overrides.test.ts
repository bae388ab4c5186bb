// Errors caused by command-line overrides (--set, --seed, a sweep cell's overrides) name the option, not a
// file:line: the offending value is not in the file. Run from the repository root. The CLI tests run the command
// line in this process; the end-to-end ones start bin/kubesim.js, which uses dist/ (`npm test` builds it first).
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ScenarioError } from '../../src/scenario/errors.js';
import { loadScenario, type LoadOptions } from '../../src/scenario/load.js';
import { makeAxes, makeCells, parseGridArg } from '../../src/sweep/grid.js';
import { kubesim, kubesimProcess, PROCESS_TEST_TIMEOUT_MS, type CliResult } from '../helpers/cli.js';

const DIST_MAIN = 'dist/src/cli/main.js';
const DEFAULT = 'scenarios/default.yaml';
const F = 'test/fixtures/bad';

function loadError(file: string, opts: LoadOptions): ScenarioError {
  try {
    loadScenario(file, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return e as ScenarioError;
  }
  throw new Error('loadScenario should have thrown');
}

const COUNT_ABC = '--set nodePools.general.count=abc: cluster.nodePools[0].count: expected an integer, got "abc"';
const SEED_ABC = '--seed: expected an integer, got "abc"';
const SEED_TWICE = '--seed: expected one integer, got 2 values: 1, 2 (give --seed once)';

describe('--set errors name the override', () => {
  it('a bad value set over a valid one', () => {
    const e = loadError(DEFAULT, { set: ['nodePools.general.count=abc'] });
    expect(e.message).toBe(COUNT_ABC);
    expect(e.file).toBe('--set nodePools.general.count=abc');
    expect([e.line, e.column]).toEqual([0, 0]);
    expect(e.path).toBe('cluster.nodePools[0].count');
  });

  it('a bad value for a field the file leaves out', () => {
    expect(loadError(DEFAULT, { set: ['metrics.interval=0s'] }).message).toBe(
      '--set metrics.interval=0s: metrics.interval: expected a positive interval',
    );
    expect(loadError(DEFAULT, { set: ['nodePools.general.allocatable.foo=1'] }).message).toBe(
      '--set nodePools.general.allocatable.foo=1: cluster.nodePools[0].allocatable.foo: unknown resource name "foo" (extended resources are domain-qualified, e.g. nvidia.com/gpu)',
    );
  });

  it('a bad value inside a mapping given as the override', () => {
    expect(loadError(DEFAULT, { set: ['cluster.podStartup={exponental: {mean: 1s}}'] }).message).toBe(
      '--set cluster.podStartup={exponental: {mean: 1s}}: cluster.podStartup.exponental: unknown distribution "exponental"; expected one of constant, uniform, exponential, normal, lognormal, weibull, empirical (did you mean "exponential"?)',
    );
    expect(loadError(DEFAULT, { set: ['nodePools.general.labels={__proto__: x}'] }).message).toBe(
      '--set nodePools.general.labels={__proto__: x}: cluster.nodePools[0].labels.__proto__: "__proto__" is not allowed as a key',
    );
  });

  it('names the override that set the value when there are several', () => {
    const alloc = 'nodePools.general.allocatable';
    let e = loadError(DEFAULT, { set: [`${alloc}={cpu: 4, memory: 1Gi}`, `${alloc}.memory=2Gb`, 'seed=3'] });
    expect(e.file).toBe(`--set ${alloc}.memory=2Gb`);
    expect(e.path).toBe('cluster.nodePools[0].allocatable.memory');
    e = loadError(DEFAULT, { set: [`${alloc}={cpu: 4, memory: 1Gb}`, `${alloc}.cpu=2`] });
    expect(e.file).toBe(`--set ${alloc}={cpu: 4, memory: 1Gb}`);
    expect(e.path).toBe('cluster.nodePools[0].allocatable.memory');
  });

  it('refuses a reserved key in the field path', () => {
    expect(loadError(DEFAULT, { set: ['nodePools.general.labels.__proto__=x'] }).message).toBe(
      '--set nodePools.general.labels.__proto__=x: cluster.nodePools[0].labels.__proto__: "__proto__" is not allowed as a key',
    );
  });

  it('keeps file:line for errors in the file, with overrides elsewhere', () => {
    const e = loadError(`${F}/count-string.yaml`, { set: ['seed=3'], seed: 4 });
    expect(e.message).toBe(`${F}/count-string.yaml:5:14: cluster.nodePools[0].count: expected an integer, got "three"`);
  });

  it('an override can replace a bad value in the file', () => {
    expect(loadScenario(`${F}/count-string.yaml`, { set: ['nodePools.general.count=3'] }).pools[0]!.count).toBe(3);
  });

  it("a sweep cell's override, as a sweep worker applies it", () => {
    // planSweep checks each grid value up front (naming --grid); a run that still fails names the cell's --set.
    const base = loadScenario(DEFAULT);
    const cells = makeCells(makeAxes(base.raw, [parseGridArg('nodePools.general.count=[4,abc]')], '--grid'));
    expect(cells[1]!.sets).toEqual(['cluster.nodePools[0].count=abc']);
    const e = loadError(resolve(DEFAULT), { set: cells[1]!.sets, seed: 42 });
    expect(e.message).toBe('--set cluster.nodePools[0].count=abc: cluster.nodePools[0].count: expected an integer, got "abc"');
  });
});

describe('--seed errors name the option', () => {
  it('text that is not an integer', () => {
    const e = loadError(DEFAULT, { seed: 'abc' });
    expect(e.message).toBe(SEED_ABC);
    expect([e.file, e.line, e.path]).toEqual(['--seed', 0, '']);
  });

  it('what yargs makes of bad input: NaN, and a list for a repeated option', () => {
    expect(loadError(DEFAULT, { seed: Number.NaN }).message).toBe('--seed: expected an integer, got something that is not a number');
    expect(loadError(DEFAULT, { seed: [1, 2] }).message).toBe(SEED_TWICE);
  });

  it('fractions and negative numbers', () => {
    expect(loadError(DEFAULT, { seed: 1.5 }).message).toBe('--seed: expected an integer, got 1.5');
    expect(loadError(DEFAULT, { seed: -1 }).message).toBe('--seed: expected a non-negative integer, got -1');
  });

  it('accepts an integer, as a number or as text', () => {
    expect(loadScenario(DEFAULT, { seed: 7 }).seed).toBe(7);
    expect(loadScenario(DEFAULT, { seed: '8' }).seed).toBe(8);
  });
});

type Case = { name: string; args: string[]; message: string };
const CLI_CASES: Case[] = [
  { name: '--set with a bad value', args: ['--set', 'nodePools.general.count=abc'], message: COUNT_ABC },
  { name: '--seed abc', args: ['--seed', 'abc'], message: SEED_ABC },
  { name: '--seed=abc', args: ['--seed=abc'], message: SEED_ABC },
  { name: '--seed given twice', args: ['--seed', '1', '--seed', '2'], message: SEED_TWICE },
];

function expectValidateError(c: Case, r: CliResult): void {
  expect(r.stderr).not.toContain('    at ');
  expect(r.stderr).toBe(`error: ${c.message}\n`);
  expect(r.stdout).toBe('');
  expect(r.status).toBe(2);
}

async function expectRunError(c: Case, run: (args: string[]) => CliResult | Promise<CliResult>): Promise<void> {
  const parent = mkdtempSync(join(tmpdir(), 'kubesim-out-'));
  try {
    const r = await run(['run', DEFAULT, ...c.args, '--out', join(parent, 'x')]);
    expect(r.stderr).not.toContain('    at ');
    expect(r.stderr).toBe(`error: ${c.message}\n`);
    expect(r.stdout).toBe('');
    expect(r.status).toBe(2);
    expect(readdirSync(parent)).toEqual([]);
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
}

describe('kubesim CLI on bad overrides', () => {
  for (const c of CLI_CASES) {
    it(`validate: ${c.name}`, async () => {
      expectValidateError(c, await kubesim(['validate', DEFAULT, ...c.args]));
    });

    it(`run --out: ${c.name} leaves no output directory`, async () => {
      await expectRunError(c, kubesim);
    });
  }
});

describe('kubesim CLI on bad overrides, as a process (bin/kubesim.js)', () => {
  beforeAll(() => {
    if (!existsSync(DIST_MAIN)) throw new Error(`${DIST_MAIN} is missing: build with \`npx tsc -p .\` (npm test does it)`);
  });

  // A bad --set, and a repeated --seed (a list from yargs' parsing of the real argv).
  for (const c of [CLI_CASES[0]!, CLI_CASES[3]!]) {
    it(
      `validate and run --out: ${c.name}`,
      async () => {
        expectValidateError(c, kubesimProcess(['validate', DEFAULT, ...c.args]));
        await expectRunError(c, kubesimProcess);
      },
      PROCESS_TEST_TIMEOUT_MS,
    );
  }
});

describe('loads that reuse a parsed scenario (as a sweep worker does)', () => {
  it("give what a fresh load gives, and one load's overrides never reach the next", () => {
    const scenarioCache: NonNullable<LoadOptions['scenarioCache']> = new Map();
    const manifestCache: NonNullable<LoadOptions['manifestCache']> = new Map();
    const sets = [['cluster.nodePools[0].count=9', 'scheduler.profile=first-fit'], [], ['duration=1h']];
    for (const set of sets) {
      const cached = loadScenario(DEFAULT, { set, seed: 5, scenarioCache, manifestCache });
      const fresh = loadScenario(DEFAULT, { set, seed: 5 });
      expect(cached.resolvedYaml).toBe(fresh.resolvedYaml);
    }
    expect(scenarioCache.size).toBe(1);
    // A bad override in a cached load is still attributed to the option, and the next load is clean.
    expect(loadError(DEFAULT, { set: ['cluster.nodePools[0].count=abc'], scenarioCache }).message).toMatch(
      /^--set cluster\.nodePools\[0\]\.count=abc/,
    );
    expect(loadScenario(DEFAULT, { scenarioCache }).resolvedYaml).toBe(loadScenario(DEFAULT, {}).resolvedYaml);
  });

  it('keeps file:line for errors in the file', () => {
    const scenarioCache: NonNullable<LoadOptions['scenarioCache']> = new Map();
    const file = `${F}/count-negative.yaml`;
    const fresh = loadError(file, {});
    expect(loadError(file, { scenarioCache }).message).toBe(fresh.message);
    expect(loadError(file, { scenarioCache }).message).toBe(fresh.message);
  });
});

describe('--set through lists, single values and empty mappings', () => {
  const file = () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubesim-set-'));
    const f = join(dir, 'e.yaml');
    writeFileSync(
      f,
      'cluster:\n  nodePools:\n    - {name: p, count: 1, allocatable: {cpu: "4", memory: 16Gi}}\n  scheduler:\nworkloads: [{objects: [{apiVersion: v1, kind: Pod, metadata: {name: x}, spec: {containers: [{name: c, image: x}]}}]}]\n',
    );
    return f;
  };

  it('an empty mapping in the file takes the field set under it', () => {
    expect(loadScenario(file(), { set: ['scheduler.profile=first-fit'] }).scheduler.profile).toBe('first-fit');
  });

  it('a field of a list, or of a single value, inside an inline object is a one-line error naming the override', () => {
    expect(loadError(file(), { set: ['workloads[0].objects[0].spec.containers.foo=1'] }).message).toBe(
      '--set: workloads[0].objects[0].spec.containers.foo: workloads[0].objects[0].spec.containers is a list; it has no field "foo" (give an index, e.g. workloads[0].objects[0].spec.containers[0])',
    );
    expect(loadError(file(), { set: ['workloads[0].objects[0].kind.foo=1'] }).message).toMatch(
      /objects\[0\]\.kind is a single value; it has no field "foo"$/,
    );
    expect(loadError(file(), { set: ['workloads[0].objects[0].spec.containers[3].image=y'] }).message).toMatch(
      /containers has 1 item\(s\); there is no \[3\]$/,
    );
    expect(
      loadScenario(file(), { set: ['workloads[0].objects[0].spec.containers[0].image=y'] }).workloads[0]!.template.images[0]!.name,
    ).toBe('y:latest');
  });
});
