// The ReplicaSet controller (pkg/controller/replicaset/replica_set.go, v1.36), reconciling the model's
// ReplicaSet objects: keeps spec.replicas active pods of the ReplicaSet's template, replacing pods that
// end, are deleted (preempted, evicted) or begin terminating (controller.FilterActivePods leaves
// terminating pods out), and reports status.replicas / readyReplicas / availableReplicas. A pod counts as
// available once it has been Ready for spec.minReadySeconds (podutil.IsPodAvailable); like upstream, the
// controller looks again after minReadySeconds only when every replica is ready but not all are available
// (syncReplicaSet's AddAfter), so otherwise availability is noticed at the next sync a pod event brings.
// Scaling down deletes pods gracefully, with their terminationGracePeriodSeconds.
import type { Simulation } from '../../engine/simulation.js';
import { SyncQueue } from '../sync-queue.js';
import { sample } from '../../engine/distributions.js';
import type { ClusterState } from '../../model/cluster-state.js';
import type { Pod } from '../../model/pod.js';
import type { Workload } from '../../model/workloads.js';
import type { Rng } from '../../engine/rng.js';
import { deletionOrder, replicaDiff } from './calc.js';

interface Managed {
  rs: Workload;
  /** Active pods (owned, not ended, not terminating), in no particular order. */
  pods: Pod[];
  /** How many of them are Running and Ready (status.readyReplicas), kept as they change. */
  ready: number;
  created: number;
  /** The top-level object's random stream (so a Deployment's pods draw as they always have). */
  rng: Rng | null;
}

export class ReplicaSetController {
  private readonly queue: SyncQueue<Managed>;
  /**
   * Per pod id: the pod's position in its ReplicaSet's `pods` + 1 (0: not an active pod of one), and 1 if it
   * counts as ready: typed arrays instead of a set of pods per ReplicaSet, for the events of every pod.
   */
  private slot = new Int32Array(1024);
  private isReady = new Uint8Array(1024);
  /** Per pod id: when it last turned Ready (the Ready condition's lastTransitionTime). */
  private readySince = new Float64Array(1024);

  constructor(
    private readonly sim: Simulation,
    private readonly cluster: ClusterState,
  ) {
    this.queue = new SyncQueue(sim, 'replicaset.sync', (m) => this.sync(m));
    cluster.watch('replicaset', {
      WorkloadAdded: (ev) => {
        if (ev.workload.kind !== 'ReplicaSet') return;
        this.queue.add(ev.workload.index, { rs: ev.workload, pods: [], ready: 0, created: 0, rng: null });
      },
      // A deleted ReplicaSet (an old one past revisionHistoryLimit, at 0 replicas) is no longer managed.
      WorkloadSpecChanged: (ev) => {
        if (ev.workload.deletedAt >= 0) this.queue.remove(ev.workload.index);
        else this.queue.queue(ev.workload.index);
      },
      PodRunning: (ev) => this.readyChanged(ev.pod),
      PodReadyChanged: (ev) => this.readyChanged(ev.pod),
      PodTerminating: (ev) => this.ended(ev.pod),
      PodFinished: (ev) => this.ended(ev.pod),
      PodDeleted: (ev) => this.ended(ev.pod),
    });
  }

  /** A new pod of the ReplicaSet is active. */
  private add(m: Managed, pod: Pod): void {
    const id = pod.id;
    if (id >= this.slot.length) {
      const size = Math.max(id + 1, this.slot.length * 2);
      const slot = new Int32Array(size);
      slot.set(this.slot);
      this.slot = slot;
      const ready = new Uint8Array(size);
      ready.set(this.isReady);
      this.isReady = ready;
      const since = new Float64Array(size);
      since.set(this.readySince);
      this.readySince = since;
    }
    m.pods.push(pod);
    this.slot[id] = m.pods.length;
  }

  /** Whether the pod is an active pod of its ReplicaSet. */
  private active(pod: Pod): boolean {
    return pod.id < this.slot.length && this.slot[pod.id] !== 0;
  }

  /** The pod is no longer active (false if it was not). */
  private remove(m: Managed, pod: Pod): boolean {
    if (!this.active(pod)) return false;
    const id = pod.id;
    const at = this.slot[id]! - 1;
    const last = m.pods.pop()!;
    if (last !== pod) {
      m.pods[at] = last;
      this.slot[last.id] = at + 1;
    }
    this.slot[id] = 0;
    if (this.isReady[id] === 1) {
      this.isReady[id] = 0;
      m.ready--;
    }
    return true;
  }

  /** The pod started running or its Ready condition changed: status.readyReplicas may move. */
  private readyChanged(pod: Pod): void {
    const m = this.queue.get(pod.workload);
    if (m && this.active(pod)) {
      const ready = pod.phase === 'Running' && pod.ready ? 1 : 0;
      if (this.isReady[pod.id] !== ready) {
        this.isReady[pod.id] = ready;
        m.ready += ready === 1 ? 1 : -1;
        if (ready === 1) this.readySince[pod.id] = this.sim.now;
      }
    }
    this.queue.queue(pod.workload);
  }

  /** The pod began terminating, ended or was deleted: it is no longer active. */
  private ended(pod: Pod): void {
    const m = this.queue.get(pod.workload);
    if (m && this.remove(m, pod)) this.queue.queue(pod.workload);
  }

  /** replica_set.go syncReplicaSet / manageReplicas: one step towards spec.replicas, then the status. */
  private sync(m: Managed): void {
    const rs = m.rs;
    const diff = replicaDiff(rs.spec.replicas, m.pods.length);
    if (diff > 0) {
      // The random stream is the top-level object's, so a Deployment's pods draw as they always have.
      const root = rs.root;
      const rng = (m.rng ??= this.sim.rng(`workload:${root.namespace}/${root.name}`));
      const runTime = rs.spec.runTime;
      for (let k = 0; k < diff; k++) {
        const runMs = runTime ? Math.round(sample(runTime, rng)) : -1;
        const pod = this.cluster.createPod(rs.spec.template!, this.cluster.freePodName(rs.namespace, rs.name, m.created++), runMs, rs);
        this.add(m, pod);
      }
    } else if (diff < 0) {
      // deletionOrder is a total order: the victims do not depend on the order the pods are kept in.
      const victims = m.pods.slice().sort(deletionOrder).slice(0, -diff);
      for (const p of victims) {
        this.remove(m, p);
        this.cluster.deletePod(p, 'ScaledDown', p.template.terminationGracePeriodMs);
      }
    }
    const ready = m.ready;
    const available = this.available(m);
    this.cluster.setWorkloadStatus(rs, {
      observedGeneration: rs.generation,
      replicas: m.pods.length,
      readyReplicas: ready,
      availableReplicas: available,
    });
    if (rs.spec.replicas !== m.pods.length) this.queue.queue(rs.index);
    const minReadyMs = (rs.spec.minReadySeconds ?? 0) * 1000;
    // replica_set.go syncReplicaSet: AddAfter(minReadySeconds) when all are ready but some not yet available.
    if (minReadyMs > 0 && ready === rs.spec.replicas && available !== rs.spec.replicas) this.queue.queueAfter(rs.index, minReadyMs);
  }

  /** status.availableReplicas: active pods Ready for at least minReadySeconds (podutil.IsPodAvailable). */
  private available(m: Managed): number {
    const minReadyMs = (m.rs.spec.minReadySeconds ?? 0) * 1000;
    if (minReadyMs === 0) return m.ready;
    const now = this.sim.now;
    let n = 0;
    for (const p of m.pods) if (this.isReady[p.id] === 1 && this.readySince[p.id]! + minReadyMs <= now) n++;
    return n;
  }
}
