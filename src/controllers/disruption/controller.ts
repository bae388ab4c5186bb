// The disruption controller (pkg/controller/disruption/disruption.go, v1.36) and the eviction
// subresource (pkg/registry/core/pod/storage/eviction.go): each PodDisruptionBudget's status is synced
// (as its own zero-delay event) whenever a pod it selects is added, changes readiness, begins
// terminating or goes; voluntary disruptions (drains, later the autoscaler) go through evict(), which
// refuses with 429 while the budget allows no disruption. Involuntary ones (node failures, taint
// evictions) go ahead and are counted. The numbers come from rules.ts.
import type { Simulation } from '../../engine/simulation.js';
import type { Budget } from '../../model/budgets.js';
import type { ClusterState } from '../../model/cluster-state.js';
import type { ClusterEvent } from '../../model/events.js';
import type { Pod } from '../../model/pod.js';
import { matchSelector } from '../../model/selectors.js';
import type { EventRecorder } from '../../metrics/collectors/events.js';
import { evictionCreate, isPodReady, trySync, type ControllerAndScale, type EvictionResult } from './rules.js';

/** What a run counts per budget (budgets.csv). */
export interface BudgetCounts {
  evictionsAllowed: number;
  /** Eviction requests refused (429 or 403, each retry counted). */
  evictionsBlocked: number;
  disruptionsVoluntary: number;
  disruptionsInvoluntary: number;
  /** Disruptions of a healthy pod that left fewer healthy pods than desiredHealthy. */
  violationsVoluntary: number;
  violationsInvoluntary: number;
  /**
   * Time with fewer healthy pods than desiredHealthy (ms), counted once the budget was first met (pods
   * starting up are not a disruption), and since when it is below now (-1: not).
   */
  belowMs: number;
  belowSince: number;
  met: boolean;
}

interface Managed {
  budget: Budget;
  /** The live pods the selector matches, in creation order. */
  pods: Set<Pod>;
  /** Pods counted healthy (Ready, Running, not terminating). */
  healthy: Set<Pod>;
  counts: BudgetCounts;
  queued: boolean;
}

/** A pod counts towards currentHealthy: Ready and not terminating (countHealthyPods, without disruptedPods). */
function healthy(p: Pod): boolean {
  return p.phase === 'Running' && !p.terminating && isPodReady(p);
}

export class DisruptionController {
  private readonly kSync: number;
  private readonly managed: Managed[] = [];
  /** Budgets matching a label set (pods of one template share theirs). */
  private readonly byLabels = new WeakMap<object, Managed[]>();
  /** Pods whose disruption the eviction API approved. */
  private readonly voluntary = new Set<Pod>();

  constructor(
    private readonly sim: Simulation,
    private readonly cluster: ClusterState,
    private readonly recorder: EventRecorder | null,
  ) {
    this.kSync = sim.register('disruption.sync', (i) => this.sync(this.managed[i]!));
    cluster.watch('disruption', (ev) => this.on(ev));
  }

  /** Starts managing a budget created in the model. */
  add(budget: Budget): void {
    const m: Managed = {
      budget,
      pods: new Set(),
      healthy: new Set(),
      counts: {
        evictionsAllowed: 0,
        evictionsBlocked: 0,
        disruptionsVoluntary: 0,
        disruptionsInvoluntary: 0,
        violationsVoluntary: 0,
        violationsInvoluntary: 0,
        belowMs: 0,
        belowSince: -1,
        met: false,
      },
      queued: false,
    };
    this.managed.push(m);
    for (const p of this.cluster.livePods.values()) if (this.selects(budget, p)) this.track(m, p);
    this.queue(m);
  }

  /** Every budget with its run's counts, in creation order. */
  get budgets(): readonly { budget: Budget; counts: BudgetCounts }[] {
    return this.managed;
  }

  private selects(b: Budget, p: Pod): boolean {
    return b.selector !== null && b.namespace === p.namespace && matchSelector(b.selector, p.labels);
  }

  private matching(p: Pod): Managed[] {
    let list = this.byLabels.get(p.labels);
    if (!list) {
      list = this.managed.filter((m) => this.selects(m.budget, p));
      this.byLabels.set(p.labels, list);
    }
    return list;
  }

  private track(m: Managed, p: Pod): void {
    m.pods.add(p);
    if (healthy(p)) m.healthy.add(p);
  }

  private queue(m: Managed): void {
    if (m.queued) return;
    m.queued = true;
    this.sim.schedule(0, this.kSync, m.budget.index);
  }

  private on(ev: ClusterEvent): void {
    switch (ev.type) {
      case 'PodAdded':
        for (const m of this.matching(ev.pod)) {
          this.track(m, ev.pod);
          this.queue(m);
        }
        return;
      case 'PodRunning':
      case 'PodReadyChanged':
      case 'PodTerminating':
      case 'PodFinished':
      case 'PodDeleted': {
        const gone = ev.type === 'PodFinished' || ev.type === 'PodDeleted';
        for (const m of this.matching(ev.pod)) {
          if (!m.pods.has(ev.pod)) continue;
          const was = m.healthy.has(ev.pod);
          const is = !gone && healthy(ev.pod);
          if (is && !was) m.healthy.add(ev.pod);
          else if (!is && was) {
            m.healthy.delete(ev.pod);
            this.disrupted(m, ev.pod);
          }
          if (gone) m.pods.delete(ev.pod);
          this.accountBelow(m);
          this.queue(m);
        }
        if (gone) this.voluntary.delete(ev.pod);
        return;
      }
      case 'WorkloadSpecChanged':
        // A scale change moves expectedPods.
        for (const m of this.managed) if (m.budget.namespace === ev.workload.namespace) this.queue(m);
        return;
      default:
    }
  }

  /** A healthy pod stopped counting: a disruption, voluntary if the eviction API approved it. */
  private disrupted(m: Managed, pod: Pod): void {
    // A scale-down or a finished pod is no disruption.
    if (pod.outcome === 'ScaledDown' || pod.outcome === 'Succeeded') return;
    const voluntary = this.voluntary.has(pod);
    const c = m.counts;
    if (voluntary) c.disruptionsVoluntary++;
    else c.disruptionsInvoluntary++;
    if (m.healthy.size < m.budget.status.desiredHealthy) {
      if (voluntary) c.violationsVoluntary++;
      else c.violationsInvoluntary++;
    }
  }

  private accountBelow(m: Managed): void {
    const c = m.counts;
    const st = m.budget.status;
    if (st.observedGeneration > 0 && st.expectedPods > 0 && m.healthy.size >= st.desiredHealthy) c.met = true;
    const below = c.met && m.healthy.size < st.desiredHealthy;
    if (below && c.belowSince < 0) c.belowSince = this.sim.now;
    else if (!below && c.belowSince >= 0) {
      c.belowMs += this.sim.now - c.belowSince;
      c.belowSince = -1;
    }
  }

  /** disruption.go getPodReplicaSet / getPodDeployment / getPodStatefulSet: the pod's controller and its scale. */
  private findController = (workload: number): ControllerAndScale | null => {
    const w = this.cluster.workloads[workload];
    if (!w) return null;
    const root = w.kind === 'ReplicaSet' && w.owner?.kind === 'Deployment' ? w.owner : w;
    if (root.kind !== 'Deployment' && root.kind !== 'ReplicaSet' && root.kind !== 'StatefulSet') return null;
    return { uid: root.index, scale: root.spec.replicas };
  };

  private sync(m: Managed): void {
    m.queued = false;
    const b = m.budget;
    const r = trySync(b, [...m.pods], this.findController, this.sim.now);
    if (r.error !== undefined && b.status.observedGeneration === 0)
      this.recorder?.event(
        'Warning',
        'CalculateExpectedPodCountFailed',
        `poddisruptionbudget/${b.key}`,
        `Failed to calculate the number of expected pods: ${r.error}`,
      );
    this.cluster.setBudgetStatus(b, r.status);
    this.accountBelow(m);
    if (r.recheckAt !== null) this.sim.scheduleAt(Math.max(this.sim.now, r.recheckAt), this.kSync, b.index);
  }

  /**
   * The eviction subresource: evicts the pod (a graceful deletion) if its budget allows, decrementing
   * disruptionsAllowed and noting the pod in disruptedPods as the API server does; otherwise refuses.
   */
  evict(pod: Pod, gracePeriodMs = pod.template.terminationGracePeriodMs): EvictionResult {
    const list = this.matching(pod).filter((m) => m.pods.has(pod));
    const r = evictionCreate(
      pod,
      list.map((m) => m.budget),
    );
    if (!r.allowed) {
      for (const m of list) m.counts.evictionsBlocked++;
      return r;
    }
    for (const m of list) m.counts.evictionsAllowed++;
    if (r.decrement) {
      const b = list[0]!.budget;
      const disruptedPods = new Map(b.status.disruptedPods);
      disruptedPods.set(pod.name, this.sim.now);
      this.cluster.setBudgetStatus(b, { ...b.status, disruptionsAllowed: b.status.disruptionsAllowed - 1, disruptedPods });
    }
    this.voluntary.add(pod);
    this.cluster.evictPod(pod, gracePeriodMs);
    return r;
  }
}
