// Bad input: every case in test/fixtures/bad/cases.ts must raise a ScenarioError with exactly its message, and
// the CLI must turn it into one "error: ..." line on stderr and exit code 2, with no stack trace and no output
// left behind by `run`. Run from the repository root (vitest's default), so paths in messages are relative.
// The CLI tests run the command line in this process; the end-to-end ones start bin/kubesim.js, which uses dist/:
// `npm test` builds it first; after editing src/, run `npx tsc -p .` before vitest.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScenarioError } from '../../src/scenario/errors.js';
import { loadScenario } from '../../src/scenario/load.js';
import { CASES, NEVER_FITS, VALID_CASES, type BadCase } from '../fixtures/bad/cases.js';
import { kubesim, kubesimProcess, PROCESS_TEST_TIMEOUT_MS, type CliResult } from '../helpers/cli.js';

const DIST_MAIN = 'dist/src/cli/main.js';
let tmp = '';

beforeAll(() => {
  if (!existsSync('test/fixtures/bad/cases.ts')) {
    throw new Error(`run the tests from the repository root (cwd is ${process.cwd()}): messages name fixtures relative to it`);
  }
  tmp = mkdtempSync(join(tmpdir(), 'kubesim-bad-'));
  for (const c of CASES) if (c.generate) writeFileSync(join(tmp, c.file), c.generate());
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** The path to load and the exact message expected for it. */
function resolveCase(c: BadCase): { file: string; message: string } {
  if (!c.generate) return { file: c.file, message: c.message };
  const file = join(tmp, c.file);
  return { file, message: c.message.replaceAll('{file}', relative(process.cwd(), file)) };
}

function loadError(file: string): unknown {
  try {
    loadScenario(file);
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('bad scenarios raise ScenarioError with file:line:column, field path and what was expected', () => {
  it('has at least 30 cases, each with a distinct fixture and exit code 2', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
    expect(new Set(CASES.map((c) => c.file)).size).toBe(CASES.length);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
    for (const c of CASES) expect(c.exitCode).toBe(2);
  });

  for (const c of CASES) {
    const test = c.knownBug ? it.fails : it;
    test(`${c.name}${c.knownBug ? ` [known bug: ${c.knownBug}]` : ''}`, () => {
      const { file, message } = resolveCase(c);
      const e = loadError(file);
      expect(e, 'loadScenario should have thrown').toBeInstanceOf(ScenarioError);
      expect((e as ScenarioError).message).toBe(message);
    });
  }

  it('refuses a YAML alias bomb fast', () => {
    // CPU time of this process, not wall time: other processes on a loaded machine do not count.
    const started = process.cpuUsage();
    expect(() => loadScenario('test/fixtures/bad/alias-bomb.yaml')).toThrow(/too many YAML aliases/);
    // Expanding it would take minutes and gigabytes; the alias limit stops it at once.
    const used = process.cpuUsage(started);
    expect((used.user + used.system) / 1000).toBeLessThan(2000);
  });

  it('puts the "did you mean" of a malformed quantity in the hint', () => {
    const e = loadError('test/fixtures/bad/quantity-2Gb.yaml') as ScenarioError;
    expect(e.hint).toBe('did you mean 2Gi or 2G?');
    expect(e.path).toBe('cluster.nodePools[0].allocatable.memory');
    expect([e.line, e.column]).toEqual([5, 39]);
  });

  for (const c of VALID_CASES) {
    const test = c.knownBug ? it.fails : it;
    test(`loads ${c.name}${c.knownBug ? ` [known bug: ${c.knownBug}]` : ''}`, () => {
      expect(() => loadScenario(c.file)).not.toThrow();
    });
  }
});

describe('pods that can never fit anywhere', () => {
  it('load, with a warning naming the reason', () => {
    const s = loadScenario(NEVER_FITS.file);
    expect(s.warnings).toEqual([NEVER_FITS.warning]);
  });

  it('pass `kubesim validate` (exit 0) with the warning on stderr', async () => {
    const r = await kubesim(['validate', NEVER_FITS.file]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`warning: ${NEVER_FITS.warning}\n`);
    expect(r.stdout).toMatch(/^test\/fixtures\/bad\/never-fits\.yaml: valid\./);
  });
});

/** `kubesim validate` on a bad case: one "error: …" line on stderr, nothing on stdout, no stack trace. */
function expectValidateError(c: BadCase, r: CliResult, message: string): void {
  expect(r.stderr).not.toContain('    at ');
  expect(r.stderr).toBe(`error: ${message}\n`);
  expect(r.stdout).toBe('');
  expect(r.status).toBe(c.exitCode);
}

/** `kubesim run --out <parent>/x` on a bad case: the error line, and nothing written under parent. */
async function expectRunError(c: BadCase, run: (args: string[]) => CliResult | Promise<CliResult>): Promise<void> {
  const { file, message } = resolveCase(c);
  const parent = mkdtempSync(join(tmpdir(), 'kubesim-out-'));
  try {
    const r = await run(['run', file, '--out', join(parent, 'x')]);
    expect(r.stderr).not.toContain('    at ');
    expect(r.stderr).toBe(`error: ${message}\n`);
    expect(r.status).toBe(c.exitCode);
    expect(readdirSync(parent)).toEqual([]);
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
}

describe('kubesim CLI on bad input', () => {
  const cliCases = CASES.filter((c) => c.cli && !c.knownBug);

  it('covers a handful of cases', () => {
    expect(cliCases.length).toBeGreaterThanOrEqual(5);
  });

  for (const c of cliCases) {
    it(`validate: ${c.name}`, async () => {
      const { file, message } = resolveCase(c);
      expectValidateError(c, await kubesim(['validate', file]), message);
    });

    it(`run --out: ${c.name} leaves no output directory and no .tmp- sibling`, async () => {
      await expectRunError(c, kubesim);
    });
  }
});

describe('kubesim CLI on bad input, as a process (bin/kubesim.js)', () => {
  beforeAll(() => {
    if (!existsSync(DIST_MAIN)) throw new Error(`${DIST_MAIN} is missing: build with \`npx tsc -p .\` (npm test does it)`);
  });

  // The first CLI case and the generated one (read from the temporary directory) are enough to show that the
  // process exits with the code and prints the line the in-process tests above check, with no stack trace.
  const cliCases = CASES.filter((c) => c.cli && !c.knownBug);
  const e2e = [...new Set([cliCases[0]!, cliCases.find((c) => c.generate) ?? cliCases[1]!])];

  for (const c of e2e) {
    it(
      `validate and run --out: ${c.name}`,
      async () => {
        const { file, message } = resolveCase(c);
        expectValidateError(c, kubesimProcess(['validate', file]), message);
        await expectRunError(c, kubesimProcess);
      },
      PROCESS_TEST_TIMEOUT_MS,
    );
  }
});
