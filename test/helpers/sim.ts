// A simulated cluster with kube-scheduler's default profile as a controller (for controller tests).
import { Simulation } from '../../src/engine/simulation.js';
import { ClusterState } from '../../src/model/cluster-state.js';
import { ResourceSpace } from '../../src/model/resources.js';
import { SchedulerController } from '../../src/controllers/scheduler/controller.js';
import { Nominator } from '../../src/scheduler/nominator.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { BUILTIN_PROFILES, buildProfile } from '../../src/scheduler/profiles.js';
import { translateArgs } from '../../src/scenario/profiles.js';

export function scheduledCluster(latencyMs = 0, popFromBackoff = true) {
  const sim = new Simulation(1);
  const cluster = new ClusterState(sim, new ResourceSpace());
  const handle = { cluster, rng: sim.rng('scheduler.select') };
  const nominator = new Nominator();
  const profile = buildProfile(BUILTIN_PROFILES.default!(), handle, translateArgs(cluster.resources, null, []));
  const sched = new Scheduler(profile, cluster, handle.rng, 0, nominator);
  const controller = new SchedulerController(
    sim,
    cluster,
    new Map([['default-scheduler', sched]]),
    nominator,
    { kind: 'constant', value: latencyMs },
    popFromBackoff,
  );
  return { sim, cluster, controller, nominator };
}
