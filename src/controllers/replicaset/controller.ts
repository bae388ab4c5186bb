// ReplicaSets, and Deployments through their ReplicaSet (scaling only; rollouts come later): keeps
// `replicas` live pods, replacing pods that fail or are deleted (preempted, evicted). Bare Pods are
// created once by the same controller and never replaced.
import type { Simulation } from '../../engine/simulation.js';
import { sample } from '../../engine/distributions.js';
import type { ClusterState } from '../../model/cluster-state.js';
import type { Pod } from '../../model/pod.js';
import { podName, templateHash } from '../../workload/names.js';
import type { WorkloadSpec } from '../../workload/spec.js';
import { deletionOrder, replicaDiff } from './calc.js';

interface Managed {
  spec: WorkloadSpec;
  index: number;
  /** Index of the workload in ClusterState. */
  ref: number;
  base: string;
  pods: Set<Pod>;
  created: number;
  desired: number;
  applied: boolean;
  syncQueued: boolean;
}

export class ReplicaSetController {
  private readonly managed: Managed[] = [];
  private readonly byWorkload = new Map<number, Managed>();
  private readonly kSync: number;
  private readonly kApply: number;

  constructor(
    private readonly sim: Simulation,
    private readonly cluster: ClusterState,
  ) {
    this.kApply = sim.register('replicaset.apply', (i) => this.apply(i));
    this.kSync = sim.register('replicaset.sync', (i) => this.sync(i));
    cluster.watch((ev) => {
      if ((ev.type === 'PodDeleted' || ev.type === 'PodFinished') && ev.pod) {
        const m = this.byWorkload.get(ev.pod.workload);
        if (m && m.pods.delete(ev.pod)) this.queueSync(m);
      }
    });
  }

  add(spec: WorkloadSpec): void {
    const ref = this.cluster.addWorkload(spec.kind, spec.name, spec.namespace);
    const base = spec.kind === 'Deployment' ? `${spec.name}-${templateHash(`${spec.namespace}/${spec.name}`)}` : spec.name;
    const m: Managed = { spec, index: this.managed.length, ref: ref.index, base, pods: new Set(), created: 0, desired: spec.replicas, applied: false, syncQueued: false };
    this.managed.push(m);
    this.byWorkload.set(ref.index, m);
    this.sim.scheduleAt(Math.max(spec.at, this.sim.now), this.kApply, m.index);
  }

  /** Sets the desired replica count (used by scaling controllers). */
  scale(name: string, namespace: string, replicas: number): boolean {
    const m = this.managed.find((x) => x.spec.name === name && x.spec.namespace === namespace);
    if (!m) return false;
    m.desired = replicas;
    this.queueSync(m);
    return true;
  }

  private apply(i: number): void {
    const m = this.managed[i]!;
    m.applied = true;
    this.sync(i);
  }

  private queueSync(m: Managed): void {
    if (!m.applied || m.syncQueued) return;
    m.syncQueued = true;
    this.sim.schedule(0, this.kSync, m.index);
  }

  private sync(i: number): void {
    const m = this.managed[i]!;
    m.syncQueued = false;
    const diff = replicaDiff(m.desired, m.pods.size);
    const ref = m.ref;
    // A bare Pod is created once and never replaced.
    if (m.spec.kind === 'Pod' && m.created > 0) return;
    if (diff > 0) {
      const rng = this.sim.rng(`workload:${m.spec.namespace}/${m.spec.name}`);
      for (let k = 0; k < diff; k++) {
        const runMs = m.spec.runTime ? Math.round(sample(m.spec.runTime, rng)) : -1;
        const name = m.spec.kind === 'Pod' ? m.spec.name : podName(m.base, m.created);
        m.created++;
        const pod = this.cluster.createPod(m.spec.template, name, runMs, ref);
        m.pods.add(pod);
      }
    } else if (diff < 0) {
      const victims = [...m.pods].sort(deletionOrder).slice(0, -diff);
      for (const p of victims) {
        m.pods.delete(p);
        this.cluster.deletePod(p, 'ScaledDown');
      }
    }
    if (m.desired !== m.pods.size) this.queueSync(m);
  }
}
