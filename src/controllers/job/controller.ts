// The Job controller (pkg/controller/job/job_controller.go, v1.36), NonIndexed: keeps `parallelism`
// pods active until `completions` pods have succeeded, and reports status.active / succeeded / failed and
// completionTime. A terminating pod is no longer active (the default podReplacementPolicy,
// TerminatingOrFailed, replaces it at once).
import type { Simulation } from '../../engine/simulation.js';
import { SyncQueue } from '../sync-queue.js';
import { sample } from '../../engine/distributions.js';
import type { ClusterState } from '../../model/cluster-state.js';
import type { ClusterEvent } from '../../model/events.js';
import type { Pod } from '../../model/pod.js';
import type { Workload } from '../../model/workloads.js';
import { jobComplete, wantActive, type JobCounts } from './calc.js';

interface ManagedJob {
  job: Workload;
  counts: JobCounts;
  active: Set<Pod>;
  created: number;
}

export class JobController {
  private readonly queue: SyncQueue<ManagedJob>;

  constructor(
    private readonly sim: Simulation,
    private readonly cluster: ClusterState,
  ) {
    this.queue = new SyncQueue(sim, 'job.sync', (m) => this.sync(m));
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
        });
        return;
      case 'WorkloadSpecChanged':
        this.queue.queue(ev.workload.index);
        return;
      case 'PodTerminating':
      case 'PodFinished':
      case 'PodDeleted': {
        const pod = ev.pod;
        const j = this.queue.get(pod.workload);
        if (!j) return;
        if (ev.type === 'PodFinished') {
          if (pod.phase === 'Succeeded') j.counts.succeeded++;
          else j.counts.failed++;
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
    const want = wantActive(spec, j.counts);
    const rng = this.sim.rng(`workload:${job.namespace}/${job.name}`);
    for (let k = j.counts.active; k < want; k++) {
      const runMs = job.spec.runTime ? Math.round(sample(job.spec.runTime, rng)) : -1;
      const pod = this.cluster.createPod(job.spec.template!, this.cluster.freePodName(job.namespace, job.name, j.created++), runMs, job);
      j.active.add(pod);
      j.counts.active++;
    }
    this.cluster.setWorkloadStatus(job, { observedGeneration: job.generation, ...j.counts, completionTime: done });
  }
}
