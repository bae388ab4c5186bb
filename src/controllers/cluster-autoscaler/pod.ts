// The pod predicates the cluster autoscaler shares between utilization and drain (cluster-autoscaler 1.36):
// utils/pod/pod.go (IsDaemonSetPod, IsMirrorPod, PodRequests) and utils/drain/drain.go (IsPodLongTerminating,
// IsPodTerminal, HasBlockingLocalStorage and the safe-to-evict annotations), over a plain view of a pod.
import { DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS } from '../kubelet/rules.js';
import type { Labels } from '../../model/selectors.js';
import { POD_LONG_TERMINATING_EXTRA_THRESHOLD_MS } from './defaults.js';

/** Requests by resource name: cpu in millicores, memory and everything else in base units (bytes, devices). */
export type ResourceList = Readonly<Record<string, number>>;

/** metav1.OwnerReference with controller: true. */
export interface ControllerRef {
  kind: string;
  name: string;
  /** e.g. "apps/v1"; absent reads as "v1". */
  apiVersion?: string;
  /** The controller's key in DrainContext.controllers (drain.ts controllerKey) in the pod's namespace, when known. */
  key?: string;
}

/** A pod volume, as far as local storage goes. */
export interface VolumeView {
  name: string;
  hostPath?: boolean;
  /** An emptyDir volume; medium "Memory" is tmpfs and does not count as local storage. */
  emptyDir?: { medium?: '' | 'Memory' | 'HugePages' };
}

/** The pod fields the autoscaler's utilization and drain rules read. */
export interface CAPodView {
  name: string;
  namespace: string;
  labels?: Labels;
  annotations?: Readonly<Record<string, string>>;
  controllerRef?: ControllerRef;
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  /** spec.restartPolicy; absent reads as the API default, Always. */
  restartPolicy?: 'Always' | 'OnFailure' | 'Never';
  /** metadata.deletionTimestamp (ms); absent while the pod is not being deleted. */
  deletionTimestamp?: number;
  /** spec.terminationGracePeriodSeconds; absent reads as 30. */
  terminationGracePeriodSeconds?: number;
  /** The effective pod requests (podRequests of its containers). */
  requests?: ResourceList;
  volumes?: readonly VolumeView[];
}

/** utils/pod DaemonSetPodAnnotationKey. */
export const DAEMONSET_POD_ANNOTATION_KEY = 'cluster-autoscaler.kubernetes.io/daemonset-pod';
/** kubelet/types ConfigMirrorAnnotationKey. */
export const CONFIG_MIRROR_ANNOTATION_KEY = 'kubernetes.io/config.mirror';
/** utils/drain PodSafeToEvictKey. */
export const POD_SAFE_TO_EVICT_KEY = 'cluster-autoscaler.kubernetes.io/safe-to-evict';
/** utils/drain PodSafeToEvictOnCompletionValue (CA 1.36, autoscaler PR #9355). */
export const POD_SAFE_TO_EVICT_ON_COMPLETION_VALUE = 'on-completion';
/** utils/drain SafeToEvictLocalVolumesKey: comma-separated names of local volumes that do not block. */
export const SAFE_TO_EVICT_LOCAL_VOLUMES_KEY = 'cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes';

/** utils/pod IsDaemonSetPod: controlled by a DaemonSet, or annotated daemonset-pod: "true". */
export function isDaemonSetPod(pod: CAPodView): boolean {
  if (pod.controllerRef?.kind === 'DaemonSet') return true;
  return pod.annotations?.[DAEMONSET_POD_ANNOTATION_KEY] === 'true';
}

/** utils/pod IsMirrorPod: the kubernetes.io/config.mirror annotation is present (any value). */
export function isMirrorPod(pod: CAPodView): boolean {
  return pod.annotations !== undefined && CONFIG_MIRROR_ANNOTATION_KEY in pod.annotations;
}

/**
 * utils/drain IsPodLongTerminating: deleted, and now is strictly after deletionTimestamp + grace period
 * (default 30 s) + PodLongTerminatingExtraThreshold.
 */
export function isPodLongTerminating(pod: CAPodView, now: number): boolean {
  if (pod.deletionTimestamp === undefined) return false;
  const grace = pod.terminationGracePeriodSeconds ?? DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS;
  return pod.deletionTimestamp + grace * 1000 + POD_LONG_TERMINATING_EXTRA_THRESHOLD_MS < now;
}

/** utils/drain IsPodTerminal: will never run again (Never and done, OnFailure and Succeeded, or Failed). */
export function isPodTerminal(pod: CAPodView): boolean {
  const policy = pod.restartPolicy ?? 'Always';
  if (policy === 'Never' && (pod.phase === 'Succeeded' || pod.phase === 'Failed')) return true;
  if (policy === 'OnFailure' && pod.phase === 'Succeeded') return true;
  return pod.phase === 'Failed';
}

/** utils/drain HasSafeToEvictAnnotation: exactly "true". */
export function hasSafeToEvictAnnotation(pod: CAPodView): boolean {
  return pod.annotations?.[POD_SAFE_TO_EVICT_KEY] === 'true';
}

/** utils/drain HasNotSafeToEvictAnnotation: exactly "false". */
export function hasNotSafeToEvictAnnotation(pod: CAPodView): boolean {
  return pod.annotations?.[POD_SAFE_TO_EVICT_KEY] === 'false';
}

/** utils/drain HasSafeToEvictOnCompletionAnnotation: exactly "on-completion". */
export function hasSafeToEvictOnCompletionAnnotation(pod: CAPodView): boolean {
  return pod.annotations?.[POD_SAFE_TO_EVICT_KEY] === POD_SAFE_TO_EVICT_ON_COMPLETION_VALUE;
}

/** utils/drain isLocalVolume: hostPath, or an emptyDir whose medium is not Memory. */
export function isLocalVolume(v: VolumeView): boolean {
  return v.hostPath === true || (v.emptyDir !== undefined && v.emptyDir.medium !== 'Memory');
}

/** utils/drain HasBlockingLocalStorage: a local volume not listed in safe-to-evict-local-volumes. */
export function hasBlockingLocalStorage(pod: CAPodView): boolean {
  const volumes = pod.volumes;
  // (Most pods have no volumes: nothing to split or look up for them.)
  if (volumes === undefined || volumes.length === 0) return false;
  const listed = pod.annotations?.[SAFE_TO_EVICT_LOCAL_VOLUMES_KEY] ?? '';
  const nonBlocking = new Set(listed === '' ? [] : listed.split(','));
  return volumes.some((v) => isLocalVolume(v) && !nonBlocking.has(v.name));
}

/** A container's requests; a restartable init container (restartPolicy Always) is a sidecar. */
export interface ContainerRequests {
  requests?: ResourceList;
  restartable?: boolean;
}

function addTo(acc: Record<string, number>, r: ResourceList | undefined): void {
  for (const [k, v] of Object.entries(r ?? {})) acc[k] = (acc[k] ?? 0) + v;
}

function maxInto(acc: Record<string, number>, r: ResourceList): void {
  for (const [k, v] of Object.entries(r)) if (acc[k] === undefined || v > acc[k]) acc[k] = v;
}

/**
 * utils/pod PodRequests, i.e. component-helpers resource.PodRequests without pod-level resources: the sum over the
 * containers and sidecars, or, if larger per resource, the largest init step (an init container plus the sidecars
 * started before it), plus the pod overhead.
 */
export function podRequests(
  containers: readonly ContainerRequests[],
  initContainers: readonly ContainerRequests[] = [],
  overhead?: ResourceList,
): ResourceList {
  const reqs: Record<string, number> = {};
  for (const c of containers) addTo(reqs, c.requests);
  const sidecars: Record<string, number> = {};
  const initMax: Record<string, number> = {};
  for (const c of initContainers) {
    let step: Record<string, number>;
    if (c.restartable) {
      addTo(reqs, c.requests);
      addTo(sidecars, c.requests);
      step = sidecars;
    } else {
      step = {};
      addTo(step, c.requests);
      addTo(step, sidecars);
    }
    maxInto(initMax, step);
  }
  maxInto(reqs, initMax);
  addTo(reqs, overhead);
  return reqs;
}
