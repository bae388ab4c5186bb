// A Karpenter-style provisioner (kubernetes-sigs/karpenter v1), to compare with the cluster autoscaler on the same
// seed. The pools with maxCount are the instance types its NodePool may launch (maxCount caps each).
//
// Provisioning (provisioning/provisioner.go, scheduling/scheduler.go): pending pods are batched (a batch closes
// after 1 s without a new pending pod, or 10 s after it opened); the batch's pods are placed, in a what-if, on the
// nodes that exist and on those being launched, and the rest packed into new NodeClaims (calc.ts
// packNodeClaims), each launched as the cheapest instance type that holds its pods. A node is Ready after the
// provisioning time.
//
// Disruption (disruption/controller.go, every 10 s while nothing is pending or launching): empty nodes are
// deleted (emptiness), then, with consolidationPolicy WhenEmptyOrUnderutilized, one node at a time is deleted
// when its pods fit on the other nodes, or replaced when they fit on one new node of a cheaper type
// (single-node consolidation, candidates by fewest pods first). A node is a candidate once no pod has arrived or
// left for consolidateAfter, unless a pod has karpenter.sh/do-not-disrupt: "true", a PDB allows it no eviction,
// or it has no controller. At most the disruption budget's share of the nodes (rounded up) is disrupted at once.
// Disrupting a node: taint karpenter.sh/disrupted:NoSchedule, evict its pods through the eviction API (a refused
// eviction retried every 10 s), and delete the node once they are gone; a replacement is launched first and the
// old node drained once it is Ready.
import { Provisioner } from '../cluster-autoscaler/provisioner.js';
import { sample } from '../../engine/distributions.js';
import type { Rng } from '../../engine/rng.js';
import type { Node } from '../../model/node.js';
import type { Pod } from '../../model/pod.js';
import type { NodePoolSpec } from '../../scenario/types.js';
import type { ProvisionerDeps, ProvisionerFigures } from '../cluster-autoscaler/options.js';
import { addTemplateNode, templateAllocatable } from '../cluster-autoscaler/template.js';
import { matchingPdbs } from '../cluster-autoscaler/drain.js';
import { pdbViews } from '../cluster-autoscaler/views.js';
import {
  byCPUAndMemoryDescending,
  cheapestInstanceType,
  computeConsolidation,
  packNodeClaims,
  type InstanceTypeView,
  type KarpenterPodView,
} from './calc.js';

/** provisioning/batcher.go: --batch-idle-duration and --batch-max-duration. */
export const BATCH_IDLE_DURATION_MS = 1_000;
export const BATCH_MAX_DURATION_MS = 10_000;
/** disruption/controller.go pollingPeriod. */
export const DISRUPTION_POLLING_PERIOD_MS = 10_000;
/** The taint on a node being disrupted (v1 karpenter.sh/disrupted:NoSchedule). */
export const DISRUPTED_TAINT = 'karpenter.sh/disrupted';
/** The pod annotation that keeps its node from voluntary disruption. */
export const DO_NOT_DISRUPT = 'karpenter.sh/do-not-disrupt';
const EVICTION_RETRY_MS = 10_000;

interface Launch {
  pool: NodePoolSpec;
  index: number;
  /** The node this launch replaces (drained once the new one is Ready). */
  replaces: Node | null;
}

interface PodPlan extends KarpenterPodView {
  pod: Pod;
}

export class KarpenterController extends Provisioner {
  readonly stats = { provisionings: 0, launched: 0, registered: 0, removed: 0, deleted: 0, replaced: 0, emptyDeleted: 0 };
  private readonly pools: NodePoolSpec[];
  private readonly nextIndex = new Map<string, number>();
  private readonly launches = new Set<Launch>();
  /** Nodes being disrupted: waiting for a replacement, or draining. */
  private readonly disrupting = new Set<Node>();
  private readonly draining = new Set<Node>();
  /** Per node: the last time a pod arrived on it or left it (consolidateAfter). */
  private readonly lastPodEvent = new Map<Node, number>();
  private batchStart = -1;
  private batchLast = -1;
  private batchSize = 0;
  private readonly rng: Rng;
  private readonly kBatch: number;
  private readonly kDisrupt: number;
  private readonly kReady: number;
  private readonly kEvict: number;
  private readonly kRemove: number;

  constructor(d: ProvisionerDeps) {
    super(d);
    const sim = d.sim;
    this.pools = d.pools.filter((p) => p.maxCount !== null);
    for (const p of this.pools) this.nextIndex.set(p.name, p.count);
    this.rng = sim.rng('karpenter.provisioning');
    this.kBatch = sim.register('karpenter.batch', () => this.batch());
    this.kDisrupt = sim.register('karpenter.disrupt', () => this.disrupt());
    this.kReady = sim.register('karpenter.ready', (_a, l) => this.ready(l as Launch));
    this.kEvict = sim.register('karpenter.evict', (_a, n) => this.evictAll(n as Node));
    this.kRemove = sim.register('karpenter.remove', (_a, n) => this.remove(n as Node));
    const touch = (node: Node | null | undefined) => {
      if (node) this.lastPodEvent.set(node, this.sim.now);
    };
    d.cluster.watch('autoscaler', {
      PodBound: (ev) => touch(ev.node),
      PodFinished: (ev) => {
        touch(ev.node);
        this.checkDrained(ev.node);
      },
      PodDeleted: (ev) => {
        touch(ev.node);
        this.checkDrained(ev.node);
      },
      NodeRemoved: (ev) => {
        this.lastPodEvent.delete(ev.node!);
        this.disrupting.delete(ev.node!);
        this.draining.delete(ev.node!);
      },
    });
    sim.schedule(BATCH_IDLE_DURATION_MS, this.kBatch);
    sim.schedule(DISRUPTION_POLLING_PERIOD_MS, this.kDisrupt);
  }

  override figures(): ProvisionerFigures {
    const s = this.stats;
    return {
      autoscaler_scale_ups: s.provisionings,
      autoscaler_nodes_added: s.registered,
      autoscaler_nodes_removed: s.removed,
      autoscaler_failed_nodes: 0,
    };
  }

  private managed(node: Node): boolean {
    return node.removedAt < 0 && this.pools.some((p) => p.name === node.pool);
  }

  private count(pool: NodePoolSpec): number {
    let n = 0;
    for (const node of this.cluster.nodes) if (node.removedAt < 0 && node.pool === pool.name) n++;
    for (const l of this.launches) if (l.pool === pool) n++;
    return n;
  }

  // --- Provisioning ---

  private batch(): void {
    const now = this.sim.now;
    // utils/pod IsProvisionable: failed to schedule, not preempting, not owned by a DaemonSet.
    const pods = this.pendingPods().filter((p) => !this.cluster.isDaemonSetPod(p));
    if (pods.length === 0) this.batchStart = -1;
    else {
      if (this.batchStart < 0 || pods.length > this.batchSize) {
        if (this.batchStart < 0) this.batchStart = now;
        this.batchLast = now;
      }
      this.batchSize = pods.length;
      if (now - this.batchLast >= BATCH_IDLE_DURATION_MS || now - this.batchStart >= BATCH_MAX_DURATION_MS) {
        this.batchStart = -1;
        this.provision(pods);
      }
    }
    this.sim.schedule(BATCH_IDLE_DURATION_MS, this.kBatch);
  }

  /** The instance types (pools) with their allocatable after DaemonSets, and their prices. */
  private instanceTypes(): Map<NodePoolSpec, InstanceTypeView> {
    const out = new Map<NodePoolSpec, InstanceTypeView>();
    for (const p of this.pools) {
      const index = this.nextIndex.get(p.name)!;
      const zone = p.zones[index % p.zones.length]!;
      out.set(p, { name: p.name, allocatable: templateAllocatable(this.cluster, p, `${p.name}-${index}`, zone), price: p.pricePerHour });
    }
    return out;
  }

  /** Per pod (by workload and template): the instance types with room whose empty template node passes its filters. */
  private compatibility(types: Map<NodePoolSpec, InstanceTypeView>): (pod: PodPlan) => InstanceTypeView[] {
    const cache = new Map<string, InstanceTypeView[]>();
    return (plan) => {
      const pod = plan.pod;
      const key = this.equivalenceKey(pod);
      let list = cache.get(key);
      if (!list) {
        list = [];
        for (const [pool, t] of types) {
          if (this.count(pool) >= pool.maxCount!) continue;
          const mark = this.cluster.fork();
          try {
            const node = addTemplateNode(this.cluster, pool, this.nextIndex.get(pool.name)!);
            if (this.scheduler.checkNode(pod, node) === null) list.push(t);
          } finally {
            this.cluster.revert(mark);
          }
        }
        cache.set(key, list);
      }
      return list;
    };
  }

  /** Places the pods on existing and launching nodes (what-if), largest first; returns those left, as plans. */
  private leftOver(pods: readonly Pod[], skip: ((n: Node) => boolean) | null): PodPlan[] {
    const cluster = this.cluster;
    const left: PodPlan[] = [];
    const sorted = pods
      .map((pod, i) => ({ p: { pod, requests: pod.requests }, i }))
      .sort((a, b) => byCPUAndMemoryDescending(a.p, b.p) || a.i - b.i)
      .map((x) => x.p);
    for (const plan of sorted) {
      const nodes = cluster.nodes;
      const at = this.scheduler.findFit(plan.pod, nodes, 0, skip);
      if (at >= 0) cluster.assumePodBound(plan.pod, nodes[at]!);
      else left.push(plan);
    }
    return left;
  }

  private provision(pods: readonly Pod[]): void {
    const cluster = this.cluster;
    const types = this.instanceTypes();
    const byType = new Map([...types].map(([p, t]) => [t, p]));
    const mark = cluster.fork();
    let claims;
    try {
      for (const l of this.launches) addTemplateNode(cluster, l.pool, l.index);
      const left = this.leftOver(pods, (n) => this.draining.has(n) || this.disrupting.has(n));
      if (left.length === 0) return;
      ({ claims } = packNodeClaims(left, this.compatibility(types)));
    } finally {
      cluster.revert(mark);
    }
    let launched = 0;
    for (const c of claims) {
      const roomy = c.instanceTypes.filter((t) => this.count(byType.get(t)!) < byType.get(t)!.maxCount!);
      const t = cheapestInstanceType(roomy);
      if (!t) continue;
      const pool = byType.get(t)!;
      const l = this.launch(pool, null);
      launched++;
      this.recorder.event(
        'Normal',
        'Launched',
        `nodeclaim/${pool.name}-${l.index}`,
        `launching a ${pool.instanceType} node (${pool.name}, ${pool.pricePerHour}/h) for ${c.pods.length} pod(s), the cheapest of ${c.instanceTypes.length} fitting type(s)`,
      );
      for (const p of c.pods)
        this.recorder.event('Normal', 'Nominated', p.pod, `Pod should schedule on: nodeclaim/${pool.name}-${l.index}`);
    }
    if (launched > 0) this.stats.provisionings++;
  }

  private launch(pool: NodePoolSpec, replaces: Node | null): Launch {
    const index = this.nextIndex.get(pool.name)!;
    this.nextIndex.set(pool.name, index + 1);
    const l: Launch = { pool, index, replaces };
    this.launches.add(l);
    this.stats.launched++;
    this.sim.schedule(Math.max(0, Math.round(sample(this.opts.provisioning, this.rng))), this.kReady, 0, l);
    return l;
  }

  private ready(l: Launch): void {
    this.launches.delete(l);
    const node = this.createNode(l.pool, l.index);
    this.stats.registered++;
    this.recorder.event('Normal', 'RegisteredNode', node, `Node ${node.name} event: Registered Node ${node.name} in Controller`);
    if (l.replaces && l.replaces.removedAt < 0) this.drain(l.replaces);
  }

  // --- Disruption ---

  private budget(): number {
    let nodes = 0;
    for (const n of this.cluster.nodes) if (this.managed(n)) nodes++;
    return Math.ceil(this.opts.disruptionBudget * nodes) - this.disrupting.size;
  }

  /** The node's pods that would move (not DaemonSet pods), or null when one of them blocks its disruption. */
  private movable(node: Node): Pod[] | null {
    const pdbs = pdbViews(this.cluster);
    const out: Pod[] = [];
    for (const p of node.pods) {
      if (this.cluster.isDaemonSetPod(p) || p.terminating) continue;
      if (p.template.autoscalerAnnotations?.[DO_NOT_DISRUPT] === 'true') return null;
      if (p.workload < 0) return null;
      const view = { name: p.name, namespace: p.namespace, labels: p.labels };
      if (matchingPdbs(view, pdbs).some((b) => b.disruptionsAllowed < 1)) return null;
      out.push(p);
    }
    return out;
  }

  private disrupt(): void {
    this.sim.schedule(DISRUPTION_POLLING_PERIOD_MS, this.kDisrupt);
    if (this.launches.size > 0 || this.pendingPods().length > 0) return;
    const now = this.sim.now;
    const candidates: { node: Node; pods: Pod[] }[] = [];
    for (const node of this.cluster.nodes) {
      if (!this.managed(node) || !node.ready || this.disrupting.has(node)) continue;
      if (now - (this.lastPodEvent.get(node) ?? node.createdAt) < this.opts.consolidateAfter) continue;
      const pods = this.movable(node);
      if (pods) candidates.push({ node, pods });
    }
    let budget = this.budget();
    // Emptiness.
    for (const c of candidates) {
      if (budget <= 0) return;
      if (c.pods.length > 0) continue;
      this.stats.emptyDeleted++;
      this.recorder.event('Normal', 'DisruptionTerminating', c.node, 'Disrupting Node: Empty');
      this.drain(c.node);
      budget--;
    }
    if (budget <= 0 || this.opts.consolidationPolicy !== 'WhenEmptyOrUnderutilized') return;
    // Single-node consolidation: fewest pods first.
    const ordered = candidates
      .filter((c) => c.pods.length > 0 && !this.disrupting.has(c.node))
      .sort((a, b) => a.pods.length - b.pods.length);
    const types = this.instanceTypes();
    const byType = new Map([...types].map(([p, t]) => [t, p]));
    for (const c of ordered) {
      const decision = this.simulateRemoval(c.node, c.pods, types);
      if (decision.action === 'none') continue;
      if (decision.action === 'delete') {
        this.stats.deleted++;
        this.recorder.event('Normal', 'DisruptionTerminating', c.node, 'Disrupting Node: Underutilized/Delete');
        this.drain(c.node);
      } else {
        const pool = byType.get(decision.instanceType)!;
        this.stats.replaced++;
        this.disrupting.add(c.node);
        const l = this.launch(pool, c.node);
        this.recorder.event(
          'Normal',
          'DisruptionLaunching',
          c.node,
          `Launching NodeClaim: Underutilized/Replace with ${pool.name}-${l.index} (${pool.pricePerHour}/h < ${c.node.pricePerHour}/h)`,
        );
      }
      return;
    }
  }

  /** Would the node's pods fit elsewhere, or on one cheaper new node? */
  private simulateRemoval(node: Node, pods: readonly Pod[], types: Map<NodePoolSpec, InstanceTypeView>) {
    const cluster = this.cluster;
    const mark = cluster.fork();
    try {
      for (const p of node.pods.slice()) cluster.assumePodRemoved(p);
      const left = this.leftOver(pods, (n) => n === node || !n.ready || this.disrupting.has(n) || this.draining.has(n));
      return computeConsolidation(node.pricePerHour, packNodeClaims(left, this.compatibility(types)));
    } finally {
      cluster.revert(mark);
    }
  }

  private drain(node: Node): void {
    this.disrupting.add(node);
    this.draining.add(node);
    this.cluster.addTaint(node, { key: DISRUPTED_TAINT, value: '', effect: 'NoSchedule' });
    this.evictAll(node);
  }

  private evictAll(node: Node): void {
    if (node.removedAt >= 0 || !this.draining.has(node)) return;
    let refused = false;
    for (const p of node.pods.slice()) {
      if (this.cluster.isDaemonSetPod(p) || p.terminating) continue;
      if (!this.disruption.evict(p).allowed) refused = true;
    }
    if (refused) this.sim.schedule(EVICTION_RETRY_MS, this.kEvict, 0, node);
    this.checkDrained(node);
  }

  private checkDrained(node: Node | null | undefined): void {
    if (!node || !this.draining.has(node) || node.removedAt >= 0) return;
    for (const p of node.pods) if (!this.cluster.isDaemonSetPod(p)) return;
    this.draining.delete(node);
    // Deleted by its own event, not within the pod event that emptied it.
    this.sim.schedule(0, this.kRemove, 0, node);
  }

  private remove(node: Node): void {
    this.disrupting.delete(node);
    if (node.removedAt >= 0) return;
    this.stats.removed++;
    this.recorder.event('Normal', 'RemovingNode', node, `Node ${node.name} event: Removing Node ${node.name} from Controller`);
    this.cluster.removeNode(node);
  }
}
