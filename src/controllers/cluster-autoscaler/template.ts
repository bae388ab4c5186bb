// A node pool's template node, as the cluster autoscaler (and the Karpenter-style provisioner) imagine a new
// node: the pool's labels, taints and the zone its node of that index gets, and its allocatable less what the
// DaemonSets that would run there request (upstream builds the template NodeInfo with its DaemonSet pods).
import type { ClusterState } from '../../model/cluster-state.js';
import { poolLabels, type Node } from '../../model/node.js';
import type { NodePoolSpec } from '../../scenario/types.js';
import { daemonPodTolerations, nodeShouldRunDaemonPod } from '../daemonset/calc.js';

/** The allocatable of a fresh node of the pool, less the requests of the DaemonSets that would run there. */
export function templateAllocatable(cluster: ClusterState, pool: NodePoolSpec, name: string, zone: string): Float64Array {
  const alloc = pool.allocatable.slice();
  const node = { name, labels: poolLabels(pool, zone, name), taints: pool.taints } as unknown as Node;
  for (const w of cluster.daemonSets) {
    if (w.deletedAt >= 0 || !w.spec.template) continue;
    const t = w.spec.template;
    const tpl = { ...t, tolerations: [...t.tolerations, ...daemonPodTolerations(w.spec.hostNetwork ?? false)] };
    if (!nodeShouldRunDaemonPod(tpl, node).shouldRun) continue;
    for (let i = 0; i < alloc.length; i++) alloc[i] = alloc[i]! - (t.requests[i] ?? 0);
  }
  return alloc;
}

/** Adds, in a what-if, the pool's node of that index as it will be (named <pool>-<index>, in its zone). */
export function addTemplateNode(cluster: ClusterState, pool: NodePoolSpec, index: number): Node {
  const zone = pool.zones[index % pool.zones.length]!;
  const name = `${pool.name}-${index}`;
  return cluster.addNode({
    name,
    pool: pool.name,
    zone,
    labels: poolLabels(pool, zone, name),
    taints: pool.taints,
    allocatable: templateAllocatable(cluster, pool, name, zone),
    pricePerHour: pool.pricePerHour,
  });
}
