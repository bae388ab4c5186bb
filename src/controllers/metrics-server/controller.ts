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
import { grown, Versions } from '../../model/arrays.js';
import type { SampleColumns } from '../hpa/columns.js';
import { cpuSampleMilli, newMilliQuantityOfRate, uniformSample } from './quantities.js';
import { FOLLOWING, FREE, RUNNING, ScrapeSlots, SlotSample, STOPPED } from './slots.js';

/** Where CPU usage comes from: a pod's cumulative CPU use (millicore-milliseconds) up to now. */
export interface UsageSource {
  cpuUsedMilliMs(pod: Pod, now: number): number;
  /** The requests the pod has served so far, where the source serves requests. */
  requestsServed?(pod: Pod): number;
}

/**
 * A usage source whose pods share meters (fluid mode: a Service's CPU and requests per answering pod): a pod's
 * cumulative use is its meter's reading minus the reading when the pod was first read (0 before it has a meter).
 * metrics-server then scrapes its slots' columns without reading the pods.
 */
export interface MeteredSource extends UsageSource {
  /** The pod's meter, fixing its base readings when first found; -1 while it has none. */
  meterOf(pod: Pod): number;
  /** The pod's base readings (once meterOf has found its meter). */
  baseUsed(pod: Pod): number;
  baseServed(pod: Pod): number;
  /** A meter's readings now: CPU (millicore-ms) and requests, per pod. */
  meterUsed(meter: number): number;
  meterServed(meter: number): number;
  /** Meters are numbered from 0 to meterCount() - 1 (a number that is no meter reads 0). */
  meterCount(): number;
}

function isMetered(s: UsageSource): s is MeteredSource {
  return 'meterOf' in s;
}

/** The cumulative requests a Service has received, by "namespace/name" (undefined: no such Service). */
export type ServiceRequests = (key: string) => number | undefined;

/** The metric name the simulation produces for Pods and Object (Service) metrics. */
export const REQUESTS_PER_SECOND = 'requests_per_second';

/** metrics-server's default --metric-resolution. */
export const DEFAULT_METRIC_RESOLUTION_MS = 15_000;

export class MetricsServer {
  /** Each pod's readings while it runs, in slots (Pod.metricsSlot; freed slots are reused). */
  private readonly slots = new ScrapeSlots();
  private readonly samplesVersions = new Versions();

  samplesVersionOf(root: number): number {
    return this.samplesVersions.of(root);
  }

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
    if (MetricsServer.checkMeters) this.slots.materialized = (i) => this.checkMaterialized(i);
    this.pods.onRunning = (pod, root) => {
      if (this.watched.has(root)) this.startedPods.push(pod);
    };
    this.pods.onGone = (pod) => {
      if (pod.metricsSlot >= 0) this.slots.stop(pod.metricsSlot);
    };
    const kScrape = sim.register('metrics-server.scrape', () => {
      this.scrape();
      sim.post(this.resolutionMs, kScrape);
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
    return pod.metricsSlot < 0 ? undefined : (this.slots.rate[pod.metricsSlot] ?? undefined);
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
    if (this.watched.has(workload)) return;
    this.watched.add(workload);
    for (const p of this.pods.of(workload).values()) if (p.phase === 'Running') this.startedPods.push(p);
  }

  /** Off: a metered source's pods are scraped pod by pod as any other's (the tests compare the two). */
  static meteredScrape = true;
  /** Tests set this: every metered scrape is checked against the sources' per-pod readings and the pods running. */
  static checkMeters = false;
  /** Pods that started running (in a watched workload) since the last scrape: their slots open at the next one. */
  private readonly startedPods: Pod[] = [];

  /**
   * The latest CPU samples' fields by slot (Pod.metricsSlot), as cpu() gives them, for a pod that has a sample;
   * the arrays are replaced as they grow, so read them afresh after a scrape.
   */
  sampleColumns(): SampleColumns {
    return this.slots;
  }

  /** The pod's latest CPU sample (millicores), or undefined before it has two scrapes. */
  cpu(pod: Pod): PodMetric | undefined {
    return pod.metricsSlot < 0 ? undefined : (this.slots.sample[pod.metricsSlot] ?? undefined);
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
      if (e.t >= 0 && now > e.t) e.rate = newMilliQuantityOfRate((count - e.count) / (now - e.t));
      e.t = now;
      e.count = count;
    }
    if (this.watched.size === 0) return;
    const src = this.sources.length === 1 ? this.sources[0]! : null;
    if (src !== null && isMetered(src) && MetricsServer.meteredScrape) this.scrapeMetered(src, now);
    else this.scrapePods(now);
    this.slots.scraped(now);
    this.startedPods.length = 0;
  }

  /** Each running pod of the watched workloads: its readings, from the sources. */
  private scrapePods(now: number): void {
    let scraped = 0;
    const sl = this.slots;
    for (const root of this.watched)
      for (const pod of this.pods.of(root).values()) {
        if (pod.phase !== 'Running') continue;
        scraped++;
        const used = this.used(pod, now);
        const served = this.ratesWanted ? this.served(pod) : 0;
        const i = pod.metricsSlot;
        // The first scrape of a pod only starts its window (the kubelet needs two cumulative readings).
        if (i < 0) sl.open(pod, root, now, used, served);
        else this.record(i, now, used, served);
      }
    // Pods not scraped now (gone, or no longer running) lose their readings: there are some only when more pods
    // have readings than were scraped (each pod scraped has one, read now).
    if (sl.live === scraped) return;
    for (let i = 0; i < sl.pod.length; i++) {
      if (sl.state[i] === FREE || sl.readAt[i] === now) continue;
      this.close(i);
    }
  }

  /** Closes slot i (its pod is gone or stopped running): a sample it had goes. */
  private close(i: number): void {
    const sl = this.slots;
    if (sl.sampled[i] === 1) this.samplesVersions.bump(sl.root[i]!);
    sl.close(i);
  }

  /**
   * scrapePods for a metered source, slot by slot from the columns: pods that started running since the last
   * scrape open their slots (a pod's first reading), slots of pods that stopped close, and every other slot
   * reads its meter. The same slots are read, closed and opened at the same scrapes as scrapePods does, with the
   * same readings (a meter's reading minus the same base) and samples.
   *
   * A slot whose sample is in an HPA's sum, and equals its meter's shared sample (uniformSample), follows the
   * meter (state FOLLOWING): its readings and sample are the meter's, worked out when read, and a scrape passes
   * it by while the meter's next sample is again the same for every slot of it.
   */
  private scrapeMetered(src: MeteredSource, now: number): void {
    const sl = this.slots;
    const rates = this.ratesWanted;
    const fresh = now > sl.at;
    const window = now - sl.at;
    // Each meter's reading now, read once, and its sample for every slot that follows it (NaN: none).
    const meters = src.meterCount();
    sl.ensureMeters(meters);
    const mUsed = sl.nextUsed;
    const mValue = sl.nextValue;
    const mServed = this.meterServedNow.length >= meters ? this.meterServedNow : (this.meterServedNow = new Float64Array(meters));
    for (let m = 0; m < meters; m++) {
      const used = src.meterUsed(m);
      mUsed[m] = used;
      mServed[m] = rates ? src.meterServed(m) : 0;
      if (rates) mValue[m] = NaN;
      else if (fresh) mValue[m] = uniformSample(sl.mUsed[m]!, used, window);
      else mValue[m] = used === sl.mUsed[m] ? sl.mValue[m]! : NaN;
    }
    // record(), written out over the columns: every live slot was read at the last scrape, so each sample's
    // window is the same.
    const { state, meter, used, baseUsed, sampleValue: value, linked, sampled } = sl;
    const sumOf = sl.sumOf;
    let shared = true;
    for (let m = 0; m < meters; m++) if (mValue[m] !== mValue[m]) shared = false;
    // While every meter's pods share their sample no following slot changes: only the others are visited, in
    // the order of the full pass (a visit changes nothing but its own slot).
    const n = shared ? sl.awakeInOrder() : sl.pod.length;
    const inOrder = shared ? sl.inOrder : null;
    for (let x = 0; x < n; x++) {
      const i = inOrder !== null ? inOrder[x]! : x;
      const st = state[i]!;
      if (st === FOLLOWING) {
        // Still following while its meter's pods share a sample; else back to its own readings.
        if (shared || mValue[meter[i]!] === mValue[meter[i]!]) continue;
        sl.materialize(i);
      } else if (st !== RUNNING) {
        if (st === STOPPED) this.close(i);
        continue;
      }
      let m = meter[i]!;
      if (m < 0) m = this.findMeter(src, i);
      if (rates) {
        this.record(i, now, m < 0 ? 0 : mUsed[m]! - baseUsed[i]!, m < 0 ? 0 : mServed[m]! - sl.baseServed[i]!);
        continue;
      }
      const u = m < 0 ? 0 : mUsed[m]! - baseUsed[i]!;
      if (fresh) {
        const v = cpuSampleMilli(u - used[i]!, window);
        const sum = linked[i]!;
        if (sum >= 0) sumOf[sum] += v - value[i]!;
        value[i] = v;
        if (sampled[i] === 0) this.firstSample(i);
        used[i] = u;
        // Its readings are now the meter's (the reading minus its base, and the shared sample).
        if (sum >= 0 && m >= 0 && v === mValue[m]) sl.follow(i, m);
      } else used[i] = u;
    }
    sl.meterRead();
    for (const pod of this.startedPods) {
      if (pod.phase !== 'Running' || pod.metricsSlot >= 0 || pod.finishedAt >= 0) continue;
      const i = sl.open(pod, this.pods.rootOf(pod), now, 0, 0);
      const m = this.findMeter(src, i);
      sl.used[i] = m < 0 ? 0 : sl.mUsed[m]! - sl.baseUsed[i]!;
      sl.served[i] = m < 0 || !rates ? 0 : mServed[m]! - sl.baseServed[i]!;
    }
    if (MetricsServer.checkMeters) this.checkMetered(now);
  }

  /** The meters' requests served at the current scrape (by meter). */
  private meterServedNow = new Float64Array(0);

  /** The slot's pod's meter, with its bases, once the source has one for it (else -1). */
  private findMeter(src: MeteredSource, i: number): number {
    const sl = this.slots;
    const pod = sl.pod[i]!;
    const m = src.meterOf(pod);
    if (m < 0) return -1;
    sl.meter[i] = m;
    sl.baseUsed[i] = src.baseUsed(pod);
    sl.baseServed[i] = src.baseServed(pod);
    return m;
  }

  /** Throws unless the slots are those of the running pods of the watched workloads, read as the sources read them. */
  private checkMetered(now: number): void {
    const sl = this.slots;
    let running = 0;
    for (const root of this.watched)
      for (const pod of this.pods.of(root).values()) {
        if (pod.phase !== 'Running') continue;
        running++;
        const i = pod.metricsSlot;
        if (i < 0 || sl.pod[i] !== pod || (sl.state[i] !== RUNNING && sl.state[i] !== FOLLOWING))
          throw new Error(`bug: metrics-server did not read running pod ${pod.name}`);
        const used = this.used(pod, now);
        const served = this.ratesWanted ? this.served(pod) : 0;
        if (used !== sl.usedOf(i) || served !== sl.served[i])
          throw new Error(`bug: metrics-server read ${sl.usedOf(i)}/${sl.served[i]} for ${pod.name}, its source says ${used}/${served}`);
        // The sample as the pod's own readings give it (record()), whether or not its slot follows a meter.
        if (this.shadowPod[i] === pod && now > this.shadowAt) {
          const own = cpuSampleMilli(used - this.shadowUsed[i]!, now - this.shadowAt);
          if (sl.sampled[i] !== 1 || sl.value(i) !== own)
            throw new Error(`bug: metrics-server's sample of ${pod.name} is ${sl.value(i)}, its readings give ${own}`);
        }
        this.shadowPod[i] = pod;
        this.shadowUsed = grown(this.shadowUsed, i);
        this.shadowUsed[i] = used;
        this.shadowValue = grown(this.shadowValue, i);
        this.shadowValue[i] = sl.sampled[i] === 1 ? sl.value(i) : NaN;
      }
    if (running !== sl.live) throw new Error(`bug: metrics-server holds ${sl.live} slots for ${running} running pods`);
    sl.checkAwake();
    this.shadowAt = now;
  }

  /** checkMetered's own record of each slot's pod and reading at the last scrape. */
  private readonly shadowPod: (Pod | null)[] = [];
  private shadowUsed = new Float64Array(64);
  private shadowValue = new Float64Array(64);
  private shadowAt = -Infinity;

  /** Throws unless slot i's readings and sample, back in its columns, are those checkMetered saw at the last scrape. */
  private checkMaterialized(i: number): void {
    const sl = this.slots;
    if (this.shadowPod[i] !== sl.pod[i] || sl.used[i] !== this.shadowUsed[i] || sl.sampleValue[i] !== this.shadowValue[i])
      throw new Error(
        `bug: metrics-server gave slot ${i} back ${sl.used[i]}/${sl.sampleValue[i]}, read ${this.shadowUsed[i]}/${this.shadowValue[i]}`,
      );
  }

  /** Slot i has its first sample: the pod's sample object (the HPA holds it between scrapes) reads the columns. */
  private firstSample(i: number): void {
    const sl = this.slots;
    sl.sampled[i] = 1;
    sl.sample[i] = new SlotSample(sl, i);
    this.samplesVersions.bump(sl.root[i]!);
  }

  /** The slot's readings now: a sample (and a request rate) over the window since the last scrape. */
  private record(i: number, now: number, used: number, served: number): void {
    const sl = this.slots;
    sl.readAt[i] = now;
    if (now > sl.at) {
      const window = now - sl.at;
      const value = cpuSampleMilli(used - sl.used[i]!, window);
      const sum = sl.linked[i]!;
      if (sum >= 0) sl.sumOf[sum] += value - sl.sampleValue[i]!;
      sl.sampleValue[i] = value;
      if (sl.sampled[i] === 0) this.firstSample(i);
      if (this.ratesWanted) {
        const rate = newMilliQuantityOfRate((served - sl.served[i]!) / window);
        const r = sl.rate[i];
        if (r) {
          r.value = rate;
          r.timestamp = now;
          r.window = window;
        } else sl.rate[i] = { value: rate, timestamp: now, window };
      }
    }
    sl.used[i] = used;
    sl.served[i] = served;
  }
}
