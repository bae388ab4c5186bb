// Capacity planning in a sweep: constraints parsed and judged on the side of the 95 % interval that matters, the
// cheapest feasible cell chosen, objective.csv written, and metric names checked before any run.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { chooseCell, constraintHolds, parseConstraint, type Constraint } from '../../src/sweep/objective.js';
import { kubesim } from '../helpers/cli.js';

const c = (text: string) => parseConstraint(text) as Constraint;

/** Batch pods of 1 cpu arriving 3 a minute for 30 min on a pool whose count the sweep varies. */
function planScenario(sweep: string, seeds: number): string {
  return `
name: plan
duration: 30m
cluster:
  nodePools:
    - {name: general, count: 2, allocatable: {cpu: "4", memory: 16Gi}, pricePerHour: 0.2}
workloads:
  - batch:
      name: jobs
      arrivals: {poisson: {rate: 3/m}}
      requests: {cpu: 1, memory: 1Gi}
      duration: {exponential: {mean: 5m}}
sweep:
  seeds: ${seeds}
${sweep}
`;
}

describe('constraints', () => {
  it.each([
    ['latency_p99_ms <= 200', 'latency_p99_ms', '<=', 200],
    ['availability_min>=0.999', 'availability_min', '>=', 0.999],
    ['  cost < 1e3 ', 'cost', '<', 1000],
    ['pods_pending_end > -1', 'pods_pending_end', '>', -1],
  ])('parses %j', (text, metric, op, value) => {
    expect(parseConstraint(text)).toEqual({ metric, op, value, text: text.trim() });
  });
  it.each(['latency_p99_ms == 200', 'latency <= fast', '<= 3', 'p99 <= 1 2'])('refuses %j', (text) => {
    expect(parseConstraint(text)).toHaveProperty('error');
  });
  it('judges an upper limit on the interval high end, a lower limit on its low end', () => {
    const f = { mean: 190, low: 180, high: 205 };
    expect(constraintHolds(c('x <= 200'), f)).toEqual({ bound: 205, holds: false });
    expect(constraintHolds(c('x <= 205'), f)).toEqual({ bound: 205, holds: true });
    expect(constraintHolds(c('x < 205'), f)).toEqual({ bound: 205, holds: false });
    expect(constraintHolds(c('x >= 180'), f)).toEqual({ bound: 180, holds: true });
    expect(constraintHolds(c('x > 180'), f)).toEqual({ bound: 180, holds: false });
    expect(constraintHolds(c('x >= 0'), { mean: NaN, low: NaN, high: NaN }).holds).toBe(false);
  });
});

describe('chooseCell', () => {
  const figures: Record<string, Record<string, { mean: number; low: number; high: number }>> = {
    a: { cost: { mean: 1, low: 1, high: 1 }, p99: { mean: 150, low: 140, high: 260 } },
    b: { cost: { mean: 2, low: 2, high: 2 }, p99: { mean: 120, low: 110, high: 130 } },
    c: { cost: { mean: 2, low: 2, high: 2 }, p99: { mean: 100, low: 90, high: 110 } },
    d: { cost: { mean: 3, low: 3, high: 3 }, p99: { mean: 50, low: 40, high: 60 } },
  };
  const at = (cell: string, m: string) => figures[cell]![m]!;
  it('takes the cheapest cell whose constraints hold, the first at a tie', () => {
    // a is cheapest but its p99 interval reaches 260: not shown to hold.
    const r = chooseCell({ minimize: 'cost', constraints: [c('p99 <= 200')] }, ['a', 'b', 'c', 'd'], at);
    expect(r.best).toBe('b');
    expect(r.verdicts.map((v) => v.feasible)).toEqual([false, true, true, true]);
  });
  it('none when no cell holds', () => {
    expect(chooseCell({ minimize: 'cost', constraints: [c('p99 <= 10')] }, ['a', 'b'], at).best).toBeNull();
  });
});

describe('kubesim sweep with an objective', () => {
  const scenario = (objective: string) => planScenario(`  grid:\n    nodePools.general.count: [2, 4, 8]\n  objective:\n${objective}`, 2);

  it('writes objective.csv and names the cheapest cell that keeps pending pods at the end under 5', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubesim-objective-'));
    writeFileSync(join(dir, 's.yaml'), scenario("    minimize: cost\n    constraints: ['pods_pending_end <= 5']"));
    const r = await kubesim(['sweep', 's.yaml', '--out', 'out'], dir);
    expect(r.status, r.stderr).toBe(0);
    const rows = parse(readFileSync(join(dir, 'out', 'objective.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.map((x) => x['cluster.nodePools.general.count'])).toEqual(['2', '4', '8']);
    // The costs are exact: count x 0.2 x 0.5 h.
    expect(rows.map((x) => Number(x.cost_mean))).toEqual([0.2, 0.4, 0.8]);
    const best = rows.filter((x) => x.choice === 'best');
    expect(best).toHaveLength(1);
    // The winner is the cheapest feasible cell: every cheaper one is infeasible.
    const i = rows.indexOf(best[0]!);
    expect(best[0]!.feasible).toBe('yes');
    for (const x of rows.slice(0, i)) expect(x.feasible).toBe('no');
    expect(Number(best[0]!.constraint1_bound)).toBeLessThanOrEqual(5);
    expect(r.stderr).toContain(`best cell: ${best[0]!.cell} (count=${best[0]!['cluster.nodePools.general.count']}): cost`);
  }, 120_000);

  it('a metric summary.csv does not have is refused before any run, with "did you mean"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubesim-objective-'));
    writeFileSync(join(dir, 's.yaml'), scenario("    minimize: cost\n    constraints: ['pods_pending_ned <= 5']"));
    const r = await kubesim(['sweep', 's.yaml', '--out', 'out'], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      'error: s.yaml:19:19: sweep.objective.constraints[0]: "pods_pending_ned" is not a numeric column of summary.csv (did you mean "pods_pending_end"?)\n',
    );
  });

  it('a malformed constraint is refused with its line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubesim-objective-'));
    writeFileSync(join(dir, 's.yaml'), scenario("    minimize: cost\n    constraints: ['pods_pending_end == 5']"));
    const r = await kubesim(['validate', 's.yaml'], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^error: s\.yaml:19:19: sweep\.objective\.constraints\[0\]: expected "metric op number"/);
  });
});

describe('kubesim sweep with expectations', () => {
  const scenario = planScenario('  baseline: c00\n  grid:\n    nodePools.general.count: [2, 8]', 3);

  it('judges each cell on the mean, an interval bound or the paired difference; exit 1 when one fails; JUnit per cell', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubesim-expect-sweep-'));
    writeFileSync(join(dir, 's.yaml'), scenario);
    const r = await kubesim(
      ['sweep', 's.yaml', '--out', 'out', '--junit', 'j.xml', '--assert', 'ci95_high(pods_pending_end) <= 5', '--assert', 'diff(cost) > 0'],
      dir,
    );
    // 2 nodes leave pods pending in every seed (c00 fails the bound); 8 nodes cost 4 x as much (0.6 more).
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/c00 count=2 +ci95_high\(pods_pending_end\) <= 5 +[\d.]+ \[[\d.]+, [\d.]+\] +FAIL/);
    expect(r.stdout).toMatch(/c00 count=2 +diff\(cost\) > 0 +baseline +n\/a/);
    expect(r.stdout).toMatch(/c01 count=8 +diff\(cost\) > 0 +0\.6 \[0\.6, 0\.6\] +pass/);
    expect(r.stdout).toContain('1 of 3 failed');
    const xml = readFileSync(join(dir, 'j.xml'), 'utf8');
    expect(xml.match(/<testsuite /g)).toHaveLength(2);
    expect(xml).toContain('<skipped message="the baseline cell"/>');
    expect(xml.match(/<failure /g)).toHaveLength(1);
    // The compact table: each cell's figures, and its paired difference against the baseline, marked where
    // the interval excludes 0 (8 nodes cost 0.6 more in every seed).
    expect(r.stdout).toMatch(/^cell +availability_min .* cost\n/m);
    const cmp = await kubesim(['compare', 'out'], dir);
    expect(cmp.status).toBe(0);
    expect(cmp.stdout).toMatch(/^c01 count=8 .* 0\.8\n {2}vs c00 .* \+0\.6 \*\n/m);
    expect(cmp.stdout).toContain('* where the interval excludes 0');
  }, 120_000);

  it('compare refuses a directory without sweep results', async () => {
    const r = await kubesim(['compare', 'nowhere'], mkdtempSync(join(tmpdir(), 'kubesim-compare-')));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^error: nowhere: holds no sweep results/);
  });

  it('an unknown statistic is refused before any run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubesim-expect-sweep-'));
    writeFileSync(join(dir, 's.yaml'), scenario);
    const r = await kubesim(['sweep', 's.yaml', '--out', 'out', '--assert', 'ci_low(cost) > 0'], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown statistic "ci_low" .*\(did you mean "ci95_low"\?\)/);
  });
});
