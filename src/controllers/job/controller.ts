// The Job controller (pkg/controller/job/job_controller.go, v1.36), NonIndexed: keeps `parallelism`
// pods active until `completions` pods have succeeded, and reports status.active / succeeded / failed and
// completionTime. A terminating pod is no longer active (the default podReplacementPolicy,
// TerminatingOrFailed, replaces it at once). Replacements of failed pods wait out the pod failure
// backoff (10 s doubling to 10 min, backoff.ts); once failed pods exceed backoffLimit (or, with
// restartPolicy OnFailure, container restarts reach it) the Job fails and its active pods are deleted.
import type { Simulation } from '../../engine/simulation.js';
import { SyncQueue } from '../sync-queue.js';
import { sample } from '../../engine/distributions.js';
import type { ClusterState } from '../../model/cluster-state.js';
import type { ClusterEvent } from '../../model/events.js';
import type { Pod } from '../../model/pod.js';
import type { Workload } from '../../model/workloads.js';
import { jobComplete, wantActive, type JobCounts } from './calc.js';
import {
  EMPTY_BACKOFF_RECORD,
  exceedsBackoffLimit,
  getRemainingTime,
  newBackoffRecord,
  pastBackoffLimitOnFailure,
  type BackoffRecord,
} from './backoff.js';
import type { EventRecorder } from '../../metrics/collectors/events.js';

interface ManagedJob {
  job: Workload;
  counts: JobCounts;
  active: Set<Pod>;
  created: number;
  /** Consecutive pod failures since the last success, for the pod failure backoff. */
  backoff: BackoffRecord;
  /** A sync is scheduled for the end of the backoff. */
  waiting: boolean;
  /** Failed (BackoffLimitExceeded) at this time, or -1. */
  failedAt: number;
}

export class JobController {
  private readonly queue: SyncQueue<ManagedJob>;
  private readonly kBackoff: number;

  constructor(
    private readonly sim: Simulation,
    private readonly cluster: ClusterState,
    private readonly recorder: EventRecorder | null = null,
  ) {
    this.queue = new SyncQueue(sim, 'job.sync', (m) => this.sync(m));
    this.kBackoff = sim.register('job.backoff', (i) => {
      const j = this.queue.get(i);
      if (!j) return;
      j.waiting = false;
      this.queue.queue(i);
    });
    cluster.watch('job', (ev) => this.on(ev));
  }

  private on(ev: ClusterEvent): void {
    switch (ev.type) {
      case 'WorkloadAdded':
        if (ev.workload.kind !== 'Job') return;
        this.queue.add(ev.workload.index, {
          job: ev.workload,
          counts: { active: 0, succeeded: 0, failed: 0 },
          active: new Set(),
          created: 0,
          backoff: EMPTY_BACKOFF_RECORD,
          waiting: false,
          failedAt: -1,
        });
        return;
      case 'WorkloadSpecChanged':
        this.queue.queue(ev.workload.index);
        return;
      case 'PodReadyChanged':
        // A container restart (restartPolicy OnFailure) counts towards the backoff limit.
        if (ev.pod.restarts > 0) this.queue.queue(ev.pod.workload);
        return;
      case 'PodTerminating':
      case 'PodFinished':
      case 'PodDeleted': {
        const pod = ev.pod;
        const j = this.queue.get(pod.workload);
        if (!j) return;
        if (ev.type === 'PodFinished') {
          const now = this.sim.now;
          if (pod.phase === 'Succeeded') {
            j.counts.succeeded++;
            j.backoff = newBackoffRecord(j.backoff, [now], []);
          } else {
            j.counts.failed++;
            j.backoff = newBackoffRecord(j.backoff, [], [now]);
          }
        }
        if (!j.active.delete(pod)) return;
        j.counts.active--;
        this.queue.queue(pod.workload);
        return;
      }
      default:
    }
  }

  private sync(j: ManagedJob): void {
    const job = j.job;
    const spec = job.spec.job!;
    const done = job.status.completionTime < 0 && jobComplete(spec, j.counts) ? this.sim.now : job.status.completionTime;
    if (j.failedAt < 0 && done < 0 && this.pastBackoffLimit(j)) {
      // BackoffLimitExceeded: the Job fails and its active pods are deleted.
      j.failedAt = this.sim.now;
      this.recorder?.event(
        'Warning',
        'BackoffLimitExceeded',
        `job/${job.namespace}/${job.name}`,
        'Job has reached the specified backoff limit',
      );
      for (const p of [...j.active]) this.cluster.deletePod(p, 'BackoffLimitExceeded', p.template.terminationGracePeriodMs);
    }
    const want = j.failedAt >= 0 ? 0 : wantActive(spec, j.counts);
    // manageJob waits out the pod failure backoff before it creates replacements.
    const wait = want > j.counts.active ? getRemainingTime(j.backoff, this.sim.now) : 0;
    if (wait > 0) {
      if (!j.waiting) {
        j.waiting = true;
        this.sim.schedule(wait, this.kBackoff, job.index);
      }
    }
    const rng = this.sim.rng(`workload:${job.namespace}/${job.name}`);
    for (let k = j.counts.active; wait === 0 && k < want; k++) {
      const runMs = job.spec.runTime ? Math.round(sample(job.spec.runTime, rng)) : -1;
      const pod = this.cluster.createPod(job.spec.template!, this.cluster.freePodName(job.namespace, job.name, j.created++), runMs, job);
      j.active.add(pod);
      j.counts.active++;
    }
    this.cluster.setWorkloadStatus(job, { observedGeneration: job.generation, ...j.counts, completionTime: done });
  }

  /** exceedsBackoffLimit on failed pods, or (restartPolicy OnFailure) pastBackoffLimitOnFailure on restarts. */
  private pastBackoffLimit(j: ManagedJob): boolean {
    const spec = j.job.spec.job!;
    if (exceedsBackoffLimit(j.counts.failed, spec.backoffLimit)) return true;
    const policy = j.job.spec.template!.restartPolicy;
    if (policy !== 'OnFailure') return false;
    const pods = [...j.active].map((p) => ({ phase: p.phase, restartCount: p.restarts }));
    return pastBackoffLimitOnFailure(policy, pods, spec.backoffLimit);
  }
}
