// metrics-server as the HPA sees it (sigs.k8s.io/metrics-server): every metric resolution (--metric-resolution,
// default 15 s) it scrapes each node's kubelet, and a pod's CPU usage is the rate of its cumulative CPU time
// between the last two scrapes, reported with that scrape's timestamp and window. So the HPA acts on usage up
// to one resolution old, averaged over one resolution. Only the pods of workloads an HPA watches are scraped.
import type { Simulation } from '../../engine/simulation.js';
import type { ClusterState } from '../../model/cluster-state.js';
import type { Pod } from '../../model/pod.js';
import type { PodMetric } from '../hpa/calc.js';
import { PodsByRoot } from './pods-by-root.js';

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

  /** The live pods of each top-level workload (the HPA lists its target's pods here too). */
  readonly pods: PodsByRoot;

  constructor(
    private readonly sim: Simulation,
    cluster: ClusterState,
    private readonly resolutionMs = DEFAULT_METRIC_RESOLUTION_MS,
  ) {
    this.pods = new PodsByRoot(cluster);
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
    for (const root of this.watched)
      for (const pod of this.pods.of(root).values()) {
        if (pod.phase !== 'Running') continue;
        const used = this.used(pod, now);
        const prev = this.last.get(pod.id);
        if (!prev) {
          // The first scrape of a pod only starts its window (the kubelet needs two cumulative readings).
          this.last.set(pod.id, { t: now, used });
          continue;
        }
        if (now > prev.t) {
          const value = (used - prev.used) / (now - prev.t);
          const sample = this.samples.get(pod.id);
          if (sample) {
            sample.value = value;
            sample.timestamp = now;
            sample.window = now - prev.t;
          } else this.samples.set(pod.id, { value, timestamp: now, window: now - prev.t });
        }
        prev.t = now;
        prev.used = used;
      }
    // Pods not scraped now (gone, or no longer running) lose their readings.
    for (const [id, prev] of this.last) {
      if (prev.t === now) continue;
      this.last.delete(id);
      this.samples.delete(id);
    }
  }
}
