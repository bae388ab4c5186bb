// Rules of PodDisruptionBudgets in Kubernetes v1.36, as pure functions under their upstream names: the
// disruption controller's status (pkg/controller/disruption/disruption.go) and the eviction subresource's
// check (pkg/registry/core/pod/storage/eviction.go). Times are integer milliseconds.
import { MINUTE } from '../../engine/time.js';
import type { Pod } from '../../model/pod.js';

/** An intstr.IntOrString: a number, or a string that must be a percentage such as "50%". */
export type IntOrString = number | string;

/**
 * intstr.GetScaledValueFromIntOrPercent (staging/src/k8s.io/apimachinery/pkg/util/intstr/intstr.go): an
 * integer is returned as is; "N%" is N * total / 100 rounded up (roundUp) or down, in float64 as upstream.
 * Any other string is an error (the deprecated GetValueFromIntOrPercent also accepted "N" as a percentage).
 */
export function getScaledValueFromIntOrPercent(value: IntOrString, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const m = /^([+-]?\d+)%$/.exec(value);
  if (!m) throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage: ${JSON.stringify(value)}`);
  const scaled = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

/**
 * The pod fields the rules read; the model's Pod has them. `ready` is the PodReady condition where the
 * caller knows it (e.g. false once the node lifecycle controller marked the pod not ready).
 */
export type PdbPod = Pick<Pod, 'name' | 'phase' | 'terminating' | 'workload'> & { readonly ready?: boolean };

/**
 * podutil.IsPodReady. Readiness probes are not simulated: without an explicit `ready`, a pod is Ready
 * exactly while Running.
 */
export function isPodReady(pod: PdbPod): boolean {
  return pod.ready ?? pod.phase === 'Running';
}

/** The controller a pod's controllerRef resolves to, with its desired scale (spec.replicas). */
export interface ControllerAndScale {
  /** Identifies the controller (upstream: its UID): pods of one controller count its scale once. */
  uid: string | number;
  scale: number;
}

/**
 * Resolves a pod's owning workload (Pod.workload) to its scale: a ReplicaSet owned by a Deployment resolves
 * to the Deployment; RC, ReplicaSet, StatefulSet and anything with a scale subresource resolve. Returns null
 * when no finder knows the controller (a DaemonSet or Job has no scale subresource): that fails the sync.
 */
export type PodControllerFinder = (workload: number) => ControllerAndScale | null;

export interface PodDisruptionBudgetSpec {
  minAvailable?: IntOrString;
  maxUnavailable?: IntOrString;
  /** policy/v1: nil behaves as IfHealthyBudget. */
  unhealthyPodEvictionPolicy?: 'IfHealthyBudget' | 'AlwaysAllow';
}

export interface PodDisruptionBudgetStatus {
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  disruptionsAllowed: number;
  /** Pods the eviction subresource approved but the controller has not yet seen terminating, with the time. */
  disruptedPods: ReadonlyMap<string, number>;
  observedGeneration: number;
}

export interface PodDisruptionBudget {
  generation: number;
  spec: PodDisruptionBudgetSpec;
  status: PodDisruptionBudgetStatus;
}

/** DeletionTimeout: how long an approved eviction stays in status.disruptedPods waiting for the deletion. */
export const DELETION_TIMEOUT_MS = 2 * MINUTE;
/** eviction.go MaxDisruptedPodSize: more pending disruptions than this and evictions are refused. */
export const MAX_DISRUPTED_POD_SIZE = 2000;

/**
 * getExpectedScale: the sum of the scales of the pods' controllers, each counted once. Pods without a
 * controller are listed as unmanaged and skipped; a controller no finder knows is an error.
 */
export function getExpectedScale(
  pods: readonly PdbPod[],
  findController: PodControllerFinder,
): { expectedCount: number; unmanagedPods: string[]; error?: string } {
  const controllerScale = new Map<string | number, number>();
  const seen = new Set<number>();
  const unmanagedPods: string[] = [];
  for (const pod of pods) {
    if (pod.workload < 0) {
      unmanagedPods.push(pod.name);
      continue;
    }
    if (seen.has(pod.workload)) continue;
    const found = findController(pod.workload);
    if (found === null) return { expectedCount: 0, unmanagedPods, error: `found no controllers for pod "${pod.name}"` };
    seen.add(pod.workload);
    controllerScale.set(found.uid, found.scale);
  }
  let expectedCount = 0;
  for (const scale of controllerScale.values()) expectedCount += scale;
  return { expectedCount, unmanagedPods };
}

/**
 * getExpectedPodCount. maxUnavailable (int or percent, rounded up) and a percent minAvailable (rounded
 * up) scale the controllers' total (getExpectedScale); an integer minAvailable needs no controller and
 * counts the selected pods. With neither field, both numbers are 0 (no disruption is ever allowed).
 */
export function getExpectedPodCount(
  spec: PodDisruptionBudgetSpec,
  pods: readonly PdbPod[],
  findController: PodControllerFinder,
): { expectedCount: number; desiredHealthy: number; unmanagedPods: string[]; error?: string } {
  try {
    if (spec.maxUnavailable !== undefined) {
      const scale = getExpectedScale(pods, findController);
      if (scale.error !== undefined) return { ...scale, desiredHealthy: 0 };
      const maxUnavailable = getScaledValueFromIntOrPercent(spec.maxUnavailable, scale.expectedCount, true);
      return { ...scale, desiredHealthy: Math.max(0, scale.expectedCount - maxUnavailable) };
    }
    if (spec.minAvailable !== undefined) {
      if (typeof spec.minAvailable === 'number') {
        return { expectedCount: pods.length, desiredHealthy: spec.minAvailable, unmanagedPods: [] };
      }
      const scale = getExpectedScale(pods, findController);
      if (scale.error !== undefined) return { ...scale, desiredHealthy: 0 };
      return { ...scale, desiredHealthy: getScaledValueFromIntOrPercent(spec.minAvailable, scale.expectedCount, true) };
    }
    return { expectedCount: 0, desiredHealthy: 0, unmanagedPods: [] };
  } catch (e) {
    return { expectedCount: 0, desiredHealthy: 0, unmanagedPods: [], error: (e as Error).message };
  }
}

/**
 * buildDisruptedPodMap: keeps the entries of pods that exist, are not yet terminating and whose deletion
 * is not overdue (disruption time + DeletionTimeout not before now); recheckAt is the earliest such deadline.
 */
export function buildDisruptedPodMap(
  pods: readonly PdbPod[],
  disruptedPods: ReadonlyMap<string, number>,
  nowMs: number,
): { disruptedPods: Map<string, number>; recheckAt: number | null } {
  const result = new Map<string, number>();
  let recheckAt: number | null = null;
  for (const pod of pods) {
    if (pod.terminating) continue;
    const at = disruptedPods.get(pod.name);
    if (at === undefined) continue;
    const expectedDeletion = at + DELETION_TIMEOUT_MS;
    if (expectedDeletion < nowMs) continue;
    if (recheckAt === null || expectedDeletion < recheckAt) recheckAt = expectedDeletion;
    result.set(pod.name, at);
  }
  return { disruptedPods: result, recheckAt };
}

/** countHealthyPods: Ready pods that are neither terminating nor in disruptedPods within DeletionTimeout. */
export function countHealthyPods(pods: readonly PdbPod[], disruptedPods: ReadonlyMap<string, number>, nowMs: number): number {
  let healthy = 0;
  for (const pod of pods) {
    if (pod.terminating) continue;
    const at = disruptedPods.get(pod.name);
    if (at !== undefined && at + DELETION_TIMEOUT_MS > nowMs) continue;
    if (isPodReady(pod)) healthy++;
  }
  return healthy;
}

/** updatePdbStatus: disruptionsAllowed = currentHealthy - desiredHealthy, never negative, and 0 while expectedCount is 0. */
export function disruptionsAllowed(currentHealthy: number, desiredHealthy: number, expectedCount: number): number {
  const allowed = currentHealthy - desiredHealthy;
  return expectedCount <= 0 || allowed <= 0 ? 0 : allowed;
}

/**
 * trySync (with updatePdbStatus, and failSafe on error): the PDB's new status from the pods its selector
 * matches. On an error only disruptionsAllowed changes, to 0. recheckAt: when to sync again for overdue
 * disruptedPods entries.
 */
export function trySync(
  pdb: PodDisruptionBudget,
  pods: readonly PdbPod[],
  findController: PodControllerFinder,
  nowMs: number,
): { status: PodDisruptionBudgetStatus; unmanagedPods: string[]; recheckAt: number | null; error?: string } {
  const expected = getExpectedPodCount(pdb.spec, pods, findController);
  if (expected.error !== undefined) {
    return {
      status: { ...pdb.status, disruptionsAllowed: 0 },
      unmanagedPods: expected.unmanagedPods,
      recheckAt: null,
      error: expected.error,
    };
  }
  const { disruptedPods, recheckAt } = buildDisruptedPodMap(pods, pdb.status.disruptedPods, nowMs);
  const currentHealthy = countHealthyPods(pods, disruptedPods, nowMs);
  const status: PodDisruptionBudgetStatus = {
    currentHealthy,
    desiredHealthy: expected.desiredHealthy,
    expectedPods: expected.expectedCount,
    disruptionsAllowed: disruptionsAllowed(currentHealthy, expected.desiredHealthy, expected.expectedCount),
    disruptedPods,
    observedGeneration: pdb.generation,
  };
  return { status, unmanagedPods: expected.unmanagedPods, recheckAt };
}

// --- the eviction subresource (pkg/registry/core/pod/storage/eviction.go) -------------------------

/** canIgnorePDB: Succeeded, Failed, Pending and terminating pods are deleted without consulting PDBs. */
export function canIgnorePDB(pod: PdbPod): boolean {
  return pod.phase === 'Succeeded' || pod.phase === 'Failed' || pod.phase === 'Pending' || pod.terminating;
}

export type EvictionResult =
  /** The pod is deleted; with decrement, the PDB's disruptionsAllowed drops by one and the pod enters disruptedPods. */
  | { allowed: true; decrement: boolean }
  /** 429 TooManyRequests (retry later), 403 Forbidden, or 500 (more than one PDB). */
  | { allowed: false; code: 429 | 403 | 500; reason: string };

/** checkAndDecrement: whether the budget allows one more disruption (decrement on success). */
export function checkAndDecrement(pdb: PodDisruptionBudget): EvictionResult {
  const s = pdb.status;
  if (s.observedGeneration < pdb.generation) return { allowed: false, code: 429, reason: 'the disruption budget is still being processed' };
  if (s.disruptionsAllowed < 0) return { allowed: false, code: 403, reason: 'pdb disruptions allowed is negative' };
  if (s.disruptedPods.size > MAX_DISRUPTED_POD_SIZE) return { allowed: false, code: 403, reason: 'DisruptedPods map too big' };
  if (s.disruptionsAllowed === 0) {
    return {
      allowed: false,
      code: 429,
      reason: `the disruption budget needs ${s.desiredHealthy} healthy pods and has ${s.currentHealthy} currently`,
    };
  }
  return { allowed: true, decrement: true };
}

/**
 * EvictionREST.Create: whether an eviction of the pod is allowed, given the PDBs whose selector matches it.
 * An unready (unhealthy) pod does not use the budget: with unhealthyPodEvictionPolicy AlwaysAllow it is
 * always evicted; with IfHealthyBudget (the default) only while currentHealthy >= desiredHealthy > 0, and
 * otherwise only if the budget allows a disruption, as for a healthy pod.
 */
export function evictionCreate(pod: PdbPod, pdbs: readonly PodDisruptionBudget[]): EvictionResult {
  if (canIgnorePDB(pod)) return { allowed: true, decrement: false };
  if (pdbs.length > 1) {
    return {
      allowed: false,
      code: 500,
      reason: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
    };
  }
  if (pdbs.length === 0) return { allowed: true, decrement: false };
  const pdb = pdbs[0]!;
  if (!isPodReady(pod)) {
    if (pdb.spec.unhealthyPodEvictionPolicy === 'AlwaysAllow') return { allowed: true, decrement: false };
    if (pdb.status.currentHealthy >= pdb.status.desiredHealthy && pdb.status.desiredHealthy > 0) return { allowed: true, decrement: false };
  }
  return checkAndDecrement(pdb);
}
