// metrics-server as the HPA sees it (sigs.k8s.io/metrics-server): every metric resolution (--metric-resolution,
// default 15 s) it scrapes each node's kubelet, and a pod's CPU usage is the rate of its cumulative CPU time
// between the last two scrapes, reported with that scrape's timestamp and window. So the HPA acts on usage up
// to one resolution old, averaged over one resolution. Only the pods of workloads an HPA watches are scraped.
import type { Simulation } from '../../engine/simulation.js';
import type { ClusterState } from '../../model/cluster-state.js';
import type { Pod } from '../../model/pod.js';
import type { PodMetric } from '../hpa/calc.js';

/** Where CPU usage comes from: a pod's cumulative CPU use (millicore-milliseconds) up to now. */
export interface UsageSource {
  cpuUsedMilliMs(pod: Pod, now: number): number;
}

/** metrics-server's default --metric-resolution. */
export const DEFAULT_METRIC_RESOLUTION_MS = 15_000;

export class MetricsServer {
  /** Per pod id: the cumulative use at the last scrape, and the sample it gave. */
  private readonly last = new Map<number, { t: number; used: number }>();
  private readonly samples = new Map<number, PodMetric>();
  private readonly sources: UsageSource[] = [];
  /** Workload indices (top-level owners) whose pods are scraped. */
  private readonly watched = new Set<number>();

  constructor(
    private readonly sim: Simulation,
    private readonly cluster: ClusterState,
    private readonly resolutionMs = DEFAULT_METRIC_RESOLUTION_MS,
  ) {
    const kScrape = sim.register('metrics-server.scrape', () => {
      this.scrape();
      sim.schedule(this.resolutionMs, kScrape);
    });
    sim.scheduleAt(0, kScrape);
  }

  addSource(s: UsageSource): void {
    this.sources.push(s);
  }

  /** Scrape the pods of this workload (its top-level owner) from now on. */
  watch(workload: number): void {
    this.watched.add(workload);
  }

  /** The pod's latest CPU sample (millicores), or undefined before it has two scrapes. */
  cpu(pod: Pod): PodMetric | undefined {
    return this.samples.get(pod.id);
  }

  private used(pod: Pod, now: number): number {
    let n = 0;
    for (const s of this.sources) n += s.cpuUsedMilliMs(pod, now);
    return n;
  }

  private scrape(): void {
    const now = this.sim.now;
    if (this.watched.size === 0) return;
    const seen = new Set<number>();
    for (const pod of this.cluster.livePods.values()) {
      if (pod.phase !== 'Running' || pod.workload < 0) continue;
      if (!this.watched.has(this.cluster.workloads[pod.workload]!.root.index)) continue;
      seen.add(pod.id);
      const used = this.used(pod, now);
      const prev = this.last.get(pod.id);
      // The first scrape of a pod only starts its window (the kubelet needs two cumulative readings).
      if (prev && now > prev.t)
        this.samples.set(pod.id, { value: (used - prev.used) / (now - prev.t), timestamp: now, window: now - prev.t });
      this.last.set(pod.id, { t: now, used });
    }
    for (const id of [...this.last.keys()]) {
      if (seen.has(id)) continue;
      this.last.delete(id);
      this.samples.delete(id);
    }
  }
}
