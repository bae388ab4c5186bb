// The DaemonSet controller (pkg/controller/daemon/daemon_controller.go, v1.36): one pod on every node
// that should run it, scheduled by the default scheduler with a node affinity for that node alone
// (util.ReplaceDaemonSetPodNodeNameNodeAffinity), and deleted from nodes it may no longer run on.
import type { Simulation } from '../../engine/simulation.js';
import { runMs, SyncQueue } from '../sync-queue.js';
import type { ClusterState } from '../../model/cluster-state.js';
import type { ClusterEvent } from '../../model/events.js';
import type { Node } from '../../model/node.js';
import type { Pod, PodTemplate } from '../../model/pod.js';
import { matchNodeSelectorTerms, tolerated, type Toleration } from '../../model/selectors.js';
import type { Workload } from '../../model/workloads.js';

/**
 * util.AddOrUpdateDaemonPodTolerations (pkg/controller/daemon/util/daemonset_util.go): every daemon pod
 * tolerates these, and network-unavailable too when it uses the host network.
 */
export function daemonPodTolerations(hostNetwork: boolean): Toleration[] {
  const t = (key: string, effect: 'NoExecute' | 'NoSchedule'): Toleration => ({
    key: `node.kubernetes.io/${key}`,
    operator: 'Exists',
    value: '',
    effect,
  });
  const list = [
    t('not-ready', 'NoExecute'),
    t('unreachable', 'NoExecute'),
    t('disk-pressure', 'NoSchedule'),
    t('memory-pressure', 'NoSchedule'),
    t('pid-pressure', 'NoSchedule'),
    t('unschedulable', 'NoSchedule'),
  ];
  if (hostNetwork) list.push(t('network-unavailable', 'NoSchedule'));
  return list;
}

/**
 * daemon_controller.go NodeShouldRunDaemonPod / predicates: whether a new daemon pod should run on the
 * node (its node selector and required affinity match, and it tolerates the node's NoSchedule and
 * NoExecute taints), and whether one there may stay (the affinity matches and NoExecute is tolerated).
 */
export function nodeShouldRunDaemonPod(template: PodTemplate, node: Node): { shouldRun: boolean; shouldContinueRunning: boolean } {
  for (const [k, v] of template.nodeSelector) if (node.labels.get(k) !== v) return { shouldRun: false, shouldContinueRunning: false };
  if (template.requiredNodeAffinity && !matchNodeSelectorTerms(template.requiredNodeAffinity, node.name, node.labels)) {
    return { shouldRun: false, shouldContinueRunning: false };
  }
  let schedule = true;
  for (const taint of node.taints) {
    if (taint.effect === 'PreferNoSchedule' || tolerated(template.tolerations, taint)) continue;
    if (taint.effect === 'NoExecute') return { shouldRun: false, shouldContinueRunning: false };
    schedule = false;
  }
  return { shouldRun: schedule, shouldContinueRunning: true };
}

interface Managed {
  ds: Workload;
  /** The daemon pod on each node (by node index). */
  pods: Map<number, Pod>;
  /** The template with the daemon tolerations, and per-node templates (affinity to the node), for the current template. */
  base: { of: PodTemplate | null; template: PodTemplate | null; perNode: Map<number, PodTemplate> };
  created: number;
}

export class DaemonSetController {
  private readonly queue: SyncQueue<Managed>;

  constructor(
    private readonly sim: Simulation,
    private readonly cluster: ClusterState,
  ) {
    this.queue = new SyncQueue(sim, 'daemonset.sync', (m) => this.sync(m));
    cluster.watch('daemonset', (ev) => this.on(ev));
  }

  private on(ev: ClusterEvent): void {
    switch (ev.type) {
      case 'WorkloadAdded':
        if (ev.workload.kind !== 'DaemonSet') return;
        this.queue.add(ev.workload.index, {
          ds: ev.workload,
          pods: new Map(),
          base: { of: null, template: null, perNode: new Map() },
          created: 0,
        });
        return;
      case 'WorkloadSpecChanged':
        this.queue.queue(ev.workload.index);
        return;
      // A node that appears, or whose taints change, may need a daemon pod or lose one.
      case 'NodeAdded':
      case 'NodeTaintsChanged':
        this.queue.queueAll();
        return;
      case 'PodRunning':
      case 'PodReadyChanged':
        this.queue.queue(ev.pod.workload);
        return;
      case 'PodTerminating':
      case 'PodFinished':
      case 'PodDeleted': {
        const m = this.queue.get(ev.pod.workload);
        if (!m) return;
        for (const [n, p] of m.pods) if (p === ev.pod) m.pods.delete(n);
        this.queue.queue(ev.pod.workload);
        return;
      }
      default:
    }
  }

  private baseTemplate(m: Managed): PodTemplate {
    const t = m.ds.spec.template!;
    if (m.base.of !== t) {
      const extra = daemonPodTolerations(m.ds.spec.hostNetwork ?? false).filter(
        (x) => !t.tolerations.some((y) => y.key === x.key && y.effect === x.effect),
      );
      m.base = { of: t, template: { ...t, tolerations: [...t.tolerations, ...extra] }, perNode: new Map() };
    }
    return m.base.template!;
  }

  /** The daemon pod's template for a node: the base template with a required affinity to that node alone. */
  private templateFor(m: Managed, node: Node): PodTemplate {
    const base = this.baseTemplate(m);
    let t = m.base.perNode.get(node.index);
    if (!t) {
      t = {
        ...base,
        requiredNodeAffinity: [{ matchExpressions: [], matchFields: [{ key: 'metadata.name', operator: 'In', values: [node.name] }] }],
      };
      m.base.perNode.set(node.index, t);
    }
    return t;
  }

  /** daemon_controller.go manage: create pods on nodes that should run one, delete those that may not stay. */
  private sync(m: Managed): void {
    const ds = m.ds;
    const base = this.baseTemplate(m);
    let desired = 0;
    for (const node of this.cluster.nodes) {
      if (node.removedAt >= 0) continue;
      const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(base, node);
      const pod = m.pods.get(node.index);
      if (shouldRun) desired++;
      if (shouldRun && !pod) {
        const p = this.cluster.createPod(
          this.templateFor(m, node),
          this.cluster.freePodName(ds.namespace, ds.name, m.created++),
          runMs(this.sim, ds),
          ds,
        );
        m.pods.set(node.index, p);
      } else if (pod && !shouldContinueRunning) {
        m.pods.delete(node.index);
        this.cluster.deletePod(pod, 'Evicted', pod.template.terminationGracePeriodMs);
      }
    }
    let scheduled = 0;
    let ready = 0;
    for (const p of m.pods.values()) {
      if (p.node) scheduled++;
      if (p.phase === 'Running' && p.ready) ready++;
    }
    // status.desiredNumberScheduled, currentNumberScheduled and numberReady, in the generic fields.
    this.cluster.setWorkloadStatus(ds, {
      observedGeneration: ds.generation,
      replicas: desired,
      updatedReplicas: scheduled,
      readyReplicas: ready,
      availableReplicas: ready,
    });
  }
}
