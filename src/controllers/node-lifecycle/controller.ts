// The node lifecycle controller (pkg/controller/nodelifecycle/node_lifecycle_controller.go), as far as
// heartbeats go: a node whose kubelet stops renewing its lease turns Ready=Unknown on the first monitor
// pass (every 5 s) more than node-monitor-grace-period (50 s) after its last renewal; it then gets the
// unreachable NoSchedule taint at once, its pods lose their Ready condition (MarkPodsNotReady), and it
// gets the unreachable NoExecute taint through its zone's rate limiter (0.1 node/s, less or none in a
// zone in partial disruption, none while every zone is fully disrupted). When its kubelet reports again,
// the next monitor pass sees it Ready and the taints go. A pod that turns Ready on a node that is not
// Ready is marked not ready again (processPod). The taint eviction controller does the rest.
import type { Simulation } from '../../engine/simulation.js';
import type { ClusterState } from '../../model/cluster-state.js';
import type { ClusterEvent } from '../../model/events.js';
import type { Node } from '../../model/node.js';
import type { Pod } from '../../model/pod.js';
import type { EventRecorder } from '../../metrics/collectors/events.js';
import {
  DEFAULT_NODE_LIFECYCLE_CONFIG,
  handleDisruption,
  isNodeExcludedFromDisruptionChecks,
  NODE_EVICTION_PERIOD_MS,
  NODE_MONITOR_GRACE_PERIOD_MS,
  NODE_MONITOR_PERIOD_MS,
  TAINT_NODE_UNREACHABLE,
  UNREACHABLE_TAINT_TEMPLATE,
  type ConditionStatus,
  type ZoneState,
} from './rules.js';

/**
 * The kubelet renews its node lease every nodeLeaseDurationSeconds (40) × nodeLeaseRenewIntervalFraction
 * (0.25) = 10 s (pkg/kubelet/kubelet.go), counted here from the node's creation.
 */
export const NODE_LEASE_RENEW_INTERVAL_MS = 10_000;
/** The kubelet posts node status every nodeStatusUpdateFrequency (10 s) when it has news. */
export const NODE_STATUS_UPDATE_FREQUENCY_MS = 10_000;

/** The first multiple of `period` strictly after `t`. */
const tickAfter = (t: number, period: number) => Math.floor(t / period) * period + period;

interface ZoneQueue {
  /** Nodes waiting for their NoExecute taint, in the order they turned Unknown. */
  pending: Node[];
  /** Nodes per second; 0 stops tainting. */
  qps: number;
  lastTaintAt: number;
  /** The scheduled tainting pass, if any. */
  timer: boolean;
}

export class NodeLifecycleController {
  private readonly kUnknown: number;
  private readonly kReady: number;
  private readonly kTaint: number;
  private readonly kProcessPod: number;
  /** Per node index: a token that voids timers of an earlier heartbeat change. */
  private readonly token = new Map<number, number>();
  /** Nodes this controller has marked Ready=Unknown. */
  private readonly unknown = new Set<Node>();
  private zoneStates = new Map<string, ZoneState>();
  private readonly zones = new Map<string, ZoneQueue>();

  constructor(
    private readonly sim: Simulation,
    private readonly cluster: ClusterState,
    private readonly recorder: EventRecorder | null,
    private readonly gracePeriodMs = NODE_MONITOR_GRACE_PERIOD_MS,
  ) {
    this.kUnknown = sim.register('nodelifecycle.unknown', (tok, n) => this.markUnknown(n as Node, tok));
    this.kReady = sim.register('nodelifecycle.ready', (tok, n) => this.markReady(n as Node, tok));
    this.kTaint = sim.register('nodelifecycle.taint', (_a, z) => this.taintNext(z as string));
    this.kProcessPod = sim.register('nodelifecycle.processpod', (_a, p) => {
      const pod = p as Pod;
      if (pod.ready && pod.node && this.unknown.has(pod.node)) this.cluster.setPodReady(pod, false);
    });
    cluster.watch('node-lifecycle', (ev) => this.on(ev));
  }

  private on(ev: ClusterEvent): void {
    if (ev.type === 'NodeAdded' || ev.type === 'NodeRemoved') {
      this.observed = null;
      return;
    }
    if (ev.type === 'PodReadyChanged' || ev.type === 'PodBound') {
      // processPod: a pod that turns Ready (or lands) on a node that is not Ready is marked not ready again.
      if (ev.pod.ready && this.unknown.has(ev.node)) this.sim.schedule(0, this.kProcessPod, 0, ev.pod);
      return;
    }
    if (ev.type !== 'NodeHealthChanged') return;
    const node = ev.node;
    const tok = (this.token.get(node.index) ?? 0) + 1;
    this.token.set(node.index, tok);
    if (!node.reachable) {
      // The last renewal before the heartbeats stopped; the first monitor pass after it plus the grace period.
      const since = this.sim.now - node.createdAt;
      const lastRenew = node.createdAt + Math.floor(since / NODE_LEASE_RENEW_INTERVAL_MS) * NODE_LEASE_RENEW_INTERVAL_MS;
      this.sim.scheduleAt(tickAfter(lastRenew + this.gracePeriodMs, NODE_MONITOR_PERIOD_MS), this.kUnknown, tok, node);
    } else if (this.unknown.has(node)) {
      // The kubelet posts Ready at its next status update; the next monitor pass takes it.
      const since = this.sim.now - node.createdAt;
      const post = node.createdAt + Math.ceil(since / NODE_STATUS_UPDATE_FREQUENCY_MS) * NODE_STATUS_UPDATE_FREQUENCY_MS;
      this.sim.scheduleAt(tickAfter(post - 1, NODE_MONITOR_PERIOD_MS), this.kReady, tok, node);
    }
  }

  private markUnknown(node: Node, tok: number): void {
    if (this.token.get(node.index) !== tok || node.removedAt >= 0 || this.unknown.has(node)) return;
    this.unknown.add(node);
    this.cluster.setNodeReady(node, false);
    this.recorder?.event(
      'Normal',
      'NodeNotReady',
      node,
      `Node ${node.name} status is now: NodeNotReady (Ready=Unknown: kubelet stopped posting node status)`,
    );
    // doNoScheduleTaintingPass.
    this.cluster.addTaint(node, { key: TAINT_NODE_UNREACHABLE, value: '', effect: 'NoSchedule' });
    // MarkPodsNotReady (pkg/controller/util/node/controller_utils.go).
    for (const p of node.pods.slice()) if (p.ready) this.cluster.setPodReady(p, false);
    const z = this.zone(node.zone);
    z.pending.push(node);
    this.updateZones(node);
    this.pump(node.zone);
  }

  private markReady(node: Node, tok: number): void {
    if (this.token.get(node.index) !== tok || node.removedAt >= 0 || !this.unknown.has(node)) return;
    this.unknown.delete(node);
    this.cluster.setNodeReady(node, true);
    this.recorder?.event('Normal', 'NodeReady', node, `Node ${node.name} status is now: NodeReady`);
    const z = this.zone(node.zone);
    z.pending = z.pending.filter((n) => n !== node);
    this.cluster.removeTaint(node, TAINT_NODE_UNREACHABLE);
    this.updateZones(node);
  }

  private zone(name: string): ZoneQueue {
    let z = this.zones.get(name);
    if (!z)
      this.zones.set(
        name,
        (z = { pending: [], qps: DEFAULT_NODE_LIFECYCLE_CONFIG.evictionLimiterQPS, lastTaintAt: -Infinity, timer: false }),
      );
    return z;
  }

  /** Every zone's Ready conditions, one slot per node; rebuilt when nodes come or go. */
  private observed: Map<string, ConditionStatus[]> | null = null;
  /** By node index: 1 + the node's slot in its zone's list (0: not listed). */
  private slot = new Int32Array(0);

  private conditions(): Map<string, ConditionStatus[]> {
    if (this.observed) return this.observed;
    const observed = new Map<string, ConditionStatus[]>();
    const nodes = this.cluster.nodes;
    if (this.slot.length < nodes.length) this.slot = new Int32Array(nodes.length * 2);
    else this.slot.fill(0);
    for (const n of nodes) {
      if (n.removedAt >= 0 || isNodeExcludedFromDisruptionChecks(n.labels)) continue;
      let list = observed.get(n.zone);
      if (!list) observed.set(n.zone, (list = []));
      this.slot[n.index] = list.length + 1;
      list.push(this.unknown.has(n) ? 'Unknown' : 'True');
    }
    return (this.observed = observed);
  }

  /** handleDisruption over every zone's Ready conditions, after a change of the node's. */
  private updateZones(node: Node): void {
    const observed = this.conditions();
    const i = node.index < this.slot.length ? this.slot[node.index]! - 1 : -1;
    if (i >= 0) observed.get(node.zone)![i] = this.unknown.has(node) ? 'Unknown' : 'True';
    // Zones seen for the first time start Normal here: the controller has watched them since the start.
    const previous = new Map([...observed.keys()].map((z) => [z, this.zoneStates.get(z) ?? 'Normal'] as const));
    const r = handleDisruption(previous, observed);
    this.zoneStates = r.zoneStates;
    for (const [zone, qps] of r.limiterQPS) {
      const z = this.zone(zone);
      const was = z.qps;
      z.qps = qps;
      if (qps !== was)
        this.recorder?.event(
          'Normal',
          'ZoneStateChanged',
          `zone/${zone}`,
          `zone is now ${r.zoneStates.get(zone)}; taint rate ${qps} node(s)/s`,
        );
      if (qps > 0 && was === 0) this.pump(zone);
    }
    if (r.markAllNodesReachable) {
      // Every zone is down: the controller doubts its own view, stops evicting and lifts the taints.
      this.recorder?.event(
        'Warning',
        'MasterDisruption',
        'cluster',
        'every zone is fully disrupted: evictions stop and NoExecute taints are removed',
      );
      for (const n of this.unknown) this.cluster.removeTaint(n, TAINT_NODE_UNREACHABLE, 'NoExecute');
      for (const [name, q] of this.zones) q.pending = [...this.unknown].filter((n) => n.zone === name);
    }
  }

  /** Schedules the zone's next tainting pass: at once if the bucket has a token, else when it has one. */
  private pump(zone: string): void {
    const z = this.zone(zone);
    if (z.timer || z.pending.length === 0 || z.qps <= 0) return;
    const next = Math.max(this.sim.now, z.lastTaintAt + 1000 / z.qps);
    // The tainting worker runs every NodeEvictionPeriod (100 ms).
    const at = Math.ceil(next / NODE_EVICTION_PERIOD_MS) * NODE_EVICTION_PERIOD_MS;
    z.timer = true;
    this.sim.scheduleAt(at, this.kTaint, 0, zone);
  }

  private taintNext(zone: string): void {
    const z = this.zone(zone);
    z.timer = false;
    if (z.qps <= 0) return;
    const node = z.pending.shift();
    if (!node) return;
    if (this.unknown.has(node) && node.removedAt < 0) {
      this.cluster.addTaint(node, UNREACHABLE_TAINT_TEMPLATE);
      this.recorder?.event('Normal', 'TaintAdded', node, `${TAINT_NODE_UNREACHABLE}:NoExecute`);
      z.lastTaintAt = this.sim.now;
    }
    this.pump(zone);
  }
}
