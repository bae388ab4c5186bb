// The ReplicaSet controller (pkg/controller/replicaset/replica_set.go, v1.36), reconciling the model's
// ReplicaSet objects: keeps spec.replicas active pods of the ReplicaSet's template, replacing pods that
// end, are deleted (preempted, evicted) or begin terminating (controller.FilterActivePods leaves
// terminating pods out), and reports status.replicas / readyReplicas / availableReplicas.
import type { Simulation } from '../../engine/simulation.js';
import { SyncQueue } from '../sync-queue.js';
import { sample } from '../../engine/distributions.js';
import type { ClusterState } from '../../model/cluster-state.js';
import type { ClusterEvent } from '../../model/events.js';
import type { Pod } from '../../model/pod.js';
import type { Workload } from '../../model/workloads.js';
import type { Rng } from '../../engine/rng.js';
import { deletionOrder, replicaDiff } from './calc.js';

interface Managed {
  rs: Workload;
  /** Active pods: owned, not ended, not terminating. */
  pods: Set<Pod>;
  /** The active pods that are Running and Ready (status.readyReplicas), kept as they change. */
  ready: Set<Pod>;
  created: number;
  /** The top-level object's random stream (so a Deployment's pods draw as they always have). */
  rng: Rng | null;
}

export class ReplicaSetController {
  private readonly queue: SyncQueue<Managed>;

  constructor(
    private readonly sim: Simulation,
    private readonly cluster: ClusterState,
  ) {
    this.queue = new SyncQueue(sim, 'replicaset.sync', (m) => this.sync(m));
    cluster.watch('replicaset', (ev) => this.on(ev));
  }

  private on(ev: ClusterEvent): void {
    switch (ev.type) {
      case 'WorkloadAdded':
        if (ev.workload.kind !== 'ReplicaSet') return;
        this.queue.add(ev.workload.index, { rs: ev.workload, pods: new Set(), ready: new Set(), created: 0, rng: null });
        return;
      case 'WorkloadSpecChanged':
        this.queue.queue(ev.workload.index);
        return;
      case 'PodRunning':
      case 'PodReadyChanged': {
        const m = this.queue.get(ev.pod.workload);
        if (m && m.pods.has(ev.pod)) {
          if (ev.pod.phase === 'Running' && ev.pod.ready) m.ready.add(ev.pod);
          else m.ready.delete(ev.pod);
        }
        this.queue.queue(ev.pod.workload);
        return;
      }
      case 'PodTerminating':
      case 'PodFinished':
      case 'PodDeleted': {
        const m = this.queue.get(ev.pod.workload);
        if (m && m.pods.delete(ev.pod)) {
          m.ready.delete(ev.pod);
          this.queue.queue(ev.pod.workload);
        }
        return;
      }
      default:
    }
  }

  /** replica_set.go syncReplicaSet / manageReplicas: one step towards spec.replicas, then the status. */
  private sync(m: Managed): void {
    const rs = m.rs;
    const diff = replicaDiff(rs.spec.replicas, m.pods.size);
    if (diff > 0) {
      // The random stream is the top-level object's, so a Deployment's pods draw as they always have.
      const root = rs.root;
      const rng = (m.rng ??= this.sim.rng(`workload:${root.namespace}/${root.name}`));
      const runTime = rs.spec.runTime;
      for (let k = 0; k < diff; k++) {
        const runMs = runTime ? Math.round(sample(runTime, rng)) : -1;
        const pod = this.cluster.createPod(rs.spec.template!, this.cluster.freePodName(rs.namespace, rs.name, m.created++), runMs, rs);
        m.pods.add(pod);
      }
    } else if (diff < 0) {
      const victims = [...m.pods].sort(deletionOrder).slice(0, -diff);
      for (const p of victims) {
        m.pods.delete(p);
        m.ready.delete(p);
        this.cluster.deletePod(p, 'ScaledDown');
      }
    }
    const ready = m.ready.size;
    this.cluster.setWorkloadStatus(rs, {
      observedGeneration: rs.generation,
      replicas: m.pods.size,
      readyReplicas: ready,
      availableReplicas: ready,
    });
    if (rs.spec.replicas !== m.pods.size) this.queue.queue(rs.index);
  }
}
