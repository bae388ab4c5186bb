// metrics-server as the HPA sees it (sigs.k8s.io/metrics-server): every metric resolution (--metric-resolution,
// default 15 s) it scrapes each node's kubelet, and a pod's CPU usage is the rate of its cumulative CPU time
// between the last two scrapes, reported with that scrape's timestamp and window. So the HPA acts on usage up
// to one resolution old, averaged over one resolution. Only the pods of workloads an HPA watches are scraped.
// The same scrape stands in for a custom metrics adapter: each pod's requests per second (a Pods metric) and a
// Service's (an Object metric), as rates over the last resolution, in milli-units as the HPA reads quantities.
import type { Simulation } from '../../engine/simulation.js';
import type { ClusterState } from '../../model/cluster-state.js';
import type { Pod } from '../../model/pod.js';
import type { PodMetric } from '../hpa/calc.js';
import { PodsByRoot } from './pods-by-root.js';

/** Where CPU usage comes from: a pod's cumulative CPU use (millicore-milliseconds) up to now. */
export interface UsageSource {
  cpuUsedMilliMs(pod: Pod, now: number): number;
  /** The requests the pod has served so far, where the source serves requests. */
  requestsServed?(pod: Pod): number;
}

/** The cumulative requests a Service has received, by "namespace/name" (undefined: no such Service). */
export type ServiceRequests = (key: string) => number | undefined;

/** The metric name the simulation produces for Pods and Object (Service) metrics. */
export const REQUESTS_PER_SECOND = 'requests_per_second';

/** metrics-server's default --metric-resolution. */
export const DEFAULT_METRIC_RESOLUTION_MS = 15_000;

export class MetricsServer {
  /** Per pod id: the cumulative use at the last scrape, and the sample it gave. */
  private readonly last = new Map<
    number,
    { t: number; used: number; served: number; root: number; sample: PodMetric | null; rate: PodMetric | null }
  >();
  private readonly samples = new Map<number, PodMetric>();
  /** Per workload: bumped whenever one of its pods gains or loses a CPU sample (a sample's value changes in place). */
  private readonly samplesVersions = new Map<number, number>();

  samplesVersionOf(root: number): number {
    return this.samplesVersions.get(root) ?? 0;
  }

  private bump(root: number): void {
    this.samplesVersions.set(root, (this.samplesVersions.get(root) ?? 0) + 1);
  }
  private readonly rates = new Map<number, PodMetric>();
  /** Services whose request rate is read, with the last reading and the rate it gave (milli-requests/s). */
  private readonly serviceRates = new Map<string, { t: number; count: number; rate: number | undefined }>();
  private serviceRequests: ServiceRequests | null = null;
  /** Pods' request rates are read only once an HPA asks for one. */
  private ratesWanted = false;
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

  /** Where Services' request counts come from (the traffic model). */
  setServiceRequests(f: ServiceRequests): void {
    this.serviceRequests = f;
  }

  /** The pod's latest requests-per-second sample (milli-units), or undefined before it has two scrapes. */
  requestRate(pod: Pod): PodMetric | undefined {
    return this.rates.get(pod.id);
  }

  /** Reads pods' request rates at every scrape from now on (an HPA has a Pods metric). */
  wantRequestRates(): void {
    this.ratesWanted = true;
  }

  /** The Service's requests per second over the last resolution (milli-units); read from now on. */
  serviceRate(key: string): number | undefined {
    const e = this.serviceRates.get(key);
    if (!e) this.serviceRates.set(key, { t: -1, count: 0, rate: undefined });
    return e?.rate;
  }

  private served(pod: Pod): number {
    let n = 0;
    for (const s of this.sources) n += s.requestsServed?.(pod) ?? 0;
    return n;
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
    for (const [key, e] of this.serviceRates) {
      const count = this.serviceRequests?.(key);
      if (count === undefined) continue;
      if (e.t >= 0 && now > e.t) e.rate = ((count - e.count) / (now - e.t)) * 1e6;
      e.t = now;
      e.count = count;
    }
    if (this.watched.size === 0) return;
    let scraped = 0;
    for (const root of this.watched)
      for (const pod of this.pods.of(root).values()) {
        if (pod.phase !== 'Running') continue;
        scraped++;
        const used = this.used(pod, now);
        const served = this.ratesWanted ? this.served(pod) : 0;
        const prev = this.last.get(pod.id);
        if (!prev) {
          // The first scrape of a pod only starts its window (the kubelet needs two cumulative readings).
          this.last.set(pod.id, { t: now, used, served, root, sample: null, rate: null });
          continue;
        }
        if (now > prev.t) {
          const window = now - prev.t;
          const value = (used - prev.used) / window;
          // Samples are updated in place (the HPA holds them between scrapes).
          if (prev.sample) {
            prev.sample.value = value;
            prev.sample.timestamp = now;
            prev.sample.window = window;
          } else {
            prev.sample = { value, timestamp: now, window };
            this.samples.set(pod.id, prev.sample);
            this.bump(root);
          }
          if (this.ratesWanted) {
            const rate = ((served - prev.served) / window) * 1e6;
            if (prev.rate) {
              prev.rate.value = rate;
              prev.rate.timestamp = now;
              prev.rate.window = window;
            } else {
              prev.rate = { value: rate, timestamp: now, window };
              this.rates.set(pod.id, prev.rate);
            }
          }
        }
        prev.t = now;
        prev.used = used;
        prev.served = served;
      }
    // Pods not scraped now (gone, or no longer running) lose their readings: there are some only when more pods
    // have readings than were scraped (each pod scraped has one, read now).
    if (this.last.size === scraped) return;
    for (const [id, prev] of this.last) {
      if (prev.t === now) continue;
      this.last.delete(id);
      if (this.samples.delete(id)) this.bump(prev.root);
      this.rates.delete(id);
    }
  }
}
