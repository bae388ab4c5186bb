// Jobs (NonIndexed): keep `parallelism` pods running until `completions` pods have succeeded.
import type { Simulation } from '../../engine/simulation.js';
import { sample } from '../../engine/distributions.js';
import type { ClusterState } from '../../model/cluster-state.js';
import type { Pod } from '../../model/pod.js';
import { podName } from '../../workload/names.js';
import type { WorkloadSpec } from '../../workload/spec.js';
import { jobComplete, wantActive, type JobCounts } from './calc.js';

interface ManagedJob {
  spec: WorkloadSpec;
  ref: number;
  counts: JobCounts;
  active: Set<Pod>;
  created: number;
  applied: boolean;
  syncQueued: boolean;
  completedAt: number;
}

export class JobController {
  private readonly jobs: ManagedJob[] = [];
  private readonly byWorkload = new Map<number, ManagedJob>();
  private readonly kSync: number;

  constructor(
    private readonly sim: Simulation,
    private readonly cluster: ClusterState,
  ) {
    this.kSync = sim.register('job.sync', (i) => this.sync(i));
    cluster.watch((ev) => {
      const pod = ev.pod;
      if (!pod || (ev.type !== 'PodFinished' && ev.type !== 'PodDeleted')) return;
      const j = this.byWorkload.get(pod.workload);
      if (!j || !j.active.delete(pod)) return;
      j.counts.active--;
      if (ev.type === 'PodFinished' && pod.phase === 'Succeeded') j.counts.succeeded++;
      else if (ev.type === 'PodFinished') j.counts.failed++;
      this.queueSync(j);
    });
  }

  add(spec: WorkloadSpec): void {
    const ref = this.cluster.addWorkload(spec.kind, spec.name, spec.namespace);
    const j: ManagedJob = {
      spec, ref: ref.index, counts: { active: 0, succeeded: 0, failed: 0 }, active: new Set(), created: 0,
      applied: false, syncQueued: true, completedAt: -1,
    };
    this.jobs.push(j);
    this.byWorkload.set(ref.index, j);
    this.sim.scheduleAt(Math.max(spec.at, this.sim.now), this.kSync, this.jobs.length - 1);
  }

  /** Completed jobs and their completion times (for the summary). */
  completions(): { name: string; completedAt: number; succeeded: number }[] {
    return this.jobs.map((j) => ({ name: `${j.spec.namespace}/${j.spec.name}`, completedAt: j.completedAt, succeeded: j.counts.succeeded }));
  }

  private queueSync(j: ManagedJob): void {
    if (j.syncQueued) return;
    j.syncQueued = true;
    this.sim.schedule(0, this.kSync, this.jobs.indexOf(j));
  }

  private sync(i: number): void {
    const j = this.jobs[i]!;
    j.syncQueued = false;
    j.applied = true;
    if (j.completedAt < 0 && jobComplete(j.spec.job!, j.counts)) j.completedAt = this.sim.now;
    const want = wantActive(j.spec.job!, j.counts);
    const rng = this.sim.rng(`workload:${j.spec.namespace}/${j.spec.name}`);
    for (let k = j.counts.active; k < want; k++) {
      const runMs = j.spec.runTime ? Math.round(sample(j.spec.runTime, rng)) : -1;
      const pod = this.cluster.createPod(j.spec.template, podName(j.spec.name, j.created++), runMs, j.ref);
      j.active.add(pod);
      j.counts.active++;
    }
  }
}
