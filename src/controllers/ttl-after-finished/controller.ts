// The TTL-after-finished controller (pkg/controller/ttlafterfinished/ttlafterfinished_controller.go, v1.36):
// a Job with spec.ttlSecondsAfterFinished is deleted, with its pods (cascading deletion), that long after its
// Complete or Failed condition was added. It hears of Jobs that are added or change, checks each finished one
// (processJob) and, until its TTL expires, checks it again when it will have (enqueueAfter).
import type { Simulation } from '../../engine/simulation.js';
import type { ClusterState } from '../../model/cluster-state.js';
import type { Workload } from '../../model/workloads.js';
import { needsCleanup, timeLeft, type FinishableJob, type JobCondition } from './calc.js';

/** The Job as the rules read it: its TTL and the finished conditions its status records. */
export function finishableJob(w: Workload): FinishableJob {
  const conditions: JobCondition[] = [];
  if (w.status.completionTime >= 0) conditions.push({ type: 'Complete', status: 'True', lastTransitionTime: w.status.completionTime });
  if (w.status.failedTime >= 0) conditions.push({ type: 'Failed', status: 'True', lastTransitionTime: w.status.failedTime });
  return { namespace: w.namespace, name: w.name, ttlSecondsAfterFinished: w.spec.job?.ttlSecondsAfterFinished ?? null, conditions };
}

export class TTLAfterFinishedController {
  private readonly kProcess: number;
  /** Per Job (workload index): when its queued check is due. */
  private readonly due = new Map<number, number>();

  constructor(
    private readonly sim: Simulation,
    private readonly cluster: ClusterState,
  ) {
    this.kProcess = sim.register('ttl-after-finished.process', (i) => this.process(i));
    // addJob and updateJob: a Job not being deleted that has finished with a TTL is queued.
    const changed = (w: Workload) => {
      if (w.kind === 'Job' && w.deletedAt < 0 && needsCleanup(finishableJob(w))) this.enqueueAfter(w, 0);
    };
    cluster.watch('ttl-after-finished', {
      WorkloadAdded: (ev) => changed(ev.workload),
      WorkloadSpecChanged: (ev) => changed(ev.workload),
      WorkloadStatusChanged: (ev) => changed(ev.workload),
    });
  }

  /** The work queue's AddAfter: a check of the Job after `delayMs`, unless one is due sooner. */
  private enqueueAfter(w: Workload, delayMs: number): void {
    const at = this.sim.now + delayMs;
    const queued = this.due.get(w.index);
    if (queued !== undefined && queued <= at) return;
    this.due.set(w.index, at);
    this.sim.schedule(delayMs, this.kProcess, w.index);
  }

  /** processJob: deletes the Job once its TTL has expired, or checks it again when it will have. */
  private process(index: number): void {
    if (this.due.get(index) !== this.sim.now) return; // superseded by a sooner check
    this.due.delete(index);
    const w = this.cluster.workloads[index]!;
    // processTTL: Jobs being deleted, and those that need no cleanup, are left alone.
    const job = finishableJob(w);
    if (w.deletedAt >= 0 || !needsCleanup(job)) return;
    const t = timeLeft(job, this.sim.now);
    if ('error' in t) throw new Error(`bug: ${t.error}`);
    if (t.timeLeft > 0) this.enqueueAfter(w, t.timeLeft);
    else this.cluster.deleteWorkload(w);
  }
}
