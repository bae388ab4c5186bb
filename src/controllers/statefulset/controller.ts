// The StatefulSet controller (pkg/controller/statefulset/stateful_set_control.go, v1.36): pods with
// stable names <name>-<ordinal> for ordinals 0..replicas-1, recreated under the same name when they go.
// OrderedReady (the default): a pod is created only when every lower ordinal is Running and Ready,
// one at a time, and the highest ordinal beyond replicas is deleted first, one at a time, once the
// lower ones are Running and Ready; a pod that is terminating is waited for. Parallel: all at once.
// Volumes (volumeClaimTemplates) and rolling updates come later (docs/MODEL.md).
import type { Simulation } from '../../engine/simulation.js';
import { runMs, SyncQueue } from '../sync-queue.js';
import type { ClusterState } from '../../model/cluster-state.js';
import type { ClusterEvent } from '../../model/events.js';
import type { Pod, PodTemplate } from '../../model/pod.js';
import type { Workload } from '../../model/workloads.js';
import type { NodeSelectorTerm } from '../../model/selectors.js';
import { ZONE_LABEL } from '../../model/node.js';

/** Labels the controller sets on each pod (apps/v1 StatefulSetPodNameLabel, PodIndexLabel since v1.28). */
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

interface Managed {
  ss: Workload;
  /** The pod at each ordinal, or null. */
  pods: (Pod | null)[];
  /** Per-ordinal templates (the template's labels plus the pod's name and index), for the current template. */
  templates: { of: PodTemplate | null; list: PodTemplate[] };
  /** Per ordinal: the zone its volume is bound to, once its first pod was bound (volumeClaimTemplates). */
  volumeZone: (string | undefined)[];
}

/** isRunningAndReady: Running, its Ready condition true, not terminating. */
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

  constructor(
    private readonly sim: Simulation,
    private readonly cluster: ClusterState,
  ) {
    this.queue = new SyncQueue(sim, 'statefulset.sync', (m) => this.sync(m));
    cluster.watch('statefulset', (ev) => this.on(ev));
  }

  private on(ev: ClusterEvent): void {
    switch (ev.type) {
      case 'WorkloadAdded':
        if (ev.workload.kind !== 'StatefulSet') return;
        this.queue.add(ev.workload.index, { ss: ev.workload, pods: [], templates: { of: null, list: [] }, volumeZone: [] });
        return;
      case 'WorkloadSpecChanged':
        this.queue.queue(ev.workload.index);
        return;
      case 'PodRunning':
      case 'PodReadyChanged':
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

  private templateFor(m: Managed, ordinal: number): PodTemplate {
    const t = m.ss.spec.template!;
    if (m.templates.of !== t) m.templates = { of: t, list: [] };
    let pt = m.templates.list[ordinal];
    if (!pt) {
      const name = `${m.ss.name}-${ordinal}`;
      pt = { ...t, labels: new Map([...t.labels, [POD_NAME_LABEL, name], [POD_INDEX_LABEL, String(ordinal)]]) };
      const zone = m.volumeZone[ordinal];
      // The bound volume's node affinity (topology.kubernetes.io/zone In [zone]), which VolumeBinding and
      // VolumeZone enforce, ANDed into every term of the pod's own required node affinity.
      if (zone !== undefined) pt = { ...pt, requiredNodeAffinity: withZone(pt.requiredNodeAffinity, zone), volumeZone: zone };
      m.templates.list[ordinal] = pt;
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
    delete m.templates.list[i];
  }

  /** stateful_set_control.go updateStatefulSet, without revisions: create the missing, delete the condemned. */
  private sync(m: Managed): void {
    const ss = m.ss;
    const replicas = ss.spec.replicas;
    const monotonic = (ss.spec.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady';
    let blocked = false;
    for (let i = 0; i < replicas && !blocked; i++) {
      const p = m.pods[i] ?? null;
      if (p === null) {
        // Another pod holds the name (AlreadyExists): the ordinal waits until it is gone.
        if (this.cluster.podNamed(ss.namespace, `${ss.name}-${i}`)) {
          blocked ||= monotonic;
          continue;
        }
        m.pods[i] = this.cluster.createPod(this.templateFor(m, i), `${ss.name}-${i}`, runMs(this.sim, ss), ss);
        // OrderedReady creates one pod, then waits for it to be Running and Ready.
        if (monotonic) blocked = true;
      } else if (monotonic && !runningAndReady(p)) blocked = true; // terminating, or not ready yet: wait
    }
    if (!blocked) {
      // Condemned pods, the highest ordinal first; OrderedReady deletes one at a time.
      for (let i = m.pods.length - 1; i >= replicas; i--) {
        const p = m.pods[i] ?? null;
        if (p === null) continue;
        if (p.terminating) {
          if (monotonic) break;
          continue;
        }
        this.cluster.deletePod(p, 'ScaledDown', p.template.terminationGracePeriodMs);
        if (monotonic) break;
      }
    }
    while (m.pods.length > replicas && m.pods[m.pods.length - 1] === null) m.pods.pop();
    let current = 0;
    let ready = 0;
    for (const p of m.pods) {
      if (p === null) continue;
      if (!p.terminating) current++;
      if (runningAndReady(p)) ready++;
    }
    this.cluster.setWorkloadStatus(ss, {
      observedGeneration: ss.generation,
      replicas: current,
      readyReplicas: ready,
      availableReplicas: ready,
    });
  }
}
