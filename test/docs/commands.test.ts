// The README's and docs' commands work as written, in the order written, each document in a fresh
// folder holding the shipped scenarios (as a new user follows one page of the docs on a fresh clone).
import { cpSync, existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { docCommands, shellWords } from './commands.js';
import { kubesim } from '../helpers/cli.js';

const DOCS = ['README.md', 'docs/DISTRIBUTED.md', 'docs/SCENARIO.md', 'docs/MODEL.md', 'docs/ARCHITECTURE.md'];

describe('reading the docs', () => {
  it('shellWords splits as a shell does for the quoting the docs use', () => {
    expect(shellWords(`sweep s.yaml --grid 'scheduler.profile=[default,first-fit]' --baseline "profile=default count=6"`)).toEqual([
      'sweep',
      's.yaml',
      '--grid',
      'scheduler.profile=[default,first-fit]',
      '--baseline',
      'profile=default count=6',
    ]);
    expect(shellWords(`a '' b`)).toEqual(['a', '', 'b']);
  });

  it('finds the commands of the README, continuation lines joined and comments dropped', () => {
    const cmds = docCommands('README.md');
    expect(cmds.length).toBeGreaterThanOrEqual(10);
    const capacity = cmds.find((c) => c.args.includes('--baseline'))!;
    expect(capacity.args.slice(-4)).toEqual(['--baseline', 'profile=default count=6', '--out', 'results/capacity']);
    const schema = cmds.find((c) => c.args[0] === 'schema')!;
    expect(schema).toMatchObject({ args: ['schema'], stdoutTo: 'scenario.schema.json' });
  });
});

describe('every documented command runs', () => {
  for (const doc of DOCS) {
    const cmds = docCommands(doc);
    if (cmds.length === 0) continue;
    it(`${doc}: ${cmds.length} command(s), in order, in a fresh folder`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'kubesim-docs-'));
      cpSync('scenarios', join(dir, 'scenarios'), { recursive: true });
      for (const c of cmds) {
        const r = await kubesim(c.args, dir);
        expect({ where: c.where, status: r.status, stderr: r.status === 0 ? '' : r.stderr }).toEqual({
          where: c.where,
          status: 0,
          stderr: '',
        });
        if (c.stdoutTo) writeFileSync(join(dir, c.stdoutTo), r.stdout);
      }
      // Outputs go under results/ (or where a command's redirect says), never beside the scenarios.
      const made = readdirSync(dir).filter((f) => f !== 'scenarios' && f !== 'results' && !cmds.some((c) => c.stdoutTo === f));
      expect(made).toEqual([]);
      if (cmds.some((c) => ['run', 'sweep'].includes(c.args[0]!) && !c.args.includes('--emit')))
        expect(existsSync(join(dir, 'results'))).toBe(true);
    }, 300_000);
  }
});
