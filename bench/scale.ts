// scale: the scale benchmark's cluster (bench/scale-scenario.ts: Deployments with HPAs and fluid traffic,
// DaemonSets, a StatefulSet, Jobs, node churn, two rolling updates, the cluster autoscaler; about 30 pods a
// node) at growing sizes, each run in a process of its own.
// - The scaling curve: one virtual hour (the pods' arrival and first placement, then steady running) at
//   500..5,000 nodes (--quick: 250..1,000; --long adds 10,000): CPU time per size and the fitted growth
//   exponent in N, against the target of 1.2.
// - A week: 7 virtual days at 500 nodes (--long: at 5,000 nodes, the target of 60 s on two cores, read
//   on the wall clock, and 2 GiB; three runs, the median one reported): wall-clock and CPU time, virtual ÷ CPU
//   time, events per CPU second, peak resident memory and bytes per pod.
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { growthExponent } from './overload.js';
import { check, fixed, rate, table, verdict, type BenchOptions, type BenchResult } from './util.js';
import { integerKernel } from './kernel.js';

const RUNNER = fileURLToPath(new URL('./scale-run.js', import.meta.url));
const MAX_EXPONENT = 1.2;
const WEEK_TARGET_S = 60;
const WEEK_TARGET_RSS = 2 * 1024 ** 3;

interface Run {
  seconds: number;
  wallSeconds: number;
  virtualSeconds: number;
  events: number;
  pods: number;
  maxRssBytes: number;
  heapBytes: number;
  pending: number;
}

function runChild(nodes: number, hours: number): Run {
  const out = execFileSync(process.execPath, ['--expose-gc', RUNNER, String(nodes), String(hours)], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as Run;
}

const mib = (b: number) => `${fixed(b / 1024 ** 2, 0)} MiB`;

/**
 * Wall seconds of the integer kernel (kernel.ts; ~0.3 s) run here and now: the machine's speed of the moment, which
 * the load average does not show when the slowdown comes from outside this machine.
 */
function kernelSeconds(): number {
  const t0 = performance.now();
  const check = integerKernel(120_000);
  const seconds = (performance.now() - t0) / 1000;
  if (check === 42) console.log(''); // uses the checksum, so the work is not dropped
  return seconds;
}

export function benchScale(opts: BenchOptions & { long?: boolean }): BenchResult {
  const broken: string[] = [];
  const sizes = opts.quick ? [250, 500, 1000] : opts.long ? [500, 1000, 2000, 5000, 10000] : [500, 1000, 2000, 5000];
  const curve: { size: number; seconds: number }[] = [];
  const rows: string[][] = [];
  for (const n of sizes) {
    const r = runChild(n, 1);
    curve.push({ size: n, seconds: r.seconds });
    check(broken, r.pods > 20 * n, `scale: ${n} nodes created only ${r.pods} pods`);
    rows.push([String(n), String(r.pods), `${fixed(r.seconds, 2)} s`, `${rate(r.events / r.seconds)}`, mib(r.maxRssBytes)]);
  }
  const exponent = growthExponent(curve);
  table(
    'scale — the scaling curve: one virtual hour of the scale cluster (about 30 pods a node), CPU seconds',
    ['nodes', 'pods', 'CPU time', 'events/s', 'peak RSS'],
    rows,
  );
  console.log(`growth exponent in N: ${fixed(exponent, 2)} (target <= ${MAX_EXPONENT})`);

  const weekNodes = opts.quick ? 250 : opts.long ? 5000 : 500;
  // With --long the 5,000-node week runs three times, each in a process of its own: this machine's speed drifts by up
  // to 1.4x from minute to minute, and one run would report a slow minute as the simulator's speed. The figures are
  // the median run's (by wall-clock time); the peak memory is the largest of the runs, and the heap after a run the
  // smallest (after the same collections V8 sometimes still holds 150 MB more, run to run).
  const weeks = Array.from({ length: weekNodes === 5000 ? 3 : 1 }, () => ({
    load: loadavg()[0]!,
    kernel: kernelSeconds(),
    ...runChild(weekNodes, 24 * 7),
  }));
  const fastestKernel = Math.min(...weeks.map((x) => x.kernel));
  const w = [...weeks].sort((a, b) => a.wallSeconds - b.wallSeconds)[weeks.length >> 1]!;
  const maxRss = Math.max(...weeks.map((x) => x.maxRssBytes));
  const heap = Math.min(...weeks.map((x) => x.heapBytes));
  const each = (f: (x: Run) => number) => (weeks.length > 1 ? ` (runs: ${weeks.map((x) => fixed(f(x), 1)).join(', ')})` : '');
  const ratio = w.virtualSeconds / w.seconds;
  table(
    `scale — a week of the scale cluster at ${weekNodes} nodes${opts.long ? '' : ' (npm run bench -- scale --long: at 5,000 nodes)'}`,
    ['figure', 'value'],
    [
      ['runs (figures of the median run by wall-clock time)', String(weeks.length)],
      ['pods created', String(w.pods)],
      [
        'wall-clock time (the garbage collector works beside on a second core)',
        `${fixed(w.wallSeconds, 1)} s${each((x) => x.wallSeconds)}`,
      ],
      ["CPU time (all the process's threads)", `${fixed(w.seconds, 1)} s${each((x) => x.seconds)}`],
      ['load average before the run (1 min)', weeks.map((x) => fixed(x.load, 2)).join(', ')],
      [
        "the machine's speed before the run: a fixed integer kernel's time, and against its fastest",
        weeks.map((x) => `${fixed(x.kernel, 3)} s (${fixed(x.kernel / fastestKernel, 2)}x)`).join(', '),
      ],
      ['virtual / CPU time', `${rate(ratio)}x`],
      ['events, per CPU second', `${rate(w.events)}, ${rate(w.events / w.seconds)}`],
      ['peak resident memory', mib(maxRss)],
      ['heap after the run, per pod created', `${mib(heap)}, ${rate(heap / w.pods)} bytes`],
    ],
  );
  const verdicts = [verdict(`scaling curve exponent <= ${MAX_EXPONENT}`, exponent <= MAX_EXPONENT, fixed(exponent, 2))];
  if (weekNodes === 5000) {
    // The target is elapsed time on this two-core machine, so the verdict reads the wall clock: the CPU time adds up
    // both cores (the garbage collector's helper threads work beside the simulation) and overstates it. Other load
    // on the machine can only lengthen the wall-clock time (the load average is printed above).
    verdicts.push(
      verdict(
        `a week at 5,000 nodes <= ${WEEK_TARGET_S} s on two cores`,
        w.wallSeconds <= WEEK_TARGET_S,
        `${fixed(w.wallSeconds, 1)} s wall-clock, median of ${weeks.length}; ${fixed(w.seconds, 1)} CPU s`,
      ),
      verdict('a week at 5,000 nodes <= 2 GiB resident', maxRss <= WEEK_TARGET_RSS, mib(maxRss)),
    );
  } else {
    // The week target is for 5,000 nodes, and a smaller week says little about it: scaling it up by the curve's
    // exponent once gave a lower bound, but the week's fixed costs (each Service's fluid step, each HPA's sync,
    // the autoscaler's loop) are the same at 500 nodes, so such a projection now overstates the 5,000-node week
    // (a 500-node week of 9.5 CPU s projects 95 s where the 5,000-node week takes 52-60 s). No verdict without
    // --long.
    console.log(`the week's target (${WEEK_TARGET_S} s and 2 GiB at 5,000 nodes) is measured with: npm run bench -- scale --long`);
  }
  return { name: 'scale', broken, verdicts };
}
