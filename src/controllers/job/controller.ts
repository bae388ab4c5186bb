// The Job controller (pkg/controller/job/job_controller.go, v1.36): keeps `parallelism` pods active until
// `completions` pods have succeeded (Indexed: one success per completion index, each pod named
// <job>-<index>-<suffix>), and reports status.active / succeeded / failed, completionTime and the Failed
// condition's time. A terminating pod is no longer active (the default podReplacementPolicy,
// TerminatingOrFailed, replaces it at once); a pod deleted before it finished counts as failed, as the
// controller's finalizers make it. Each failure goes through podFailurePolicy (FailJob fails the Job, Ignore
// does not count, Count counts); replacements of counted failures wait out the pod failure backoff (10 s
// doubling to 10 min, backoff.ts); once failed pods exceed backoffLimit (or, with restartPolicy OnFailure,
// container restarts reach it), or activeDeadlineSeconds has passed, the Job fails and its active pods are
// deleted. With backoffLimitPerIndex (Indexed) each index counts its own failures and waits out its own
// backoff (indexed.ts): an index fails at its (backoffLimitPerIndex + 1)th counted failure or on a FailIndex
// rule, and the Job fails once failed indexes exceed maxFailedIndexes, or when every index is done and some
// failed. As with the JobManagedBy and JobPodReplacementPolicy gates (GA in v1.35 and v1.34), the Complete and
// Failed conditions wait until the Job has no terminating pods left.
import type { Simulation } from '../../engine/simulation.js';
import { SyncQueue } from '../sync-queue.js';
import { sample } from '../../engine/distributions.js';
import type { ClusterState } from '../../model/cluster-state.js';
import type { ClusterEvent } from '../../model/events.js';
import type { Pod } from '../../model/pod.js';
import type { Workload } from '../../model/workloads.js';
import { failedIndexesFailure, jobComplete, wantActive, type JobCounts } from './calc.js';
import {
  EMPTY_BACKOFF_RECORD,
  exceedsBackoffLimit,
  getRemainingTime,
  newBackoffRecord,
  pastBackoffLimitOnFailure,
  type BackoffRecord,
} from './backoff.js';
import { DISRUPTION_TARGET, matchPodFailurePolicy, type FailedPod } from './pod-failure-policy.js';
import {
  firstPendingIndexes,
  getNewIndexFailureCounts,
  getPodCreationInfoForIndependentIndexes,
  getRemainingTimePerIndex,
  intervalsHas,
  intervalsString,
  intervalsTotal,
  isIndexFailed,
  withOrderedIndexes,
  type Interval,
  type LastFailedPod,
} from './indexed.js';
import type { EventRecorder } from '../../metrics/collectors/events.js';

/** Deletions that are a disruption: the pod gets the DisruptionTarget condition (pkg/apis/core/types.go). */
const DISRUPTIONS = new Set(['TaintManagerEviction', 'Evicted', 'Preempted', 'NodeRestarted']);
/** Deletions the Job controller makes itself: not failures. */
const OWN_DELETIONS = new Set([
  'BackoffLimitExceeded',
  'DeadlineExceeded',
  'PodFailurePolicy',
  'MaxFailedIndexesExceeded',
  'FailedIndexes',
  'ScaledDown',
]);

interface ManagedJob {
  job: Workload;
  counts: JobCounts;
  active: Set<Pod>;
  /** Pods of the Job being deleted gracefully (a deletionTimestamp, not gone yet). */
  terminating: Set<Pod>;
  created: number;
  /** Consecutive pod failures since the last success, for the pod failure backoff. */
  backoff: BackoffRecord;
  /** When a sync is scheduled for the end of a backoff, or -1. */
  wakeAt: number;
  /** Failed at this time (its FailureTarget, with the reason), or -1. */
  failedAt: number;
  failReason: string;
  /** Met its success criteria at this time (SuccessCriteriaMet), or -1. */
  succeededAt: number;
  /** Indexed: each pod's completion index (until it ends), and the indexes that succeeded. */
  indexOf: Map<Pod, number>;
  succeededIndexes: Interval[];
  completedIndexes: string;
  /** backoffLimitPerIndex: the failed indexes, each live pod's index failure counts (its annotations), and the
   * last failed pod of each index (the one upstream keeps until its replacement exists). */
  failedIndexes: Interval[];
  failedIndexesText: string;
  indexFailureCounts: Map<Pod, readonly [number, number]>;
  lastFailed: Map<number, LastFailedPod>;
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
      if (!j || j.wakeAt !== this.sim.now) return;
      j.wakeAt = -1;
      this.queue.queue(i);
    });
    this.kDeadline = sim.register('job.deadline', (i) => {
      const j = this.queue.get(i);
      if (j && j.failedAt < 0 && j.succeededAt < 0) this.fail(j, 'DeadlineExceeded', 'Job was active longer than specified deadline');
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
          terminating: new Set(),
          created: 0,
          backoff: EMPTY_BACKOFF_RECORD,
          wakeAt: -1,
          failedAt: -1,
          failReason: '',
          succeededAt: -1,
          indexOf: new Map(),
          succeededIndexes: [],
          completedIndexes: '',
          failedIndexes: [],
          failedIndexesText: '',
          indexFailureCounts: new Map(),
          lastFailed: new Map(),
        });
        const deadline = ev.workload.spec.job?.activeDeadlineMs;
        if (deadline) this.sim.schedule(deadline, this.kDeadline, ev.workload.index);
        return;
      }
      case 'WorkloadSpecChanged':
        // A deleted Job is no longer managed: its pods go with it (cascading deletion).
        if (ev.workload.deletedAt >= 0) this.queue.remove(ev.workload.index);
        else this.queue.queue(ev.workload.index);
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
        if (ev.type === 'PodTerminating') j.terminating.add(pod);
        else if (j.terminating.delete(pod) && j.terminating.size === 0 && this.awaitsFinish(j)) this.queue.queue(pod.workload);
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

  /** The Job met its success or failure criteria and its Complete or Failed condition waits for terminating pods. */
  private awaitsFinish(j: ManagedJob): boolean {
    const st = j.job.status;
    return (j.failedAt >= 0 && st.failedTime < 0) || (j.succeededAt >= 0 && st.completionTime < 0);
  }

  /** What podFailurePolicy reads of a failed pod: the exit code its outcome names, and DisruptionTarget. */
  private failedPod(pod: Pod): FailedPod {
    const code = /exit code (\d+)/.exec(pod.outcome);
    return {
      containers: [{ name: '', exitCode: code ? Number(code[1]) : null }],
      conditions: new Map(DISRUPTIONS.has(pod.outcome) ? [[DISRUPTION_TARGET, 'True' as const]] : []),
    };
  }

  /** A pod of the Job ended: a success (once per index when Indexed), or a failure through podFailurePolicy. */
  private ended(j: ManagedJob, pod: Pod, succeeded: boolean): void {
    const now = this.sim.now;
    const spec = j.job.spec.job!;
    const index = j.indexOf.get(pod);
    j.indexOf.delete(pod);
    const indexCounts = j.indexFailureCounts.get(pod);
    j.indexFailureCounts.delete(pod);
    if (succeeded) {
      if (index === undefined || !intervalsHas(j.succeededIndexes, index)) {
        j.counts.succeeded++;
        if (index !== undefined) {
          j.succeededIndexes = withOrderedIndexes(j.succeededIndexes, [index]);
          j.completedIndexes = intervalsString(j.succeededIndexes);
        }
      }
      j.backoff = newBackoffRecord(j.backoff, [now], []);
      return;
    }
    const rules = spec.podFailurePolicy;
    const failed = rules || indexCounts ? this.failedPod(pod) : null;
    if (indexCounts && index !== undefined && spec.backoffLimitPerIndex !== undefined) {
      // indexed_job_utils.go: the failed pod is its index's last (its replacement inherits its counts), and the
      // index fails if isIndexFailed says so.
      const last: LastFailedPod = {
        ...failed!,
        indexFailureCount: indexCounts[0],
        indexIgnoredFailureCount: indexCounts[1],
        finishedTime: now,
      };
      j.lastFailed.set(index, last);
      const perIndex = { backoffLimitPerIndex: spec.backoffLimitPerIndex, podFailurePolicy: rules };
      if (!intervalsHas(j.failedIndexes, index) && !intervalsHas(j.succeededIndexes, index) && isIndexFailed(perIndex, last)) {
        j.failedIndexes = withOrderedIndexes(j.failedIndexes, [index]);
        j.failedIndexesText = intervalsString(j.failedIndexes);
      }
    }
    if (rules) {
      const match = matchPodFailurePolicy(rules, failed!);
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

  /** The Job fails (its FailureTarget): its active pods are deleted and no more are made. */
  private fail(j: ManagedJob, reason: string, message: string): void {
    const job = j.job;
    j.failedAt = this.sim.now;
    j.failReason = reason;
    this.recorder?.event('Warning', reason, `job/${job.namespace}/${job.name}`, message);
    for (const p of [...j.active]) this.cluster.deletePod(p, reason, p.template.terminationGracePeriodMs);
    this.queue.queue(job.index);
  }

  /** A sync after `delayMs` (the end of a backoff), unless one is due sooner. */
  private wakeUp(j: ManagedJob, delayMs: number): void {
    const at = this.sim.now + delayMs;
    if (j.wakeAt >= 0 && j.wakeAt <= at) return;
    j.wakeAt = at;
    this.sim.schedule(delayMs, this.kBackoff, j.job.index);
  }

  private sync(j: ManagedJob): void {
    const job = j.job;
    const spec = job.spec.job!;
    const now = this.sim.now;
    const indexed = spec.completionMode === 'Indexed';
    const perIndex = indexed && spec.backoffLimitPerIndex !== undefined;
    if (j.succeededAt < 0 && j.failedAt < 0 && jobComplete(spec, j.counts)) j.succeededAt = now;
    if (j.failedAt < 0 && j.succeededAt < 0 && this.pastBackoffLimit(j))
      this.fail(j, 'BackoffLimitExceeded', 'Job has reached the specified backoff limit');
    if (perIndex && j.failedAt < 0 && j.succeededAt < 0) {
      const failure = failedIndexesFailure(
        spec.maxFailedIndexes,
        intervalsTotal(j.failedIndexes),
        intervalsTotal(j.succeededIndexes),
        spec.completions!,
      );
      if (failure) this.fail(j, failure.reason, failure.message);
    }
    const want = j.failedAt >= 0 ? 0 : wantActive(spec, j.counts);
    // manageJob: how many pods to create now, and for which indexes.
    let count = 0;
    let indexes: readonly number[] | null = null;
    if (want > j.counts.active) {
      const diff = want - j.counts.active;
      if (perIndex) {
        // Each index waits out its own backoff (getPodCreationInfoForIndependentIndexes); the Job wakes up when
        // the next of those still waiting is over.
        const pending = firstPendingIndexes(j.indexOf.values(), j.succeededIndexes, j.failedIndexes, diff, spec.completions!);
        indexes = getPodCreationInfoForIndependentIndexes(now, pending, j.lastFailed).indexes;
        let next = -1;
        for (const ix of pending) {
          const wait = getRemainingTimePerIndex(now, j.lastFailed.get(ix));
          if (wait > 0 && (next < 0 || wait < next)) next = wait;
        }
        if (next > 0) this.wakeUp(j, next);
      } else {
        // manageJob waits out the pod failure backoff before it creates replacements.
        const wait = getRemainingTime(j.backoff, now);
        if (wait > 0) {
          if (j.wakeAt < 0) this.wakeUp(j, wait);
        } else if (indexed) indexes = firstPendingIndexes(j.indexOf.values(), j.succeededIndexes, null, diff, spec.completions!);
        else count = diff;
      }
    }
    const rng = this.sim.rng(`workload:${job.namespace}/${job.name}`);
    const n = indexes ? indexes.length : count;
    for (let k = 0; k < n; k++) {
      const runMs = job.spec.runTime ? Math.round(sample(job.spec.runTime, rng)) : -1;
      const index = indexes ? indexes[k]! : -1;
      const name =
        index >= 0
          ? this.cluster.freePodName(job.namespace, `${job.name}-${index}`, j.created++)
          : this.cluster.freePodName(job.namespace, job.name, j.created++);
      const pod = this.cluster.createPod(job.spec.template!, name, runMs, job);
      if (index >= 0) {
        j.indexOf.set(pod, index);
        if (perIndex)
          j.indexFailureCounts.set(
            pod,
            getNewIndexFailureCounts(
              { backoffLimitPerIndex: spec.backoffLimitPerIndex!, podFailurePolicy: spec.podFailurePolicy },
              j.lastFailed.get(index) ?? null,
            ),
          );
      }
      j.active.add(pod);
      j.counts.active++;
    }
    // enactJobFinished: the Complete or Failed condition once no pod is terminating.
    const st = job.status;
    const idle = j.terminating.size === 0;
    const completionTime = j.succeededAt >= 0 && st.completionTime < 0 && idle ? now : st.completionTime;
    const failedTime = j.failedAt >= 0 && st.failedTime < 0 && idle && j.counts.active === 0 ? now : st.failedTime;
    this.cluster.setWorkloadStatus(job, {
      observedGeneration: job.generation,
      ...j.counts,
      completionTime,
      failedTime,
      completedIndexes: j.completedIndexes,
      failedIndexes: j.failedIndexesText,
    });
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
