// The cluster's mutable state and the few named operations that change it (DESIGN rule 3).
// Watchers are told of every change, like informers; they must only queue work, never act synchronously.
import { Node, type ResourceColumns } from './node.js';
import { Pod, type PodPhase, type PodTemplate } from './pod.js';
import type { ResourceSpace } from './resources.js';
import type { Labels, Taint } from './selectors.js';

export type ClusterEventType =
  | 'NodeAdded'
  | 'NodeChanged'
  | 'PodAdded'
  | 'PodBound'
  | 'PodRunning'
  | 'PodFinished'
  | 'PodDeleted';

export interface ClusterEvent {
  type: ClusterEventType;
  pod?: Pod;
  node?: Node;
}

export type Watcher = (ev: ClusterEvent) => void;

export interface Clock {
  readonly now: number;
}

export interface NodeInit {
  name: string;
  pool: string;
  zone: string;
  labels: Labels;
  taints: readonly Taint[];
  allocatable: Float64Array;
  pricePerHour: number;
}

export interface WorkloadRef {
  readonly index: number;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
}

export class ClusterState {
  readonly nodes: Node[] = [];
  readonly nodeByName = new Map<string, Node>();
  /** Pods not yet finished or deleted, in creation order. */
  readonly livePods = new Map<number, Pod>();
  readonly workloads: WorkloadRef[] = [];
  /** Nodes carrying a PreferNoSchedule taint (TaintToleration scoring is constant without any). */
  preferNoScheduleNodes = 0;
  /** Nodes carrying a NoSchedule or NoExecute taint, and cordoned nodes: filters with nothing to reject skip. */
  noScheduleNodes = 0;
  unschedulableNodes = 0;
  /** Nodes removed from the cluster (kept in `nodes` so indices stay stable); 0 lets the scheduler skip the check. */
  removedNodes = 0;
  /** How many nodes hold each image (for ImageLocality), kept incrementally. */
  readonly imageNodeCount = new Map<string, number>();
  private nextPodId = 0;
  private readonly watchers: Watcher[] = [];

  /** Node resources in columns (see ResourceColumns); grown by doubling. */
  readonly columns: ResourceColumns;

  constructor(
    readonly clock: Clock,
    readonly resources: ResourceSpace,
  ) {
    const stride = resources.size;
    this.columns = {
      stride, alloc: new Float64Array(64 * stride), used: new Float64Array(64 * stride), nonZero: new Float64Array(128), generation: new Uint32Array(64),
    };
  }

  private ensureCapacity(nodes: number): void {
    const c = this.columns;
    if (nodes * c.stride <= c.alloc.length) return;
    const cap = Math.max(nodes, (c.alloc.length / c.stride) * 2);
    const grow = (a: Float64Array, size: number) => {
      const b = new Float64Array(size);
      b.set(a);
      return b;
    };
    c.alloc = grow(c.alloc, cap * c.stride);
    c.used = grow(c.used, cap * c.stride);
    c.nonZero = grow(c.nonZero, cap * 2);
    const gen = new Uint32Array(cap);
    gen.set(c.generation);
    c.generation = gen;
    for (const n of this.nodes) n.bind(c);
  }

  watch(w: Watcher): void {
    this.watchers.push(w);
  }

  private emit(type: ClusterEventType, pod?: Pod, node?: Node): void {
    const ev: ClusterEvent = { type, pod, node };
    for (const w of this.watchers) w(ev);
  }

  addWorkload(kind: string, name: string, namespace: string): WorkloadRef {
    const w = { index: this.workloads.length, kind, name, namespace };
    this.workloads.push(w);
    return w;
  }

  addNode(init: NodeInit): Node {
    if (this.nodeByName.has(init.name)) throw new Error(`bug: duplicate node name ${init.name}`);
    const c = this.columns;
    if (init.allocatable.length > c.stride) throw new Error(`bug: node ${init.name} has ${init.allocatable.length} resources; the cluster was built for ${c.stride}`);
    const index = this.nodes.length;
    this.ensureCapacity(index + 1);
    c.alloc.set(init.allocatable, index * c.stride);
    const n = new Node(index, init.name, init.pool, init.zone, init.labels, init.taints, c, init.pricePerHour, this.clock.now);
    this.nodes.push(n);
    this.nodeByName.set(n.name, n);
    if (n.taints.some((t) => t.effect === 'PreferNoSchedule')) this.preferNoScheduleNodes++;
    if (n.taints.some((t) => t.effect !== 'PreferNoSchedule')) this.noScheduleNodes++;
    this.emit('NodeAdded', undefined, n);
    return n;
  }

  setUnschedulable(node: Node, unschedulable: boolean): void {
    if (node.unschedulable === unschedulable) return;
    node.unschedulable = unschedulable;
    this.unschedulableNodes += unschedulable ? 1 : -1;
    this.emit('NodeChanged', undefined, node);
  }

  /** The node leaves the cluster. Its pods must be gone first (drained, evicted or finished). */
  removeNode(node: Node): void {
    if (node.removedAt >= 0) return;
    if (node.pods.length > 0) throw new Error(`bug: removing node ${node.name} with ${node.pods.length} pod(s) still bound`);
    node.removedAt = this.clock.now;
    this.removedNodes++;
    if (node.unschedulable) this.unschedulableNodes--;
    if (node.taints.some((t) => t.effect === 'PreferNoSchedule')) this.preferNoScheduleNodes--;
    if (node.taints.some((t) => t.effect !== 'PreferNoSchedule')) this.noScheduleNodes--;
    this.nodeByName.delete(node.name);
    this.emit('NodeChanged', undefined, node);
  }

  createPod(template: PodTemplate, name: string, runMs: number, workload: number): Pod {
    const pod = new Pod(this.nextPodId++, name, template, this.clock.now, runMs, workload);
    this.livePods.set(pod.id, pod);
    this.emit('PodAdded', pod);
    return pod;
  }

  bindPod(pod: Pod, node: Node): void {
    if (pod.node) throw new Error(`bug: pod ${pod.name} is already bound to ${pod.node.name}`);
    if (pod.phase !== 'Pending') throw new Error(`bug: binding pod ${pod.name} in phase ${pod.phase}`);
    const req = pod.requests;
    const used = node.requested;
    for (let i = 0; i < req.length; i++) used[i]! += req[i]!;
    node.nonZeroCpu += pod.template.nonZeroCpu;
    node.nonZeroMemory += pod.template.nonZeroMemory;
    node.touch();
    pod.slot = node.pods.length;
    node.pods.push(pod);
    pod.node = node;
    pod.nodeName = node.name;
    pod.scheduledAt = this.clock.now;
    this.emit('PodBound', pod, node);
  }

  startPod(pod: Pod): void {
    if (pod.phase !== 'Pending' || !pod.node) throw new Error(`bug: starting pod ${pod.name} in phase ${pod.phase}`);
    pod.phase = 'Running';
    pod.startedAt = this.clock.now;
    const images = pod.node.images;
    for (const img of pod.template.images) {
      if (images.has(img.name)) continue;
      images.add(img.name);
      this.imageNodeCount.set(img.name, (this.imageNodeCount.get(img.name) ?? 0) + 1);
    }
    this.emit('PodRunning', pod, pod.node);
  }

  /** The pod's containers ended: Succeeded or Failed. Its requests are released (the scheduler ignores terminal pods). */
  finishPod(pod: Pod, phase: Extract<PodPhase, 'Succeeded' | 'Failed'>, outcome = phase): void {
    const node = pod.node;
    this.release(pod);
    pod.phase = phase;
    pod.outcome = outcome;
    pod.finishedAt = this.clock.now;
    this.livePods.delete(pod.id);
    this.emit('PodFinished', pod, node ?? undefined);
  }

  /** The pod object is deleted (scale-down, preemption, job cleanup). */
  deletePod(pod: Pod, outcome: string): void {
    if (!this.livePods.has(pod.id)) return;
    const node = pod.node;
    this.release(pod);
    pod.outcome = outcome;
    pod.finishedAt = this.clock.now;
    this.livePods.delete(pod.id);
    this.emit('PodDeleted', pod, node ?? undefined);
  }

  private release(pod: Pod): void {
    const node = pod.node;
    if (!node) return;
    const req = pod.requests;
    const used = node.requested;
    for (let i = 0; i < req.length; i++) used[i]! -= req[i]!;
    node.nonZeroCpu -= pod.template.nonZeroCpu;
    node.nonZeroMemory -= pod.template.nonZeroMemory;
    node.touch();
    const last = node.pods.pop()!;
    if (last !== pod) {
      node.pods[pod.slot] = last;
      last.slot = pod.slot;
    }
    pod.slot = -1;
    // pod.nodeName keeps the record (pods.csv); the pod no longer counts on the node.
    pod.node = null;
  }
}

