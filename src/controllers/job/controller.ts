// The Job controller (pkg/controller/job/job_controller.go, v1.36): keeps `parallelism` pods active until
// `completions` pods have succeeded (Indexed: one success per completion index, each pod named
// <job>-<index>-<suffix>), and reports status.active / succeeded / failed and completionTime. A
// terminating pod is no longer active (the default podReplacementPolicy, TerminatingOrFailed, replaces it
// at once); a pod deleted before it finished counts as failed, as the controller's finalizers make it.
// Each failure goes through podFailurePolicy (FailJob fails the Job, Ignore does not count, Count counts);
// replacements of counted failures wait out the pod failure backoff (10 s doubling to 10 min,
// backoff.ts); once failed pods exceed backoffLimit (or, with restartPolicy OnFailure, container restarts
// reach it), or activeDeadlineSeconds has passed, the Job fails and its active pods are deleted.
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
import { DISRUPTION_TARGET, matchPodFailurePolicy } from './pod-failure-policy.js';
import type { EventRecorder } from '../../metrics/collectors/events.js';

/** Deletions that are a disruption: the pod gets the DisruptionTarget condition (pkg/apis/core/types.go). */
const DISRUPTIONS = new Set(['TaintManagerEviction', 'Evicted', 'Preempted', 'NodeRestarted']);
/** Deletions the Job controller makes itself: not failures. */
const OWN_DELETIONS = new Set(['BackoffLimitExceeded', 'DeadlineExceeded', 'PodFailurePolicy', 'ScaledDown']);

interface ManagedJob {
  job: Workload;
  counts: JobCounts;
  active: Set<Pod>;
  created: number;
  /** Consecutive pod failures since the last success, for the pod failure backoff. */
  backoff: BackoffRecord;
  /** A sync is scheduled for the end of the backoff. */
  waiting: boolean;
  /** Failed at this time (with its reason), or -1. */
  failedAt: number;
  failReason: string;
  /** Indexed: each active pod's completion index, and the indexes that succeeded. */
  indexOf: Map<Pod, number>;
  succeededIndexes: Set<number>;
}

export class JobController {
  private readonly queue: SyncQueue<ManagedJob>;
  private readonly kBackoff: number;
  private readonly kDeadline: number;

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
    this.kDeadline = sim.register('job.deadline', (i) => {
      const j = this.queue.get(i);
      if (j && j.failedAt < 0 && j.job.status.completionTime < 0)
        this.fail(j, 'DeadlineExceeded', 'Job was active longer than specified deadline');
    });
    cluster.watch('job', (ev) => this.on(ev));
  }

  private on(ev: ClusterEvent): void {
    switch (ev.type) {
      case 'WorkloadAdded': {
        if (ev.workload.kind !== 'Job') return;
        this.queue.add(ev.workload.index, {
          job: ev.workload,
          counts: { active: 0, succeeded: 0, failed: 0 },
          active: new Set(),
          created: 0,
          backoff: EMPTY_BACKOFF_RECORD,
          waiting: false,
          failedAt: -1,
          failReason: '',
          indexOf: new Map(),
          succeededIndexes: new Set(),
        });
        const deadline = ev.workload.spec.job?.activeDeadlineMs;
        if (deadline) this.sim.schedule(deadline, this.kDeadline, ev.workload.index);
        return;
      }
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
        if (ev.type === 'PodFinished') this.ended(j, pod, pod.phase === 'Succeeded');
        // A pod deleted before it finished (evicted, preempted, its node gone) failed.
        else if (ev.type === 'PodDeleted' && !OWN_DELETIONS.has(pod.outcome)) {
          this.ended(j, pod, false);
          this.queue.queue(pod.workload);
        }
        if (!j.active.delete(pod)) return;
        j.counts.active--;
        this.queue.queue(pod.workload);
        return;
      }
      default:
    }
  }

  /** A pod of the Job ended: a success (once per index when Indexed), or a failure through podFailurePolicy. */
  private ended(j: ManagedJob, pod: Pod, succeeded: boolean): void {
    const now = this.sim.now;
    const index = j.indexOf.get(pod);
    j.indexOf.delete(pod);
    if (succeeded) {
      if (index === undefined || !j.succeededIndexes.has(index)) j.counts.succeeded++;
      if (index !== undefined) j.succeededIndexes.add(index);
      j.backoff = newBackoffRecord(j.backoff, [now], []);
      return;
    }
    const rules = j.job.spec.job!.podFailurePolicy;
    if (rules) {
      const code = /exit code (\d+)/.exec(pod.outcome);
      const match = matchPodFailurePolicy(rules, {
        containers: [{ name: '', exitCode: code ? Number(code[1]) : null }],
        conditions: new Map(DISRUPTIONS.has(pod.outcome) ? [[DISRUPTION_TARGET, 'True' as const]] : []),
      });
      if (match?.action === 'Ignore') return;
      if (match?.action === 'FailJob') {
        j.counts.failed++;
        this.queue.queue(j.job.index);
        if (j.failedAt < 0)
          this.fail(
            j,
            'PodFailurePolicy',
            `Container of pod ${pod.namespace}/${pod.name} failed, matching FailJob rule at index ${match.rule}`,
          );
        return;
      }
    }
    j.counts.failed++;
    j.backoff = newBackoffRecord(j.backoff, [], [now]);
  }

  /** The Job fails (a terminal Failed condition): its active pods are deleted and no more are made. */
  private fail(j: ManagedJob, reason: string, message: string): void {
    const job = j.job;
    j.failedAt = this.sim.now;
    j.failReason = reason;
    this.recorder?.event('Warning', reason, `job/${job.namespace}/${job.name}`, message);
    for (const p of [...j.active]) this.cluster.deletePod(p, reason, p.template.terminationGracePeriodMs);
    this.queue.queue(job.index);
  }

  private sync(j: ManagedJob): void {
    const job = j.job;
    const spec = job.spec.job!;
    const done = job.status.completionTime < 0 && j.failedAt < 0 && jobComplete(spec, j.counts) ? this.sim.now : job.status.completionTime;
    if (j.failedAt < 0 && done < 0 && this.pastBackoffLimit(j))
      this.fail(j, 'BackoffLimitExceeded', 'Job has reached the specified backoff limit');
    const want = j.failedAt >= 0 ? 0 : wantActive(spec, j.counts);
    // manageJob waits out the pod failure backoff before it creates replacements.
    const wait = want > j.counts.active ? getRemainingTime(j.backoff, this.sim.now) : 0;
    if (wait > 0 && !j.waiting) {
      j.waiting = true;
      this.sim.schedule(wait, this.kBackoff, job.index);
    }
    const rng = this.sim.rng(`workload:${job.namespace}/${job.name}`);
    const indexed = spec.completionMode === 'Indexed';
    let next = 0;
    for (let k = j.counts.active; wait === 0 && k < want; k++) {
      const runMs = job.spec.runTime ? Math.round(sample(job.spec.runTime, rng)) : -1;
      let name: string;
      let index = -1;
      if (indexed) {
        // The lowest completion index that has neither succeeded nor an active pod.
        const busy = new Set(j.indexOf.values());
        while (next < spec.completions! && (j.succeededIndexes.has(next) || busy.has(next))) next++;
        if (next >= spec.completions!) break;
        index = next++;
        name = this.cluster.freePodName(job.namespace, `${job.name}-${index}`, j.created++);
      } else name = this.cluster.freePodName(job.namespace, job.name, j.created++);
      const pod = this.cluster.createPod(job.spec.template!, name, runMs, job);
      if (index >= 0) j.indexOf.set(pod, index);
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
