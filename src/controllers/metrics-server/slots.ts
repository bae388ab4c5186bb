// metrics-server's readings of the pods it scrapes, in columns by slot (Pod.metricsSlot), and the samples the
// HPA reads from them (SampleColumns) and sums over its settled pods (SampleSums). MetricsServer (controller.ts)
// fills them at each scrape.
import type { Pod } from '../../model/pod.js';
import type { PodMetric } from '../hpa/calc.js';
import type { SampleColumns, SampleSums } from '../hpa/columns.js';
import { grown, IndexList } from '../../model/arrays.js';

/** A pod's latest CPU sample, read from its slot's columns (valid while the slot is the pod's: the slot's closing bumps its workload's samples version, so readers drop it). */
export class SlotSample implements PodMetric {
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
export const FREE = 0;
export const RUNNING = 1;
/** Its pod finished or went: the slot closes at the next scrape. */
export const STOPPED = 2;
/**
 * Running, and following its meter (see MetricsServer.scrapeMetered): its cumulative use is its meter's reading at
 * the last scrape minus its base, and its sample the meter's sample then (`used` and `sampleValue` are stale). Only
 * a slot linked to a sum follows a meter; its sum counts it by meter (followers).
 */
export const FOLLOWING = 3;

/**
 * metrics-server's readings of the pods it scrapes, one slot per pod (its index in Pod.metricsSlot): the
 * cumulative CPU use and requests served at the last scrape, the workload it belongs to, and the samples it
 * gave (null before its second scrape). Columns rather than an object per pod in a map keyed by id: a scrape
 * reads them for every running pod every resolution, so each column holds only what a scrape reads or writes.
 * Every live slot is read at every scrape (a slot opens at one), so the time of a slot's last reading, and its
 * sample's timestamp and window, are those of the last scrape.
 */
export class ScrapeSlots implements SampleColumns, SampleSums {
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
  /** The slots RUNNING or STOPPED (awake): while every meter's pods share their sample, a scrape visits only these (awakeInOrder). */
  private readonly awake = new IndexList();
  /** awakeInOrder's list. */
  inOrder = new Int32Array(64);

  /** Throws unless the awake list holds exactly the RUNNING and STOPPED slots (checkMeters). */
  checkAwake(): void {
    let k = 0;
    for (let i = 0; i < this.pod.length; i++) {
      const awake = this.state[i] === RUNNING || this.state[i] === STOPPED;
      if (awake) k++;
      if (awake !== this.awake.has(i))
        throw new Error(`bug: metrics-server's slot ${i} (state ${this.state[i]}) is ${awake ? 'not ' : ''}listed awake`);
    }
    if (k !== this.awake.size) throw new Error(`bug: metrics-server lists ${this.awake.size} awake slots, ${k} are`);
  }

  /** The awake slots in ascending order, in inOrder[0..count); returns count. */
  awakeInOrder(): number {
    const k = this.awake.size;
    if (this.inOrder.length < k) this.inOrder = new Int32Array(this.awake.list.length);
    this.inOrder.set(this.awake.list.subarray(0, k));
    this.inOrder.subarray(0, k).sort();
    return k;
  }

  /** Room in the meter columns for `meters` meters (new samples NaN: none). */
  ensureMeters(meters: number): void {
    if (this.mUsed.length >= meters) return;
    this.mUsed = grown(this.mUsed, meters - 1);
    this.mValue = grown(this.mValue, meters - 1, NaN);
    this.nextUsed = grown(this.nextUsed, meters - 1);
    this.nextValue = grown(this.nextValue, meters - 1, NaN);
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
    this.awake.delete(i);
    this.sumOf[sum]! -= this.sampleValue[i]!;
    const counts = (this.followers[sum] ??= new Map());
    counts.set(m, (counts.get(m) ?? 0) + 1);
  }

  /** Slot i stops following its meter: its readings and sample as of the last scrape go back to its columns. */
  materialize(i: number): void {
    const m = this.meter[i]!;
    const sum = this.linked[i]!;
    this.state[i] = RUNNING;
    this.awake.add(i);
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
    this.awake.add(i);
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
    this.awake.delete(i);
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
