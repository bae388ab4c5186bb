// Which nodes the cluster autoscaler may scale down, and when (cluster-autoscaler 1.36):
// core/scaledown/eligibility/eligibility.go (unremovableReasonAndNodeUtilization, isNodeBelowUtilizationThreshold),
// core/scaledown/unneeded/nodes.go (unremovableReason, verifyMinSize) and core/static_autoscaler.go
// (isScaleDownInCooldown, allPodsAreNew). Times are integer ms.
import { DEFAULT_SCALE_DOWN_UNREADY_ENABLED, type NodeGroupAutoscalingOptions } from './defaults.js';
import type { CAPodView } from './pod.js';
import { calculate, isUtilizationError, type CANodeView, type UtilizationInfo } from './utilization.js';

/** eligibility ScaleDownDisabledKey. */
export const SCALE_DOWN_DISABLED_KEY = 'cluster-autoscaler.kubernetes.io/scale-down-disabled';

/** simulator.UnremovableReason values these rules return. */
export type UnremovableReason =
  | 'NoReason'
  | 'CurrentlyBeingDeleted'
  | 'ScaleDownDisabledAnnotation'
  | 'NotAutoscaled'
  | 'ScaleDownUnreadyDisabled'
  | 'NotUnderutilized'
  | 'NotUnneededLongEnough'
  | 'NotUnreadyLongEnough'
  | 'NodeGroupMinSizeReached';

/** A scale-down candidate: the node fields the eligibility rules read besides utilization. */
export interface ScaleDownNodeView extends CANodeView {
  annotations?: Readonly<Record<string, string>>;
  /** The Ready condition is True. */
  ready: boolean;
  /** The node group the cloud provider maps the node to; absent for a node that is not autoscaled. */
  nodeGroup?: string;
  /** actuation.IsNodeBeingDeleted: the autoscaler's ToBeDeleted taint is on and fresh. */
  beingDeleted?: boolean;
}

/** eligibility HasNoScaleDownAnnotation: scale-down-disabled is exactly "true". */
export function hasNoScaleDownAnnotation(node: { annotations?: Readonly<Record<string, string>> }): boolean {
  return node.annotations?.[SCALE_DOWN_DISABLED_KEY] === 'true';
}

/**
 * eligibility isNodeBelowUtilizationThreshold: utilization strictly below the node group's threshold, the GPU
 * threshold on a GPU node.
 */
export function isNodeBelowUtilizationThreshold(
  node: CANodeView,
  utilInfo: UtilizationInfo,
  options: Pick<NodeGroupAutoscalingOptions, 'scaleDownUtilizationThreshold' | 'scaleDownGpuUtilizationThreshold'>,
): boolean {
  const threshold = node.gpuConfig ? options.scaleDownGpuUtilizationThreshold : options.scaleDownUtilizationThreshold;
  return utilInfo.utilization < threshold;
}

/** The cluster-wide options unremovableReasonAndNodeUtilization reads. */
export interface EligibilityOptions {
  /** --scale-down-unready-enabled. */
  scaleDownUnreadyEnabled?: boolean;
  /** --ignore-mirror-pods-utilization. */
  ignoreMirrorPodsUtilization?: boolean;
}

/**
 * eligibility unremovableReasonAndNodeUtilization: being deleted, the scale-down-disabled annotation, no node group,
 * unready while --scale-down-unready-enabled is off, or utilization at or above the threshold keep a node. A
 * utilization that cannot be computed is logged upstream and read as zero, so it does not keep the node.
 */
export function unremovableReasonAndNodeUtilization(
  node: ScaleDownNodeView,
  pods: readonly CAPodView[],
  nodeGroupOptions: NodeGroupAutoscalingOptions,
  options: EligibilityOptions,
  now: number,
): { reason: UnremovableReason; utilInfo?: UtilizationInfo } {
  if (node.beingDeleted) return { reason: 'CurrentlyBeingDeleted' };
  if (hasNoScaleDownAnnotation(node)) return { reason: 'ScaleDownDisabledAnnotation' };
  if (node.nodeGroup === undefined) return { reason: 'NotAutoscaled' };
  const computed = calculate(node, pods, nodeGroupOptions.ignoreDaemonSetsUtilization, options.ignoreMirrorPodsUtilization ?? false, now);
  const utilInfo: UtilizationInfo = isUtilizationError(computed)
    ? { cpuUtil: 0, memUtil: 0, gpuUtil: 0, resourceName: '', utilization: 0 }
    : computed;
  if (!(options.scaleDownUnreadyEnabled ?? DEFAULT_SCALE_DOWN_UNREADY_ENABLED) && !node.ready) {
    return { reason: 'ScaleDownUnreadyDisabled' };
  }
  if (!isNodeBelowUtilizationThreshold(node, utilInfo, nodeGroupOptions)) return { reason: 'NotUnderutilized', utilInfo };
  return { reason: 'NoReason', utilInfo };
}

/** An unneeded node as unneeded/nodes.go tracks it. */
export interface UnneededNodeView {
  annotations?: Readonly<Record<string, string>>;
  ready: boolean;
  nodeGroup?: string;
  /** When the node was first found unneeded (ms). */
  since: number;
}

/** The node group's size as verifyMinSize reads it. */
export interface NodeGroupSizeView {
  minSize: number;
  /** Current target size. */
  size: number;
  /** Deletions of this group's nodes already in progress. */
  deletionsInProgress?: number;
}

/** unneeded/nodes.go verifyMinSize: removing one more node must leave more than minSize. */
export function verifyMinSize(group: NodeGroupSizeView): UnremovableReason {
  return group.size - (group.deletionsInProgress ?? 0) <= group.minSize ? 'NodeGroupMinSizeReached' : 'NoReason';
}

/**
 * unneeded/nodes.go unremovableReason (and lookupAndSetRemovalThreshold): an unneeded node becomes removable once
 * it has been unneeded for longer than scale-down-unneeded-time (scale-down-unready-time if it is not Ready), a
 * threshold of 0 meaning at once, and its group stays above its minimum size. Resource-limit quotas are not
 * modelled.
 */
export function unremovableReason(
  node: UnneededNodeView,
  group: NodeGroupSizeView | undefined,
  nodeGroupOptions: Pick<NodeGroupAutoscalingOptions, 'scaleDownUnneededTime' | 'scaleDownUnreadyTime'>,
  now: number,
): UnremovableReason {
  if (hasNoScaleDownAnnotation(node)) return 'ScaleDownDisabledAnnotation';
  const threshold = node.ready ? nodeGroupOptions.scaleDownUnneededTime : nodeGroupOptions.scaleDownUnreadyTime;
  if (threshold > 0 && !(node.since + threshold < now)) return node.ready ? 'NotUnneededLongEnough' : 'NotUnreadyLongEnough';
  if (node.nodeGroup === undefined || group === undefined) return 'NotAutoscaled';
  return verifyMinSize(group);
}

/** The times core/static_autoscaler.go keeps (ms); NewStaticAutoscaler starts them an hour before its start. */
export interface ScaleDownTimes {
  lastScaleUpTime: number;
  lastScaleDownDeleteTime: number;
  lastScaleDownFailTime: number;
}

/** The cool-down options isScaleDownInCooldown reads (ms). */
export interface ScaleDownDelays {
  scaleDownDelayAfterAdd: number;
  scaleDownDelayAfterDelete: number;
  scaleDownDelayAfterFailure: number;
  /** --scale-down-delay-type-local: the delays apply per node group instead (not modelled here). */
  scaleDownDelayTypeLocal?: boolean;
}

/**
 * static_autoscaler.go isScaleDownInCooldown: scale-down waits while now is strictly before the last scale-up plus
 * scale-down-delay-after-add, the last failed scale-down plus -after-failure, or the last deletion plus
 * -after-delete; or when a processor disabled scale-down for this loop. With local delays only the latter applies.
 */
export function isScaleDownInCooldown(t: ScaleDownTimes, d: ScaleDownDelays, now: number, disableScaleDownForLoop = false): boolean {
  if (d.scaleDownDelayTypeLocal) return disableScaleDownForLoop;
  return (
    disableScaleDownForLoop ||
    t.lastScaleUpTime + d.scaleDownDelayAfterAdd > now ||
    t.lastScaleDownFailTime + d.scaleDownDelayAfterFailure > now ||
    t.lastScaleDownDeleteTime + d.scaleDownDelayAfterDelete > now
  );
}

/** static_autoscaler.go unschedulablePodTimeBuffer: how old the oldest unschedulable pod must be before a scale-up. */
export const UNSCHEDULABLE_POD_TIME_BUFFER = 2_000;
/** static_autoscaler.go unschedulablePodWithGpuTimeBuffer: the same for the oldest one that requests a GPU. */
export const UNSCHEDULABLE_POD_WITH_GPU_TIME_BUFFER = 30_000;

/** An unschedulable pod as allPodsAreNew reads it: its creation time (ms) and whether it requests a GPU. */
export interface NewPodView {
  createdAt: number;
  requestsGpu: boolean;
}

/**
 * static_autoscaler.go allPodsAreNew: the oldest of the pods was created less than unschedulablePodTimeBuffer
 * (2 s) ago, or some request a GPU and the oldest of those less than 30 s ago ("probably there are more pods to
 * come"): the loop neither scales up nor removes nodes (DisableScaleDownForLoop). GetOldestCreateTime starts from
 * now, so an empty list counts as new.
 */
export function allPodsAreNew(pods: readonly NewPodView[], now: number): boolean {
  let oldest = now;
  let oldestGpu = now;
  let gpu = false;
  for (const p of pods) {
    if (p.createdAt < oldest) oldest = p.createdAt;
    if (p.requestsGpu) {
      gpu = true;
      if (p.createdAt < oldestGpu) oldestGpu = p.createdAt;
    }
  }
  if (oldest + UNSCHEDULABLE_POD_TIME_BUFFER > now) return true;
  return gpu && oldestGpu + UNSCHEDULABLE_POD_WITH_GPU_TIME_BUFFER > now;
}

/**
 * core/scaledown/planner/planner.go unneededNodesLimit: how many nodes one loop may find removable before it
 * stops simulating. With N = --max-scale-down-parallelism: the nodes unneeded after the last loop plus 2N (N
 * to remove now and N more to spare), at most N × (unneeded time ÷ the shortest interval between loops) + N,
 * since no more could be removed before they had been unneeded long enough (Go integer division of durations).
 */
export function unneededNodesLimit(
  unneeded: number,
  maxScaleDownParallelism: number,
  scaleDownUnneededTime: number,
  minUpdateInterval: number,
): number {
  const n = maxScaleDownParallelism;
  const limit = unneeded + n + n;
  const u = Math.max(scaleDownUnneededTime, minUpdateInterval);
  const upperBound = n * Math.trunc(u / minUpdateInterval) + n;
  return Math.min(limit, upperBound);
}
