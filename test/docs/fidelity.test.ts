// docs/MODEL.md carries the fidelity table `npm run validate` writes: every check there passed when it was
// last written (the checks themselves are long runs, kept out of npm test).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('the fidelity table in docs/MODEL.md', () => {
  const doc = readFileSync('docs/MODEL.md', 'utf8');
  const begin = doc.indexOf('<!-- fidelity table: written by npm run validate -->');
  const end = doc.indexOf('<!-- end of fidelity table -->');
  const rows = doc
    .slice(begin, end)
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| check') && !l.startsWith('| ---'));

  it('is there, between its markers', () => {
    expect(begin).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(begin);
    expect(rows.length).toBeGreaterThanOrEqual(8);
  });

  it('every check passed', () => {
    for (const r of rows) expect(r.trim().endsWith('| pass |'), r).toBe(true);
  });
});

describe('the exact checks of npm run validate', () => {
  // The rules and the whole runs are quick and exact: they run here too, and their rows must be the table's.
  it('pass now, and the table in docs/MODEL.md shows them as they are', async () => {
    const { rules } = await import('../../bench/validate-rules.js');
    const { wholeRuns } = await import('../../bench/validate-runs.js');
    const { fidelityTable } = await import('../../bench/validate.js');
    const checks = [...rules(), ...wholeRuns()];
    expect(checks.length).toBeGreaterThanOrEqual(15);
    for (const c of checks) expect(c.pass, `${c.check}: expected ${c.expected}, measured ${c.measured}`).toBe(true);
    const doc = readFileSync('docs/MODEL.md', 'utf8');
    for (const row of fidelityTable(checks).split('\n').slice(2)) expect(doc, 'run npm run validate').toContain(row);
  }, 60_000);
});
