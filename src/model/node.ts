// Nodes. Allocated resources are kept incrementally on bind and unbind (DESIGN rule 3).
import type { NodeChanges } from './free-index.js';
import type { Pod } from './pod.js';
import type { Labels, Taint } from './selectors.js';
import { CPU, MEMORY, PODS } from './resources.js';

export const ZONE_LABEL = 'topology.kubernetes.io/zone';
export const HOSTNAME_LABEL = 'kubernetes.io/hostname';
export const INSTANCE_TYPE_LABEL = 'node.kubernetes.io/instance-type';

/**
 * Node resources in columns shared by all nodes (allocatable and requested of node i at
 * [i * stride, (i + 1) * stride)), so the scheduler's per-node loops read contiguous memory.
 */
/** Numbers per node in ResourceColumns.free. */
export const FREE_STRIDE = 5;

export interface ResourceColumns {
  stride: number;
  alloc: Float64Array<ArrayBuffer>;
  used: Float64Array<ArrayBuffer>;
  /** CPU and memory requested with the scheduler's non-zero defaults, 2 per node. */
  nonZero: Float64Array<ArrayBuffer>;
  /**
   * Per node (FREE_STRIDE numbers): allocatable minus requested cpu, memory and pods (computed as alloc - used
   * is, so comparisons with it are exactly those with the two), then allocatable cpu and memory.
   * NodeResourcesFit's filter reads this one small column.
   */
  free: Float64Array<ArrayBuffer>;
  /** Bumped whenever a node's requested resources change, so plugins can cache per-node figures. */
  generation: Uint32Array<ArrayBuffer>;
  /** Per node: 1 if it has a PreferNoSchedule taint, 2 if a NoSchedule or NoExecute one (both may be set). */
  taintBits: Uint8Array<ArrayBuffer>;
  /** Per node: 1 once it is removed (Node.removedAt set), so scans need not read the node's object. */
  removed: Uint8Array<ArrayBuffer>;
  /** Nodes whose resources changed, for the free-resource index (FreeIndex); one object for the cluster's life. */
  changes: NodeChanges;
}

/** The labels every node of a pool carries (kubelet and cloud provider labels, plus the pool's own). */
export function poolLabels(p: { name: string; instanceType: string; labels: Labels }, zone: string, nodeName: string): Map<string, string> {
  return new Map([
    ['kubernetes.io/os', 'linux'],
    ['kubernetes.io/arch', 'amd64'],
    // The kubelet still sets the deprecated beta OS and arch labels (pkg/kubelet/kubelet_node_status.go).
    ['beta.kubernetes.io/os', 'linux'],
    ['beta.kubernetes.io/arch', 'amd64'],
    [HOSTNAME_LABEL, nodeName],
    [ZONE_LABEL, zone],
    [INSTANCE_TYPE_LABEL, p.instanceType],
    ['kubesim.io/node-pool', p.name],
    ...p.labels,
  ]);
}

export class Node {
  /** This node's allocatable resources: a view into the cluster's columns. */
  allocatable!: Float64Array;
  /** Sum of bound pods' requests, same layout as allocatable: a view into the cluster's columns. */
  requested!: Float64Array;
  private nz!: Float64Array;
  private fr!: Float64Array;
  private gen!: Uint32Array;
  private changes!: NodeChanges;
  readonly pods: Pod[] = [];
  /** spec.unschedulable (cordoned); changed only by ClusterState.setUnschedulable. */
  unschedulable = false;
  /** The Ready condition as the control plane sees it; changed only by ClusterState.setNodeReady. */
  ready = true;
  /** The machine runs (its kubelet and containers); changed only by ClusterState.setNodeHealth. */
  up = true;
  /** The kubelet's heartbeats (node lease, status) reach the control plane; changed only by setNodeHealth. */
  reachable = true;
  removedAt = -1;
  /** Images present on the node (pulled by pods that ran here). */
  readonly images = new Set<string>();

  constructor(
    readonly index: number,
    readonly name: string,
    readonly pool: string,
    readonly zone: string,
    readonly labels: Labels,
    /** spec.taints; replaced (never mutated) only by ClusterState's taint operations. */
    public taints: readonly Taint[],
    columns: ResourceColumns,
    readonly pricePerHour: number,
    readonly createdAt: number,
  ) {
    this.bind(columns);
  }

  /** Points the node's views at (new) columns; the cluster calls it when it grows them. */
  bind(c: ResourceColumns): void {
    const at = this.index * c.stride;
    this.allocatable = c.alloc.subarray(at, at + c.stride);
    this.requested = c.used.subarray(at, at + c.stride);
    this.nz = c.nonZero;
    this.fr = c.free;
    this.gen = c.generation;
    this.changes = c.changes;
  }

  /** Marks the node's requested resources as changed (see ResourceColumns.generation). */
  touch(): void {
    this.gen[this.index]!++;
    this.changes.mark(this.index);
    this.refreshFree();
  }

  /** Recomputes the node's part of ResourceColumns.free from its columns. */
  refreshFree(): void {
    const a = this.allocatable;
    const u = this.requested;
    const at = this.index * FREE_STRIDE;
    this.fr[at] = a[CPU]! - u[CPU]!;
    this.fr[at + 1] = a[MEMORY]! - u[MEMORY]!;
    this.fr[at + 2] = a[PODS]! - u[PODS]!;
    this.fr[at + 3] = a[CPU]!;
    this.fr[at + 4] = a[MEMORY]!;
  }

  /** CPU requested with the scheduler's non-zero defaults (for scoring). */
  get nonZeroCpu(): number {
    return this.nz[this.index * 2]!;
  }
  set nonZeroCpu(v: number) {
    this.nz[this.index * 2] = v;
  }
  get nonZeroMemory(): number {
    return this.nz[this.index * 2 + 1]!;
  }
  set nonZeroMemory(v: number) {
    this.nz[this.index * 2 + 1] = v;
  }
}
