// The pods a scale-down drain moves (cluster-autoscaler 1.36): simulator/drain.go GetPodsToMove, which runs the
// drainability rules of drain.ts over a node's pods, and core/scaledown/pdb/basic.go CanRemovePods and RemovePods.
import {
  defaultRules,
  drainable,
  pdbMatches,
  type BlockingPodReason,
  type DrainabilityRule,
  type DrainContext,
  type PdbView,
} from './drain.js';
import { isDaemonSetPod, type CAPodView } from './pod.js';

/** GetPodsToMove's result: the pods to reschedule, the DaemonSet pods to evict, and pods to wait for (1.36). */
export interface PodsToMove {
  pods: CAPodView[];
  daemonSetPods: CAPodView[];
  onCompletionPods: CAPodView[];
}

/** The pod that keeps the node, with its reason and error. */
export interface BlockingPod {
  pod: CAPodView;
  reason: BlockingPodReason;
  error: string;
}

/**
 * simulator/drain.go GetPodsToMove: an undefined or DrainOk outcome moves the pod (DaemonSet pods listed apart), a
 * skipped pod is left out, a pod to wait for is listed apart (autoscaler PR #9355), and the first blocked pod keeps
 * the whole node.
 */
export function getPodsToMove(
  pods: readonly CAPodView[],
  ctx: DrainContext,
  rules: readonly DrainabilityRule[] = defaultRules(),
): PodsToMove | { blockingPod: BlockingPod } {
  const out: PodsToMove = { pods: [], daemonSetPods: [], onCompletionPods: [] };
  for (const pod of pods) {
    const status = drainable(rules, ctx, pod);
    switch (status.outcome) {
      case 'UndefinedOutcome':
      case 'DrainOk':
        (isDaemonSetPod(pod) ? out.daemonSetPods : out.pods).push(pod);
        break;
      case 'BlockDrain':
        return { blockingPod: { pod, reason: status.blockingReason ?? 'UnexpectedError', error: status.error ?? '' } };
      case 'WaitForCompletion':
        out.onCompletionPods.push(pod);
        break;
      case 'SkipDrain':
        break;
    }
  }
  return out;
}

/**
 * pdb/basic.go CanRemovePods: removing the pods together is possible if no matching PDB allows less than one
 * disruption, and in parallel if none allows fewer disruptions than the pods it covers.
 */
export function canRemovePods(
  pods: readonly CAPodView[],
  pdbs: readonly PdbView[],
): { canRemove: boolean; inParallel: boolean; blockingPod?: CAPodView } {
  let inParallel = true;
  let blockingPod: CAPodView | undefined;
  for (const pdb of pdbs) {
    let count = 0;
    for (const pod of pods) {
      if (!pdbMatches(pdb, pod)) continue;
      count += 1;
      if (pdb.disruptionsAllowed < 1) return { canRemove: false, inParallel: false, blockingPod: pod };
      if (pdb.disruptionsAllowed < count) {
        inParallel = false;
        blockingPod = pod;
      }
    }
  }
  return blockingPod ? { canRemove: true, inParallel, blockingPod } : { canRemove: true, inParallel };
}

/**
 * pdb/basic.go RemovePods: the pods are gone as far as the remaining budgets go; each matching PDB allows one
 * disruption less per pod (planner.go does this for each node it finds removable, so the nodes after it in the
 * same loop see what is left).
 */
export function removePods(pods: readonly CAPodView[], pdbs: readonly PdbView[]): void {
  for (const pdb of pdbs) for (const pod of pods) if (pdbMatches(pdb, pod)) pdb.disruptionsAllowed -= 1;
}
