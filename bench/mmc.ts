// mmc: an M/M/c queue on the engine, checked against the Erlang C formula, with its speed as a ratio to the
// same queue on a bare typed-array heap. Time is integer ms, so the time unit is scaled up: mean service
// 10,000 ms (mu = 1e-4 /ms), so rounding each delay to a whole ms (error within +-0.5 ms, mean ~0) is ~5e-5
// of a service time and shifts Wq far less than its confidence interval.
import { erlangC, erlangWq, mmcBare, mmcOnEngine, type MmcParams, type MmcRun } from './mmc-model.js';
import { check, fixed, rate, table, verdict, type BenchOptions, type BenchResult } from './util.js';

const SERVERS = 8;
const RHO = 0.9;
const MEAN_SERVICE_MS = 10_000;
const SEEDS = 20;
/** Student t quantile, 0.975, 19 degrees of freedom. */
const T_19 = 2.093;

export function benchMmc(opts: BenchOptions): BenchResult {
  const broken: string[] = [];
  const mu = 1 / MEAN_SERVICE_MS;
  const lambda = RHO * SERVERS * mu;
  const p: MmcParams = {
    servers: SERVERS,
    meanInterarrivalMs: 1 / lambda,
    meanServiceMs: MEAN_SERVICE_MS,
    warmup: 10_000,
    customers: opts.quick ? 100_000 : 1_000_000,
  };
  const analytic = erlangWq(SERVERS, lambda, mu);

  // Warm-up of the JIT on a short run (not part of the figures).
  mmcOnEngine({ ...p, customers: 50_000 }, 'mmc-warm');
  mmcBare({ ...p, customers: 50_000 }, 'mmc-warm');

  const wqs: number[] = [];
  let engineEvents = 0;
  let engineSeconds = 0;
  let bareEvents = 0;
  let bareSeconds = 0;
  for (let s = 1; s <= SEEDS; s++) {
    const seed = `mmc-${s}`;
    const e: MmcRun = mmcOnEngine(p, seed);
    const b: MmcRun = mmcBare(p, seed);
    check(broken, e.measured === p.customers, `mmc: seed ${s} measured ${e.measured} customers, wanted ${p.customers}`);
    check(broken, e.maxBusy <= SERVERS && e.fifo, `mmc: seed ${s} broke the queue discipline (max busy ${e.maxBusy}, fifo ${e.fifo})`);
    check(
      broken,
      e.waitSum === b.waitSum && e.events === b.events,
      `mmc: seed ${s} engine and bare loop disagree (wait sums ${e.waitSum} vs ${b.waitSum}, events ${e.events} vs ${b.events})`,
    );
    wqs.push(e.wq);
    engineEvents += e.events;
    engineSeconds += e.seconds;
    bareEvents += b.events;
    bareSeconds += b.seconds;
  }
  const n = wqs.length;
  const mean = wqs.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(wqs.reduce((a, w) => a + (w - mean) ** 2, 0) / (n - 1));
  const half = (T_19 * sd) / Math.sqrt(n);
  const contains = analytic >= mean - half && analytic <= mean + half;
  const engineRate = engineEvents / engineSeconds;
  const bareRate = bareEvents / bareSeconds;
  const ratio = engineRate / bareRate;

  const title =
    `mmc — M/M/${SERVERS}, rho ${RHO}, mean service ${MEAN_SERVICE_MS.toLocaleString('en-US')} ms (1 time unit = 10,000 ms), ` +
    `${SEEDS} seeds x ${p.customers.toLocaleString('en-US')} customers after a warm-up of ${p.warmup.toLocaleString('en-US')}` +
    (opts.quick ? ' (--quick: 10^5 customers per seed, not 10^6)' : '');
  table(
    title,
    ['figure', 'value'],
    [
      ['Erlang C probability of waiting C(8, 7.2)', fixed(erlangC(SERVERS, lambda / mu), 5)],
      ['Wq analytic, ms', fixed(analytic, 1)],
      ['Wq simulated mean over seeds, ms', fixed(mean, 1)],
      ['95% CI (t 19 df = 2.093), ms', `${fixed(mean - half, 1)} .. ${fixed(mean + half, 1)}`],
      ['relative error of the mean', `${fixed((100 * (mean - analytic)) / analytic, 2)}%`],
      ['CI contains the analytic value', contains ? 'yes' : 'no'],
    ],
  );
  table(
    'mmc speed (all seeds)',
    ['loop', 'events', 'events/CPU-s', 'ratio to bare'],
    [
      ['Simulation (engine)', engineEvents.toLocaleString('en-US'), rate(engineRate), fixed(ratio, 3)],
      ['bare typed-array heap', bareEvents.toLocaleString('en-US'), rate(bareRate), '1.000'],
    ],
  );
  console.log('engine and bare loop checked to give the identical wait sum on every seed');
  return {
    name: 'mmc',
    broken,
    verdicts: [
      verdict('Wq 95% CI contains Erlang C value', contains, `${fixed(mean, 1)} +- ${fixed(half, 1)} ms vs ${fixed(analytic, 1)} ms`),
      `engine ${rate(engineRate)} events/CPU-s, ${fixed(ratio, 3)} of the bare loop (no target)`,
    ],
  };
}
