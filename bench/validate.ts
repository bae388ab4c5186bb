// `npm run validate`: the fidelity checks of the project in one table (check, expected, measured, tolerance,
// verdict), printed and written into docs/MODEL.md between its fidelity markers. Queueing against Erlang C,
// node availability against m/(m+r), Kubernetes' own rules against their documented results
// (validate-rules.ts), and whole runs against sequences worked out from the upstream controllers
// (validate-runs.ts). Long runs live here rather than in `npm test`; the rules' full upstream tables stay in
// the test suite, and the exact checks run there too.
import { readFileSync, writeFileSync } from 'node:fs';
import { Simulation } from '../src/engine/simulation.js';
import { simulateMMc } from '../src/traffic/mmc.js';
import { mmcMeanResponse, mmcMeanWait, mmcWaitTail } from '../src/traffic/erlang.js';
import { f, runs, type Check } from './validate-util.js';
import { rules } from './validate-rules.js';
import { wholeRuns } from './validate-runs.js';

export type { Check } from './validate-util.js';

/** M/M/8 at rho 0.9: the mean wait's and P(W > t)'s 95 % intervals over 20 seeds contain Erlang C. */
function queueing(): Check[] {
  const c = 8;
  const mu = 1;
  const lambda = 0.9 * c * mu;
  const tail = [0.5, 1, 2];
  const waits: number[] = [];
  const tails: number[][] = tail.map(() => []);
  for (let s = 1; s <= 20; s++) {
    const r = simulateMMc({
      c,
      lambda,
      mu,
      customers: 1_000_000,
      warmup: 10_000,
      tailAt: tail,
      rng: new Simulation(`validate-${s}`).rng('mmc'),
    });
    waits.push(r.meanWait);
    r.waitTail.forEach((x, i) => tails[i]!.push(x));
  }
  const ci = (xs: number[]) => {
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
    return { m, half: (2.093 * sd) / Math.sqrt(xs.length) };
  };
  const out: Check[] = [];
  const w = ci(waits);
  const wq = mmcMeanWait(c, lambda, mu);
  out.push({
    check: 'M/M/8, rho 0.9: mean wait (service times)',
    expected: `${f(wq, 4)} (Erlang C)`,
    measured: `${f(w.m, 4)} ± ${f(w.half, 4)}`,
    tolerance: '95% CI, 20 seeds x 1,000,000',
    pass: Math.abs(w.m - wq) <= w.half,
  });
  tail.forEach((t, i) => {
    const p = ci(tails[i]!);
    const want = mmcWaitTail(c, lambda, mu, t);
    out.push({
      check: `M/M/8, rho 0.9: P(W > ${t})`,
      expected: `${f(want, 4)} (C e^-(c mu - lambda) t)`,
      measured: `${f(p.m, 4)} ± ${f(p.half, 4)}`,
      tolerance: '95% CI, 20 seeds x 1,000,000',
      pass: Math.abs(p.m - want) <= p.half,
    });
  });
  return out;
}

/** One Service of 8 slots under Poisson traffic in request mode, the whole simulation: mean response. */
function requestMode(): Check {
  const s = runs(`name: v
duration: 48h
metrics: {interval: 1h}
cluster:
  nodePools: [{name: p, count: 1, allocatable: {cpu: "4", memory: 16Gi}}]
workloads:
  - objects:
      - {apiVersion: apps/v1, kind: Deployment, metadata: {name: web}, spec: {replicas: 1, selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: web, resources: {requests: {cpu: 100m, memory: 64Mi}}}]}}}}
      - {apiVersion: v1, kind: Service, metadata: {name: web}, spec: {selector: {app: web}, ports: [{port: 80}]}}
traffic:
  entrypoints: [{service: web, rate: 7.2}]
  services:
    web: {serviceTime: {exponential: {mean: 1s}}, concurrency: 8, queueLimit: 1000000, timeout: 1h}
`).summary;
  const want = mmcMeanResponse(8, 7.2, 1) * 1000;
  const got = Number(s.latency_mean_ms);
  return {
    check: 'request mode, one Service as M/M/8 (48 h): mean response, ms',
    expected: `${f(want, 1)} (Erlang C)`,
    measured: f(got, 1),
    tolerance: '±5%',
    pass: Math.abs(got - want) / want <= 0.05,
  };
}

/** Nodes that fail after exponential(m) and are repaired after exponential(r) are up m / (m + r) of the time. */
function availability(): Check {
  const s = runs(`name: v
duration: 60d
metrics: {interval: 1d}
cluster:
  nodePools:
    - name: p
      count: 40
      allocatable: {cpu: "4", memory: 16Gi}
      failures: {timeToFailure: {exponential: {mean: 10h}}, timeToRepair: {exponential: {mean: 2h}}}
workloads:
  - batch: {name: b, arrivals: {poisson: {rate: 1/h}}, count: 1, requests: {cpu: 100m}, duration: 1m}
`).summary;
  const want = 10 / 12;
  const got = Number(s.node_up_ratio);
  return {
    check: 'node availability, failures exp(10 h), repairs exp(2 h), 40 nodes x 60 d',
    expected: `${f(want, 4)} (m / (m + r))`,
    measured: f(got, 4),
    tolerance: '±0.01',
    pass: Math.abs(got - want) <= 0.01,
  };
}

export function fidelityTable(checks: readonly Check[]): string {
  const rows = checks.map((c) => `| ${c.check} | ${c.expected} | ${c.measured} | ${c.tolerance} | ${c.pass ? 'pass' : '**FAIL**'} |`);
  return ['| check | expected | measured | tolerance | verdict |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

export const BEGIN = '<!-- fidelity table: written by npm run validate -->';
export const END = '<!-- end of fidelity table -->';

function main(): number {
  const started = Date.now();
  const checks = [...queueing(), requestMode(), availability(), ...rules(), ...wholeRuns()];
  const text = fidelityTable(checks);
  console.log(text);
  const path = 'docs/MODEL.md';
  const doc = readFileSync(path, 'utf8');
  const i = doc.indexOf(BEGIN);
  const j = doc.indexOf(END);
  if (i < 0 || j < i) {
    console.error(`${path}: no fidelity markers; the table was not written`);
    return 2;
  }
  writeFileSync(path, `${doc.slice(0, i + BEGIN.length)}\n\n${text}\n\n${doc.slice(j)}`);
  const failed = checks.filter((c) => !c.pass).length;
  console.log(
    `\n${checks.length - failed} of ${checks.length} checks pass (${((Date.now() - started) / 1000).toFixed(1)} s); the table is in ${path}`,
  );
  return failed > 0 ? 1 : 0;
}

if (process.argv[1]?.endsWith('validate.js')) process.exitCode = main();
