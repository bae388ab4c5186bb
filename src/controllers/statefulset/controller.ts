// The StatefulSet controller (pkg/controller/statefulset/stateful_set_control.go, v1.36): pods with
// stable names <name>-<ordinal> for ordinals 0..replicas-1, recreated under the same name when they go.
// OrderedReady (the default): a pod is created only when every lower ordinal is Running, Ready and available
// (minReadySeconds), one at a time, and the highest ordinal beyond replicas is deleted first, one at a time,
// once the lower ones are; a pod that is terminating is waited for. Parallel: all at once.
// Each template is a revision (controller-revision-hash <name>-<hash>); RollingUpdate replaces pods not at the
// update revision from the highest ordinal down to the partition (calc.ts), OnDelete only when they go.
import type { Simulation } from '../../engine/simulation.js';
import { runMs, SyncQueue } from '../sync-queue.js';
import type { ClusterState } from '../../model/cluster-state.js';
import type { ClusterEvent } from '../../model/events.js';
import type { Pod, PodTemplate } from '../../model/pod.js';
import type { UpdateStrategy, Workload } from '../../model/workloads.js';
import type { NodeSelectorTerm } from '../../model/selectors.js';
import { ZONE_LABEL } from '../../model/node.js';
import { computeHash } from '../../workload/names.js';
import { DEFAULT_STATEFULSET_UPDATE_STRATEGY } from '../../workload/update-strategy.js';
import {
  completeRollingUpdate,
  computeReplicaStatus,
  getStatefulSetMaxUnavailable,
  MAX_UNAVAILABLE_STATEFULSET_DEFAULT,
  newVersionedStatefulSetPod,
  STATEFULSET_REVISION_LABEL,
  updateStatefulSetAfterInvariantEstablished,
  updateStatefulSetTargets,
  type StatefulPodView,
} from './calc.js';

/** Labels the controller sets on each pod (apps/v1 StatefulSetPodNameLabel, PodIndexLabel since v1.28). */
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

/** Feature gates the controller follows; omitted: the v1.36 defaults. */
export interface StatefulSetOptions {
  /** MaxUnavailableStatefulSet: rollingUpdate.maxUnavailable pods are replaced at once (v1.36: off). */
  readonly maxUnavailableStatefulSet?: boolean;
}

interface Managed {
  ss: Workload;
  /** The pod at each ordinal, or null. */
  pods: (Pod | null)[];
  /** The set's revisions (ControllerRevisions): name → the template it records. */
  revisions: Map<string, PodTemplate>;
  /** The revision name of the set's template object. */
  update: { of: PodTemplate | null; name: string };
  /** Per revision, per-ordinal templates (identity and revision labels, the volume's zone). */
  templates: Map<string, PodTemplate[]>;
  /** Per ordinal: the zone its volume is bound to, once its first pod was bound (volumeClaimTemplates). */
  volumeZone: (string | undefined)[];
  /** Per ordinal: when its pod last turned Ready, or -1. */
  readySince: number[];
  /** When a sync queued for minReadySeconds is due (-1: none). */
  afterAt: number;
}

/** isRunningAndReady, and not terminating. */
function runningAndReady(p: Pod | null): boolean {
  return p !== null && p.phase === 'Running' && p.ready && !p.terminating;
}

/** The ordinal of the pod a StatefulSet created (its name ends in -<ordinal>). */
export function getOrdinal(name: string): number {
  const i = name.lastIndexOf('-');
  const n = i < 0 ? NaN : Number(name.slice(i + 1));
  return Number.isInteger(n) && n >= 0 ? n : -1;
}

/** Required node affinity terms with `zone` ANDed into each (a single zone term when there are none). */
export function withZone(terms: readonly NodeSelectorTerm[] | null, zone: string): NodeSelectorTerm[] {
  const req = { key: ZONE_LABEL, operator: 'In' as const, values: [zone] };
  if (!terms || terms.length === 0) return [{ matchExpressions: [req], matchFields: [] }];
  return terms.map((t) => ({ ...t, matchExpressions: [...t.matchExpressions, req] }));
}

export class StatefulSetController {
  private readonly queue: SyncQueue<Managed>;
  private readonly maxUnavailableGate: boolean;

  constructor(
    private readonly sim: Simulation,
    private readonly cluster: ClusterState,
    options: StatefulSetOptions = {},
  ) {
    this.maxUnavailableGate = options.maxUnavailableStatefulSet ?? MAX_UNAVAILABLE_STATEFULSET_DEFAULT;
    this.queue = new SyncQueue(sim, 'statefulset.sync', (m) => this.sync(m));
    cluster.watch('statefulset', (ev) => this.on(ev));
  }

  private on(ev: ClusterEvent): void {
    switch (ev.type) {
      case 'WorkloadAdded':
        if (ev.workload.kind !== 'StatefulSet') return;
        this.queue.add(ev.workload.index, {
          ss: ev.workload,
          pods: [],
          revisions: new Map(),
          update: { of: null, name: '' },
          templates: new Map(),
          volumeZone: [],
          readySince: [],
          afterAt: -1,
        });
        return;
      case 'WorkloadSpecChanged':
        this.queue.queue(ev.workload.index);
        return;
      case 'PodRunning':
      case 'PodReadyChanged':
        this.readyChanged(ev.pod);
        this.queue.queue(ev.pod.workload);
        return;
      case 'PodTerminating':
        this.queue.queue(ev.pod.workload);
        return;
      case 'PodBound':
        this.bound(ev.pod, ev.node.zone);
        return;
      case 'PodFinished':
      case 'PodDeleted': {
        const m = this.queue.get(ev.pod.workload);
        if (!m) return;
        const i = getOrdinal(ev.pod.name);
        if (m.pods[i] === ev.pod) m.pods[i] = null;
        this.queue.queue(ev.pod.workload);
        return;
      }
      default:
    }
  }

  /** The Ready condition's last transition, for podutil.IsPodAvailable. */
  private readyChanged(pod: Pod): void {
    const m = this.queue.get(pod.workload);
    const i = getOrdinal(pod.name);
    if (m && m.pods[i] === pod) m.readySince[i] = pod.phase === 'Running' && pod.ready ? this.sim.now : -1;
  }

  /** isRunningAndAvailable for the Ready pod at ordinal i: Ready for at least minReadySeconds. */
  private available(m: Managed, i: number): boolean {
    const minReadyMs = (m.ss.spec.minReadySeconds ?? 0) * 1000;
    if (minReadyMs === 0) return true;
    const since = m.readySince[i] ?? -1;
    return since >= 0 && since + minReadyMs <= this.sim.now;
  }

  private view(m: Managed, p: Pod, i: number): StatefulPodView {
    return {
      revision: p.labels.get(STATEFULSET_REVISION_LABEL) ?? '',
      runningAndReady: p.phase === 'Running' && p.ready,
      terminating: p.terminating,
      available: p.phase === 'Running' && p.ready && this.available(m, i),
    };
  }

  /** The update revision: <name>-<hash of the template> (ControllerRevisionName), registered in the history. */
  private updateRevision(m: Managed): string {
    const t = m.ss.spec.template!;
    if (m.update.of !== t) {
      const name = `${m.ss.name}-${computeHash(t)}`;
      m.update = { of: t, name };
      m.revisions.set(name, t);
      this.truncateHistory(m, name);
    }
    return m.update.name;
  }

  /** truncateHistory: revisions neither current, nor the update, nor any live pod's are dropped. */
  private truncateHistory(m: Managed, update: string): void {
    const live = new Set([update, m.ss.status.currentRevision ?? '']);
    for (const p of m.pods) if (p) live.add(p.labels.get(STATEFULSET_REVISION_LABEL) ?? '');
    for (const name of m.revisions.keys()) {
      if (live.has(name)) continue;
      m.revisions.delete(name);
      m.templates.delete(name);
    }
  }

  private templateFor(m: Managed, ordinal: number, revision: string): PodTemplate {
    let list = m.templates.get(revision);
    if (!list) m.templates.set(revision, (list = []));
    let pt = list[ordinal];
    if (!pt) {
      const t = m.revisions.get(revision)!;
      const name = `${m.ss.name}-${ordinal}`;
      pt = {
        ...t,
        labels: new Map([...t.labels, [POD_NAME_LABEL, name], [POD_INDEX_LABEL, String(ordinal)], [STATEFULSET_REVISION_LABEL, revision]]),
      };
      const zone = m.volumeZone[ordinal];
      // The bound volume's node affinity (topology.kubernetes.io/zone In [zone]), which VolumeBinding and
      // VolumeZone enforce, ANDed into every term of the pod's own required node affinity.
      if (zone !== undefined) pt = { ...pt, requiredNodeAffinity: withZone(pt.requiredNodeAffinity, zone), volumeZone: zone };
      list[ordinal] = pt;
    }
    return pt;
  }

  /** A pod of a StatefulSet with volumes was bound: its ordinal's volume is provisioned in that zone for good. */
  private bound(pod: Pod, zone: string): void {
    const m = this.queue.get(pod.workload);
    if (!m?.ss.spec.zonalVolumes) return;
    const i = getOrdinal(pod.name);
    if (i < 0 || m.volumeZone[i] !== undefined) return;
    m.volumeZone[i] = zone;
    for (const list of m.templates.values()) delete list[i];
  }

  /** stateful_set_control.go updateStatefulSet: create the missing, delete the condemned, then roll the update. */
  private sync(m: Managed): void {
    const ss = m.ss;
    const updateRevision = this.updateRevision(m);
    // getStatefulSetRevisions: without a current revision, the update revision is the current one.
    const currentRevision = ss.status.currentRevision || updateRevision;
    const strategy = ss.spec.updateStrategy ?? DEFAULT_STATEFULSET_UPDATE_STRATEGY;
    const replicas = ss.spec.replicas;
    const monotonic = (ss.spec.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady';
    let exit = false;
    for (let i = 0; i < replicas && !exit; i++) {
      const p = m.pods[i] ?? null;
      if (p === null) {
        // Another pod holds the name (AlreadyExists): the ordinal waits until it is gone.
        if (this.cluster.podNamed(ss.namespace, `${ss.name}-${i}`)) {
          exit ||= monotonic;
          continue;
        }
        const rev =
          newVersionedStatefulSetPod(strategy, i, ss.status.currentReplicas ?? 0) === 'current' ? currentRevision : updateRevision;
        m.pods[i] = this.cluster.createPod(
          this.templateFor(m, i, m.revisions.has(rev) ? rev : updateRevision),
          `${ss.name}-${i}`,
          runMs(this.sim, ss),
          ss,
        );
        m.readySince[i] = -1;
        // OrderedReady creates one pod, then waits for it to be Running, Ready and available.
        if (monotonic) exit = true;
      } else if (monotonic && (!runningAndReady(p) || !this.available(m, i))) exit = true; // terminating, or not ready yet: wait
    }
    if (!exit) {
      // Condemned pods, the highest ordinal first; OrderedReady deletes one at a time, and rolls no update meanwhile.
      for (let i = m.pods.length - 1; i >= replicas; i--) {
        const p = m.pods[i] ?? null;
        if (p === null) continue;
        if (!p.terminating) this.cluster.deletePod(p, 'ScaledDown', p.template.terminationGracePeriodMs);
        if (monotonic) {
          exit = true;
          break;
        }
      }
    }
    if (!exit && strategy.type === 'RollingUpdate') this.rollingUpdate(m, strategy, updateRevision, currentRevision);
    while (m.pods.length > replicas && m.pods[m.pods.length - 1] === null) m.pods.pop();
    this.updateStatus(m, strategy.type, currentRevision, updateRevision);
  }

  /** The RollingUpdate step: pods not at the update revision are deleted (calc.ts) and come back at it. */
  private rollingUpdate(m: Managed, strategy: UpdateStrategy, update: string, current: string): void {
    const ss = m.ss;
    const views: StatefulPodView[] = [];
    for (let i = 0; i < ss.spec.replicas; i++) {
      const p = m.pods[i] ?? null;
      // An ordinal whose pod is not there yet counts as unavailable, at the revision it will be made at.
      const rev = newVersionedStatefulSetPod(strategy, i, ss.status.currentReplicas ?? 0) === 'current' ? current : update;
      views.push(p ? this.view(m, p, i) : { revision: rev, runningAndReady: false, terminating: false, available: false });
    }
    const ru = strategy.rollingUpdate;
    const partition = ru?.partition ?? 0;
    const targets = this.maxUnavailableGate
      ? updateStatefulSetAfterInvariantEstablished(
          views,
          update,
          partition,
          getStatefulSetMaxUnavailable(ru?.maxUnavailable, ss.spec.replicas),
        )
      : updateStatefulSetTargets(views, update, partition);
    for (const i of targets) {
      const p = m.pods[i]!;
      this.cluster.deletePod(p, 'ScaledDown', p.template.terminationGracePeriodMs);
    }
  }

  /** updateStatus and completeRollingUpdate; with minReadySeconds, another look once pods may have become available. */
  private updateStatus(m: Managed, type: 'RollingUpdate' | 'OnDelete', currentRevision: string, updateRevision: string): void {
    const ss = m.ss;
    const views: StatefulPodView[] = [];
    m.pods.forEach((p, i) => {
      if (p) views.push(this.view(m, p, i));
    });
    const counts = computeReplicaStatus(views, currentRevision, updateRevision);
    const done = completeRollingUpdate(type, ss.spec.replicas, { ...counts, currentRevision, updateRevision });
    this.cluster.setWorkloadStatus(ss, {
      observedGeneration: ss.generation,
      ...counts,
      ...done,
      updateRevision,
    });
    const minReadyMs = (ss.spec.minReadySeconds ?? 0) * 1000;
    // stateful_set.go syncStatefulSet: enqueueSSAfter(minReadySeconds) while some replica is not available.
    if (minReadyMs > 0 && counts.availableReplicas !== ss.spec.replicas && m.afterAt <= this.sim.now) {
      m.afterAt = this.sim.now + minReadyMs;
      this.queue.queueAfter(ss.index, minReadyMs);
    }
  }
}
