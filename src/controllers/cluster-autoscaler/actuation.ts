// Scale-down actuation (cluster-autoscaler 1.36, core/scaledown/actuation): a node picked for removal is tainted
// ToBeDeletedByClusterAutoscaler; an empty node is deleted --node-delete-delay-after-taint later; a non-empty one
// has its pods evicted through the eviction API (PDBs respected) with their grace capped by
// --max-graceful-termination-sec, a refused eviction retried every 10 s (actuation/drain.go
// DefaultEvictionRetryTime) until --max-pod-eviction-time, when the scale-down fails and the taint comes off;
// otherwise the node is deleted the longest grace period plus 30 s (DefaultPodEvictionHeadroom) later.
import type { Node } from '../../model/node.js';
import type { Pod } from '../../model/pod.js';
import { DEFAULT_EVICTION_RETRY_TIME_MS, DEFAULT_POD_EVICTION_HEADROOM_MS, TO_BE_DELETED_TAINT } from './defaults.js';
import type { ProvisionerDeps } from './options.js';
import { grown } from '../../model/arrays.js';

/** The object the autoscaler's status events are about (its status ConfigMap). */
export const STATUS_CONFIG_MAP = 'configmap/kube-system/cluster-autoscaler-status';

/** A node being deleted. */
export interface Deletion {
  node: Node;
  empty: boolean;
  startedAt: number;
  /** Pods whose eviction is still refused. */
  blocked: Set<Pod>;
}

export class ScaleDownActuator {
  /** Nodes being deleted. */
  readonly inFlight = new Map<Node, Deletion>();
  private readonly kEvict: number;
  private readonly kDelete: number;

  constructor(
    private readonly d: ProvisionerDeps,
    private readonly stats: { nodesRemoved: number; failedScaleDowns: number },
    /** Told when a scale-down fails (for --scale-down-delay-after-failure). */
    private readonly onFailure: (now: number) => void,
  ) {
    this.kEvict = d.sim.register('autoscaler.evict', (_i, x) => this.evictPods(x as Deletion));
    this.kDelete = d.sim.register('autoscaler.delete', (_i, x) => this.deleteNode(x as Deletion));
  }

  /** 1 by node index while the node is in inFlight (the planner asks for every node each loop: no map lookup). */
  private deletingFlag = new Uint8Array(64);

  deleting(node: Node): boolean {
    return this.deletingAt(node.index);
  }

  /** deleting() of the node at index k (no read of the node's object). */
  deletingAt(k: number): boolean {
    return this.deletingFlag[k] === 1;
  }

  /** Starts (d) or ends (null) the node's deletion in flight. */
  private track(node: Node, d: Deletion | null): void {
    this.deletingFlag = grown(this.deletingFlag, node.index);
    this.deletingFlag[node.index] = d === null ? 0 : 1;
    if (d === null) this.inFlight.delete(node);
    else this.inFlight.set(node, d);
  }

  start(node: Node, empty: boolean, utilization: number, now: number): void {
    const { cluster, recorder, sim, opts } = this.d;
    const d: Deletion = { node, empty, startedAt: now, blocked: new Set() };
    this.track(node, d);
    cluster.addTaint(node, { key: TO_BE_DELETED_TAINT, value: String(Math.floor(now / 1000)), effect: 'NoSchedule' });
    recorder.event('Normal', 'ScaleDown', node, 'marked the node as toBeDeleted/unschedulable');
    if (empty) {
      recorder.event('Normal', 'ScaleDownEmpty', STATUS_CONFIG_MAP, `Scale-down: removing empty node "${node.name}"`);
      sim.schedule(opts.nodeDeleteDelayAfterTaint, this.kDelete, 0, d);
      return;
    }
    recorder.event(
      'Normal',
      'ScaleDown',
      STATUS_CONFIG_MAP,
      `Scale-down: removing node ${node.name}, utilization: ${Math.round(utilization * 1000) / 1000}`,
    );
    this.evictPods(d);
  }

  /** actuation/drain.go: evict the node's pods; refused ones again every 10 s until --max-pod-eviction-time. */
  private evictPods(d: Deletion): void {
    if (this.inFlight.get(d.node) !== d) return;
    const { cluster, recorder, sim, opts, disruption } = this.d;
    const now = sim.now;
    const maxGrace = opts.maxGracefulTerminationSec * 1000;
    d.blocked.clear();
    let longest = 0;
    for (const pod of d.node.pods.slice()) {
      if (cluster.isDaemonSetPod(pod) || pod.terminating) continue;
      const grace = Math.min(pod.template.terminationGracePeriodMs, maxGrace);
      const r = disruption.evict(pod, grace);
      if (r.allowed) {
        recorder.event('Normal', 'ScaleDown', pod, 'deleting pod for node scale down');
        longest = Math.max(longest, grace);
      } else d.blocked.add(pod);
    }
    if (d.blocked.size > 0) {
      if (now - d.startedAt + DEFAULT_EVICTION_RETRY_TIME_MS > opts.maxPodEvictionTime) return this.fail(d);
      sim.schedule(DEFAULT_EVICTION_RETRY_TIME_MS, this.kEvict, 0, d);
      return;
    }
    // Wait for the evicted pods to go: their grace period plus the headroom at most, then the node is deleted.
    sim.schedule(longest + DEFAULT_POD_EVICTION_HEADROOM_MS, this.kDelete, 0, d);
  }

  /** The drain failed: the taint comes off and scale-down waits --scale-down-delay-after-failure. */
  private fail(d: Deletion): void {
    this.track(d.node, null);
    this.stats.failedScaleDowns++;
    this.onFailure(this.d.sim.now);
    if (d.node.removedAt < 0) this.d.cluster.removeTaint(d.node, TO_BE_DELETED_TAINT);
    const pods = [...d.blocked].map((p) => p.name).join(', ');
    this.d.recorder.event('Warning', 'ScaleDownFailed', d.node, `failed to drain the node, pods remaining after timeout: ${pods}`);
  }

  private deleteNode(d: Deletion): void {
    if (this.inFlight.get(d.node) !== d) return;
    this.track(d.node, null);
    if (d.node.removedAt >= 0) return;
    this.stats.nodesRemoved++;
    this.d.recorder.event('Normal', 'RemovingNode', d.node, `Node ${d.node.name} event: Removing Node ${d.node.name} from Controller`);
    this.d.cluster.removeNode(d.node);
  }
}
