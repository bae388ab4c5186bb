// Pure arithmetic of the ReplicaSet controller (pkg/controller/replicaset/replica_set.go, v1.36).
import type { Pod } from '../../model/pod.js';

/** replica_set.go: at most this many pod creations or deletions per sync. */
export const BURST_REPLICAS = 500;

/**
 * controller.ActivePodsWithRanks ordering used by getPodsToDelete: the pods deleted first are
 * unassigned before assigned, Pending before Running, (not ready before ready), then the newest first.
 * Returns a negative number when a should be deleted before b.
 */
export function deletionOrder(a: Pod, b: Pod): number {
  const aAssigned = a.node ? 1 : 0;
  const bAssigned = b.node ? 1 : 0;
  if (aAssigned !== bAssigned) return aAssigned - bAssigned;
  const aRunning = a.phase === 'Running' ? 1 : 0;
  const bRunning = b.phase === 'Running' ? 1 : 0;
  if (aRunning !== bRunning) return aRunning - bRunning;
  // Newer pods (later creation) go first; ids break ties deterministically.
  return b.createdAt - a.createdAt || b.id - a.id;
}

/** How many pods to create (positive) or delete (negative) this sync. */
export function replicaDiff(desired: number, active: number): number {
  const diff = desired - active;
  if (diff > BURST_REPLICAS) return BURST_REPLICAS;
  if (diff < -BURST_REPLICAS) return -BURST_REPLICAS;
  return diff;
}
