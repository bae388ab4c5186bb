// The orders the Deployment controller sorts ReplicaSets by (pkg/controller/controller_utils.go and
// util/deployment_util.go), as Less functions and comparators, with the API's timestamps they compare.
import type { ReplicaSetView } from './calc.js';

/** metav1.Time as stored by the API server: whole seconds (time_proto.go drops the nanoseconds). */
export function apiTime(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/** controller_utils.go ReplicaSetsByCreationTimestamp.Less: older first; the same second: by name. */
export function replicaSetsByCreationTimestampLess(a: ReplicaSetView, b: ReplicaSetView): boolean {
  const ta = apiTime(a.createdAt);
  const tb = apiTime(b.createdAt);
  if (ta === tb) return a.name < b.name;
  return ta < tb;
}

/** controller_utils.go ReplicaSetsBySizeOlder.Less: larger first; equal sizes: older first. */
export function replicaSetsBySizeOlderLess(a: ReplicaSetView, b: ReplicaSetView): boolean {
  if (a.replicas === b.replicas) return replicaSetsByCreationTimestampLess(a, b);
  return a.replicas > b.replicas;
}

/** controller_utils.go ReplicaSetsBySizeNewer.Less: larger first; equal sizes: newer first. */
export function replicaSetsBySizeNewerLess(a: ReplicaSetView, b: ReplicaSetView): boolean {
  if (a.replicas === b.replicas) return replicaSetsByCreationTimestampLess(b, a);
  return a.replicas > b.replicas;
}

/** deployment_util.go ReplicaSetsByRevision.Less: lower revision first; equal revisions: by creation. */
export function replicaSetsByRevisionLess(a: ReplicaSetView, b: ReplicaSetView): boolean {
  if (a.revision === b.revision) return replicaSetsByCreationTimestampLess(a, b);
  return a.revision < b.revision;
}

/** An Array.prototype.sort comparator from a Go sort Less (the orders above are total, so sort.Sort agrees). */
export function byLess<T>(less: (a: T, b: T) => boolean): (a: T, b: T) => number {
  return (a, b) => (less(a, b) ? -1 : less(b, a) ? 1 : 0);
}

/** controller_utils.go FilterActiveReplicaSets: those with spec.replicas > 0. */
export function filterActiveReplicaSets(rss: readonly (ReplicaSetView | null | undefined)[]): ReplicaSetView[] {
  const out: ReplicaSetView[] = [];
  for (const rs of rss) if (rs && rs.replicas > 0) out.push(rs);
  return out;
}

/**
 * deployment_util.go FindActiveOrLatest: the only active ReplicaSet; with none active, the new one or else the
 * newest old one; null when several are active (or there are none at all).
 */
export function findActiveOrLatest(newRS: ReplicaSetView | null, oldRSs: readonly ReplicaSetView[]): ReplicaSetView | null {
  if (!newRS && oldRSs.length === 0) return null;
  const newestFirst = [...oldRSs].sort(byLess((a: ReplicaSetView, b: ReplicaSetView) => replicaSetsByCreationTimestampLess(b, a)));
  const active = filterActiveReplicaSets([...newestFirst, newRS]);
  if (active.length === 0) return newRS ?? newestFirst[0]!;
  return active.length === 1 ? active[0]! : null;
}
