// The model's one event vocabulary (DESIGN rule 11): every change a model operation makes is announced
// as one of these, like an informer's notification. The scheduling queue's event bits and its requeue
// rules, the plugins' queueing hints and every watcher derive from this list; nothing restates it.
import type { Node } from './node.js';
import type { Pod } from './pod.js';
import type { Workload } from './workloads.js';

/**
 * Every event type, in the order the scheduling queue considers a batch of them (the order is part of
 * the model's determinism: adding a type appends it where it belongs, and existing runs keep their bytes).
 */
export const CLUSTER_EVENT_TYPES = [
  'NodeAdded',
  'NodeRemoved',
  'NodeReadyChanged',
  'NodeTaintsChanged',
  'NodeUnschedulableChanged',
  'PodAdded',
  'PodBound',
  'PodRunning',
  'PodTerminating',
  'PodFinished',
  'PodDeleted',
  'WorkloadAdded',
  'WorkloadSpecChanged',
  'WorkloadStatusChanged',
  'NodeHealthChanged',
  'PodReadyChanged',
] as const;

export type ClusterEventType = (typeof CLUSTER_EVENT_TYPES)[number];

export type NodeEventType = Extract<ClusterEventType, `Node${string}`>;
export type WorkloadEventType = Extract<ClusterEventType, `Workload${string}`>;

/**
 * A node appeared, left, or changed its Ready condition, taints or spec.unschedulable; or (NodeHealthChanged)
 * the machine itself went down or up or lost or regained its connection: what the kubelet and the node
 * lifecycle controller's heartbeat clock see, not an API change.
 */
export interface NodeEvent {
  readonly type: NodeEventType;
  readonly node: Node;
  readonly pod?: undefined;
  /**
   * A hypothetical change (ClusterState.fork): only the scheduling indexes hear of it, and they read it at once
   * (the event object of a what-if is reused for the next change).
   */
  readonly whatIf?: boolean;
}

/** A pod was created (not bound yet). */
export interface PodAddedEvent {
  readonly type: 'PodAdded';
  readonly pod: Pod;
  readonly node?: undefined;
}

/** A pod was bound to a node, its containers started there, or its Ready condition changed. */
export interface PodOnNodeEvent {
  readonly type: 'PodBound' | 'PodRunning' | 'PodReadyChanged';
  readonly pod: Pod;
  readonly node: Node;
  readonly whatIf?: boolean;
}

/**
 * A pod began graceful termination (it keeps its node's resources), ended (Succeeded or Failed), or its
 * object was deleted. `node` is the node whose resources it held, or null if it was never bound or had
 * released them already.
 */
export interface PodEndEvent {
  readonly type: 'PodTerminating' | 'PodFinished' | 'PodDeleted';
  readonly pod: Pod;
  readonly node: Node | null;
  readonly whatIf?: boolean;
}

/** A workload object (Deployment, ReplicaSet, Job, …) was created, or its spec or status changed. */
export interface WorkloadEvent {
  readonly type: WorkloadEventType;
  readonly workload: Workload;
  readonly pod?: undefined;
  readonly node?: undefined;
}

export type ClusterEvent = NodeEvent | PodAddedEvent | PodOnNodeEvent | PodEndEvent | WorkloadEvent;

/** Events about workload objects (not about nodes or pods: the scheduler ignores them). */
export function isWorkloadEvent(ev: ClusterEvent): ev is WorkloadEvent {
  return ev.type === 'WorkloadAdded' || ev.type === 'WorkloadSpecChanged' || ev.type === 'WorkloadStatusChanged';
}

/** One bit per event type, in the declared order (the scheduling queue's masks). */
export const EVENT_BIT: Readonly<Record<ClusterEventType, number>> = Object.fromEntries(
  CLUSTER_EVENT_TYPES.map((t, i) => [t, 1 << i]),
) as Record<ClusterEventType, number>;

export function eventBit(type: ClusterEventType): number {
  return EVENT_BIT[type];
}

export function eventMask(types: readonly ClusterEventType[] | undefined): number {
  let m = 0;
  for (const t of types ?? []) m |= EVENT_BIT[t];
  return m;
}

/**
 * Who watches the model, in the order they hear of each change (not the order they were constructed).
 * Scheduling indexes first, so that anything acting later reads counts that already include the change;
 * then the controllers in the order they were historically wired; collectors last.
 */
export const WATCHER_ORDER = [
  'index',
  'scheduler',
  'kubelet',
  'deployment',
  'replicaset',
  'statefulset',
  'daemonset',
  'job',
  'ttl-after-finished',
  'disruption',
  'node-lifecycle',
  'taint-eviction',
  'drain',
  'autoscaler',
  'endpoints',
  'traffic',
  'arrivals',
  'metrics',
  'hpa',
  'invariants',
] as const;
export type WatcherName = (typeof WATCHER_ORDER)[number];

export type Watcher = (ev: ClusterEvent) => void;
