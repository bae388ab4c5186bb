// The scheduler's filters asked outside a scheduling cycle, in a cycle state of their own: would a pod fit this
// node as the cluster is now (preemption, with victims assumed gone; the cluster autoscaler, on a hypothetical
// node), and which of these nodes is the first to take it (the autoscaler's FitsAnyNodeMatching). Pods nominated
// to a node count as they do in a cycle (schedule_one.go RunFilterPluginsWithNominatedPods).
import type { ClusterState } from '../model/cluster-state.js';
import type { Node } from '../model/node.js';
import type { Pod } from '../model/pod.js';
import { Code, CycleState, type Plugin, type Status } from './framework.js';
import type { Nominator } from './nominator.js';

export class FilterChecks {
  private readonly state = new CycleState();
  private readonly active: Plugin[] = [];
  private activeCount = 0;

  constructor(
    private readonly filters: readonly Plugin[],
    private readonly cluster: ClusterState,
    private readonly nominator: Nominator,
  ) {}

  /**
   * Would the pod pass every filter on the node as the cluster is now? PreFilter runs again, in a state
   * of its own, so what-if changes made since the cycle began are seen (upstream updates its cycle state
   * with the PreFilter extensions' AddPod / RemovePod): preemption asks with victims assumed gone
   * (ClusterState.assumePodRemoved), a cluster autoscaler about a hypothetical node. Pods nominated to the
   * node count as in Scheduler.runFilters. Does not disturb the current cycle's state.
   */
  checkNode(pod: Pod, node: Node): Status | null {
    const blocking = this.nominator.size === 0 ? null : this.nominator.blocking(node, pod);
    return blocking ? this.withNominated(pod, node, blocking) : this.preFilterAndFilter(pod, node);
  }

  /**
   * The first of `nodes`, from position `start` round and round, on which the pod passes every filter as the
   * cluster is now (checkNode's answer), skipping those `skip` refuses; its position, or -1. PreFilter runs once
   * for the pod, not once per node, unless pods are nominated to a node (then that node is checked as
   * checkNode does). The cluster autoscaler's simulator asks this (predicatechecker FitsAnyNodeMatching).
   */
  findFit(pod: Pod, nodes: readonly Node[], start: number, skip: ((n: Node) => boolean) | null): number {
    const n = nodes.length;
    if (n === 0) return -1;
    const state = this.state;
    const pre = this.preFilter(pod);
    if (pre !== null) return -1;
    const filters = this.filters;
    const filtersActive = this.active.slice(0, this.activeCount);
    for (let k = 0; k < n; k++) {
      const at = (start + k) % n;
      const node = nodes[at]!;
      if (node.removedAt >= 0 || (skip !== null && skip(node))) continue;
      const blocking = this.nominator.size === 0 ? null : this.nominator.blocking(node, pod);
      if (blocking) {
        if (this.withNominated(pod, node, blocking) === null) return at;
        // withNominated ran PreFilter in the same state: run it again for the nodes after this one.
        state.reset();
        for (const p of filters) if (p.preFilter) p.preFilter(state, pod);
        continue;
      }
      let ok = true;
      for (let i = 0; i < filtersActive.length; i++) {
        if (filtersActive[i]!.filter!(state, pod, node) !== null) {
          ok = false;
          break;
        }
      }
      if (ok) return at;
    }
    return -1;
  }

  /** The nominated pods are assumed on the node for the check, then the state is reverted. */
  withNominated(pod: Pod, node: Node, nominated: readonly Pod[]): Status | null {
    const mark = this.cluster.fork();
    try {
      for (const p of nominated) this.cluster.assumePodBound(p, node);
      return this.preFilterAndFilter(pod, node);
    } finally {
      this.cluster.revert(mark);
    }
  }

  /** PreFilter in this state: the rejection (for every node), or null with the filters to run in `active`. */
  private preFilter(pod: Pod): Status | null {
    const state = this.state;
    state.reset();
    const filters = this.filters;
    const active = this.active;
    let na = 0;
    for (let i = 0; i < filters.length; i++) {
      const p = filters[i]!;
      const st = p.preFilter ? p.preFilter(state, pod) : null;
      if (st !== null && st.code !== Code.Skip) return st;
      if (st === null && p.filter) active[na++] = p;
    }
    this.activeCount = na;
    return null;
  }

  /** PreFilter then Filter for one node, in this state (a PreFilter rejection is the answer for every node). */
  private preFilterAndFilter(pod: Pod, node: Node): Status | null {
    const pre = this.preFilter(pod);
    if (pre !== null) return pre;
    const state = this.state;
    const active = this.active;
    const na = this.activeCount;
    for (let i = 0; i < na; i++) {
      const st = active[i]!.filter!(state, pod, node);
      if (st !== null) return st;
    }
    return null;
  }
}
