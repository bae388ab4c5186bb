// engine: events/s of the Simulation on the classic hold model (N pending events; each handler schedules one
// new event at now + exponential(mean) from sim.rng('hold')), against the same hold loop on a bare typed-array
// heap with the same RNG stream and rounding. Both must visit the identical event sequence (same seed, same
// (time, seq) order), which is checked as an invariant.
import { Simulation } from '../src/engine/simulation.js';
import { RngStreams } from '../src/engine/rng.js';
import { TypedHeap } from './typed-heap.js';
import { check, fixed, median, cpuSeconds, rate, table, timeIt, verdict, type BenchOptions, type BenchResult } from './util.js';

const PENDING = 10_000;
/** Mean hold time in ms: large enough that integer rounding leaves few ties (~0.1 events per ms). */
const MEAN_MS = 100_000;
const TARGET_RATIO = 0.3;
const SEED = 'bench-engine';

interface Run {
  seconds: number;
  events: number;
  /** Sum of event times and the final clock: equal for engine and bare loop when they order alike. */
  timeSum: number;
  finalNow: number;
  monotone: boolean;
  pendingAfter: number;
}

export function runEngine(events: number, seed: string): Run {
  const sim = new Simulation(seed);
  const rng = sim.rng('hold');
  let count = 0;
  let timeSum = 0;
  let last = 0;
  let monotone = true;
  const kind = sim.register('hold', () => {
    const now = sim.now;
    if (now < last) monotone = false;
    last = now;
    timeSum += now;
    if (++count === events) sim.stop();
    sim.schedule(rng.exponential(MEAN_MS), kind);
  });
  for (let i = 0; i < PENDING; i++) sim.schedule(rng.exponential(MEAN_MS), kind);
  const seconds = timeIt(() => sim.runUntil(Infinity));
  return { seconds, events: count, timeSum, finalNow: sim.now, monotone, pendingAfter: sim.pending };
}

export function runBare(events: number, seed: string): Run {
  const rng = new RngStreams(seed).get('hold');
  const heap = new TypedHeap(PENDING + 1);
  let seq = 0;
  for (let i = 0; i < PENDING; i++) heap.push(Math.round(rng.exponential(MEAN_MS)), seq++);
  let count = 0;
  let timeSum = 0;
  let now = 0;
  let monotone = true;
  // Timed inline (no closure), so the loop's locals stay in registers: this is the practical limit.
  const t0 = cpuSeconds();
  while (count < events && heap.pop()) {
    const t = heap.topTime;
    if (t < now) monotone = false;
    now = t;
    timeSum += now;
    count++;
    heap.push(now + Math.round(rng.exponential(MEAN_MS)), seq++);
  }
  const seconds = cpuSeconds() - t0;
  return { seconds, events: count, timeSum, finalNow: now, monotone, pendingAfter: heap.size };
}

/** The RNG cost alone (the same draws, no queue), to show how much of either loop it is. */
function runRngOnly(events: number, seed: string): { seconds: number; sink: number } {
  const rng = new RngStreams(seed).get('hold');
  let sink = 0;
  const seconds = timeIt(() => {
    for (let i = 0; i < events; i++) sink += Math.round(rng.exponential(MEAN_MS));
  });
  return { seconds, sink };
}

export function benchEngine(opts: BenchOptions): BenchResult {
  const broken: string[] = [];
  const events = opts.quick ? 500_000 : 1_500_000;
  const reps = opts.quick ? 3 : 5;
  // Warm-up: let both loops reach optimised code before timing.
  runEngine(200_000, `${SEED}-warm`);
  runBare(200_000, `${SEED}-warm`);
  runRngOnly(200_000, `${SEED}-warm`);

  const engineRates: number[] = [];
  const bareRates: number[] = [];
  const rngRates: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < reps; r++) {
    const seed = `${SEED}-${r}`;
    // Alternate the order so drift (thermal, GC of the previous run) does not favour one side.
    const e = r % 2 === 0 ? runEngine(events, seed) : undefined;
    const b = runBare(events, seed);
    const e2 = e ?? runEngine(events, seed);
    const g = runRngOnly(events, seed);
    check(broken, e2.events === events && b.events === events, `engine: rep ${r} ran ${e2.events}/${b.events} events, wanted ${events}`);
    check(broken, e2.monotone && b.monotone, `engine: rep ${r} time went backwards`);
    check(
      broken,
      e2.pendingAfter === PENDING && b.pendingAfter === PENDING,
      `engine: rep ${r} pending ${e2.pendingAfter}/${b.pendingAfter}, wanted ${PENDING}`,
    );
    check(
      broken,
      e2.timeSum === b.timeSum && e2.finalNow === b.finalNow,
      `engine: rep ${r} engine and bare heap visited different event sequences (time sums ${e2.timeSum} vs ${b.timeSum})`,
    );
    engineRates.push(e2.events / e2.seconds);
    bareRates.push(b.events / b.seconds);
    rngRates.push(events / g.seconds);
    ratios.push(b.seconds / e2.seconds);
  }
  const ratio = median(ratios);
  const header = ['loop', 'events/CPU-s (median)', 'min', 'max', 'ratio to bare'];
  const row = (name: string, xs: number[], ratioText: string) => [
    name,
    rate(median(xs)),
    rate(Math.min(...xs)),
    rate(Math.max(...xs)),
    ratioText,
  ];
  table(
    `engine — hold model, N=${PENDING.toLocaleString('en-US')} pending, exponential(mean ${MEAN_MS.toLocaleString('en-US')} ms), ` +
      `${events.toLocaleString('en-US')} events x ${reps} reps${opts.quick ? ' (--quick)' : ''}`,
    header,
    [
      row('Simulation (engine)', engineRates, fixed(ratio, 3)),
      row('bare typed-array heap', bareRates, '1.000'),
      row('RNG draws only (no queue)', rngRates, fixed(median(rngRates) / median(bareRates), 3)),
    ],
  );
  console.log(`ratio = median over reps of (bare time / engine time); identical event sequences checked on every rep`);
  return { name: 'engine', broken, verdicts: [verdict(`engine/bare ratio >= ${TARGET_RATIO}`, ratio >= TARGET_RATIO, fixed(ratio, 3))] };
}
