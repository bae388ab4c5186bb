// The engine against queueing theory: an M/M/1 queue at utilisation 0.5 has mean wait in queue
// Wq = rho / (mu - lambda). At rho = 0.5 the scatter of one run of 200,000 customers is about 1-2 %.
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/engine/simulation.js';

function mm1(seed: number, customers: number, lambda: number, mu: number): number {
  const sim = new Simulation(seed);
  const arrivals = sim.rng('arrivals');
  const service = sim.rng('service');
  const queue: number[] = [];
  let busy = false;
  let served = 0;
  let waited = 0;
  let arrived = 0;
  // Time is integer ms: a mean service time of 100 s keeps rounding negligible.
  const kDepart = sim.register('depart', () => {
    if (queue.length > 0) {
      const t = queue.shift()!;
      waited += sim.now - t;
      served++;
      sim.schedule(service.exponential(1 / mu), kDepart);
    } else busy = false;
  });
  const kArrive = sim.register('arrive', () => {
    arrived++;
    if (!busy) {
      busy = true;
      served++;
      sim.schedule(service.exponential(1 / mu), kDepart);
    } else queue.push(sim.now);
    if (arrived < customers) sim.schedule(arrivals.exponential(1 / lambda), kArrive);
  });
  sim.schedule(arrivals.exponential(1 / lambda), kArrive);
  while (sim.step()) {
    if (served >= customers) break;
  }
  return waited / served;
}

describe('M/M/1 on the engine', () => {
  it('mean wait in queue matches rho / (mu - lambda) at rho = 0.5', () => {
    const mu = 1 / 100_000;
    const lambda = 0.5 * mu;
    const analytic = 0.5 / (mu - lambda); // 100,000 ms
    const runs = [1, 2, 3].map((seed) => mm1(seed, 200_000, lambda, mu));
    const mean = runs.reduce((a, b) => a + b, 0) / runs.length;
    expect(Math.abs(mean / analytic - 1)).toBeLessThan(0.03);
  });
});
