// Nodes. Allocated resources are kept incrementally on bind and unbind (DESIGN rule 3).
import type { Pod } from './pod.js';
import type { Labels, Taint } from './selectors.js';

export const ZONE_LABEL = 'topology.kubernetes.io/zone';
export const HOSTNAME_LABEL = 'kubernetes.io/hostname';
export const INSTANCE_TYPE_LABEL = 'node.kubernetes.io/instance-type';

export class Node {
  /** Sum of bound pods' requests, same layout as allocatable. */
  readonly requested: Float64Array;
  /** CPU and memory requested with the scheduler's non-zero defaults, for scoring. */
  nonZeroCpu = 0;
  nonZeroMemory = 0;
  readonly pods: Pod[] = [];
  unschedulable = false;
  ready = true;
  removedAt = -1;
  /** Images present on the node (pulled by pods that ran here). */
  readonly images = new Set<string>();

  constructor(
    readonly index: number,
    readonly name: string,
    readonly pool: string,
    readonly zone: string,
    readonly labels: Labels,
    readonly taints: readonly Taint[],
    readonly allocatable: Float64Array,
    readonly pricePerHour: number,
    readonly createdAt: number,
  ) {
    this.requested = new Float64Array(allocatable.length);
  }
}
