// The cluster's mutable state and the few named operations that change it (DESIGN rule 3).
// Watchers are told of every change, like informers; they must only queue work, never act synchronously.
import type { ClusterEvent, ClusterEventType, Watcher, WatcherName } from './events.js';
import { Watchers, type WatchHandlers } from './watchers.js';
import { grown } from './arrays.js';
import { FreeIndex, NodeChanges } from './free-index.js';
import { FREE_STRIDE, Node, type ResourceColumns } from './node.js';
import { Pod, type PodPhase, type PodTemplate } from './pod.js';
import { podName } from '../workload/names.js';
import type { ResourceSpace } from './resources.js';
import type { Labels, Taint } from './selectors.js';
import { Budget } from './budgets.js';
import { UndoLog, UNDO_BOUND, UNDO_NODE } from './undo-log.js';
import type { PodDisruptionBudgetSpec, PodDisruptionBudgetStatus } from '../controllers/disruption/rules.js';
import type { LabelSelector } from './selectors.js';
import {
  Workload,
  workloadKey,
  type LifecycleTimings,
  type WorkloadKind,
  type WorkloadObjectSpec,
  type WorkloadStatus,
} from './workloads.js';

export type { ClusterEvent, ClusterEventType, Watcher, WatcherName } from './events.js';
export type { EventOf, WatchHandlers } from './watchers.js';

/** Bits of a taint list that the cluster's counters follow (ResourceColumns.taintBits, per node). */
export const PREFER = 1;
export const NO_SCHEDULE = 2;
function taintBits(taints: readonly Taint[]): number {
  let b = 0;
  for (const t of taints) b |= t.effect === 'PreferNoSchedule' ? PREFER : NO_SCHEDULE;
  return b;
}

/** Every event object is made here, with the same fields in the same order (see ClusterState.emit). */
function clusterEvent(type: ClusterEventType, pod?: Pod, node?: Node | null, workload?: Workload, whatIf?: true): ClusterEvent {
  return { type, pod, node, workload, whatIf } as unknown as ClusterEvent;
}
interface MutableEvent {
  type: ClusterEventType;
  pod: Pod | undefined;
  node: Node | null | undefined;
  workload: Workload | undefined;
}

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

export interface WorkloadInit {
  kind: WorkloadKind;
  name: string;
  namespace: string;
  spec: WorkloadObjectSpec;
  owner?: Workload | null;
  templateHash?: string;
}

export class ClusterState {
  readonly nodes: Node[] = [];
  readonly nodeByName = new Map<string, Node>();
  /** Pods not yet finished or deleted, in creation order. */
  readonly livePods = new Map<number, Pod>();
  /** How many live pods (terminating ones too) each workload owns, by workload index. */
  private readonly liveOwned: number[] = [];
  /** Live pods by namespace, then name (no "namespace/name" key to build and hash for every lookup). */
  private readonly podByName = new Map<string, Map<string, Pod>>();
  /** Every workload object ever created, by index (deleted ones stay, so indices are stable). */
  readonly workloads: Workload[] = [];
  /** The DaemonSets among them (deleted ones included), in order: read for every template node of an autoscaler. */
  readonly daemonSets: Workload[] = [];
  /**
   * When a traffic model sets it to a list: every pod for which what decides whether it answers requests may have
   * changed (its phase, node, containers, warm-up and SIGTERM times, its node's health; traffic/endpoints.ts
   * podAnswers) is added, for the model to take (pods on a node whose health changed, each), so it keeps derived
   * counts while none of their pods changes. What-if changes are not logged (they are undone).
   */
  servingLog: Pod[] | null = null;
  /** PodDisruptionBudgets, in creation order. */
  readonly budgets: Budget[] = [];
  private readonly workloadByKey = new Map<string, Workload>();
  /** Nodes carrying a PreferNoSchedule taint (TaintToleration scoring is constant without any). */
  preferNoScheduleNodes = 0;
  /** Nodes carrying a NoSchedule or NoExecute taint, and cordoned nodes: filters with nothing to reject skip. */
  noScheduleNodes = 0;
  unschedulableNodes = 0;
  /** Nodes removed from the cluster (kept in `nodes` so indices stay stable); 0 lets the scheduler skip the check. */
  removedNodes = 0;
  /**
   * How many nodes of the cluster hold each image (for ImageLocality), kept incrementally: a removed node's images
   * leave the count, as they leave upstream's scheduler cache (cache.go removeNodeImageStates).
   */
  readonly imageNodeCount = new Map<string, number>();
  /** Per image: 1 at the index of each node of the cluster holding it (a node keeps its images until removed). */
  private readonly imageNodes = new Map<string, Uint8Array<ArrayBuffer>>();

  /** Which nodes hold the image, by node index (0 or past the end: not held); undefined when no node does. */
  nodesWithImage(name: string): Uint8Array | undefined {
    return this.imageNodes.get(name);
  }
  private nextPodId = 0;
  private readonly watchers = new Watchers();
  /** Undo steps of the open what-ifs (see fork), and how revert takes each back. */
  private readonly undo = new UndoLog();
  private readonly undoStep = (pod: Pod | null, node: Node, code: number): void => {
    if (code === UNDO_NODE) this.dropNode(node);
    else if (code === UNDO_BOUND) {
      this.release(pod!);
      this.emit('PodDeleted', pod!, node, undefined, true);
    } else this.putBack(pod!, node, code);
  };
  private forks = 0;

  /** Node resources in columns (see ResourceColumns); grown by doubling. */
  readonly columns: ResourceColumns;
  private free: FreeIndex | null = null;

  /** The nodes' free resources as a segment tree, built on first use and kept up to date from then on. */
  freeIndex(): FreeIndex {
    return (this.free ??= new FreeIndex(this.nodes, this.columns, this.columns.changes));
  }

  constructor(
    readonly clock: Clock,
    readonly resources: ResourceSpace,
  ) {
    const stride = resources.size;
    this.columns = {
      stride,
      alloc: new Float64Array(64 * stride),
      used: new Float64Array(64 * stride),
      nonZero: new Float64Array(128),
      free: new Float64Array(64 * FREE_STRIDE),
      generation: new Uint32Array(64),
      taintBits: new Uint8Array(64),
      removed: new Uint8Array(64),
      changes: new NodeChanges(),
    };
  }

  private ensureCapacity(nodes: number): void {
    const c = this.columns;
    if (nodes * c.stride <= c.alloc.length) return;
    const cap = Math.max(nodes, (c.alloc.length / c.stride) * 2);
    // (grown gives each column its length for cap nodes: at least doubled, as cap is.)
    c.alloc = grown(c.alloc, cap * c.stride - 1);
    c.used = grown(c.used, cap * c.stride - 1);
    c.nonZero = grown(c.nonZero, cap * 2 - 1);
    c.free = grown(c.free, cap * FREE_STRIDE - 1);
    c.generation = grown(c.generation, cap - 1);
    c.taintBits = grown(c.taintBits, cap - 1);
    c.removed = grown(c.removed, cap - 1);
    for (const n of this.nodes) n.bind(c);
  }

  /** Registers a watcher under its name (Watchers.add: it hears each change in WATCHER_ORDER). */
  watch(name: WatcherName, w: Watcher | WatchHandlers): void {
    this.watchers.add(name, w);
  }

  /**
   * Tells the watchers of the event's type. Every event object is made here with the same fields in the
   * same order (those an event type does not have are undefined, as they read when absent), so watchers
   * read one object shape rather than five.
   */
  private emit(type: ClusterEventType, pod?: Pod, node?: Node | null, workload?: Workload, whatIf?: true): void {
    const list = (this.forks > 0 ? this.watchers.index : this.watchers.all)[type];
    if (whatIf !== true || this.tellingWhatIf) {
      const ev = clusterEvent(type, pod, node, workload, whatIf);
      for (let i = 0; i < list.length; i++) list[i]!(ev);
      return;
    }
    // A what-if's change is told to the scheduling indexes only, which read the event and keep nothing: one
    // object serves them all (the autoscaler's removal simulations tell four changes per pod they move). A change
    // told while one is being told makes its own.
    const e = this.whatIfEvent;
    e.type = type;
    e.pod = pod;
    e.node = node;
    e.workload = workload;
    this.tellingWhatIf = true;
    for (let i = 0; i < list.length; i++) list[i]!(e as unknown as ClusterEvent);
    this.tellingWhatIf = false;
  }
  /** The event object of what-if changes (emit), and whether it is being told. */
  private readonly whatIfEvent = clusterEvent('PodBound', undefined, undefined, undefined, true) as unknown as MutableEvent;
  private tellingWhatIf = false;

  // What-if: hypothetical changes to the scheduling state, undone by revert.

  /**
   * Opens a what-if and returns its mark. Until revert(mark), the model may be changed only by
   * assumePodRemoved, assumePodBound and addNode (a hypothetical node), and only the scheduling indexes
   * hear of it (events with whatIf set): nothing is scheduled, counted or written. revert(mark) undoes
   * every change since the mark in reverse order, leaving the state (node pod order and resource columns
   * included) exactly as it was. What-ifs nest. Preemption asks "would the pod fit here without these
   * victims?" this way, as upstream does on a copy of its snapshot; a cluster autoscaler asks "would it
   * fit on a new node of this pool?".
   */
  fork(): number {
    this.forks++;
    this.columns.changes.whatIf = true;
    return this.undo.length;
  }

  revert(mark: number): void {
    if (this.forks === 0 || mark > this.undo.length) throw new Error('bug: revert without a matching fork');
    this.undo.unwind(mark, this.undoStep);
    this.forks--;
    this.columns.changes.whatIf = this.forks > 0;
  }

  get inWhatIf(): boolean {
    return this.forks > 0;
  }

  private requireReal(op: string): void {
    if (this.forks > 0) throw new Error(`bug: ${op} during a what-if`);
  }

  private requireWhatIf(op: string): void {
    if (this.forks === 0) throw new Error(`bug: ${op} outside a what-if (call fork first)`);
  }

  /** What-if: the bound pod is gone from its node (its requests released, pod counts without it). */
  assumePodRemoved(pod: Pod): void {
    this.requireWhatIf('assumePodRemoved');
    const node = pod.node;
    if (!node) throw new Error(`bug: assuming unbound pod ${pod.name} removed`);
    const slot = pod.slot;
    this.release(pod);
    this.emit('PodDeleted', pod, node, undefined, true);
    this.undo.push(pod, node, slot);
  }

  /** Undoes assumePodRemoved: the pod is back on its node, in the slot it had. */
  private putBack(pod: Pod, node: Node, slot: number): void {
    this.occupy(pod, node);
    // release() swapped the last pod into the slot: put both back where they were.
    const pods = node.pods;
    const last = pods.length - 1;
    if (slot !== last) {
      const moved = pods[slot]!;
      pods[slot] = pod;
      pods[last] = moved;
      moved.slot = last;
      pod.slot = slot;
    }
    this.emit('PodBound', pod, node, undefined, true);
  }

  /** What-if: the pod is on the node (its requests taken, pod counts with it): a nominated pod, say. */
  assumePodBound(pod: Pod, node: Node): void {
    this.requireWhatIf('assumePodBound');
    if (pod.node) throw new Error(`bug: assuming bound pod ${pod.name} bound again`);
    this.occupy(pod, node);
    this.emit('PodBound', pod, node, undefined, true);
    this.undo.push(pod, node, UNDO_BOUND);
  }

  // Workload objects.

  /** A PodDisruptionBudget object (the disruption controller keeps its status). */
  addBudget(name: string, namespace: string, selector: LabelSelector | null, spec: PodDisruptionBudgetSpec): Budget {
    this.requireReal('addBudget');
    const b = new Budget(this.budgets.length, name, namespace, selector, spec);
    this.budgets.push(b);
    return b;
  }

  /** The disruption controller's sync, or the eviction subresource's decrement. */
  setBudgetStatus(b: Budget, status: PodDisruptionBudgetStatus): void {
    this.requireReal('setBudgetStatus');
    b.status = status;
  }

  /** Creates a workload object (WorkloadAdded). Names are unique per (kind, namespace). */
  createWorkload(init: WorkloadInit): Workload {
    this.requireReal('createWorkload');
    const key = workloadKey(init.kind, init.namespace, init.name);
    if (this.workloadByKey.has(key)) throw new Error(`bug: duplicate workload ${key}`);
    const w = new Workload(
      this.workloads.length,
      init.kind,
      init.name,
      init.namespace,
      init.spec,
      init.owner ?? null,
      this.clock.now,
      init.templateHash ?? '',
    );
    this.workloads.push(w);
    if (w.kind === 'DaemonSet') this.daemonSets.push(w);
    this.workloadByKey.set(w.key, w);
    this.emit('WorkloadAdded', undefined, undefined, w);
    return w;
  }

  findWorkload(kind: WorkloadKind, namespace: string, name: string): Workload | undefined {
    return this.workloadByKey.get(workloadKey(kind, namespace, name));
  }

  /** The live workload with the key "kind/namespace/name" (workloadKey), if any. */
  findWorkloadByKey(key: string): Workload | undefined {
    return this.workloadByKey.get(key);
  }

  /** Replaces a workload's spec, as `kubectl apply` of a changed object does (WorkloadSpecChanged, generation + 1). */
  updateWorkloadSpec(w: Workload, spec: WorkloadObjectSpec): void {
    this.requireReal('updateWorkloadSpec');
    w.spec = spec;
    w.generation++;
    this.emit('WorkloadSpecChanged', undefined, undefined, w);
  }

  /** The scale subresource: spec.replicas (an HPA, `kubectl scale`, a Deployment scaling its ReplicaSets). */
  scaleWorkload(w: Workload, replicas: number): void {
    if (!Number.isInteger(replicas) || replicas < 0) throw new Error(`bug: scaling ${w.key} to ${replicas}`);
    if (w.spec.replicas === replicas) return;
    this.updateWorkloadSpec(w, { ...w.spec, replicas });
  }

  /** A new pod template (a rollout). */
  setWorkloadTemplate(w: Workload, template: PodTemplate): void {
    this.updateWorkloadSpec(w, { ...w.spec, template });
  }

  /** The owning controller reports what it observed (WorkloadStatusChanged, only when something changed). */
  setWorkloadStatus(w: Workload, patch: Partial<WorkloadStatus>): void {
    this.requireReal('setWorkloadStatus');
    const st = w.status as unknown as Record<string, number | string>;
    let changed = false;
    const p = patch as Record<string, number | string | undefined>;
    for (const k in p) {
      const v = p[k];
      if (v === undefined || st[k] === v) continue;
      st[k] = v;
      changed = true;
    }
    if (changed) this.emit('WorkloadStatusChanged', undefined, undefined, w);
  }

  /**
   * Deletes a workload object with cascading deletion, as the TTL-after-finished controller asks for a
   * finished Job. The object gets its deletionTimestamp (`deletedAt`; generation + 1, as the API server's
   * markAsDeleting does) announced as WorkloadSpecChanged, and its name is free at once; then its live pods
   * are deleted as the garbage collector does, each with its termination grace period (outcome
   * OwnerDeleted). Its controller stops managing it on seeing `deletedAt` set (the Job controller does; no
   * other kind is deleted yet). Workloads it owns are not deleted: a Job owns none.
   */
  deleteWorkload(w: Workload): void {
    this.requireReal('deleteWorkload');
    if (w.deletedAt >= 0) return;
    w.deletedAt = this.clock.now;
    w.generation++;
    if (this.workloadByKey.get(w.key) === w) this.workloadByKey.delete(w.key);
    this.emit('WorkloadSpecChanged', undefined, undefined, w);
    const owned: Pod[] = [];
    if (this.livePodsOf(w) > 0) for (const pod of this.livePods.values()) if (pod.workload === w.index) owned.push(pod);
    for (const pod of owned) this.deletePod(pod, 'OwnerDeleted', pod.template.terminationGracePeriodMs);
  }

  // Nodes.

  addNode(init: NodeInit): Node {
    if (this.nodeByName.has(init.name)) throw new Error(`bug: duplicate node name ${init.name}`);
    const c = this.columns;
    if (init.allocatable.length > c.stride)
      throw new Error(`bug: node ${init.name} has ${init.allocatable.length} resources; the cluster was built for ${c.stride}`);
    const index = this.nodes.length;
    this.ensureCapacity(index + 1);
    c.alloc.set(init.allocatable, index * c.stride);
    const n = new Node(index, init.name, init.pool, init.zone, init.labels, init.taints, c, init.pricePerHour, this.clock.now);
    n.refreshFree();
    this.nodes.push(n);
    this.nodeByName.set(n.name, n);
    c.changes.mark(index);
    this.countTaints(n, n.taints, 1);
    if (this.forks > 0) {
      this.emit('NodeAdded', undefined, n, undefined, true);
      this.undo.push(null, n, UNDO_NODE);
      return n;
    }
    this.emit('NodeAdded', undefined, n);
    return n;
  }

  /** Undoes a hypothetical node: it leaves `nodes` altogether (its index is free again). */
  private dropNode(n: Node): void {
    if (n.pods.length > 0 || this.nodes[this.nodes.length - 1] !== n)
      throw new Error(`bug: dropping hypothetical node ${n.name} out of order`);
    this.emit('NodeRemoved', undefined, n, undefined, true);
    this.countTaints(n, n.taints, -1);
    this.nodes.pop();
    this.restrictedNodes.delete(n);
    this.nodeByName.delete(n.name);
    const c = this.columns;
    c.alloc.fill(0, n.index * c.stride, (n.index + 1) * c.stride);
    c.used.fill(0, n.index * c.stride, (n.index + 1) * c.stride);
    c.nonZero[n.index * 2] = 0;
    c.nonZero[n.index * 2 + 1] = 0;
    n.refreshFree();
    // Caches keyed on (index, generation) must not take a later node at this index for this one.
    c.generation[n.index]!++;
    c.changes.mark(n.index);
  }

  private countTaints(node: Node, taints: readonly Taint[], d: 1 | -1): void {
    const b = taintBits(taints);
    this.columns.taintBits[node.index] = d > 0 ? b : 0;
    if (b & PREFER) this.preferNoScheduleNodes += d;
    if (b & NO_SCHEDULE) this.noScheduleNodes += d;
    this.updateRestricted(node);
  }

  /**
   * Nodes in the cluster with a NoSchedule or NoExecute taint, or cordoned: the only nodes TaintToleration
   * and NodeUnschedulable can reject (Plugin.rejectsRestrictedOnly).
   */
  readonly restrictedNodes = new Set<Node>();

  private updateRestricted(node: Node): void {
    const restricted =
      node.removedAt < 0 &&
      this.nodes[node.index] === node &&
      ((this.columns.taintBits[node.index]! & NO_SCHEDULE) !== 0 || node.unschedulable);
    if (restricted) this.restrictedNodes.add(node);
    else this.restrictedNodes.delete(node);
  }

  /** The node's Ready condition changes (the kubelet stops or resumes reporting). */
  setNodeReady(node: Node, ready: boolean): void {
    this.requireReal('setNodeReady');
    if (node.removedAt >= 0) throw new Error(`bug: node ${node.name} was removed`);
    if (node.ready === ready) return;
    node.ready = ready;
    this.emit('NodeReadyChanged', undefined, node);
  }

  /**
   * The machine goes down or up, or loses or regains its connection to the control plane (faults). The
   * API does not change: the kubelet and the node lifecycle controller react to it.
   */
  setNodeHealth(node: Node, up: boolean, reachable: boolean): void {
    this.requireReal('setNodeHealth');
    if (node.removedAt >= 0) throw new Error(`bug: node ${node.name} was removed`);
    if (node.up === up && node.reachable === reachable) return;
    node.up = up;
    node.reachable = reachable;
    if (this.servingLog !== null && this.forks === 0) for (const p of node.pods) this.servingLog.push(p);
    this.emit('NodeHealthChanged', undefined, node);
  }

  /** The pod's Ready condition (the kubelet, or the node lifecycle controller's MarkPodsNotReady). */
  setPodReady(pod: Pod, ready: boolean): void {
    this.requireReal('setPodReady');
    if (pod.ready === ready || !pod.node) return;
    pod.ready = ready;
    pod.readySince = this.clock.now;
    this.emit('PodReadyChanged', pod, pod.node);
  }

  /** The pod's app containers (re)started and answer requests from `at` (after their warm-up). */
  setPodAnswersFrom(pod: Pod, at: number): void {
    pod.answersFrom = at;
    this.servingChanged(pod);
  }

  /** The kubelet began stopping the pod: its app containers get SIGTERM at `at` (a serving pod stops accepting then). */
  setPodSigterm(pod: Pod, at: number): void {
    pod.sigtermAt = at;
    this.servingChanged(pod);
  }

  /** The pod's containers died with their machine (true), or the kubelet has dealt with that (false). */
  setPodContainersDown(pod: Pod, down: boolean): void {
    pod.containersDown = down;
    this.servingChanged(pod);
  }

  /** The pod's containers start again on its node (after an exit, or after the node restarted): restarts + 1. */
  restartPod(pod: Pod): void {
    this.requireReal('restartPod');
    if (pod.phase !== 'Running' || !pod.node) throw new Error(`bug: restarting pod ${pod.name} in phase ${pod.phase}`);
    pod.restarts++;
    pod.runEpoch++;
  }

  /** Adds a taint, or replaces the one with the same key and effect (as `kubectl taint --overwrite`). */
  addTaint(node: Node, taint: Taint): void {
    if (node.taints.some((t) => t.key === taint.key && t.effect === taint.effect && t.value === taint.value)) return;
    this.setTaints(node, [...node.taints.filter((t) => !(t.key === taint.key && t.effect === taint.effect)), taint]);
  }

  /** Removes the taints with this key (and this effect, if given). */
  removeTaint(node: Node, key: string, effect?: Taint['effect']): void {
    const rest = node.taints.filter((t) => !(t.key === key && (effect === undefined || t.effect === effect)));
    if (rest.length !== node.taints.length) this.setTaints(node, rest);
  }

  private setTaints(node: Node, taints: readonly Taint[]): void {
    this.requireReal('setTaints');
    if (node.removedAt >= 0) throw new Error(`bug: node ${node.name} was removed`);
    this.countTaints(node, node.taints, -1);
    node.taints = taints;
    this.countTaints(node, taints, 1);
    this.emit('NodeTaintsChanged', undefined, node);
  }

  /** spec.unschedulable: cordon (true) or uncordon (false). */
  setUnschedulable(node: Node, unschedulable: boolean): void {
    this.requireReal('setUnschedulable');
    if (node.removedAt >= 0) throw new Error(`bug: node ${node.name} was removed`);
    if (node.unschedulable === unschedulable) return;
    node.unschedulable = unschedulable;
    this.unschedulableNodes += unschedulable ? 1 : -1;
    this.updateRestricted(node);
    this.emit('NodeUnschedulableChanged', undefined, node);
  }

  /**
   * The node object is deleted. Pods still bound to it are deleted at once, as the pod garbage collector
   * does with pods of a node that no longer exists (outcome NodeRemoved); drain it first to avoid that.
   */
  removeNode(node: Node): void {
    this.requireReal('removeNode');
    if (node.removedAt >= 0) return;
    while (node.pods.length > 0) this.deletePod(node.pods[node.pods.length - 1]!, 'NodeRemoved');
    node.removedAt = this.clock.now;
    this.columns.removed[node.index] = 1;
    this.removedNodes++;
    for (const img of node.images) {
      const left = this.imageNodeCount.get(img)! - 1;
      if (left > 0) this.imageNodeCount.set(img, left);
      else this.imageNodeCount.delete(img);
      const on = this.imageNodes.get(img);
      if (on && node.index < on.length) on[node.index] = 0;
    }
    this.columns.changes.mark(node.index);
    if (node.unschedulable) this.unschedulableNodes--;
    this.countTaints(node, node.taints, -1);
    this.nodeByName.delete(node.name);
    this.emit('NodeRemoved', undefined, node);
  }

  // Pods.

  /** The live pod of that name in the namespace: pod names are unique per namespace, as the API server keeps them. */
  podNamed(namespace: string, name: string): Pod | undefined {
    return this.podByName.get(namespace)?.get(name);
  }

  /** The live pods of a namespace by name. */
  private podsIn(namespace: string): Map<string, Pod> {
    let pods = this.podByName.get(namespace);
    if (!pods) this.podByName.set(namespace, (pods = new Map()));
    return pods;
  }

  /** A generated name (podName) for the ordinal that no live pod of the namespace holds. */
  freePodName(namespace: string, base: string, ordinal: number): string {
    const pods = this.podByName.get(namespace);
    for (let attempt = 0; ; attempt++) {
      const name = podName(base, ordinal, attempt);
      if (!pods?.has(name)) return name;
    }
  }

  /**
   * Creates a pod owned by `owner` (or a bare pod); runMs is how long it runs once started (-1: until deleted). The
   * exit code and lifecycle timings (simulation inputs) come from the owner's spec unless given.
   */
  createPod(
    template: PodTemplate,
    name: string,
    runMs: number,
    owner: Workload | null,
    exitCode = owner?.spec.exitCode ?? 0,
    timings: LifecycleTimings | null = owner?.spec.lifecycle ?? null,
  ): Pod {
    this.requireReal('createPod');
    const pods = this.podsIn(template.namespace);
    if (pods.has(name)) throw new Error(`bug: pod ${template.namespace}/${name} exists already (check podNamed first)`);
    const pod = new Pod(this.nextPodId++, name, template, this.clock.now, runMs, owner ? owner.index : -1);
    pod.exitCode = exitCode;
    pod.timings = timings;
    this.livePods.set(pod.id, pod);
    if (pod.workload >= 0) this.liveOwned[pod.workload] = (this.liveOwned[pod.workload] ?? 0) + 1;
    pods.set(name, pod);
    this.emit('PodAdded', pod);
    return pod;
  }

  bindPod(pod: Pod, node: Node): void {
    this.requireReal('bindPod');
    if (pod.node) throw new Error(`bug: pod ${pod.name} is already bound to ${pod.node.name}`);
    if (pod.phase !== 'Pending') throw new Error(`bug: binding pod ${pod.name} in phase ${pod.phase}`);
    if (node.removedAt >= 0) throw new Error(`bug: binding pod ${pod.name} to removed node ${node.name}`);
    this.occupy(pod, node);
    pod.nodeName = node.name;
    pod.scheduledAt = this.clock.now;
    this.emit('PodBound', pod, node);
  }

  /** The pod is a DaemonSet's (its controller is one): drains leave it, and it goes with its node. */
  isDaemonSetPod(pod: Pod): boolean {
    return pod.workload >= 0 && this.workloads[pod.workload]!.kind === 'DaemonSet';
  }

  /**
   * Bound pods by priority (what-ifs included): each priority seen, and how many bound pods have it now (a list,
   * searched: a cluster has a few priorities, and every bind and unbind looks its pod's up).
   */
  private readonly priorities: number[] = [];
  private readonly boundWith: number[] = [];

  /** Whether some bound pod has a priority below p (preemption can have a victim only then). */
  hasBoundPodBelow(p: number): boolean {
    for (let i = 0; i < this.priorities.length; i++) if (this.priorities[i]! < p && this.boundWith[i]! > 0) return true;
    return false;
  }

  private countBound(priority: number, d: number): void {
    const ps = this.priorities;
    let i = 0;
    while (i < ps.length && ps[i] !== priority) i++;
    if (i === ps.length) {
      ps.push(priority);
      this.boundWith.push(0);
    }
    this.boundWith[i]! += d;
  }

  /** The pod takes its requests on the node and joins its pod list. */
  private occupy(pod: Pod, node: Node): void {
    this.countBound(pod.priority, 1);
    const req = pod.requests;
    const used = node.requested;
    for (let i = 0; i < req.length; i++) used[i]! += req[i]!;
    node.nonZeroCpu += pod.template.nonZeroCpu;
    node.nonZeroMemory += pod.template.nonZeroMemory;
    node.touch();
    pod.slot = node.pods.length;
    node.pods.push(pod);
    pod.node = node;
    this.servingChanged(pod);
  }

  startPod(pod: Pod, ready = true): void {
    this.requireReal('startPod');
    if (pod.phase !== 'Pending' || !pod.node) throw new Error(`bug: starting pod ${pod.name} in phase ${pod.phase}`);
    pod.phase = 'Running';
    pod.startedAt = this.clock.now;
    this.servingChanged(pod);
    // Ready at once without readiness or startup probes (PodRunning says so; no PodReadyChanged), else false
    // until the kubelet's prober says otherwise (setPodReady).
    pod.ready = ready;
    pod.readySince = this.clock.now;
    const images = pod.node.images;
    for (const img of pod.template.images) {
      if (images.has(img.name)) continue;
      images.add(img.name);
      this.imageNodeCount.set(img.name, (this.imageNodeCount.get(img.name) ?? 0) + 1);
      const at = pod.node.index;
      const on = grown(this.imageNodes.get(img.name) ?? new Uint8Array(this.nodes.length), at);
      this.imageNodes.set(img.name, on);
      on[at] = 1;
    }
    this.emit('PodRunning', pod, pod.node);
  }

  /** The pod's containers ended: Succeeded or Failed. Its requests are released (the scheduler ignores terminal pods). */
  finishPod(pod: Pod, phase: Extract<PodPhase, 'Succeeded' | 'Failed'>, outcome: string = phase): void {
    this.requireReal('finishPod');
    const node = pod.node;
    this.release(pod);
    pod.phase = phase;
    pod.outcome = outcome;
    this.servingChanged(pod);
    pod.finishedAt = this.clock.now;
    this.forget(pod);
    this.emit('PodFinished', pod, node);
  }

  /**
   * Deletes the pod object (scale-down, preemption, eviction, job cleanup). With a grace period and a
   * bound pod, deletion is graceful: the pod gets a deletionTimestamp and becomes Terminating
   * (PodTerminating), keeps its node's resources, and its object goes once the kubelet has stopped it
   * (which calls deletePod again with no grace). Without one, or for an unbound pod, it goes at once.
   */
  deletePod(pod: Pod, outcome: string, gracePeriodMs = 0): void {
    this.requireReal('deletePod');
    if (!this.livePods.has(pod.id)) return;
    if (gracePeriodMs > 0 && pod.node) {
      if (pod.terminating) return; // already terminating: the first deletion's grace period stands
      pod.deletionTimestamp = this.clock.now;
      pod.deletionGraceMs = gracePeriodMs;
      pod.outcome = outcome;
      this.emit('PodTerminating', pod, pod.node);
      return;
    }
    const node = pod.node;
    this.release(pod);
    if (!pod.terminating || !pod.outcome) pod.outcome = outcome;
    pod.finishedAt = this.clock.now;
    this.forget(pod);
    this.emit('PodDeleted', pod, node);
  }

  /** What decides whether the pod answers requests may have changed (servingLog). */
  private servingChanged(pod: Pod): void {
    if (this.servingLog !== null && this.forks === 0) this.servingLog.push(pod);
  }

  /** The pod is no longer live. */
  private forget(pod: Pod): void {
    this.livePods.delete(pod.id);
    if (pod.workload >= 0) this.liveOwned[pod.workload]!--;
    this.podByName.get(pod.namespace)?.delete(pod.name);
  }

  /** How many live pods (terminating ones too) the workload owns. */
  livePodsOf(w: Workload): number {
    return this.liveOwned[w.index] ?? 0;
  }

  /** The Eviction API: a graceful deletion with the pod's own terminationGracePeriodSeconds unless given. */
  evictPod(pod: Pod, gracePeriodMs = pod.template.terminationGracePeriodMs): void {
    this.deletePod(pod, 'Evicted', gracePeriodMs);
  }

  private release(pod: Pod): void {
    const node = pod.node;
    if (!node) return;
    this.countBound(pod.priority, -1);
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
    this.servingChanged(pod);
  }
}
