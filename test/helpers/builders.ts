// Small builders for tests: a cluster of nodes and pods from compact descriptions.
import { ClusterState } from '../../src/model/cluster-state.js';
import type { Node } from '../../src/model/node.js';
import type { Pod, PodTemplate } from '../../src/model/pod.js';
import { parseMilliQuantity, parseQuantity } from '../../src/model/quantity.js';
import { ResourceSpace } from '../../src/model/resources.js';
import { makeTemplate } from '../../src/model/template.js';
import type { Taint } from '../../src/model/selectors.js';

export interface NodeDesc {
  name: string;
  cpu?: string;
  memory?: string;
  pods?: number;
  labels?: Record<string, string>;
  taints?: Taint[];
  extended?: Record<string, string>;
}

export interface PodDesc extends Partial<Omit<PodTemplate, 'labels' | 'requests' | 'nodeSelector'>> {
  cpu?: string;
  memory?: string;
  labels?: Record<string, string>;
  nodeSelector?: Record<string, string>;
  extended?: Record<string, string>;
}

export function clock(): { now: number } {
  return { now: 0 };
}

export function makeCluster(nodes: NodeDesc[], extendedNames: string[] = []): ClusterState {
  const space = new ResourceSpace();
  for (const n of extendedNames) space.intern(n);
  const cluster = new ClusterState(clock(), space);
  for (const d of nodes) addNode(cluster, d);
  return cluster;
}

export function addNode(cluster: ClusterState, d: NodeDesc): Node {
  const space = cluster.resources;
  const alloc = space.vector();
  alloc[0] = parseMilliQuantity(d.cpu ?? '4');
  alloc[1] = parseQuantity(d.memory ?? '16Gi');
  alloc[2] = parseQuantity('100Gi');
  alloc[3] = d.pods ?? 110;
  for (const [k, v] of Object.entries(d.extended ?? {})) alloc[space.intern(k)] = parseQuantity(v);
  const labels = new Map(Object.entries({ 'kubernetes.io/hostname': d.name, ...(d.labels ?? {}) }));
  return cluster.addNode({
    name: d.name,
    pool: 'pool',
    zone: labels.get('topology.kubernetes.io/zone') ?? '',
    labels,
    taints: d.taints ?? [],
    allocatable: alloc,
    pricePerHour: 0,
  });
}

export function template(cluster: ClusterState, d: PodDesc = {}): PodTemplate {
  const space = cluster.resources;
  const req = space.vector();
  if (d.cpu) req[0] = parseMilliQuantity(d.cpu);
  if (d.memory) req[1] = parseQuantity(d.memory);
  for (const [k, v] of Object.entries(d.extended ?? {})) req[space.intern(k)] = parseQuantity(v);
  const { cpu: _c, memory: _m, extended: _e, labels, nodeSelector, ...rest } = d;
  return makeTemplate(space, {
    ...rest,
    requests: req,
    labels: new Map(Object.entries(labels ?? {})),
    nodeSelector: new Map(Object.entries(nodeSelector ?? {})),
  });
}

let podCounter = 0;
/** Creates a pending pod. */
export function pod(cluster: ClusterState, d: PodDesc = {}, name = `pod-${podCounter++}`): Pod {
  return cluster.createPod(template(cluster, d), name, -1, null);
}

/** Creates a pod and binds it to the named node. */
export function boundPod(cluster: ClusterState, nodeName: string, d: PodDesc = {}, name?: string): Pod {
  const p = pod(cluster, d, name);
  cluster.bindPod(p, cluster.nodeByName.get(nodeName)!);
  return p;
}
