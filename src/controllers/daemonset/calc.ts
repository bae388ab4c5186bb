// Pure rules of the DaemonSet controller (pkg/controller/daemon, v1.36): util/daemonset_util.go
// (AddOrUpdateDaemonPodTolerations, SurgeCount, UnavailableCount, AllowsSurge), update.go (updatedDesiredNodeCounts,
// rollingUpdate, findUpdatedPodsOnNode) and daemon_controller.go (NodeShouldRunDaemonPod, podsShouldBeOnNode,
// podByCreationTimestampAndPhase), over small views of the daemon pods, keyed by node name.
import { getScaledValueFromIntOrPercent } from '../disruption/rules.js';
import type { Node } from '../../model/node.js';
import { requiredNodeSelectorMatches, type PodTemplate } from '../../model/pod.js';
import { tolerated, type Toleration } from '../../model/selectors.js';
import type { UpdateStrategy } from '../../model/workloads.js';

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

/** nodeShouldRunDaemonPod's three answers (shared, frozen). */
export const RUN = Object.freeze({ shouldRun: true, shouldContinueRunning: true });
export const STAY = Object.freeze({ shouldRun: false, shouldContinueRunning: true });
export const NOT = Object.freeze({ shouldRun: false, shouldContinueRunning: false });

/**
 * daemon_controller.go NodeShouldRunDaemonPod / predicates: whether a new daemon pod should run on the
 * node (its node selector and required affinity match, and it tolerates the node's NoSchedule and
 * NoExecute taints), and whether one there may stay (the affinity matches and NoExecute is tolerated).
 */
export function nodeShouldRunDaemonPod(template: PodTemplate, node: Node): { shouldRun: boolean; shouldContinueRunning: boolean } {
  if (!requiredNodeSelectorMatches(template, node.name, node.labels)) return NOT;
  let schedule = true;
  for (const taint of node.taints) {
    if (taint.effect === 'PreferNoSchedule' || tolerated(template.tolerations, taint)) continue;
    if (taint.effect === 'NoExecute') return NOT;
    schedule = false;
  }
  return schedule ? RUN : STAY;
}

/** apps/v1 DefaultDaemonSetUniqueLabelKey (= ControllerRevisionHashLabelKey): the template hash a pod was made from. */
export const DAEMONSET_REVISION_LABEL = 'controller-revision-hash';

/** A daemon pod as the rules read it. */
export interface DaemonPodView {
  readonly name: string;
  /** util.IsPodUpdated: its controller-revision-hash is the DaemonSet's current one. */
  readonly updated: boolean;
  /** podutil.IsPodReady. */
  readonly ready: boolean;
  /** podutil.IsPodAvailable: Ready for at least minReadySeconds. */
  readonly available: boolean;
  /** A deletionTimestamp is set. */
  readonly terminating: boolean;
  /** spec.nodeName is set (bound). */
  readonly scheduled: boolean;
  /** metadata.creationTimestamp (ms). */
  readonly createdAt: number;
}

/** util.SurgeCount: rollingUpdate.maxSurge of numberToSchedule, a percentage rounded up; 0 unless RollingUpdate. */
export function surgeCount(strategy: UpdateStrategy, numberToSchedule: number): number {
  const ru = strategy.rollingUpdate;
  if (strategy.type !== 'RollingUpdate' || !ru || ru.maxSurge === undefined) return 0;
  return getScaledValueFromIntOrPercent(ru.maxSurge, numberToSchedule, true);
}

/** util.UnavailableCount: rollingUpdate.maxUnavailable of numberToSchedule, a percentage rounded up; 0 unless RollingUpdate. */
export function unavailableCount(strategy: UpdateStrategy, numberToSchedule: number): number {
  const ru = strategy.rollingUpdate;
  if (strategy.type !== 'RollingUpdate' || !ru || ru.maxUnavailable === undefined) return 0;
  return getScaledValueFromIntOrPercent(ru.maxUnavailable, numberToSchedule, true);
}

/** util.AllowsSurge: whether a node may run an old and a new daemon pod at once. */
export function allowsSurge(strategy: UpdateStrategy): boolean {
  return surgeCount(strategy, 1) > 0;
}

/** daemon_controller.go podByCreationTimestampAndPhase: bound pods first, then the oldest, then by name. */
export function podByCreationTimestampAndPhase(a: DaemonPodView, b: DaemonPodView): number {
  if (a.scheduled !== b.scheduled) return a.scheduled ? -1 : 1;
  if (a.createdAt !== b.createdAt) return a.createdAt - b.createdAt;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * update.go updatedDesiredNodeCounts: the nodes that should run the daemon pod (desiredNumberScheduled), maxSurge
 * and maxUnavailable over them (rounded up), maxUnavailable 1 when both come to 0 with nodes to run on, and
 * nodeToDaemonPods with an empty list for every node that should run a pod and has none.
 */
export function updatedDesiredNodeCounts<P>(
  strategy: UpdateStrategy,
  nodes: readonly { readonly name: string; readonly shouldRun: boolean }[],
  nodeToDaemonPods: ReadonlyMap<string, readonly P[]>,
): { maxSurge: number; maxUnavailable: number; desiredNumberScheduled: number; nodeToDaemonPods: Map<string, readonly P[]> } {
  const out = new Map(nodeToDaemonPods);
  let desiredNumberScheduled = 0;
  for (const n of nodes) {
    if (!n.shouldRun) continue;
    desiredNumberScheduled++;
    if (!out.has(n.name)) out.set(n.name, []);
  }
  let maxUnavailable = unavailableCount(strategy, desiredNumberScheduled);
  const maxSurge = surgeCount(strategy, desiredNumberScheduled);
  // An impossible configuration (the API server returned 0 for both) obeys the default of unavailable = 1.
  if (desiredNumberScheduled > 0 && maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable, desiredNumberScheduled, nodeToDaemonPods: out };
}

/**
 * update.go findUpdatedPodsOnNode: the node's new and old pod among those not terminating, or ok = false when
 * it has more than one of either (the manage loop prunes them first).
 */
export function findUpdatedPodsOnNode<P extends DaemonPodView>(pods: readonly P[]): { newPod: P | null; oldPod: P | null; ok: boolean } {
  let newPod: P | null = null;
  let oldPod: P | null = null;
  for (const p of pods) {
    if (p.terminating) continue;
    if (p.updated) {
      if (newPod) return { newPod: null, oldPod: null, ok: false };
      newPod = p;
    } else {
      if (oldPod) return { newPod: null, oldPod: null, ok: false };
      oldPod = p;
    }
  }
  return { newPod, oldPod, ok: true };
}

/**
 * daemon_controller.go podsShouldBeOnNode (pods that ended are gone from the model already): whether the node
 * needs a daemon pod and which of its pods go. Without surge, a node keeps its oldest running pod. With surge it
 * may keep the oldest new pod and the oldest old one, the old one until it is not Ready or the new one is
 * available. A node the pod may not stay on loses them all.
 */
export function podsShouldBeOnNode<P extends DaemonPodView>(
  shouldRun: boolean,
  shouldContinueRunning: boolean,
  pods: readonly P[],
  surge: boolean,
): { create: boolean; podsToDelete: P[] } {
  const podsToDelete: P[] = [];
  if (shouldRun && pods.length === 0) return { create: true, podsToDelete };
  if (!shouldContinueRunning) {
    for (const p of pods) if (!p.terminating) podsToDelete.push(p);
    return { create: false, podsToDelete };
  }
  const running = pods.filter((p) => !p.terminating).sort(podByCreationTimestampAndPhase);
  if (!surge) {
    for (let i = 1; i < running.length; i++) podsToDelete.push(running[i]!);
    return { create: false, podsToDelete };
  }
  // Surging: at least one pod that is not being deleted must be on the node.
  if (running.length <= 1) return { create: running.length === 0 && shouldRun, podsToDelete };
  let oldestNew: P | null = null;
  let oldestOld: P | null = null;
  for (const p of running) {
    if (p.updated && !oldestNew) oldestNew = p;
    else if (!p.updated && !oldestOld) oldestOld = p;
    else podsToDelete.push(p);
  }
  if (oldestNew && oldestOld && (!oldestOld.ready || oldestNew.available)) podsToDelete.push(oldestOld);
  return { create: false, podsToDelete };
}

/**
 * update.go rollingUpdate: the old pods to delete and the nodes to create a new pod on, within the strategy.
 * `nodeToDaemonPods` holds every node that should run a pod (see updatedDesiredNodeCounts) and every node with
 * pods; upstream walks it in Go's map order, kubesim in the map's (node) order.
 *
 * Without surge, old pods that are unavailable are deleted, and available ones while fewer than maxUnavailable
 * nodes are unavailable (a node without a pod, or with both an old and a new one, counts as unavailable); the
 * manage loop then creates the new pods. With surge, a new pod is created beside an old unavailable one at once,
 * and beside up to maxSurge old available ones; an old pod goes once the new one beside it is available. Old
 * pods on nodes that may no longer run one go once enough pods elsewhere are available.
 */
export function rollingUpdate<P extends DaemonPodView>(
  nodeToDaemonPods: ReadonlyMap<string, readonly P[]>,
  shouldRun: (node: string) => boolean,
  maxSurge: number,
  maxUnavailable: number,
  desiredNumberScheduled: number,
): { oldPodsToDelete: P[]; newNodesToCreate: string[] } {
  if (maxSurge === 0) {
    let numUnavailable = 0;
    const allowedReplacementPods: P[] = [];
    const candidatePodsToDelete: P[] = [];
    for (const pods of nodeToDaemonPods.values()) {
      const { newPod, oldPod, ok } = findUpdatedPodsOnNode(pods);
      if (!ok || (oldPod === null) === (newPod === null)) {
        // Excess pods, no pod, or an old and a new one: the manage loop acts here; the node is unavailable.
        numUnavailable++;
      } else if (newPod) {
        if (!newPod.available) numUnavailable++;
      } else if (!oldPod!.available) {
        allowedReplacementPods.push(oldPod!);
        numUnavailable++;
      } else if (numUnavailable < maxUnavailable) candidatePodsToDelete.push(oldPod!);
    }
    const remaining = Math.min(Math.max(maxUnavailable - numUnavailable, 0), candidatePodsToDelete.length);
    return { oldPodsToDelete: [...allowedReplacementPods, ...candidatePodsToDelete.slice(0, remaining)], newNodesToCreate: [] };
  }
  const oldPodsToDelete: P[] = [];
  const shouldNotRunPodsToDelete: P[] = [];
  const candidateNewNodes: string[] = [];
  const allowedNewNodes: string[] = [];
  let numSurge = 0;
  let numAvailable = 0;
  for (const [node, pods] of nodeToDaemonPods) {
    const { newPod, oldPod, ok } = findUpdatedPodsOnNode(pods);
    if (!ok) {
      numSurge++;
      continue;
    }
    // Availability counts on every node, those being given up included.
    if (oldPod ? oldPod.available : newPod?.available) numAvailable++;
    if (oldPod === null) continue; // nothing to do: the manage loop handles the node
    if (newPod === null) {
      if (!oldPod.available) {
        if (!shouldRun(node)) oldPodsToDelete.push(oldPod);
        else allowedNewNodes.push(node);
      } else if (!shouldRun(node)) shouldNotRunPodsToDelete.push(oldPod);
      else if (numSurge < maxSurge) candidateNewNodes.push(node);
    } else if (!newPod.available)
      numSurge++; // surged here already: waiting for the new pod
    else oldPodsToDelete.push(oldPod);
  }
  // With surge the owner expects every pod available: a pod on a node it no longer fits goes only once another is.
  const deletable = Math.min(numAvailable - desiredNumberScheduled, shouldNotRunPodsToDelete.length);
  for (let i = 0; i < deletable; i++) oldPodsToDelete.push(shouldNotRunPodsToDelete[i]!);
  const remainingSurge = Math.min(Math.max(maxSurge - numSurge, 0), candidateNewNodes.length);
  return { oldPodsToDelete, newNodesToCreate: [...allowedNewNodes, ...candidateNewNodes.slice(0, remainingSurge)] };
}
