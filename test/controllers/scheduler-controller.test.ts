// The scheduler controller's timing: when it wakes, and what waits for what.
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/engine/simulation.js';
import { ClusterState } from '../../src/model/cluster-state.js';
import { ResourceSpace } from '../../src/model/resources.js';
import { SchedulerController } from '../../src/controllers/scheduler/controller.js';
import { Nominator } from '../../src/scheduler/nominator.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { BUILTIN_PROFILES, buildProfile } from '../../src/scheduler/profiles.js';
import { translateArgs } from '../../src/scenario/profiles.js';
import { addNode, pod } from '../helpers/builders.js';

function setup(popFromBackoff: boolean) {
  const sim = new Simulation(1);
  const cluster = new ClusterState(sim, new ResourceSpace());
  const handle = { cluster, rng: sim.rng('scheduler.select') };
  const nominator = new Nominator();
  const sched = new Scheduler(buildProfile(BUILTIN_PROFILES.default!(), handle, translateArgs(cluster.resources, null, [])), cluster, handle.rng, 0, nominator);
  const controller = new SchedulerController(sim, cluster, new Map([['default-scheduler', sched]]), nominator, { kind: 'constant', value: 0 }, popFromBackoff);
  return { sim, cluster, controller };
}

describe('SchedulerController', () => {
  it.each([true, false])('a new pod is scheduled at once while another pod waits out its backoff (popFromBackoffQ %s)', (popFromBackoff) => {
    const { sim, cluster } = setup(popFromBackoff);
    addNode(cluster, { name: 'small', cpu: '1' });
    // A pod that fits nowhere fails at 0 and is parked with a 1 s backoff.
    const big = pod(cluster, { cpu: '2' });
    sim.runUntil(100);
    expect(big.attempts).toBe(1);
    // A node that still cannot hold it is added: the pod moves from the unschedulable pods to backoff.
    addNode(cluster, { name: 'small-2', cpu: '1' });
    sim.runUntil(200);
    // A pod that fits arrives at 200 ms, long before the first pod's backoff ends at 1 s.
    const small = pod(cluster, { cpu: '100m' });
    sim.runUntil(300);
    expect(small.node).not.toBeNull();
    expect(small.scheduledAt).toBe(200);
    sim.runUntil(5_000);
    expect(big.node).toBeNull();
    // With PopFromBackoffQ off, the retry waits for the backoff to end (1 s after the failure at 0).
    if (!popFromBackoff) expect(big.attempts).toBe(2);
  });
});
