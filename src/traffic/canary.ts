// Canary releases, the way progressive-delivery tools describe them: an entry point's requests move from its
// stable Service to a canary Service in steps (setWeight, pause); at the end of every window the canary's
// share of failed requests and its p99 latency are checked, and past a threshold the release is aborted:
// every request goes back to the stable Service (events.csv: CanaryAborted).
import type { Simulation } from '../engine/simulation.js';
import type { EventRecorder } from '../metrics/collectors/events.js';
import type { TrafficModel } from './controller.js';
import type { CanarySpec } from './spec.js';
import { WindowStats } from './stats.js';

export interface CanaryOutcome {
  readonly spec: CanarySpec;
  /** The canary's weight now (percent). */
  weight: number;
  /** When it was aborted (ms), or -1. */
  abortedAt: number;
}

export class CanaryController {
  readonly outcomes: CanaryOutcome[];

  constructor(
    private readonly sim: Simulation,
    private readonly traffic: TrafficModel,
    canaries: readonly CanarySpec[],
    private readonly recorder: EventRecorder | null,
  ) {
    this.outcomes = canaries.map((spec) => ({ spec, weight: 0, abortedAt: -1 }));
    const kStep = sim.register('canary.step', (i, step) => this.step(i, step as number));
    const kCheck = sim.register('canary.check', (i) => {
      if (this.check(i)) sim.schedule(this.outcomes[i]!.spec.abort!.windowMs, kCheck, i);
    });
    canaries.forEach((c, i) => {
      c.steps.forEach((s, j) => sim.scheduleAt(s.atMs, kStep, i, j));
      if (c.abort && c.steps.length > 0) {
        const series = traffic.services[traffic.serviceIndex(c.canary)]!.series;
        series.window = new WindowStats();
        sim.scheduleAt(c.steps[0]!.atMs + c.abort.windowMs, kCheck, i);
      }
    });
  }

  private object(c: CanarySpec): string {
    return `service/${c.canary}`;
  }

  private setWeight(o: CanaryOutcome, weight: number): void {
    const w = this.traffic.weights[o.spec.entry]!;
    // Backend 0 is the stable Service, the last one the canary.
    w[0] = 100 - weight;
    w[w.length - 1] = weight;
    o.weight = weight;
  }

  private step(i: number, j: number): void {
    const o = this.outcomes[i]!;
    if (o.abortedAt >= 0) return;
    const weight = o.spec.steps[j]!.weight;
    this.setWeight(o, weight);
    this.recorder?.event('Normal', 'CanaryWeight', this.object(o.spec), `canary ${o.spec.canary} weight set to ${weight}%`);
  }

  /** The abort rule at the end of a window; false once the release is over. */
  private check(i: number): boolean {
    const o = this.outcomes[i]!;
    const c = o.spec;
    const a = c.abort!;
    const win = this.traffic.services[this.traffic.serviceIndex(c.canary)]!.series.window!;
    const n = win.answers + win.failures;
    let why = '';
    if (n >= a.minRequests && n > 0) {
      const errors = win.failures / n;
      const p99 = win.percentile(99);
      const window = `${a.windowMs / 1000}s`;
      if (a.errorRate !== null && errors > a.errorRate) why = `error rate ${+errors.toFixed(4)} over ${window} is above ${a.errorRate}`;
      else if (a.latencyP99Ms !== null && win.answers > 0 && p99 > a.latencyP99Ms)
        why = `p99 latency ${p99} ms over ${window} is above ${a.latencyP99Ms} ms`;
    }
    win.reset();
    if (why) {
      this.setWeight(o, 0);
      o.abortedAt = this.sim.now;
      this.recorder?.event(
        'Warning',
        'CanaryAborted',
        this.object(c),
        `canary ${c.canary} aborted: ${why}; all requests go to ${c.stable}`,
      );
      return false;
    }
    // Checked until the last step has been taken and one more window has passed.
    return this.sim.now <= c.steps[c.steps.length - 1]!.atMs + a.windowMs;
  }
}
