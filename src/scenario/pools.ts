// The cluster's node pools: their names are unique and their resource names are interned before any
// workload's (extended resources such as nvidia.com/gpu included); then each pool's spec, with its size
// (cluster-autoscaler.ts poolSizes: fixed, or bounded for the autoscaler).
import { ResourceSpace, isValidResourceName } from '../model/resources.js';
import type { Config } from './config.js';
import type { NodePoolSpec } from './types.js';
import type { YamlDoc } from './yaml-source.js';

/** Checks the pools' names and interns their resource names, in the file's order. */
export function internPoolResources(cfg: Config, doc: YamlDoc, space: ResourceSpace): void {
  const poolNames = new Set<string>();
  cfg.cluster.nodePools.forEach((p, i) => {
    if (poolNames.has(p.name)) throw doc.error(['cluster', 'nodePools', i, 'name'], `duplicate node pool name "${p.name}"`);
    poolNames.add(p.name);
    for (const k of Object.keys(p.allocatable)) {
      if (!isValidResourceName(k))
        throw doc.error(
          ['cluster', 'nodePools', i, 'allocatable', k],
          `unknown resource name "${k}"`,
          'extended resources are domain-qualified, e.g. nvidia.com/gpu',
          true,
        );
      space.intern(k);
    }
  });
}

/** Each pool's spec, with its size from poolSizes. */
export function poolSpecs(
  cfg: Config,
  sizes: readonly { count: number; minCount: number | null; maxCount: number | null }[],
  space: ResourceSpace,
): NodePoolSpec[] {
  return cfg.cluster.nodePools.map((p, i) => {
    const alloc = space.vector();
    for (const [k, v] of Object.entries(p.allocatable)) alloc[space.indexOf(k)!] = v as number;
    return {
      name: p.name,
      instanceType: p.instanceType,
      zones: p.zones,
      count: sizes[i]!.count,
      minCount: sizes[i]!.minCount,
      maxCount: sizes[i]!.maxCount,
      allocatable: alloc,
      pricePerHour: p.pricePerHour,
      imagePullBandwidth: p.imagePullBandwidth ?? null,
      labels: new Map(Object.entries(p.labels)),
      taints: p.taints,
      failures: p.failures ?? null,
      spot: p.spot ? { interruptions: p.spot.interruptions, noticeMs: p.spot.notice, replacement: p.spot.replacement } : null,
    };
  });
}
