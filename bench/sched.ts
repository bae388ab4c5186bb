// sched: scheduling throughput (pods/s) of the real Scheduler on 5,000 nodes, binding each pod with
// cluster.bindPod, for the default and first-fit profiles, on bare pods and on Deployment replicas with the
// system default PodTopologySpread constraints. Baseline in the same run: a bare loop over typed arrays that
// replays each attempt's filter window (same start node, same number of nodes evaluated) with only the
// NodeResourcesFit check, and binds the same node. Its feasible counts must equal the scheduler's.
import { CPU, MEMORY, PODS } from '../src/model/resources.js';
import { setupSched, type SchedSetup, type Workload } from './sched-cluster.js';
import { check, fixed, median, rate, table, timeIt, verdict, type BenchOptions, type BenchResult } from './util.js';

const NODES = 5_000;
const APPS = 50;
/** Target for the default profile at 5,000 nodes (placements identical to the unoptimised path: the outputs tests). */
const TARGET_DEFAULT = 50_000;
/** kube-scheduler's scheduler_perf suite, for context only: ~700 pods/s at 5,000 nodes. */
const UPSTREAM_CONTEXT = 700;

interface Trace {
  seconds: number;
  start: Int32Array;
  evaluated: Int32Array;
  feasible: Int32Array;
  chosen: Int32Array;
  unscheduled: number;
}

function runScheduler(s: SchedSetup): Trace {
  const { scheduler, cluster, pods, first } = s;
  const n = cluster.nodes.length;
  const p = pods.length;
  const t: Trace = {
    seconds: 0,
    start: new Int32Array(p),
    evaluated: new Int32Array(p),
    feasible: new Int32Array(p),
    chosen: new Int32Array(p),
    unscheduled: 0,
  };
  t.seconds = timeIt(() => {
    for (let i = 0; i < p; i++) {
      const pod = pods[i]!;
      t.start[i] = first ? 0 : scheduler.nextStartNodeIndex % n;
      const a = scheduler.schedule(pod);
      t.evaluated[i] = a.evaluated;
      t.feasible[i] = a.feasible;
      if (a.node) {
        t.chosen[i] = a.node.index;
        cluster.bindPod(pod, a.node);
      } else {
        t.chosen[i] = -1;
        t.unscheduled++;
      }
    }
  });
  return t;
}

/** Replays the trace on typed arrays: the NodeResourcesFit check over each attempt's window, then the bind. */
function runBaseline(s: SchedSetup, t: Trace): { seconds: number; feasible: Int32Array; chosenFits: boolean } {
  const nodes = s.cluster.nodes;
  const n = nodes.length;
  const r = s.cluster.resources.size;
  const alloc = new Float64Array(n * r);
  const used = new Float64Array(n * r);
  for (let i = 0; i < n; i++) alloc.set(nodes[i]!.allocatable, i * r);
  const p = s.pods.length;
  const req = new Float64Array(p * r);
  for (let i = 0; i < p; i++) req.set(s.pods[i]!.requests, i * r);
  const feasible = new Int32Array(p);
  let chosenFits = true;
  const fits = (node: number, pod: number) => {
    const nb = node * r;
    const pb = pod * r;
    for (let k = 0; k < r; k++) {
      const q = req[pb + k]!;
      if (q > 0 && q > alloc[nb + k]! - used[nb + k]!) return false;
    }
    return true;
  };
  const seconds = timeIt(() => {
    for (let i = 0; i < p; i++) {
      const start = t.start[i]!;
      const ev = t.evaluated[i]!;
      let f = 0;
      for (let k = 0; k < ev; k++) {
        let idx = start + k;
        if (idx >= n) idx -= n;
        if (fits(idx, i)) f++;
      }
      feasible[i] = f;
      const c = t.chosen[i]!;
      if (c < 0) continue;
      if (!fits(c, i)) chosenFits = false;
      const nb = c * r;
      const pb = i * r;
      for (let k = 0; k < r; k++) used[nb + k]! += req[pb + k]!;
    }
  });
  return { seconds, feasible, chosenFits };
}

interface Row {
  profile: string;
  workload: Workload;
  schedRates: number[];
  baseRates: number[];
  ratios: number[];
  evaluatedMean: number;
  feasibleMean: number;
}

function measure(profile: string, workload: Workload, nodes: number, pods: number, seed: string, broken: string[], row?: Row): void {
  const s = setupSched(profile, workload, nodes, pods, APPS, seed);
  const t = runScheduler(s);
  const b = runBaseline(s, t);
  const tag = `sched ${profile}/${workload} (${seed})`;
  check(broken, t.unscheduled === 0, `${tag}: ${t.unscheduled} pods found no node although the cluster has room`);
  check(broken, b.chosenFits, `${tag}: a chosen node did not fit the pod's requests`);
  let mismatch = 0;
  for (let i = 0; i < pods; i++) if (b.feasible[i] !== t.feasible[i]) mismatch++;
  check(broken, mismatch === 0, `${tag}: ${mismatch} attempts found a different number of feasible nodes than the fit-only replay`);
  for (const node of s.cluster.nodes) {
    const over =
      node.requested[CPU]! > node.allocatable[CPU]! ||
      node.requested[MEMORY]! > node.allocatable[MEMORY]! ||
      node.pods.length > node.allocatable[PODS]!;
    check(broken, !over, `${tag}: node ${node.name} is over-committed`);
    if (over) break;
  }
  if (!row) return;
  let ev = 0;
  let fe = 0;
  for (let i = 0; i < pods; i++) {
    ev += t.evaluated[i]!;
    fe += t.feasible[i]!;
  }
  row.schedRates.push(pods / t.seconds);
  row.baseRates.push(pods / b.seconds);
  row.ratios.push(b.seconds / t.seconds);
  row.evaluatedMean = ev / pods;
  row.feasibleMean = fe / pods;
}

export function benchSched(opts: BenchOptions): BenchResult {
  const broken: string[] = [];
  const pods = opts.quick ? 20_000 : 50_000;
  // Three 50,000-pod runs per case, reported by their median (this machine's speed drifts by up to 1.5x
  // from minute to minute); the warm-up runs are not timed.
  const reps = opts.quick ? 1 : 3;
  const cases: [string, Workload][] = [
    ['default', 'bare'],
    ['default', 'deployments'],
    ['first-fit', 'bare'],
    ['first-fit', 'deployments'],
  ];
  const rows: Row[] = cases.map(([profile, workload]) => ({
    profile,
    workload,
    schedRates: [],
    baseRates: [],
    ratios: [],
    evaluatedMean: 0,
    feasibleMean: 0,
  }));
  // Warm-up at full size, so the timed runs see code optimised for 5,000-node loops (a smaller warm-up
  // leaves the first timed run's first 10,000 pods at about two thirds of the steady rate).
  for (const [profile, workload] of cases) measure(profile, workload, NODES, 10_000, 'sched-warm', broken);
  for (let r = 0; r < reps; r++) {
    rows.forEach((row) => measure(row.profile, row.workload, NODES, pods, `sched-${r}`, broken, row));
  }

  table(
    `sched — ${NODES.toLocaleString('en-US')} nodes (8 CPU, 32Gi, 110 pods, 3 zones), ${pods.toLocaleString('en-US')} pods ` +
      `(cpu 50m..500m, memory 64Mi..512Mi), deployments: ${APPS} apps with system default spreading; ${reps} timed run(s) each` +
      (opts.quick ? ' (--quick: 20,000 pods, not 50,000)' : ''),
    ['profile / workload', 'pods/s', 'runs min..max', 'fit-only replay pods/s', 'ratio', 'nodes evaluated/pod', 'feasible/pod'],
    rows.map((row) => [
      `${row.profile} / ${row.workload}`,
      rate(median(row.schedRates)),
      `${rate(Math.min(...row.schedRates))}..${rate(Math.max(...row.schedRates))}`,
      rate(median(row.baseRates)),
      fixed(median(row.ratios), 4),
      fixed(row.evaluatedMean, 0),
      fixed(row.feasibleMean, 1),
    ]),
  );
  console.log(
    `ratio = fit-only replay time / scheduler time; for context kube-scheduler's perf suite reports ~${UPSTREAM_CONTEXT} pods/s at 5,000 nodes`,
  );
  const verdicts = rows
    .filter((row) => row.profile === 'default')
    .map((row) => {
      const v = median(row.schedRates);
      return verdict(`default/${row.workload} >= ${rate(TARGET_DEFAULT)} pods/s`, v >= TARGET_DEFAULT, `${rate(v)} pods/s`);
    });
  return { name: 'sched', broken, verdicts };
}
