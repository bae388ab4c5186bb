// The kube-scheduler as a controller: it pops pods from the scheduling queue one at a time, each attempt
// taking `latency` of virtual time, binds them, and parks the ones that fit nowhere until a cluster event
// may help them (or preempts lower-priority pods for them).
import type { Simulation, SimEvent } from '../../engine/simulation.js';
import type { Timer } from '../../engine/event-queue.js';
import { sample, type Distribution } from '../../engine/distributions.js';
import type { Rng } from '../../engine/rng.js';
import type { ClusterState } from '../../model/cluster-state.js';
import { CLUSTER_EVENT_TYPES, isWorkloadEvent, type ClusterEvent, type ClusterEventType } from '../../model/events.js';
import type { Pod } from '../../model/pod.js';
import { findPreemption } from '../../scheduler/preemption.js';
import { SchedulingQueue, UNSCHEDULABLE_FLUSH_INTERVAL_MS, eventBit } from '../../scheduler/queue.js';
import type { Scheduler } from '../../scheduler/scheduler.js';
import type { Nominator } from '../../scheduler/nominator.js';

export interface SchedulerStats {
  attempts: number;
  failures: number;
  preemptions: number;
  victims: number;
  nodesEvaluated: number;
}

export class SchedulerController {
  readonly queue: SchedulingQueue;
  readonly stats: SchedulerStats = { attempts: 0, failures: 0, preemptions: 0, victims: 0, nodesEvaluated: 0 };
  /** Why each pending pod's last attempt failed: kept as counts, worded only when asked (lastFailureText). */
  readonly lastFailure = new Map<number, { reasons: ReadonlyMap<string, number>; nodes: number }>();
  /** The next cycle (a timer: one pending at most, set again after every attempt, with no record made each time). */
  private readonly cycle: Timer;
  /** The pending cycle only waits for a backoff to end (nothing to pop before then): new work may run sooner. */
  private cycleWaitsForBackoff = false;
  private flush: SimEvent | null = null;
  private moveMask = 0;
  /** Cluster events seen so far, and the number of the last event of each type awaiting the move. */
  private events = 0;
  private readonly moveLast = new Map<ClusterEventType, number>();
  /** An attempt is running: new work waits for the next cycle, which the attempt's end schedules. */
  private inAttempt = false;
  private move: SimEvent | null = null;
  private readonly kCycle: number;
  private readonly kMove: number;
  private readonly kFlush: number;
  /** The random streams of the cycle's latency and of preemption's choices (looked up once, not per cycle). */
  private readonly latencyRng: Rng;
  private readonly preemptionRng: Rng;

  constructor(
    private readonly sim: Simulation,
    private readonly cluster: ClusterState,
    /** schedulerName -> Scheduler (one per profile), sharing one Nominator. */
    private readonly schedulers: ReadonlyMap<string, Scheduler>,
    private readonly nominator: Nominator,
    private readonly latency: Distribution,
    popFromBackoff = true,
  ) {
    this.queue = new SchedulingQueue(popFromBackoff);
    this.latencyRng = sim.rng('scheduler.latency');
    this.preemptionRng = sim.rng('scheduler.preemption');
    this.kCycle = sim.register('scheduler.cycle', () => this.runCycle());
    this.cycle = sim.timer(this.kCycle);
    this.kMove = sim.register('scheduler.move', () => this.moveParked());
    this.kFlush = sim.register('scheduler.flush', () => this.flushParked());
    cluster.watch('scheduler', (ev) => this.onClusterEvent(ev));
  }

  private onClusterEvent(ev: ClusterEvent): void {
    // Workload objects, a machine's health (the API sees it only through the node lifecycle controller's
    // Ready condition and taints) and a pod's Ready condition register for no plugin's requeue.
    if (isWorkloadEvent(ev) || ev.type === 'NodeHealthChanged' || ev.type === 'PodReadyChanged') return;
    const pod = ev.pod;
    if (ev.type === 'PodAdded' && pod && !pod.node) {
      if (!this.schedulers.has(pod.template.schedulerName)) return; // another scheduler's pod: left pending
      this.queue.add(pod, this.sim.now);
      this.wake();
      return;
    }
    // fit.go isSchedulableAfterPodEvent (and the spreading and affinity plugins): a deleted pod that was
    // neither bound nor nominated freed nothing, so it is no event for the parked pods.
    const freedNothing = (ev.type === 'PodDeleted' || ev.type === 'PodFinished') && pod !== undefined && !ev.node && !pod.nominatedNode;
    if ((ev.type === 'PodDeleted' || ev.type === 'PodFinished' || ev.type === 'PodBound') && pod) {
      this.nominator.remove(pod);
    }
    if ((ev.type === 'PodDeleted' || ev.type === 'PodFinished') && pod) {
      this.queue.remove(pod);
      this.lastFailure.delete(pod.id);
    }
    if (freedNothing) return;
    this.events++;
    if (this.queue.unschedulableCount > 0) {
      // Coalesce the events of one instant into one move, queued like any other work; each parked pod
      // is moved only by events after its attempt began.
      this.moveMask |= eventBit(ev.type);
      this.moveLast.set(ev.type, this.events);
      if (!this.move) this.move = this.sim.schedule(0, this.kMove);
    }
  }

  /** Runs a cycle now unless one is under way (the scheduler is busy until its next cycle). */
  private wake(): void {
    if (this.inAttempt) return;
    if (this.cycle.pending && !this.cycleWaitsForBackoff) return;
    this.sim.cancelTimer(this.cycle);
    this.sim.setTimer(this.cycle, this.sim.now);
    this.cycleWaitsForBackoff = false;
  }

  private moveParked(): void {
    this.move = null;
    const mask = this.moveMask;
    this.moveMask = 0;
    let moved = 0;
    for (const type of CLUSTER_EVENT_TYPES) {
      if (mask & eventBit(type)) moved += this.queue.onEvent(type, this.sim.now, this.moveLast.get(type) ?? Infinity);
    }
    this.moveLast.clear();
    if (moved > 0) this.wakeForQueue();
  }

  /** The pod's last failure as kube-scheduler words it, if it has one. */
  lastFailureText(pod: Pod): string | undefined {
    const f = this.lastFailure.get(pod.id);
    return f ? describe(f.reasons, f.nodes) : undefined;
  }

  private flushParked(): void {
    this.flush = null;
    if (this.queue.flushUnschedulable(this.sim.now) > 0) this.wakeForQueue();
    this.armFlush();
  }

  private armFlush(): void {
    if (!this.flush && this.queue.unschedulableCount > 0) this.flush = this.sim.schedule(UNSCHEDULABLE_FLUSH_INTERVAL_MS, this.kFlush);
  }

  /** Wakes the cycle now, or when the earliest backoff expires. */
  private wakeForQueue(): void {
    if (this.queue.activeCount > 0 || this.queue.backoffCount > 0) this.wake();
  }

  private runCycle(): void {
    this.cycleWaitsForBackoff = false;
    const sim = this.sim;
    const pod = this.queue.pop(sim.now);
    if (!pod) {
      // Only pods in backoff (PopFromBackoffQ off): the next cycle is when the first backoff ends.
      const at = this.queue.nextBackoffAt();
      if (at !== undefined) {
        sim.setTimer(this.cycle, Math.max(at, sim.now));
        this.cycleWaitsForBackoff = true;
      }
      return;
    }
    this.inAttempt = true;
    try {
      this.attempt(pod);
    } finally {
      this.inAttempt = false;
    }
    // One pod at a time (schedule_one.go ScheduleOne): the next cycle follows this one's latency.
    const next = Math.max(0, Math.round(sample(this.latency, this.latencyRng)));
    sim.setTimer(this.cycle, sim.now + next);
  }

  private attempt(pod: Pod): void {
    const sched = this.schedulers.get(pod.template.schedulerName)!;
    const now = this.sim.now;
    const seen = this.events;
    pod.attempts++;
    this.stats.attempts++;
    const result = sched.schedule(pod);
    this.stats.nodesEvaluated += result.evaluated;
    if (result.node) {
      this.lastFailure.delete(pod.id);
      this.cluster.bindPod(pod, result.node);
      return;
    }
    this.stats.failures++;
    const d = result.diagnosis!;
    const nodes = this.cluster.nodes.length;
    const prev = this.lastFailure.get(pod.id);
    if (!prev || prev.reasons !== d.reasons || prev.nodes !== nodes) this.lastFailure.set(pod.id, { reasons: d.reasons, nodes });
    if (sched.profile.spec.preemption) {
      const c = findPreemption(sched, pod, this.cluster.nodes, d, this.preemptionRng);
      if (c) {
        this.stats.preemptions++;
        this.stats.victims += c.victims.length;
        // preemption.go prepareCandidate: lower-priority pods nominated to that node lose the nomination.
        this.nominator.clearLowerPriority(c.node, pod.priority);
        this.nominator.nominate(pod, c.node);
        this.queue.addBackoff(pod, now);
        for (const v of c.victims) this.cluster.deletePod(v, 'Preempted');
        return;
      }
      // preemption.go Preempt: no candidate clears the pod's nomination (handleSchedulingFailure).
      this.nominator.remove(pod);
    }
    this.queue.addUnschedulable(pod, d.mask, now, seen);
    this.armFlush();
  }
}

/** "0/12 nodes are available: 9 Insufficient cpu, 3 node(s) had untolerated taint {…}." as kube-scheduler words it. */
export function describe(reasons: ReadonlyMap<string, number>, total: number): string {
  const parts = [...reasons].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([r, n]) => `${n} ${r}`);
  return `0/${total} nodes are available: ${parts.join(', ')}.`;
}
