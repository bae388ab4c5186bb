// The cluster and pods for the scheduling benchmark, wired as src/run/simulate.ts wires a run: the profile is
// built (its plugins start watching) before the nodes are added, then pods are created pending.
import type { Workload as WorkloadObject } from '../src/model/workloads.js';
import { Simulation } from '../src/engine/simulation.js';
import type { Rng } from '../src/engine/rng.js';
import { ClusterState } from '../src/model/cluster-state.js';
import { HOSTNAME_LABEL, INSTANCE_TYPE_LABEL, ZONE_LABEL } from '../src/model/node.js';
import type { Pod, PodTemplate } from '../src/model/pod.js';
import { CPU, EPHEMERAL, MEMORY, PODS, ResourceSpace } from '../src/model/resources.js';
import { makeSelector } from '../src/model/selectors.js';
import { makeTemplate } from '../src/model/template.js';
import { buildProfile, BUILTIN_PROFILES } from '../src/scheduler/profiles.js';
import { Scheduler } from '../src/scheduler/scheduler.js';
import { systemDefaultConstraints } from '../src/scheduler/plugins/pod-topology-spread.js';
import { translateArgs } from '../src/scenario/profiles.js';

const GI = 1024 ** 3;
const MI = 1024 ** 2;
export const ZONES = ['zone-a', 'zone-b', 'zone-c'];
export const NODE_CPU_MILLI = 8000;
export const NODE_MEMORY = 32 * GI;
export const NODE_PODS = 110;

export type Workload = 'bare' | 'deployments';

export interface SchedSetup {
  cluster: ClusterState;
  scheduler: Scheduler;
  pods: Pod[];
  first: boolean;
}

/**
 * A cluster of `nodes` identical nodes (8 CPU, 32Gi, 110 pods) spread round-robin over 3 zones, and `pods`
 * pending pods with small varied requests (cpu 50m..500m, memory 64Mi..512Mi):
 * - bare: one template per pod, as batch arrivals create them; no topology spreading.
 * - deployments: `apps` templates labelled app=<name>, each with the system default PodTopologySpread
 *   constraints on the selector app=<name> (as the loader defaults them), replicas interleaved at random.
 */
export function setupSched(profileName: string, workload: Workload, nodes: number, pods: number, apps: number, seed: string): SchedSetup {
  const sim = new Simulation(seed);
  const space = new ResourceSpace();
  const cluster = new ClusterState(sim, space);
  const handle = { cluster, rng: sim.rng('scheduler.select') };
  const spec = BUILTIN_PROFILES[profileName]!();
  const profile = buildProfile(spec, handle, translateArgs(space, null, []));
  // 0 = Kubernetes' adaptive percentageOfNodesToScore (the scenario default).
  const scheduler = new Scheduler(profile, cluster, handle.rng, 0);

  for (let i = 0; i < nodes; i++) {
    const alloc = space.vector();
    alloc[CPU] = NODE_CPU_MILLI;
    alloc[MEMORY] = NODE_MEMORY;
    alloc[EPHEMERAL] = 100 * GI;
    alloc[PODS] = NODE_PODS;
    const name = `node-${i}`;
    const zone = ZONES[i % ZONES.length]!;
    const labels = new Map([
      ['kubernetes.io/os', 'linux'],
      ['kubernetes.io/arch', 'amd64'],
      ['beta.kubernetes.io/os', 'linux'],
      ['beta.kubernetes.io/arch', 'amd64'],
      [HOSTNAME_LABEL, name],
      [ZONE_LABEL, zone],
      [INSTANCE_TYPE_LABEL, 'bench-8x32'],
      ['kubesim.io/node-pool', 'bench'],
    ]);
    cluster.addNode({ name, pool: 'bench', zone, labels, taints: [], allocatable: alloc, pricePerHour: 0 });
  }

  const rng = sim.rng('bench.workload');
  const requests = (r: Rng) => {
    const req = space.vector();
    req[CPU] = 50 * (1 + r.int(10));
    req[MEMORY] = 64 * MI * (1 + r.int(8));
    req[PODS] = 1;
    return req;
  };
  const list: Pod[] = [];
  if (workload === 'bare') {
    const ref = cluster.createWorkload({
      kind: 'Batch',
      name: 'bench',
      namespace: 'default',
      spec: { replicas: 0, template: null, runTime: null, job: null },
    });
    for (let i = 0; i < pods; i++) {
      const t = makeTemplate(space, { owner: 'default/bench', requests: requests(rng) });
      list.push(cluster.createPod(t, `bench-${i}`, -1, ref));
    }
  } else {
    const templates: { t: PodTemplate; ref: WorkloadObject; n: number }[] = [];
    for (let a = 0; a < apps; a++) {
      const app = `app-${a}`;
      const selector = makeSelector([{ key: 'app', operator: 'In', values: [app] }]);
      const t = makeTemplate(space, {
        owner: `default/${app}`,
        labels: new Map([['app', app]]),
        requests: requests(rng),
        topologySpread: systemDefaultConstraints(selector),
        topologySpreadDefaulted: true,
      });
      templates.push({
        t,
        ref: cluster.createWorkload({
          kind: 'ReplicaSet',
          name: app,
          namespace: 'default',
          spec: { replicas: 0, template: t, runTime: null, job: null },
        }),
        n: 0,
      });
    }
    for (let i = 0; i < pods; i++) {
      const d = templates[rng.int(apps)]!;
      list.push(cluster.createPod(d.t, `${d.t.owner.slice(8)}-${d.n++}`, -1, d.ref));
    }
  }
  return { cluster, scheduler, pods: list, first: spec.selection === 'first' };
}
