// The model's pods and nodes as the cluster autoscaler's rules read them (pod.ts, utilization.ts, drain.ts).
import type { ClusterState } from '../../model/cluster-state.js';
import type { Node } from '../../model/node.js';
import type { Pod } from '../../model/pod.js';
import type { ResourceSpace } from '../../model/resources.js';
import type { ControllerView, PdbView } from './drain.js';
import type { CAPodView, ControllerRef, ResourceList } from './pod.js';

const API_VERSION: Readonly<Record<string, string>> = { Job: 'batch/v1', ReplicationController: 'v1' };

/** A resource vector as a list by name (cpu in millicores, the rest in base units); zeros left out. */
export function resourceList(v: Float64Array, space: ResourceSpace): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < v.length; i++) if (v[i]! !== 0) out[space.names[i]!] = v[i]!;
  return out;
}

/** The pod's controller as an ownerReference (the workload object that owns it), if it has one. */
export function controllerRefOf(cluster: ClusterState, pod: Pod): ControllerRef | undefined {
  if (pod.workload < 0) return undefined;
  const w = cluster.workloads[pod.workload]!;
  // The workload's own key, made once (the drain rules look the controller up for every pod they check). (Every
  // field is set, undefined where absent: references of one shape keep the rules' property reads monomorphic.)
  return {
    kind: w.kind,
    name: w.name,
    apiVersion: API_VERSION[w.kind] ?? 'apps/v1',
    key: w.namespace === pod.namespace ? w.key : undefined,
  };
}

export function podView(cluster: ClusterState, pod: Pod, requests: ResourceList): CAPodView {
  const t = pod.template;
  const ref = controllerRefOf(cluster, pod);
  // Every field is set, undefined where absent (the rules read an absent field and an undefined one alike): views of
  // one shape keep the drain rules' reads monomorphic, where optional fields spread in made up to 16 shapes.
  return {
    name: pod.name,
    namespace: pod.namespace,
    labels: pod.labels,
    annotations: t.autoscalerAnnotations ?? undefined,
    controllerRef: ref,
    phase: pod.phase,
    restartPolicy: t.restartPolicy,
    deletionTimestamp: pod.deletionTimestamp >= 0 ? pod.deletionTimestamp : undefined,
    terminationGracePeriodSeconds: t.terminationGracePeriodMs / 1000,
    requests,
    volumes: t.localVolumes ?? undefined,
  };
}

const viewCache = new WeakMap<Pod, { phase: string; deletion: number; view: CAPodView }>();

/** podView with the pod's own requests, made again only when its phase or deletion changed (nothing else in it does). */
export function cachedPodView(cluster: ClusterState, pod: Pod): CAPodView {
  const c = viewCache.get(pod);
  if (c && c.phase === pod.phase && c.deletion === pod.deletionTimestamp) return c.view;
  const view = podView(cluster, pod, resourceList(pod.requests, cluster.resources));
  viewCache.set(pod, { phase: pod.phase, deletion: pod.deletionTimestamp, view });
  return view;
}

/** The PDBs as the drain rules read them (status.disruptionsAllowed as the disruption controller keeps it). */
export function pdbViews(cluster: ClusterState): PdbView[] {
  return cluster.budgets.map((b) => ({ namespace: b.namespace, selector: b.selector, disruptionsAllowed: b.status.disruptionsAllowed }));
}

/**
 * The live controllers the listers would find, keyed as drain.ts controllerKey (the model's workload key), with
 * spec.replicas: looked up in the model when asked, rather than listed (there are many finished Jobs).
 */
export function controllerViews(cluster: ClusterState): Pick<ReadonlyMap<string, ControllerView>, 'get'> {
  return {
    get(key: string): ControllerView | undefined {
      const w = cluster.findWorkloadByKey(key);
      if (!w || w.deletedAt >= 0) return undefined;
      const replicas = (w.spec as { replicas?: number }).replicas;
      return replicas === undefined ? {} : { replicas };
    },
  };
}

/** The node's GPU resource, if its pool offers one (cloudprovider GetNodeGpuConfig). */
/** The GPU resource the autoscaler looks for on nodes. */
export const GPU = 'nvidia.com/gpu';

export function gpuResource(node: Node, space: ResourceSpace): number {
  const i = space.indexOf(GPU);
  return i !== undefined && node.allocatable[i]! > 0 ? i : -1;
}
