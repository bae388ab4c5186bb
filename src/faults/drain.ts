// Planned maintenance: `kubectl drain` one node at a time (staging/src/k8s.io/kubectl/pkg/drain/drain.go,
// v1.36): cordon the node, evict every pod on it through the eviction API except DaemonSet pods
// (--ignore-daemonsets; pods without a controller are evicted as with --force), all at once, retrying
// an eviction the API refuses every 5 s, and wait for each pod's deletion, polled every second. Once
// the node is empty it goes down for the maintenance window; when it is back it is uncordoned and the
// next node is drained. Without a window the drained nodes stay cordoned, as kubectl leaves them.
import type { Simulation } from '../engine/simulation.js';
import type { ClusterState } from '../model/cluster-state.js';
import type { ClusterEvent } from '../model/events.js';
import type { Node } from '../model/node.js';
import type { Pod } from '../model/pod.js';
import type { EventRecorder } from '../metrics/collectors/events.js';
import type { DisruptionController } from '../controllers/disruption/controller.js';

/** drain.go evictPods: "will retry after 5s" when the eviction API answers 429. */
export const DRAIN_EVICTION_RETRY_MS = 5_000;
/** drain.go waitForDelete polls every second (Helper's default interval). */
export const DRAIN_POLL_INTERVAL_MS = 1_000;

interface Drain {
  nodes: Node[];
  next: number;
  forMs: number | null;
  node: Node | null;
  /** Pods evicted and not yet seen gone, with when the eviction was approved. */
  waiting: Map<Pod, number>;
  /** Pods whose eviction was refused and will be retried (one EvictionBlocked event each). */
  blocked: Set<Pod>;
  /** When the last pod's deletion is observed by the poll. */
  doneAt: number;
}

export class Maintenance {
  private readonly kEvict: number;
  private readonly kDrained: number;
  private readonly kBack: number;
  private readonly drains: Drain[] = [];

  constructor(
    private readonly sim: Simulation,
    private readonly cluster: ClusterState,
    private readonly disruption: DisruptionController,
    private readonly recorder: EventRecorder | null,
    /** Takes a node down (+1) or brings it back (-1) for the window, as a fault does. */
    private readonly hold: (node: Node, d: 1 | -1) => void,
  ) {
    this.kEvict = sim.register('drain.evict', (i, p) => this.tryEvict(this.drains[i]!, p as Pod));
    this.kDrained = sim.register('drain.drained', (i) => this.drained(this.drains[i]!));
    this.kBack = sim.register('drain.back', (i) => this.back(this.drains[i]!));
    cluster.watch('drain', (ev) => this.on(ev));
  }

  /** Drains the nodes one after another, each down for forMs once empty (null: left cordoned). */
  start(nodes: Node[], forMs: number | null): void {
    const d: Drain = { nodes, next: 0, forMs, node: null, waiting: new Map(), blocked: new Set(), doneAt: 0 };
    this.drains.push(d);
    this.drainNext(d, this.drains.length - 1);
  }

  private index(d: Drain): number {
    return this.drains.indexOf(d);
  }

  private drainNext(d: Drain, i = this.index(d)): void {
    d.node = null;
    while (d.next < d.nodes.length) {
      const node = d.nodes[d.next++]!;
      if (node.removedAt >= 0) continue;
      d.node = node;
      break;
    }
    const node = d.node;
    if (!node) return;
    this.cluster.setUnschedulable(node, true);
    this.recorder?.event('Normal', 'NodeNotSchedulable', node, `Node ${node.name} status is now: NodeNotSchedulable`);
    d.doneAt = this.sim.now;
    d.blocked.clear();
    const pods = node.pods.filter((p) => !this.cluster.isDaemonSetPod(p));
    for (const p of pods) this.tryEvict(d, p, i);
    this.checkDone(d, i);
  }

  private tryEvict(d: Drain, pod: Pod, i = this.index(d)): void {
    if (pod.node !== d.node || !this.cluster.livePods.has(pod.id)) {
      // Gone meanwhile (or a retry left over from an earlier node).
      if (d.blocked.delete(pod)) this.checkDone(d, i);
      return;
    }
    const r = this.disruption.evict(pod);
    if (r.allowed) {
      d.blocked.delete(pod);
      d.waiting.set(pod, this.sim.now);
      return;
    }
    if (!d.blocked.has(pod)) {
      d.blocked.add(pod);
      this.recorder?.event(
        'Warning',
        'EvictionBlocked',
        pod,
        `Cannot evict pod as it would violate the pod's disruption budget (${r.reason}); will retry after 5s`,
      );
    }
    this.sim.schedule(DRAIN_EVICTION_RETRY_MS, this.kEvict, i, pod);
  }

  private on(ev: ClusterEvent): void {
    if (ev.type !== 'PodDeleted' && ev.type !== 'PodFinished') return;
    for (let i = 0; i < this.drains.length; i++) {
      const d = this.drains[i]!;
      const since = d.waiting.get(ev.pod);
      if (since === undefined) continue;
      d.waiting.delete(ev.pod);
      // The poll that sees the pod gone: right away, then every second from the eviction.
      const seen = since + Math.ceil((this.sim.now - since) / DRAIN_POLL_INTERVAL_MS) * DRAIN_POLL_INTERVAL_MS;
      d.doneAt = Math.max(d.doneAt, seen);
      this.checkDone(d, i);
    }
  }

  private checkDone(d: Drain, i: number): void {
    if (!d.node || d.waiting.size > 0 || d.blocked.size > 0) return;
    d.node = null;
    this.sim.scheduleAt(Math.max(this.sim.now, d.doneAt), this.kDrained, i);
  }

  private drained(d: Drain): void {
    const node = d.nodes[d.next - 1]!;
    this.recorder?.event('Normal', 'NodeDrained', node, `Node ${node.name} drained${d.forMs !== null ? '; down for maintenance' : ''}`);
    if (d.forMs === null || node.removedAt >= 0) return this.drainNext(d);
    this.hold(node, 1);
    this.sim.schedule(d.forMs, this.kBack, this.index(d));
  }

  private back(d: Drain): void {
    const node = d.nodes[d.next - 1]!;
    if (node.removedAt < 0) {
      this.hold(node, -1);
      this.cluster.setUnschedulable(node, false);
      this.recorder?.event('Normal', 'NodeSchedulable', node, `Node ${node.name} status is now: NodeSchedulable`);
    }
    this.drainNext(d);
  }
}
