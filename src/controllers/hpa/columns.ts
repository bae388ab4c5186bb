// The HPA's pod views in columns: what getResourceReplicas reads of each pod, held in typed arrays in the order of
// the target's pods, so that a sync reads contiguous memory rather than an object per pod (in a big cluster, a
// cache miss each). The controller keeps one set of columns per target's pod list, written by the views as pod
// events refresh them; getResourceReplicasFromColumns is getResourceReplicas over them, with the same result
// (the test suite compares the two at every sync: HPAController.checkViews). A pod past the CPU initialization
// period and grouped ready is settled: its group depends on its fields alone, so it is counted through sums
// (its request here, its sample in metrics-server's slots) and not visited until one of them changes.
import {
  finishResourceReplicas,
  IGNORED,
  MISSING,
  newTally,
  READY,
  UNREADY,
  type HPAPodView,
  type ResourceReplicas,
  type ReplicaCalcError,
  type Tolerances,
} from './replica-calculator.js';

const PHASES: readonly HPAPodView['phase'][] = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'];
const PENDING = 0;
const FAILED = 3;
const DELETING = 8;
/** The Ready condition's status in bits 4-5: none, True, False, Unknown. */
const READY_SHIFT = 4;
const READY_TRUE = 1;
const READY_FALSE = 2;

function stateOf(v: HPAPodView): number {
  const ready = v.ready === undefined ? 0 : v.ready === 'True' ? READY_TRUE : v.ready === 'False' ? READY_FALSE : 3;
  return PHASES.indexOf(v.phase) | (v.deleting ? DELETING : 0) | (ready << READY_SHIFT);
}

export class PodColumns {
  /** Phase (bits 0-2, an index in PHASES), deleting (bit 3), the Ready condition (bits 4-5). */
  readonly state: Uint8Array;
  /** status.startTime, and the Ready condition's lastTransitionTime (NaN: absent). */
  readonly start: Float64Array;
  readonly transition: Float64Array;
  /** The pod's cpu request (NaN: missing). */
  readonly request: Float64Array;
  /** The pod's metrics slot where it has a CPU sample (MetricsServer.sampleColumns), else -1. */
  readonly slot: Int32Array;
  readonly names: string[];
  /**
   * 1 where the pod is settled ready: past the CPU initialization period and grouped ready, which holds until one
   * of its fields changes (set) or its sample does (setSlot, or the list made again). A settled pod's request is in
   * `settledRequests` and its sample in the sample columns' sum `settledSum`, so a calculation does not visit it.
   */
  readonly settled: Uint8Array;
  settledCount = 0;
  settledRequests = 0;
  /** Each pod's group at the last calculation (a settled pod's stays READY). */
  readonly group: Uint8Array;
  /** The positions not settled, in order (remade when a pod settles or unsettles: see unsettledPositions). */
  private unsettledList: Int32Array;
  private unsettledLength = 0;
  private unsettledStale = true;
  /** The sample columns' sum of the settled pods' samples (-1 until the first pod settles), and where it is kept. */
  private settledSum = -1;
  private sums: SampleSums | null = null;

  constructor(readonly n: number) {
    this.state = new Uint8Array(n);
    this.start = new Float64Array(n);
    this.transition = new Float64Array(n);
    this.request = new Float64Array(n);
    this.slot = new Int32Array(n).fill(-1);
    this.names = new Array<string>(n).fill('');
    this.settled = new Uint8Array(n);
    this.group = new Uint8Array(n);
    this.unsettledList = new Int32Array(n);
  }

  /** The positions not settled, in order, in list[0..length). */
  unsettledPositions(): { list: Int32Array; length: number } {
    if (this.unsettledStale) {
      let k = 0;
      for (let i = 0; i < this.n; i++) if (this.settled[i] === 0) this.unsettledList[k++] = i;
      this.unsettledLength = k;
      this.unsettledStale = false;
    }
    return { list: this.unsettledList, length: this.unsettledLength };
  }

  /** Settles the pod at position i (grouped ready past the initialization period, with a sample and a request). */
  settle(i: number, sums: SampleSums): void {
    if (this.settledSum < 0) {
      this.sums = sums;
      this.settledSum = sums.newSum();
    }
    this.settled[i] = 1;
    this.group[i] = READY;
    this.unsettledStale = true;
    this.settledCount++;
    this.settledRequests += this.request[i]!;
    sums.link(this.slot[i]!, this.settledSum);
  }

  private unsettle(i: number): void {
    this.settled[i] = 0;
    this.unsettledStale = true;
    this.settledCount--;
    this.settledRequests -= this.request[i]!;
    this.sums!.unlink(this.slot[i]!, this.settledSum);
  }

  /** The sum of the settled pods' samples now. */
  settledSamples(): number {
    return this.settledSum < 0 ? 0 : this.sums!.sum(this.settledSum);
  }

  /** Throws unless the settled pods' count, requests and sum of samples (each read by value(slot)) are those kept. */
  verifySettled(value: (slot: number) => number): void {
    let count = 0;
    let requests = 0;
    let samples = 0;
    for (let i = 0; i < this.n; i++) {
      if (this.settled[i] !== 1) continue;
      count++;
      requests += this.request[i]!;
      samples += value(this.slot[i]!);
    }
    if (count !== this.settledCount || requests !== this.settledRequests || samples !== this.settledSamples())
      throw new Error(
        `bug: HPA settled pods: ${count} pods, ${requests}m requested, ${samples}m used; kept ${this.settledCount}, ${this.settledRequests}m, ${this.settledSamples()}m`,
      );
  }

  /** Position i's pod has another sample (in slot `slot`, or none: -1); a settled pod unsettles first. */
  setSlot(i: number, slot: number): void {
    if (this.settled[i] === 1) this.unsettle(i);
    this.slot[i] = slot;
  }

  /** The list is made again: its settled pods' samples leave the sum, and the sum is given back. */
  release(): void {
    if (this.settledSum < 0) return;
    for (let i = 0; i < this.n; i++) if (this.settled[i] === 1) this.unsettle(i);
    this.sums!.freeSum(this.settledSum);
    this.settledSum = -1;
  }

  /** Writes the view's fields at position i (a settled pod is settled no more: its group is worked out again). */
  set(i: number, v: HPAPodView): void {
    if (this.settled[i] === 1) this.unsettle(i);
    this.state[i] = stateOf(v);
    this.start[i] = v.startTime ?? NaN;
    this.transition[i] = v.readyTransitionTime ?? NaN;
    this.request[i] = v.requests?.['cpu'] ?? NaN;
    this.names[i] = v.name;
  }

  /** Whether position i holds other fields than the view's (a missed refresh). */
  differs(i: number, v: HPAPodView): boolean {
    return (
      this.state[i] !== stateOf(v) ||
      !Object.is(this.start[i], v.startTime ?? NaN) ||
      !Object.is(this.transition[i], v.readyTransitionTime ?? NaN) ||
      !Object.is(this.request[i], v.requests?.['cpu'] ?? NaN) ||
      this.names[i] !== v.name
    );
  }
}

/** The samples by metrics slot: a slot's sample's value, timestamp and window. */
export interface SampleColumns {
  value(slot: number): number;
  timestamp(slot: number): number;
  window(slot: number): number;
  /** Where the columns keep sums of samples for the calculation (absent: it reads every pod's sample). */
  readonly sums?: SampleSums;
}

/**
 * Sums of samples kept by the sample columns: a slot linked to a sum adds its sample's value to it, and the sum
 * follows the value as later scrapes change it, until the slot is unlinked or closes. Samples are whole
 * milli-units, so a sum is exact in any order.
 */
export interface SampleSums {
  newSum(): number;
  freeSum(sum: number): void;
  sum(sum: number): number;
  link(slot: number, sum: number): void;
  /** Unlinks the slot if it is (still) linked to this sum. */
  unlink(slot: number, sum: number): void;
}

/**
 * getResourceReplicas for cpu over columns: `metricsSize` is the number of samples (the metrics map's size), the
 * other arguments as there.
 */
export function getResourceReplicasFromColumns(
  cols: PodColumns,
  samples: SampleColumns,
  metricsSize: number,
  now: number,
  cpuInitializationPeriod: number,
  delayOfInitialReadinessStatus: number,
  currentReplicas: number,
  targetUtilization: number,
  tolerances: Tolerances,
): ResourceReplicas | ReplicaCalcError {
  const n = cols.n;
  if (n === 0) return { error: 'no pods returned by selector while calculating replica count' };
  // The list's own groups: a settled pod's stays READY, and it is counted in the sums below, not visited.
  const group = cols.group;
  const t = newTally();
  const { state, start, transition, request, slot } = cols;
  const sums = samples.sums ?? null;
  const open = cols.unsettledPositions();
  const positions = open.list;
  const count = open.length;
  for (let x = 0; x < count; x++) {
    const i = positions[x]!;
    // podGroup, field by field.
    const code = state[i]!;
    const phase = code & 7;
    const s = slot[i]!;
    let k: number;
    if ((code & DELETING) !== 0 || phase === FAILED) k = IGNORED;
    else if (phase === PENDING) k = UNREADY;
    else if (s < 0) k = MISSING;
    else {
      const ready = (code >> READY_SHIFT) & 3;
      const st = start[i]!;
      let unready: boolean;
      let initialized = false;
      if (ready === 0 || st !== st) unready = true;
      else {
        const tr = transition[i]!;
        const since = tr !== tr ? 0 : tr;
        if (st + cpuInitializationPeriod > now) unready = ready === READY_FALSE || samples.timestamp(s) < since + samples.window(s);
        else {
          // Past the initialization period the group depends on the pod's fields alone, whatever the time.
          unready = ready === READY_FALSE && st + delayOfInitialReadinessStatus > since;
          initialized = true;
        }
      }
      k = unready ? UNREADY : READY;
      if (k === READY && initialized && sums !== null && request[i] === request[i]) {
        cols.settle(i, sums);
        continue;
      }
    }
    group[i] = k;
    const r = request[i]!;
    if (r !== r && t.noRequest === null) t.noRequest = cols.names[i]!;
    if (k === READY) {
      t.readyPodCount++;
      t.metricsTotal += samples.value(s);
      t.requestsTotal += r !== r ? 0 : r;
    } else {
      if (s >= 0 && (k === IGNORED || k === UNREADY)) t.dropped++;
      if (k === UNREADY) t.unready++;
      else if (k === MISSING) t.missing++;
    }
  }
  // The settled pods: whole numbers, so the sums are those of the pod-by-pod pass.
  t.readyPodCount += cols.settledCount;
  t.metricsTotal += cols.settledSamples();
  t.requestsTotal += cols.settledRequests;
  return finishResourceReplicas(t, group, n, (i) => request[i]!, metricsSize, currentReplicas, targetUtilization, 'cpu', tolerances);
}
