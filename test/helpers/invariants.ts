// A whole run with the model's invariants checked along the way (src/model/invariants.ts).
import { InvariantChecker } from '../../src/model/invariants.js';
import { prepareRun, type RunResult, type Sinks } from '../../src/run/simulate.js';
import type { Scenario } from '../../src/scenario/load.js';

export interface CheckedRun extends RunResult {
  /** How many times the invariants were checked. */
  checks: number;
  /** Slices of `everyEvents` events in which the cluster changed (each was followed by a check). */
  changedSlices: number;
}

/**
 * Runs the scenario, checking the invariants before the first event and after every `everyEvents` events in which
 * the cluster changed (a slice of request traffic alone changes nothing they read); throws on the first violation,
 * with the virtual time and every violation found then.
 */
export function runChecked(scenario: Scenario, sinks: Sinks = {}, everyEvents = 500): CheckedRun {
  const run = prepareRun(scenario, sinks);
  const checker = new InvariantChecker(run.cluster);
  const check = () => {
    const v = checker.check();
    if (v.length > 0)
      throw new Error(
        `${scenario.name}: invariants violated at ${run.sim.now} ms after ${run.sim.eventsProcessed} events:\n  ${v.join('\n  ')}`,
      );
  };
  check();
  let done = false;
  let seen = checker.changes;
  let changedSlices = 0;
  while (!done) {
    done = run.advance(everyEvents);
    if (checker.changes === seen) continue;
    seen = checker.changes;
    changedSlices++;
    check();
  }
  const result = run.run();
  check();
  return { ...result, checks: checker.checks, changedSlices };
}
