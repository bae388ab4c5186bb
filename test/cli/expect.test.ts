// Expectations of a run (`expect:` and --assert): the verdict table, exit 0 when all hold and 1 when one fails
// (after the results are written), JUnit XML, and exit 2 with nothing written for a wrong one, "did you mean"
// included. The checks read summary.csv, and workloads.csv, pools.csv and services.csv rows by label.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { holds, parseExpectation } from '../../src/expect/expectation.js';
import { kubesim } from '../helpers/cli.js';
import { tempFiles } from '../helpers/scenario.js';
import { serviceApp } from '../helpers/manifests.js';

const scenario = (expectations: string) => `name: shop
duration: 5m
cluster:
  nodePools:
    - {name: general, count: 2, allocatable: {cpu: "4", memory: 16Gi}, pricePerHour: 0.2}
workloads:
  - objects:${serviceApp('web', { replicas: 2, cpu: '500m' })}
traffic:
  entrypoints:
    - {service: web, rate: 20}
  services:
    web: {serviceTime: 5ms, concurrency: 4}
expect:${expectations}
`;
const at = '\n';
const O = { file: 'x', line: 0, column: 0, path: '' };

describe('expectations', () => {
  it.each([
    ['pdb_violations == 0', 'pdb_violations', null, '==', 0],
    ['availability{workload=cartservice} >= 0.999', 'availability', { key: 'workload', value: 'cartservice' }, '>=', 0.999],
    ['latency_p99_ms{service="frontend"}<300', 'latency_p99_ms', { key: 'service', value: 'frontend' }, '<', 300],
    ['cost != -1.5e2', 'cost', null, '!=', -150],
  ])('parses %j', (text, metric, label, op, value) => {
    expect(parseExpectation(text, O)).toMatchObject({ metric, label, op, value });
  });
  it.each(['cost = 3', 'cost <= ', '{workload=a} > 1', 'cost{pod=a} > 1', 'cost{workload=a,pool=b} > 1'])('refuses %j', (text) => {
    expect(parseExpectation(text, O)).toHaveProperty('error');
  });
  it('compares as written, and a missing value never holds', () => {
    expect([holds('<', 1, 2), holds('<=', 2, 2), holds('==', 2, 2), holds('>=', 1, 2), holds('>', 3, 2), holds('!=', 2, 2)]).toEqual([
      true,
      true,
      true,
      false,
      true,
      false,
    ]);
    expect(holds('!=', NaN, 2)).toBe(false);
  });

  it('all hold: exit 0, the table on the terminal, JUnit XML with one case each', async () => {
    const dir = tempFiles({
      's.yaml': scenario(`${at}  - 'pdb_violations == 0'${at}  - 'availability{workload=web} >= 0.9'${at}  - 'cost{pool=general} > 0'`),
    });
    const r = await kubesim(
      ['run', 's.yaml', '--out', 'out', '--assert', 'latency_p99_ms{entrypoint=web} < 1000', '--junit', 'j.xml'],
      dir,
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/expectations\n {2}expectation +measured +verdict\n {2}pdb_violations == 0 +0 +pass\n/);
    expect(r.stdout).toContain('all 4 hold');
    const xml = readFileSync(join(dir, 'j.xml'), 'utf8');
    expect(xml.match(/<testcase /g)).toHaveLength(4);
    expect(xml).toContain('<testsuite name="shop" tests="4" failures="0"');
    expect(xml).toContain('name="latency_p99_ms{entrypoint=web} &lt; 1000"');
  });

  it('one fails: exit 1 after the results are written, the failure in the table and the XML', async () => {
    const dir = tempFiles({ 's.yaml': scenario(`${at}  - 'requests_failed{service=web} > 1000000'`) });
    const r = await kubesim(['run', 's.yaml', '--out', 'out', '--junit', 'j.xml', '--quiet'], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/requests_failed\{service=web\} > 1000000 +\d+ +FAIL\n {2}1 of 1 failed\n$/);
    expect(existsSync(join(dir, 'out', 'summary.csv'))).toBe(true);
    expect(readFileSync(join(dir, 'j.xml'), 'utf8')).toMatch(/<failure message="measured \d+">/);
  });

  it('a metric or row the run does not have: exit 2 with "did you mean", nothing written', async () => {
    const dir = tempFiles({ 's.yaml': scenario(`${at}  - 'availability{workload=wbe} >= 0.999'`) });
    const r = await kubesim(['run', 's.yaml', '--out', 'out', '--junit', 'j.xml'], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      'error: s.yaml:31:5: expect[0]: no workload "wbe" in workloads.csv (did you mean "web"?); there are default/web\n',
    );
    expect(existsSync(join(dir, 'out'))).toBe(false);
    expect(existsSync(join(dir, 'j.xml'))).toBe(false);
    const r2 = await kubesim(['run', 's.yaml', '--out', 'out', '--assert', 'pdb_violation == 0'], tempFiles({ 's.yaml': scenario(' []') }));
    expect(r2.status).toBe(2);
    expect(r2.stderr).toBe(
      `error: --assert 'pdb_violation == 0': "pdb_violation" is not a column of summary.csv (did you mean "pdb_violations"?)\n`,
    );
  });

  it('a malformed expectation in the file names its line', async () => {
    const dir = tempFiles({ 's.yaml': scenario(`${at}  - 'cost = 3'`) });
    const r = await kubesim(['validate', 's.yaml'], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^error: s\.yaml:31:5: expect\[0\]: expected "metric op number"/);
  });
});
