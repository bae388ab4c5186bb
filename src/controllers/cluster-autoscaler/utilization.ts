// A node's utilization as the cluster autoscaler computes it (cluster-autoscaler 1.36,
// simulator/utilization/info.go Calculate and CalculateUtilizationOfResource): per resource, the pods' requests
// over the node's allocatable; the node's utilization is the larger of cpu and memory, or GPU alone on a GPU node.
// Dynamic resource (DRA) utilization is not modelled.
import { isDaemonSetPod, isMirrorPod, isPodLongTerminating, type CAPodView, type ResourceList } from './pod.js';

/** The node fields Calculate reads. */
export interface CANodeView {
  name: string;
  /** status.allocatable: cpu in millicores, memory in bytes, extended resources in units. */
  allocatable: ResourceList;
  /**
   * cloudprovider.GpuConfig as the cloud provider reports it for this node (GetNodeGpuConfig): present on a node
   * with a GPU label or GPU allocatable, naming the extended resource (e.g. "nvidia.com/gpu").
   */
  gpuConfig?: { extendedResourceName: string };
}

/** utilization.Info. `resourceName` names the resource whose utilization is `utilization`. */
export interface UtilizationInfo {
  cpuUtil: number;
  memUtil: number;
  gpuUtil: number;
  resourceName: string;
  utilization: number;
}

/** An error in upstream's words. */
export interface UtilizationError {
  error: string;
}

export function isUtilizationError<T>(r: T | UtilizationError): r is UtilizationError {
  return typeof r === 'object' && r !== null && 'error' in r;
}

/**
 * info.go CalculateUtilizationOfResource: the requests of the node's pods over its allocatable. With
 * skipDaemonSetPods (--ignore-daemonsets-utilization) DaemonSet pods' requests are taken out of both the sum and
 * the allocatable; likewise mirror pods with skipMirrorPods (--ignore-mirror-pods-utilization). Pods deleted longer
 * than their grace period plus 30 s are ignored. A missing or zero allocatable is an error.
 */
export function calculateUtilizationOfResource(
  node: CANodeView,
  pods: readonly CAPodView[],
  resourceName: string,
  skipDaemonSetPods: boolean,
  skipMirrorPods: boolean,
  now: number,
): number | UtilizationError {
  const allocatable = node.allocatable[resourceName];
  if (allocatable === undefined) return { error: `failed to get ${resourceName} from ${node.name}` };
  if (allocatable === 0) return { error: `${resourceName} is 0 at ${node.name}` };
  let podsRequest = 0;
  let daemonSetAndMirrorPods = 0;
  for (const pod of pods) {
    const value = pod.requests?.[resourceName] ?? 0;
    if (skipDaemonSetPods && isDaemonSetPod(pod)) {
      daemonSetAndMirrorPods += value;
      continue;
    }
    if (skipMirrorPods && isMirrorPod(pod)) {
      daemonSetAndMirrorPods += value;
      continue;
    }
    if (isPodLongTerminating(pod, now)) continue;
    podsRequest += value;
  }
  return podsRequest / (allocatable - daemonSetAndMirrorPods);
}

/**
 * info.go Calculate. A GPU node (gpuConfig set) is measured by its GPU alone; an unready GPU (no allocatable)
 * counts as 0 so that the node can still be scaled down. Otherwise cpu and memory are computed and the larger
 * wins, memory on a tie.
 */
export function calculate(
  node: CANodeView,
  pods: readonly CAPodView[],
  skipDaemonSetPods: boolean,
  skipMirrorPods: boolean,
  now: number,
): UtilizationInfo | UtilizationError {
  const zero = { cpuUtil: 0, memUtil: 0, gpuUtil: 0 };
  if (node.gpuConfig) {
    const name = node.gpuConfig.extendedResourceName;
    const gpuUtil = calculateUtilizationOfResource(node, pods, name, skipDaemonSetPods, skipMirrorPods, now);
    if (isUtilizationError(gpuUtil)) return { ...zero, resourceName: name, utilization: 0 };
    return { ...zero, gpuUtil, resourceName: name, utilization: gpuUtil };
  }
  const cpu = calculateUtilizationOfResource(node, pods, 'cpu', skipDaemonSetPods, skipMirrorPods, now);
  if (isUtilizationError(cpu)) return cpu;
  const mem = calculateUtilizationOfResource(node, pods, 'memory', skipDaemonSetPods, skipMirrorPods, now);
  if (isUtilizationError(mem)) return mem;
  return cpu > mem
    ? { ...zero, cpuUtil: cpu, memUtil: mem, resourceName: 'cpu', utilization: cpu }
    : { ...zero, cpuUtil: cpu, memUtil: mem, resourceName: 'memory', utilization: mem };
}
