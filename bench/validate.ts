// `npm run validate`: the fidelity checks of the project in one table (check, expected, measured, tolerance,
// verdict), printed and written into docs/MODEL.md between its fidelity markers. Queueing against Erlang C,
// node availability against m/(m+r), and Kubernetes' own rules against their documented results. Long runs
// live here rather than in `npm test`; the rules' full upstream tables stay in the test suite.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Simulation } from '../src/engine/simulation.js';
import { loadScenario } from '../src/scenario/load.js';
import { prepareRun } from '../src/run/simulate.js';
import type { RowSink, SinkFactory } from '../src/metrics/collector.js';
import { simulateMMc } from '../src/traffic/mmc.js';
import { mmcMeanResponse, mmcMeanWait, mmcWaitTail } from '../src/traffic/erlang.js';
import { backoffNext, newCrashLoopBackOff, type BackoffEntry } from '../src/controllers/kubelet/rules.js';
import { getResourceReplicas, type HPAPodView, type PodMetric } from '../src/controllers/hpa/calc.js';
import { leastWasteScore } from '../src/controllers/cluster-autoscaler/calc.js';
import { resolveFenceposts } from '../src/controllers/deployment/calc.js';

export interface Check {
  check: string;
  expected: string;
  measured: string;
  tolerance: string;
  pass: boolean;
}

const DISCARD: RowSink = { write() {} };
const SINKS: SinkFactory = { open: () => DISCARD };
const f = (x: number, d = 3) => Number(x.toFixed(d)).toString();

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

function run(text: string): Record<string, string | number> {
  const dir = mkdtempSync(join(tmpdir(), 'kubesim-validate-'));
  try {
    writeFileSync(join(dir, 's.yaml'), text);
    return prepareRun(loadScenario(join(dir, 's.yaml')), SINKS).run().summary;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One Service of 8 slots under Poisson traffic in request mode, the whole simulation: mean response. */
function requestMode(): Check {
  const s = run(`name: v
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
`);
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
  const s = run(`name: v
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
`);
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

/** Rules with documented results. */
function rules(): Check[] {
  const out: Check[] = [];
  // CrashLoopBackOff: 10 s doubling to 300 s (kubelet.go initialCrashLoopBackOff, MaxContainerBackOff).
  const cfg = newCrashLoopBackOff();
  const delays: number[] = [];
  let e: BackoffEntry | null = null;
  for (let i = 0; i < 7; i++) {
    e = backoffNext(cfg, e, i * 1000, i * 1000);
    delays.push(e.backoffMs / 1000);
  }
  out.push({
    check: 'CrashLoopBackOff delays, s',
    expected: '10 20 40 80 160 300 300',
    measured: delays.join(' '),
    tolerance: 'exact',
    pass: delays.join(' ') === '10 20 40 80 160 300 300',
  });
  // Rolling update rounding (deployment/util: surge rounds up, unavailable down; both 0 means 1 unavailable).
  const ru = (
    [
      ['25%', '25%'],
      ['30%', 0],
      [0, 0],
    ] as const
  )
    .map(([ms, mu]) => resolveFenceposts(ms, mu, 10))
    .map((r) => [r.surge, r.unavailable])
    .map(([s, u]) => `${s}/${u}`)
    .join(', ');
  out.push({
    check: 'rolling update, 10 replicas: surge/unavailable for 25%/25%, 30%/0, 0/0',
    expected: '3/2, 3/0, 0/1',
    measured: ru,
    tolerance: 'exact',
    pass: ru === '3/2, 3/0, 0/1',
  });
  // HPA tolerance 0.1: 10 pods at 109% of a 100% target stay at 10; at 111% go to ceil(1.11 x 10) = 12.
  const hpa = (usage: number) => {
    const pods: HPAPodView[] = Array.from({ length: 10 }, (_, i) => ({
      name: `p${i}`,
      phase: 'Running',
      ready: 'True',
      startTime: 0,
      readyTransitionTime: 0,
      requests: { cpu: 1000 },
    }));
    const m = new Map<string, PodMetric>(pods.map((p) => [p.name, { value: usage * 10, timestamp: 3_600_000, window: 15_000 }]));
    const r = getResourceReplicas(
      { pods, now: 3_600_000, cpuInitializationPeriod: 300_000, delayOfInitialReadinessStatus: 30_000 },
      10,
      100,
      'cpu',
      { scaleUp: 0.1, scaleDown: 0.1 },
      m,
    );
    return 'replicas' in r ? r.replicas : -1;
  };
  const h = `${hpa(109)} and ${hpa(111)}`;
  out.push({
    check: 'HPA tolerance 0.1: 10 pods at 109% and 111% of target',
    expected: '10 and 12',
    measured: h,
    tolerance: 'exact',
    pass: h === '10 and 12',
  });
  // Cluster autoscaler least-waste (waste.go): the worked example of docs/MODEL.md's tests.
  const pods = Array.from({ length: 6 }, (_, i) => ({ name: `p${i}`, requests: { cpu: 1000, memory: 1024 ** 3 } }));
  const small = leastWasteScore({ nodeGroup: 'small', nodeCount: 2, pods, template: { capacity: { cpu: 4000, memory: 16 * 1024 ** 3 } } })!;
  const big = leastWasteScore({ nodeGroup: 'big', nodeCount: 1, pods, template: { capacity: { cpu: 16000, memory: 64 * 1024 ** 3 } } })!;
  const lw = `${f(small.wastedScore, 5)} vs ${f(big.wastedScore, 5)}`;
  out.push({
    check: 'least-waste: 6 x (1 cpu, 1Gi) on 2 x (4, 16Gi) vs 1 x (16, 64Gi)',
    expected: '1.0625 vs 1.53125',
    measured: lw,
    tolerance: 'exact',
    pass: lw === '1.0625 vs 1.53125',
  });
  return out;
}

export function fidelityTable(checks: readonly Check[]): string {
  const rows = checks.map((c) => `| ${c.check} | ${c.expected} | ${c.measured} | ${c.tolerance} | ${c.pass ? 'pass' : '**FAIL**'} |`);
  return ['| check | expected | measured | tolerance | verdict |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

export const BEGIN = '<!-- fidelity table: written by npm run validate -->';
export const END = '<!-- end of fidelity table -->';

function main(): number {
  const started = Date.now();
  const checks = [...queueing(), requestMode(), availability(), ...rules()];
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
