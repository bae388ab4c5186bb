// The DaemonSet controller (pkg/controller/daemon/daemon_controller.go, v1.36): one pod on every node
// that should run it, scheduled by the default scheduler with a node affinity for that node alone
// (util.ReplaceDaemonSetPodNodeNameNodeAffinity), and deleted from nodes it may no longer run on. Pods carry
// the template's hash (controller-revision-hash); RollingUpdate (update.go) replaces those of an older template
// within maxUnavailable, or with maxSurge creates the new pod first; OnDelete only when they go.
import type { Simulation } from '../../engine/simulation.js';
import { runMs, SyncQueue } from '../sync-queue.js';
import type { ClusterState } from '../../model/cluster-state.js';
import type { ClusterEvent } from '../../model/events.js';
import { grown } from '../../model/arrays.js';
import type { Node } from '../../model/node.js';
import type { Pod, PodTemplate } from '../../model/pod.js';
import type { Taint } from '../../model/selectors.js';
import type { UpdateStrategy, Workload } from '../../model/workloads.js';
import { computeHash } from '../../workload/names.js';
import { DEFAULT_DAEMONSET_UPDATE_STRATEGY } from '../../workload/update-strategy.js';
import {
  allowsSurge,
  DAEMONSET_REVISION_LABEL,
  daemonPodTolerations,
  NOT,
  nodeShouldRunDaemonPod,
  RUN,
  STAY,
  podByCreationTimestampAndPhase,
  podsShouldBeOnNode,
  rollingUpdate,
  updatedDesiredNodeCounts,
  type DaemonPodView,
} from './calc.js';

interface Managed {
  ds: Workload;
  /** Live daemon pods by the node (index) they were made for, in creation order; terminating ones stay until gone. */
  pods: (Pod[] | undefined)[];
  /** Per pod: the node (index) it was made for, and when it last turned Ready (-1: not Ready). */
  info: Map<Pod, { node: number; readySince: number }>;
  /** For the current template: its hash, the pod template (daemon tolerations, hash label), and per-node templates. */
  base: { of: PodTemplate | null; hash: string; template: PodTemplate | null; perNode: Map<number, PodTemplate> };
  created: number;
  /**
   * nodeShouldRunDaemonPod's answers per node index for the base template `of`, each with the node's taints it
   * was computed from (a node's labels never change, and its taints are replaced, never changed in place).
   */
  runs: { of: PodTemplate | null; taints: (readonly Taint[] | undefined)[]; answer: Uint8Array<ArrayBuffer> };
  /** When a sync queued for minReadySeconds is due (-1: none). */
  afterAt: number;
  /** Per node index: its part in the status and whether it holds an old pod (NODE_* bits), as last computed. */
  bits: Uint8Array<ArrayBuffer>;
  /** Nodes counted per bit: desired, scheduled, ready, available, updated, old. */
  totals: Int32Array;
  /** Nodes whose pods, taints or presence changed since the last sync, each listed once (marked). */
  dirty: number[];
  marked: Uint8Array<ArrayBuffer>;
  /** Nodes every sync visits: several pods, a terminating one, one that may not stay, a removed node's pods. */
  irregular: Set<number>;
  /** The next sync passes over every node (the first, a new spec, after a rolling update). */
  full: boolean;
}

/** A node's part in updateStatus, and whether it holds a live pod of an older template. */
const NODE_DESIRED = 0;
const NODE_SCHEDULED = 1;
const NODE_READY = 2;
const NODE_AVAILABLE = 3;
const NODE_UPDATED = 4;
const NODE_OLD = 5;
const NODE_BITS = 6;

/** A daemon pod's view for the rules, with the pod. */
interface PodRef extends DaemonPodView {
  readonly pod: Pod;
}

const NO_PODS: Pod[] = [];

export class DaemonSetController {
  /**
   * Tests set this: every sync that visits only the changed and irregular nodes also passes over every node and
   * throws unless the status and the nodes left alone are what the full pass finds.
   */
  static checkIncremental = false;

  private readonly queue: SyncQueue<Managed>;

  constructor(
    private readonly sim: Simulation,
    private readonly cluster: ClusterState,
  ) {
    this.queue = new SyncQueue(sim, 'daemonset.sync', (m) => this.sync(m));
    cluster.watch('daemonset', (ev) => this.on(ev));
  }

  private on(ev: ClusterEvent): void {
    switch (ev.type) {
      case 'WorkloadAdded':
        if (ev.workload.kind !== 'DaemonSet') return;
        this.queue.add(ev.workload.index, {
          ds: ev.workload,
          pods: [],
          runs: { of: null, taints: [], answer: new Uint8Array(0) },
          info: new Map(),
          base: { of: null, hash: '', template: null, perNode: new Map() },
          created: 0,
          afterAt: -1,
          bits: new Uint8Array(0),
          totals: new Int32Array(NODE_BITS),
          dirty: [],
          marked: new Uint8Array(0),
          irregular: new Set(),
          full: true,
        });
        return;
      case 'WorkloadSpecChanged': {
        const m = this.queue.get(ev.workload.index);
        if (m) m.full = true;
        this.queue.queue(ev.workload.index);
        return;
      }
      // A node that appears, goes, or whose taints change, may need a daemon pod or lose one.
      case 'NodeAdded':
      case 'NodeRemoved':
      case 'NodeTaintsChanged':
        for (const m of this.queue.managed.values()) this.mark(m, ev.node.index);
        this.queue.queueAll();
        return;
      case 'PodRunning':
      case 'PodReadyChanged': {
        const m = this.queue.get(ev.pod.workload);
        const info = m?.info.get(ev.pod);
        if (info) {
          info.readySince = ev.pod.phase === 'Running' && ev.pod.ready ? this.sim.now : -1;
          this.mark(m!, info.node);
        }
        this.queue.queue(ev.pod.workload);
        return;
      }
      case 'PodTerminating': {
        const m = this.queue.get(ev.pod.workload);
        const info = m?.info.get(ev.pod);
        if (info) this.mark(m!, info.node);
        this.queue.queue(ev.pod.workload);
        return;
      }
      case 'PodFinished':
      case 'PodDeleted': {
        const m = this.queue.get(ev.pod.workload);
        const info = m?.info.get(ev.pod);
        if (!m || !info) return;
        m.info.delete(ev.pod);
        const list = m.pods[info.node]!;
        const at = list.indexOf(ev.pod);
        if (at >= 0) list.splice(at, 1);
        if (list.length === 0) m.pods[info.node] = undefined;
        this.mark(m, info.node);
        this.queue.queue(ev.pod.workload);
        return;
      }
      default:
    }
  }

  /** The node's daemon pods or the node changed: the next sync visits it. */
  private mark(m: Managed, node: number): void {
    if (m.full) return;
    m.marked = grown(m.marked, node);
    if (m.marked[node] === 1) return;
    m.marked[node] = 1;
    m.dirty.push(node);
  }

  private baseTemplate(m: Managed): PodTemplate {
    const t = m.ds.spec.template!;
    if (m.base.of !== t) {
      const extra = daemonPodTolerations(m.ds.spec.hostNetwork ?? false).filter(
        (x) => !t.tolerations.some((y) => y.key === x.key && y.effect === x.effect),
      );
      // util.CreatePodTemplate: the hash of the DaemonSet's template labels every pod made from it.
      const hash = computeHash(t);
      const labels = new Map([...t.labels, [DAEMONSET_REVISION_LABEL, hash]]);
      m.base = { of: t, hash, template: { ...t, labels, tolerations: [...t.tolerations, ...extra] }, perNode: new Map() };
    }
    return m.base.template!;
  }

  /** The daemon pod's template for a node: the base template with a required affinity to that node alone. */
  private templateFor(m: Managed, node: Node): PodTemplate {
    const base = this.baseTemplate(m);
    let t = m.base.perNode.get(node.index);
    if (!t) {
      t = {
        ...base,
        requiredNodeAffinity: [{ matchExpressions: [], matchFields: [{ key: 'metadata.name', operator: 'In', values: [node.name] }] }],
      };
      m.base.perNode.set(node.index, t);
    }
    return t;
  }

  private create(m: Managed, node: Node): void {
    const ds = m.ds;
    const p = this.cluster.createPod(
      this.templateFor(m, node),
      this.cluster.freePodName(ds.namespace, ds.name, m.created++),
      runMs(this.sim, ds),
      ds,
    );
    let list = m.pods[node.index];
    if (!list) m.pods[node.index] = list = [];
    list.push(p);
    m.info.set(p, { node: node.index, readySince: -1 });
  }

  /** podutil.IsPodAvailable: Ready for at least minReadySeconds. */
  private available(m: Managed, p: Pod): boolean {
    if (p.phase !== 'Running' || !p.ready) return false;
    const minReadyMs = (m.ds.spec.minReadySeconds ?? 0) * 1000;
    const since = m.info.get(p)?.readySince ?? -1;
    return minReadyMs === 0 || (since >= 0 && since + minReadyMs <= this.sim.now);
  }

  private ref(m: Managed, p: Pod): PodRef {
    return {
      pod: p,
      name: p.name,
      updated: p.labels.get(DAEMONSET_REVISION_LABEL) === m.base.hash,
      ready: p.phase === 'Running' && p.ready,
      available: this.available(m, p),
      terminating: p.terminating,
      scheduled: p.node !== null,
      createdAt: p.createdAt,
    };
  }

  /**
   * daemon_controller.go syncDaemonSet: manage (create and delete per node), then the update strategy, then status.
   * Upstream passes over every node at every sync; so does the first sync here, one after a new spec or a rolling
   * update, and every sync with minReadySeconds (availability then changes with time alone). Otherwise a sync
   * visits only the nodes whose daemon pods, taints or presence changed since the last (each such change is an
   * event marking the node) and the irregular nodes (see regular()); at any other node the full pass would do
   * nothing, and the node's part in the status is as last computed, so the effects, in node order, and the
   * status are the same (checkIncremental compares them in the tests).
   */
  private sync(m: Managed): void {
    const ds = m.ds;
    const minReadyMs = (ds.spec.minReadySeconds ?? 0) * 1000;
    const full = m.full || m.base.of !== ds.spec.template || minReadyMs > 0;
    const base = this.baseTemplate(m);
    const strategy = ds.spec.updateStrategy ?? DEFAULT_DAEMONSET_UPDATE_STRATEGY;
    const surge = allowsSurge(strategy);
    const nodes = this.cluster.nodes;
    m.full = false;
    const dirty = m.dirty;
    m.dirty = [];
    for (const i of dirty) m.marked[i] = 0;
    if (full) {
      m.irregular.clear();
      for (const node of nodes) {
        this.manage(m, base, node, surge);
        this.account(m, node);
      }
    } else {
      for (const i of m.irregular) dirty.push(i);
      dirty.sort((a, b) => a - b);
      let last = -1;
      for (const i of dirty) {
        if (i === last) continue;
        last = i;
        const node = nodes[i]!;
        this.manage(m, base, node, surge);
        this.account(m, node);
      }
      if (DaemonSetController.checkIncremental) this.checkAgainstFullPass(m, base, dirty);
    }
    if (m.totals[NODE_OLD]! > 0 && strategy.type === 'RollingUpdate') {
      this.rollingUpdate(m, strategy);
      // Pods came and went anywhere: every node's part is counted again.
      m.irregular.clear();
      for (const node of nodes) this.account(m, node);
    }
    this.updateStatus(m, minReadyMs);
  }

  /** syncNodes' work for one node: delete what may not stay, create what should run. */
  private manage(m: Managed, base: PodTemplate, node: Node, surge: boolean): void {
    const pods = m.pods[node.index] ?? NO_PODS;
    if (node.removedAt >= 0) {
      // getUnscheduledPodsWithoutNode: pods made for a node that is gone, and never bound, are deleted.
      for (const p of pods.slice()) if (!p.node) this.cluster.deletePod(p, 'NodeRemoved');
      return;
    }
    const { shouldRun, shouldContinueRunning } = this.shouldRunOn(m, base, node);
    // One running pod on a node it may stay on: nothing to do (the common case, without building views).
    if (pods.length === 1 && shouldContinueRunning && !pods[0]!.terminating) return;
    if (pods.length === 0) {
      if (shouldRun) this.create(m, node);
      return;
    }
    const { create, podsToDelete } = podsShouldBeOnNode(
      shouldRun,
      shouldContinueRunning,
      pods.map((p) => this.ref(m, p)),
      surge,
    );
    for (const r of podsToDelete)
      this.cluster.deletePod(r.pod, shouldContinueRunning ? 'ScaledDown' : 'Evicted', r.pod.template.terminationGracePeriodMs);
    if (create) this.create(m, node);
  }

  /** nodeShouldRunDaemonPod's shouldRun for the node, as the last visit computed it. */
  private runsOn(m: Managed, node: number): boolean {
    return ((m.runs.answer[node] ?? 0) & 1) === 1;
  }

  /**
   * Whether a sync may leave the node alone until it changes: gone and without pods; or without a pod and not
   * wanting one; or with one pod, not terminating, that may stay.
   */
  private regular(m: Managed, node: Node): boolean {
    const pods = m.pods[node.index];
    if (node.removedAt >= 0) return !pods;
    if (!pods) return !this.runsOn(m, node.index);
    return pods.length === 1 && ((m.runs.answer[node.index] ?? 0) & 2) !== 0 && !pods[0]!.terminating;
  }

  /** Counts the node's part again (NODE_* bits and totals), and whether every sync must visit it. */
  private account(m: Managed, node: Node): void {
    const i = node.index;
    m.bits = grown(m.bits, i);
    const before = m.bits[i]!;
    const after = this.bitsOf(m, node);
    if (before !== after) {
      for (let b = 0; b < NODE_BITS; b++) m.totals[b]! += ((after >> b) & 1) - ((before >> b) & 1);
      m.bits[i] = after;
    }
    if (this.regular(m, node)) m.irregular.delete(i);
    else m.irregular.add(i);
  }

  /**
   * The node's NODE_* bits: whether it holds a live pod of an older template; and, per updateStatus, when it
   * should run the pod (desired), whether it has one (scheduled) and whether its oldest is Ready, available and
   * of the current template.
   */
  private bitsOf(m: Managed, node: Node): number {
    if (node.removedAt >= 0) return 0;
    const pods = m.pods[node.index];
    let bits = 0;
    if (pods)
      for (const p of pods)
        if (!p.terminating && p.labels.get(DAEMONSET_REVISION_LABEL) !== m.base.hash) {
          bits |= 1 << NODE_OLD;
          break;
        }
    if (!this.runsOn(m, node.index)) return bits;
    bits |= 1 << NODE_DESIRED;
    if (!pods) return bits;
    bits |= 1 << NODE_SCHEDULED;
    const oldest = pods.length === 1 ? pods[0]! : pods.map((p) => this.ref(m, p)).sort(podByCreationTimestampAndPhase)[0]!.pod;
    if (oldest.phase === 'Running' && oldest.ready) bits |= 1 << NODE_READY;
    if (this.available(m, oldest)) bits |= 1 << NODE_AVAILABLE;
    if (oldest.labels.get(DAEMONSET_REVISION_LABEL) === m.base.hash) bits |= 1 << NODE_UPDATED;
    return bits;
  }

  /** checkIncremental: throws unless the nodes a sync left alone are regular and every node's part is as counted. */
  private checkAgainstFullPass(m: Managed, base: PodTemplate, visited: readonly number[]): void {
    const seen = new Set(visited);
    const totals = new Int32Array(NODE_BITS);
    for (const node of this.cluster.nodes) {
      const i = node.index;
      if (!seen.has(i) && node.removedAt < 0) {
        const fresh = nodeShouldRunDaemonPod(base, node);
        const pods = m.pods[i];
        const idle = pods ? pods.length === 1 && fresh.shouldContinueRunning && !pods[0]!.terminating : !fresh.shouldRun;
        if (!idle || fresh.shouldRun !== this.runsOn(m, i))
          throw new Error(`bug: DaemonSet ${m.ds.name}: node ${node.name} was left alone but the full pass would act there`);
      } else if (!seen.has(i) && m.pods[i]) throw new Error(`bug: DaemonSet ${m.ds.name}: removed node ${node.name} holds pods`);
      const bits = this.bitsOf(m, node);
      if (bits !== (m.bits[i] ?? 0))
        throw new Error(`bug: DaemonSet ${m.ds.name}: node ${node.name} counts ${m.bits[i] ?? 0}, the full pass ${bits}`);
      for (let b = 0; b < NODE_BITS; b++) totals[b]! += (bits >> b) & 1;
    }
    for (let b = 0; b < NODE_BITS; b++)
      if (totals[b] !== m.totals[b])
        throw new Error(`bug: DaemonSet ${m.ds.name}: total ${b} is ${m.totals[b]}, the full pass ${totals[b]}`);
  }

  /** nodeShouldRunDaemonPod for the base template, read back while the node's taints are the same. */
  private shouldRunOn(m: Managed, base: PodTemplate, node: Node): { shouldRun: boolean; shouldContinueRunning: boolean } {
    const r = m.runs;
    if (r.of !== base) {
      r.of = base;
      r.taints = [];
    }
    r.answer = grown(r.answer, node.index);
    if (r.taints[node.index] !== node.taints) {
      const a = nodeShouldRunDaemonPod(base, node);
      r.answer[node.index] = (a.shouldRun ? 1 : 0) + (a.shouldContinueRunning ? 2 : 0);
      r.taints[node.index] = node.taints;
    }
    const v = r.answer[node.index]!;
    return v === 3 ? RUN : v === 2 ? STAY : NOT;
  }

  /** update.go rollingUpdate: delete old pods, or create new ones beside them, within maxUnavailable and maxSurge. */
  private rollingUpdate(m: Managed, strategy: UpdateStrategy): void {
    const nodes: { name: string; shouldRun: boolean }[] = [];
    const byName = new Map<string, PodRef[]>();
    for (const node of this.cluster.nodes) {
      if (node.removedAt >= 0) continue;
      const shouldRun = this.runsOn(m, node.index);
      nodes.push({ name: node.name, shouldRun });
      const pods = m.pods[node.index];
      if (pods)
        byName.set(
          node.name,
          pods.map((p) => this.ref(m, p)),
        );
      else if (shouldRun) byName.set(node.name, []);
    }
    const counts = updatedDesiredNodeCounts(strategy, nodes, byName);
    const { oldPodsToDelete, newNodesToCreate } = rollingUpdate(
      counts.nodeToDaemonPods,
      (name) => this.runsOn(m, this.cluster.nodeByName.get(name)!.index),
      counts.maxSurge,
      counts.maxUnavailable,
      counts.desiredNumberScheduled,
    );
    for (const r of oldPodsToDelete) this.cluster.deletePod(r.pod, 'ScaledDown', r.pod.template.terminationGracePeriodMs);
    for (const name of newNodesToCreate) this.create(m, this.cluster.nodeByName.get(name)!);
  }

  /**
   * daemon_controller.go updateDaemonSetStatus, per node that should run the pod: desired; scheduled when it has a
   * daemon pod; and of its oldest pod, Ready, available and updated. The generic status fields hold them:
   * replicas = desiredNumberScheduled, updatedReplicas = currentNumberScheduled, readyReplicas = numberReady,
   * availableReplicas = numberAvailable.
   */
  private updateStatus(m: Managed, minReadyMs: number): void {
    const ds = m.ds;
    const t = m.totals;
    const desired = t[NODE_DESIRED]!;
    const scheduled = t[NODE_SCHEDULED]!;
    const ready = t[NODE_READY]!;
    const available = t[NODE_AVAILABLE]!;
    const updated = t[NODE_UPDATED]!;
    this.cluster.setWorkloadStatus(ds, {
      observedGeneration: ds.generation,
      replicas: desired,
      updatedReplicas: scheduled,
      readyReplicas: ready,
      availableReplicas: available,
      updatedNumberScheduled: updated,
    });
    // Resync after minReadySeconds while some Ready pod is not available yet.
    if (minReadyMs > 0 && ready !== available && m.afterAt <= this.sim.now) {
      m.afterAt = this.sim.now + minReadyMs;
      this.queue.queueAfter(ds.index, minReadyMs);
    }
  }
}
