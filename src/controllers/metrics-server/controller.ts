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
import { grown } from '../../model/arrays.js';
import type { SampleColumns, SampleSums } from '../hpa/columns.js';

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

/**
 * metrics-server's resourceUsage (pkg/storage/types.go): a container's CPU use over a window in whole nanocores,
 * `uint64(float64(Δcumulative ns) / window.Seconds())`, truncated. kubesim's cumulative use is in millicore-ms
 * (1 millicore-ms is 1,000 ns of CPU), so the rate in nanocores is Δ × 10^6 / window (ms).
 */
export function resourceUsage(usedMilliMs: number, windowMs: number): number {
  return Math.trunc((usedMilliMs * 1e6) / windowMs) + 0;
}

/**
 * resource.Quantity's MilliValue (apimachinery pkg/api/resource/quantity.go: ScaledValue(Milli), "ceil(q / 10^-3)")
 * of a quantity in whole nano-units, as metrics-server's CPU usage is (NewScaledQuantity(n, -9)): rounded up. The
 * HPA's metrics client sums a pod's containers' usage this way (pkg/controller/podautoscaler/metrics/client.go).
 */
export function milliValueOfNanos(nanos: number): number {
  return Math.ceil(nanos / 1e6) + 0;
}

/**
 * A custom metrics adapter's value as a Quantity: prometheus-adapter's `resource.NewMilliQuantity(int64(value *
 * 1000.0), resource.DecimalSI)` (pkg/custom-provider/provider.go), whole milli-units, truncated; the HPA then reads
 * its MilliValue, the same number. `perMs` is the value per millisecond (requests per ms).
 */
export function newMilliQuantityOfRate(perMs: number): number {
  return Math.trunc(perMs * 1e6) + 0;
}

/**
 * A CPU sample as the HPA reads it: milliValueOfNanos(resourceUsage(used, window)), with one division where the
 * rate in millicores (y) is a whole number or at least 10^-5 above one. There both give ceil(y): the rate in
 * nanocores is within 2 of y × 10^6 for y below 10^9 (two roundings of a double), so it rounds up to the same
 * whole millicores unless y is within 2 × 10^-6 above a whole number. test/controllers/metrics-server-quantities
 * compares the two.
 */
export function cpuSampleMilli(usedMilliMs: number, windowMs: number): number {
  const y = usedMilliMs / windowMs;
  const c = Math.ceil(y);
  if (y < 1e9 && (c === y || y - (c - 1) >= 1e-5)) return c + 0;
  return milliValueOfNanos(resourceUsage(usedMilliMs, windowMs));
}

/**
 * The sample cpuSampleMilli gives every pod of a meter, or NaN where the pods' samples may differ. A pod's sample
 * is cpuSampleMilli((m1 - b) - (m0 - b), w) for the meter's readings m0 <= m1 at the last two scrapes and the
 * pod's base b (an earlier reading, 0 <= b <= m0), each difference rounded; it is y = (m1 - m0) / w up to the
 * roundings, which move it by less than delta = 2^-50 (y + m1 / w) (four roundings of at most 2^-53 relative
 * each, on terms no larger than m1 / w, with room to spare). Where [y - delta, y + delta] holds no whole number
 * and lies more than 2e-5 above the one below it, every pod's sample is the same whole number of millicores,
 * taken at cpuSampleMilli's first return; with m0 = m1 every pod reads exactly 0. test/controllers
 * (MetricsServer.checkMeters) compares it with the pods' own samples at every scrape.
 */
export function uniformSample(m0: number, m1: number, windowMs: number): number {
  if (m1 === m0) return 0;
  const y = (m1 - m0) / windowMs;
  if (!(y > 0)) return NaN;
  const delta = 2 ** -50 * (y + m1 / windowMs);
  const c = Math.ceil(y + delta);
  return y + delta < 1e9 && y - delta - (c - 1) >= 2e-5 ? c : NaN;
}

/** metrics-server's default --metric-resolution. */
export const DEFAULT_METRIC_RESOLUTION_MS = 15_000;

export class MetricsServer {
  /** Each pod's readings while it runs, in slots (Pod.metricsSlot; freed slots are reused). */
  private readonly slots = new ScrapeSlots();
  private readonly samplesVersions = new Map<number, number>();

  samplesVersionOf(root: number): number {
    return this.samplesVersions.get(root) ?? 0;
  }

  private bump(root: number): void {
    this.samplesVersions.set(root, (this.samplesVersions.get(root) ?? 0) + 1);
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
    if (sl.sampled[i] === 1) this.bump(sl.root[i]!);
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
    const n = sl.pod.length;
    for (let i = 0; i < n; i++) {
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
    this.bump(sl.root[i]!);
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

/** A pod's latest CPU sample, read from its slot's columns (valid while the slot is the pod's: see bump()). */
class SlotSample implements PodMetric {
  constructor(
    private readonly slots: ScrapeSlots,
    private readonly i: number,
  ) {}

  get value(): number {
    return this.slots.value(this.i);
  }
  get timestamp(): number {
    return this.slots.timestamp(this.i);
  }
  get window(): number {
    return this.slots.window(this.i);
  }
}

/** A slot's state (ScrapeSlots.state). */
const FREE = 0;
const RUNNING = 1;
/** Its pod finished or went: the slot closes at the next scrape. */
const STOPPED = 2;
/**
 * Running, and following its meter (see MetricsServer.scrapeMetered): its cumulative use is its meter's reading at
 * the last scrape minus its base, and its sample the meter's sample then (`used` and `sampleValue` are stale). Only
 * a slot linked to a sum follows a meter; its sum counts it by meter (followers).
 */
const FOLLOWING = 3;

/**
 * metrics-server's readings of the pods it scrapes, one slot per pod (its index in Pod.metricsSlot): the
 * cumulative CPU use and requests served at the last scrape, the workload it belongs to, and the samples it
 * gave (null before its second scrape). Columns rather than an object per pod in a map keyed by id: a scrape
 * reads them for every running pod every resolution, so each column holds only what a scrape reads or writes.
 * Every live slot is read at every scrape (a slot opens at one), so the time of a slot's last reading, and its
 * sample's timestamp and window, are those of the last scrape.
 */
class ScrapeSlots implements SampleColumns, SampleSums {
  /** FREE, RUNNING, STOPPED or FOLLOWING. */
  state = new Uint8Array(64);
  /** Cumulative CPU use and requests served at the last scrape. */
  used = new Float64Array(64);
  served = new Float64Array(64);
  /** The latest CPU sample's value (valid where `sampled` is 1), and whether there is one. */
  sampleValue = new Float64Array(64);
  sampled = new Uint8Array(64);
  /** A metered source's meter of the pod (-1: none yet), and its base readings of the pod. */
  meter = new Int32Array(64);
  baseUsed = new Float64Array(64);
  baseServed = new Float64Array(64);
  /** The time of the slot's last reading (read by the pod-by-pod scrape, which closes slots it did not read). */
  readAt = new Float64Array(64);
  root = new Int32Array(64);
  /** The sum the slot's sample is linked to (-1: none), and the sums (SampleSums: the HPA's settled pods). */
  linked = new Int32Array(64);
  readonly sumOf: number[] = [];
  private readonly freeSums: number[] = [];
  readonly sums: SampleSums = this;
  readonly pod: (Pod | null)[] = [];
  readonly sample: (PodMetric | null)[] = [];
  readonly rate: (PodMetric | null)[] = [];
  /** Slots in use. */
  live = 0;
  private readonly free: number[] = [];
  /** The time of the last scrape (every live slot's last reading), and its samples' window. */
  at = -Infinity;
  private lastWindow = 0;

  /** Each meter's reading at the last scrape, and its sample then for the slots that follow it (NaN: none). */
  mUsed = new Float64Array(0);
  mValue = new Float64Array(0);
  /** The same being made by a scrape (swapped in by meterRead). */
  nextUsed = new Float64Array(0);
  nextValue = new Float64Array(0);
  /** Per sum: how many of its slots follow each meter. */
  private readonly followers: Map<number, number>[] = [];

  ensureMeters(meters: number): void {
    if (this.mUsed.length >= meters) return;
    const grow = (a: Float64Array<ArrayBuffer>, fill: number) => {
      const b = new Float64Array(meters).fill(fill);
      b.set(a);
      return b;
    };
    this.mUsed = grow(this.mUsed, 0);
    this.mValue = grow(this.mValue, NaN);
    this.nextUsed = grow(this.nextUsed, 0);
    this.nextValue = grow(this.nextValue, NaN);
  }

  /** The scrape's meter readings are now the last scrape's. */
  meterRead(): void {
    [this.mUsed, this.nextUsed] = [this.nextUsed, this.mUsed];
    [this.mValue, this.nextValue] = [this.nextValue, this.mValue];
  }

  /** Slot i (linked, read now: its sample is its meter m's, its reading the meter's minus its base) follows m. */
  follow(i: number, m: number): void {
    const sum = this.linked[i]!;
    this.state[i] = FOLLOWING;
    this.sumOf[sum]! -= this.sampleValue[i]!;
    const counts = (this.followers[sum] ??= new Map());
    counts.set(m, (counts.get(m) ?? 0) + 1);
  }

  /** Slot i stops following its meter: its readings and sample as of the last scrape go back to its columns. */
  materialize(i: number): void {
    const m = this.meter[i]!;
    const sum = this.linked[i]!;
    this.state[i] = RUNNING;
    this.used[i] = this.mUsed[m]! - this.baseUsed[i]!;
    this.sampleValue[i] = this.mValue[m]!;
    this.sumOf[sum]! += this.sampleValue[i]!;
    const counts = this.followers[sum]!;
    const left = counts.get(m)! - 1;
    if (left > 0) counts.set(m, left);
    else counts.delete(m);
    this.materialized?.(i);
  }

  /** Tests: told of each slot given back its columns. */
  materialized: ((i: number) => void) | null = null;

  /** The slot's cumulative CPU use at the last scrape. */
  usedOf(i: number): number {
    return this.state[i] === FOLLOWING ? this.mUsed[this.meter[i]!]! - this.baseUsed[i]! : this.used[i]!;
  }

  /** The slot's sample's value (valid where `sampled` is 1). */
  value(i: number): number {
    return this.state[i] === FOLLOWING ? this.mValue[this.meter[i]!]! : this.sampleValue[i]!;
  }

  /** A scrape at `now` has read every live slot. */
  scraped(now: number): void {
    if (now > this.at) {
      this.lastWindow = now - this.at;
      this.at = now;
    }
  }

  timestamp(_slot: number): number {
    return this.at;
  }

  window(_slot: number): number {
    return this.lastWindow;
  }

  open(pod: Pod, root: number, t: number, used: number, served: number): number {
    const i = this.free.length > 0 ? this.free.pop()! : this.pod.length;
    if (i === this.pod.length) {
      this.pod.push(null);
      this.sample.push(null);
      this.rate.push(null);
      if (i >= this.root.length) {
        this.state = grown(this.state, i);
        this.used = grown(this.used, i);
        this.served = grown(this.served, i);
        this.sampleValue = grown(this.sampleValue, i);
        this.sampled = grown(this.sampled, i);
        this.meter = grown(this.meter, i);
        this.baseUsed = grown(this.baseUsed, i);
        this.baseServed = grown(this.baseServed, i);
        this.readAt = grown(this.readAt, i);
        this.root = grown(this.root, i);
        this.linked = grown(this.linked, i);
      }
    }
    this.pod[i] = pod;
    this.state[i] = RUNNING;
    this.readAt[i] = t;
    this.used[i] = used;
    this.served[i] = served;
    this.sampled[i] = 0;
    this.root[i] = root;
    this.meter[i] = -1;
    this.linked[i] = -1;
    pod.metricsSlot = i;
    this.live++;
    return i;
  }

  /** The slot's pod finished or went: it closes at the next scrape. */
  stop(i: number): void {
    if (this.state[i] === FOLLOWING) this.materialize(i);
    this.state[i] = STOPPED;
  }

  close(i: number): void {
    this.unlink(i, this.linked[i]!);
    this.pod[i]!.metricsSlot = -1;
    this.pod[i] = null;
    this.sample[i] = null;
    this.rate[i] = null;
    this.state[i] = FREE;
    this.sampled[i] = 0;
    this.free.push(i);
    this.live--;
  }

  newSum(): number {
    const k = this.freeSums.length > 0 ? this.freeSums.pop()! : this.sumOf.length;
    this.sumOf[k] = 0;
    return k;
  }

  freeSum(sum: number): void {
    if (this.sumOf[sum] !== 0 || (this.followers[sum]?.size ?? 0) > 0)
      throw new Error(`bug: metrics-server freed sum ${sum} holding ${this.sum(sum)}`);
    this.freeSums.push(sum);
  }

  /** The linked slots' samples: those in their columns, and those that follow a meter, the meter's times how many. */
  sum(sum: number): number {
    let total = this.sumOf[sum]!;
    const counts = this.followers[sum];
    if (counts !== undefined) for (const [m, k] of counts) total += k * this.mValue[m]!;
    return total;
  }

  link(slot: number, sum: number): void {
    if (this.linked[slot] !== -1 || this.sampled[slot] === 0) throw new Error(`bug: metrics-server cannot link slot ${slot}`);
    this.linked[slot] = sum;
    this.sumOf[sum]! += this.sampleValue[slot]!;
  }

  unlink(slot: number, sum: number): void {
    if (sum < 0 || this.linked[slot] !== sum) return;
    if (this.state[slot] === FOLLOWING) this.materialize(slot);
    this.sumOf[sum]! -= this.sampleValue[slot]!;
    this.linked[slot] = -1;
  }
}
