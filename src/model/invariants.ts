// Invariants of the model that hold at every event boundary, for tests to check during any run.
// The checker watches the model last (WATCHER_ORDER 'invariants') and keeps its own pod counts from the
// events; check() compares them, and the model's incremental aggregates, with a rescan of the state.
// A rescan is O(nodes + pods): call it every few hundred events, not on every one.
import type { ClusterState } from './cluster-state.js';
import type { ClusterEvent } from './events.js';
import { FREE_STRIDE, type Node } from './node.js';
import type { Pod } from './pod.js';
import { CPU, MEMORY, PODS } from './resources.js';

/** The unreachable taint the node lifecycle controller puts on a node it marks Ready=Unknown. */
const UNREACHABLE = 'node.kubernetes.io/unreachable';
/** Most violations one check() returns (a broken aggregate tends to break on every node). */
const MAX_REPORTED = 50;

/** Pod counts as the events tell them; pods live when the checker was attached count as created. */
export interface PodCounts {
  created: number;
  /** Pods whose containers started (PodRunning). */
  started: number;
  bound: number;
  succeeded: number;
  failed: number;
  deleted: number;
  /** Of the succeeded, failed and deleted: those that had started, and those bound when they ended. */
  endedAfterStart: number;
  endedBound: number;
}

/** Two sums of the same figures, added in different orders, agree to within rounding. */
function near(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-6 + 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

export class InvariantChecker {
  private readonly n: PodCounts = {
    created: 0,
    started: 0,
    bound: 0,
    succeeded: 0,
    failed: 0,
    deleted: 0,
    endedAfterStart: 0,
    endedBound: 0,
  };
  /** What was wrong as an event was announced; kept, since the state it describes may be gone. */
  private readonly eventViolations: string[] = [];
  /** How many times check() ran. */
  checks = 0;
  /** Changes to the cluster heard so far (what-ifs excluded): a check after none finds what the last one found. */
  changes = 0;

  /** Attach before the first pod ends: pods live now count as created, pods gone already are not known. */
  constructor(private readonly cluster: ClusterState) {
    for (const p of cluster.livePods.values()) {
      this.n.created++;
      if (p.startedAt >= 0) this.n.started++;
      if (p.node) this.n.bound++;
    }
    cluster.watch('invariants', (ev) => this.on(ev));
  }

  get counts(): Readonly<PodCounts> {
    return this.n;
  }

  private on(ev: ClusterEvent): void {
    // Hypothetical changes reach only the scheduling indexes; ignore them should one get here.
    if ('whatIf' in ev && ev.whatIf) return;
    this.changes++;
    const n = this.n;
    switch (ev.type) {
      case 'PodAdded':
        n.created++;
        if (this.cluster.livePods.get(ev.pod.id) !== ev.pod) this.eventViolation(`PodAdded: pod ${ev.pod.name} is not live`);
        return;
      case 'PodBound':
        n.bound++;
        if (ev.pod.node !== ev.node) this.eventViolation(`PodBound: pod ${ev.pod.name} is not on node ${ev.node.name}`);
        return;
      case 'PodRunning':
        n.started++;
        return;
      case 'PodFinished':
      case 'PodDeleted': {
        const p = ev.pod;
        if (ev.type === 'PodDeleted') n.deleted++;
        else if (p.phase === 'Succeeded') n.succeeded++;
        else if (p.phase === 'Failed') n.failed++;
        else this.eventViolation(`PodFinished: pod ${p.name} finished in phase ${p.phase}`);
        if (p.startedAt >= 0) n.endedAfterStart++;
        if (ev.node) n.endedBound++;
        if (this.cluster.livePods.has(p.id) || p.node) this.eventViolation(`${ev.type}: pod ${p.name} is still live or bound`);
        return;
      }
      default:
    }
  }

  private eventViolation(v: string): void {
    if (this.eventViolations.length < MAX_REPORTED) this.eventViolations.push(`at ${this.cluster.clock.now} ms: ${v}`);
  }

  /** The invariants that do not hold now; empty when all is well. */
  check(): string[] {
    this.checks++;
    const out = [...this.eventViolations];
    const report = (v: string) => {
      if (out.length < MAX_REPORTED) out.push(v);
    };
    if (this.cluster.inWhatIf) report('a what-if is open between events (fork without revert)');
    const boundOnNodes = this.checkNodes(report);
    const live = this.checkPods(report);

    // Pods are conserved: every pod created is live (Pending or Running, terminating or not), or ended once.
    const n = this.n;
    const ended = n.succeeded + n.failed + n.deleted;
    if (n.created !== live.pending + live.running + ended)
      report(
        `pods not conserved: created ${n.created} ≠ pending ${live.pending} + running ${live.running} + succeeded ${n.succeeded} + failed ${n.failed} + deleted ${n.deleted}`,
      );
    if (live.running !== n.started - n.endedAfterStart)
      report(`running pods: ${live.running} live, but started ${n.started} − ended after starting ${n.endedAfterStart}`);
    if (live.bound !== n.bound - n.endedBound)
      report(`bound pods: ${live.bound} live, but bound ${n.bound} − ended while bound ${n.endedBound}`);
    if (live.bound !== boundOnNodes) report(`bound pods: ${live.bound} live pods have a node, but node pod lists hold ${boundOnNodes}`);
    return out;
  }

  /** Throws an Error listing the violations, if any. */
  assertHolds(): void {
    const v = this.check();
    if (v.length > 0) throw new Error(`invariants violated at ${this.cluster.clock.now} ms:\n  ${v.join('\n  ')}`);
  }

  /** Node pod lists, incremental resource aggregates and the cluster's node counters; returns the pods on lists. */
  private checkNodes(report: (v: string) => void): number {
    const c = this.cluster;
    const names = c.resources.names;
    const stride = c.columns.stride;
    const sum = new Float64Array(stride);
    let onLists = 0;
    let prefer = 0;
    let noSchedule = 0;
    let unschedulable = 0;
    let removed = 0;
    const images = new Map<string, number>();
    c.nodes.forEach((node, i) => {
      if (node.index !== i) report(`node ${node.name} has index ${node.index} at position ${i}`);
      if (node.removedAt < 0) for (const img of node.images) images.set(img, (images.get(img) ?? 0) + 1);
      if (node.removedAt >= 0) {
        removed++;
        if (node.pods.length > 0) report(`removed node ${node.name} still holds ${node.pods.length} pod(s)`);
        if (c.nodeByName.get(node.name) === node) report(`removed node ${node.name} is still found by name`);
        for (let r = 0; r < stride; r++)
          if (!near(node.requested[r]!, 0)) report(`removed node ${node.name} still has ${node.requested[r]} ${names[r]} requested`);
        return;
      }
      if (c.nodeByName.get(node.name) !== node) report(`node ${node.name} is not found by its name`);
      let bits = 0;
      for (const t of node.taints) bits |= t.effect === 'PreferNoSchedule' ? 1 : 2;
      if (bits & 1) prefer++;
      if (bits & 2) noSchedule++;
      if (node.unschedulable) unschedulable++;
      this.checkMachine(node, report);

      sum.fill(0);
      let nzCpu = 0;
      let nzMemory = 0;
      node.pods.forEach((p, k) => {
        if (p.node !== node || p.slot !== k)
          report(`node ${node.name} lists pod ${p.name} at ${k}, but the pod is on ${p.node?.name ?? 'no node'} at ${p.slot}`);
        if (c.livePods.get(p.id) !== p) report(`node ${node.name} lists pod ${p.name}, which is not live`);
        const req = p.requests;
        for (let r = 0; r < req.length; r++) {
          if (r < stride) sum[r]! += req[r]!;
          else if (req[r] !== 0) report(`pod ${p.name} requests ${names[r]}, which node columns do not hold`);
        }
        nzCpu += p.template.nonZeroCpu;
        nzMemory += p.template.nonZeroMemory;
      });
      onLists += node.pods.length;
      for (let r = 0; r < stride; r++) {
        const requested = node.requested[r]!;
        if (!near(requested, sum[r]!)) report(`node ${node.name}: ${names[r]} requested is ${requested}, but its pods request ${sum[r]}`);
        const alloc = node.allocatable[r]!;
        if (requested > alloc && !near(requested, alloc))
          report(`node ${node.name}: ${names[r]} requested ${requested} exceeds allocatable ${alloc}`);
      }
      if (!near(node.nonZeroCpu, nzCpu) || !near(node.nonZeroMemory, nzMemory))
        report(
          `node ${node.name}: non-zero requests ${node.nonZeroCpu}m/${node.nonZeroMemory} differ from its pods' ${nzCpu}m/${nzMemory}`,
        );
      // The free column holds exactly alloc - used (the filter compares requests with it).
      const free = c.columns.free;
      const a = node.allocatable;
      const u = node.requested;
      const at = node.index * FREE_STRIDE;
      if (
        free[at] !== a[CPU]! - u[CPU]! ||
        free[at + 1] !== a[MEMORY]! - u[MEMORY]! ||
        free[at + 2] !== a[PODS]! - u[PODS]! ||
        free[at + 3] !== a[CPU] ||
        free[at + 4] !== a[MEMORY]
      )
        report(
          `node ${node.name}: the free column holds ${String(free.subarray(at, at + FREE_STRIDE))}, not its allocatable less requested`,
        );
    });
    const counters: [string, number, number][] = [
      ['preferNoScheduleNodes', c.preferNoScheduleNodes, prefer],
      ['noScheduleNodes', c.noScheduleNodes, noSchedule],
      ['unschedulableNodes', c.unschedulableNodes, unschedulable],
      ['removedNodes', c.removedNodes, removed],
      ['nodeByName.size', c.nodeByName.size, c.nodes.length - removed],
    ];
    for (const [name, kept, actual] of counters) if (kept !== actual) report(`cluster.${name} is ${kept}, but ${actual} nodes count`);
    // A removed node keeps its images, but they no longer count.
    for (const [img, count] of c.imageNodeCount)
      if ((images.get(img) ?? 0) !== count) report(`image ${img}: imageNodeCount is ${count}, but ${images.get(img) ?? 0} nodes hold it`);
    for (const [img, count] of images) if (!c.imageNodeCount.has(img)) report(`image ${img} on ${count} node(s) is not counted`);
    for (const node of c.nodes)
      for (const img of node.images)
        if ((c.nodesWithImage(img)?.[node.index] === 1) !== node.removedAt < 0)
          report(`image ${img} on node ${node.name} is ${node.removedAt < 0 ? 'missing from' : 'still in'} nodesWithImage`);
    for (const [img, count] of c.imageNodeCount) {
      const on = c.nodesWithImage(img);
      const marked = on ? on.reduce((n, x) => n + x, 0) : 0;
      if (marked !== count) report(`image ${img}: nodesWithImage marks ${marked} nodes, imageNodeCount is ${count}`);
    }
    // Restricted nodes (TaintToleration and NodeUnschedulable may reject only these).
    for (const node of c.nodes) {
      const restricted = node.removedAt < 0 && (node.unschedulable || node.taints.some((t) => t.effect !== 'PreferNoSchedule'));
      if (restricted !== c.restrictedNodes.has(node))
        report(`node ${node.name} is ${restricted ? '' : 'not '}restricted, restrictedNodes says otherwise`);
    }
    return onLists;
  }

  /** The node's machine state as the faults, the kubelet and the node lifecycle controller leave it. */
  private checkMachine(node: Node, report: (v: string) => void): void {
    // Faults: a machine that is down sends no heartbeats.
    if (!node.up && node.reachable) report(`node ${node.name} is down but reachable`);
    // markUnknown taints the node unreachable:NoSchedule as it turns it NotReady; markReady removes both.
    if (!node.ready && !node.taints.some((t) => t.key === UNREACHABLE && t.effect === 'NoSchedule'))
      report(`node ${node.name} is NotReady without the ${UNREACHABLE}:NoSchedule taint`);
  }

  /** Each live pod's own state and its place on its node; returns the live counts. */
  private checkPods(report: (v: string) => void): { pending: number; running: number; bound: number } {
    const c = this.cluster;
    let pending = 0;
    let running = 0;
    let bound = 0;
    const owned = new Int32Array(c.workloads.length);
    for (const [id, p] of c.livePods) {
      if (p.workload >= 0) owned[p.workload]!++;
      if (p.id !== id) report(`livePods holds pod ${p.name} (id ${p.id}) under id ${id}`);
      if (c.podNamed(p.namespace, p.name) !== p) report(`pod ${p.namespace}/${p.name} is not found by its name`);
      if (p.phase === 'Pending') {
        pending++;
        if (p.startedAt >= 0) report(`pod ${p.name} is Pending but started at ${p.startedAt}`);
      } else if (p.phase === 'Running') {
        running++;
        if (!p.node) report(`pod ${p.name} is Running on no node`);
        if (p.startedAt < 0) report(`pod ${p.name} is Running but never started`);
      } else report(`pod ${p.name} is live in phase ${p.phase}`);
      if (p.ready && p.phase !== 'Running') report(`pod ${p.name} is Ready in phase ${p.phase}`);
      if (p.terminating && !p.node) report(`pod ${p.name} is terminating on no node`);
      if (p.containersDown && p.phase !== 'Running') report(`pod ${p.name} has its containers down in phase ${p.phase}`);
      const node = p.node;
      if (!node) continue;
      bound++;
      if (node.removedAt >= 0) report(`pod ${p.name} is bound to removed node ${node.name}`);
      if (node.pods[p.slot] !== p) report(`pod ${p.name} is not in slot ${p.slot} of node ${node.name}`);
      if (p.nodeName !== node.name) report(`pod ${p.name} is on node ${node.name} but names ${p.nodeName}`);
      this.checkContainers(p, node, report);
    }
    for (const w of c.workloads) {
      if (c.livePodsOf(w) !== owned[w.index]) report(`workload ${w.key} owns ${owned[w.index]} live pods, counted ${c.livePodsOf(w)}`);
    }
    return { pending, running, bound };
  }

  /** Containers die with their machine and run again only once its kubelet can act (src/controllers/kubelet). */
  private checkContainers(p: Pod, node: Node, report: (v: string) => void): void {
    if (p.phase === 'Running' && !node.up && !p.containersDown)
      report(`pod ${p.name} is Running with live containers on node ${node.name}, which is down`);
    if (!p.containersDown) return;
    // The kubelet restarts or fails them as soon as its machine is up and reachable; terminating ones it stops.
    if (!p.terminating && node.up && node.reachable)
      report(`pod ${p.name} has its containers down on node ${node.name}, which is up and reachable`);
    // The API hears of it only through the node lifecycle controller, which marks the pods NotReady as it
    // marks the node: a pod still Ready with dead containers is on a node still Ready.
    if (p.ready && !node.ready) report(`pod ${p.name} is Ready with its containers down on NotReady node ${node.name}`);
  }
}
