// The HPA's pod views in columns: what getResourceReplicas reads of each pod, held in typed arrays in the order of
// the target's pods, so that a sync reads contiguous memory rather than an object per pod (in a big cluster, a
// cache miss each). The controller keeps one set of columns per target's pod list, written by the views as pod
// events refresh them; getResourceReplicasFromColumns is getResourceReplicas over them, with the same result
// (the test suite compares the two at every sync: HPAController.checkViews).
import {
  finishResourceReplicas,
  groupsFor,
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

  constructor(readonly n: number) {
    this.state = new Uint8Array(n);
    this.start = new Float64Array(n);
    this.transition = new Float64Array(n);
    this.request = new Float64Array(n);
    this.slot = new Int32Array(n).fill(-1);
    this.names = new Array<string>(n).fill('');
  }

  /** Writes the view's fields at position i. */
  set(i: number, v: HPAPodView): void {
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

/**
 * The samples' fields by metrics slot s: value, timestamp and window at f[s * SAMPLE_STRIDE + SAMPLE_VALUE],
 * [... + SAMPLE_TIMESTAMP] and [... + SAMPLE_WINDOW] (metrics-server keeps each slot's numbers side by side).
 */
export interface SampleColumns {
  readonly f: Float64Array;
}

export const SAMPLE_STRIDE = 8;
export const SAMPLE_VALUE = 3;
export const SAMPLE_TIMESTAMP = 4;
export const SAMPLE_WINDOW = 5;

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
  const group = groupsFor(n);
  const t = newTally();
  const { state, start, transition, request, slot } = cols;
  const f = samples.f;
  for (let i = 0; i < n; i++) {
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
      if (ready === 0 || st !== st) unready = true;
      else {
        const tr = transition[i]!;
        const since = tr !== tr ? 0 : tr;
        if (st + cpuInitializationPeriod > now)
          unready = ready === READY_FALSE || f[s * SAMPLE_STRIDE + SAMPLE_TIMESTAMP]! < since + f[s * SAMPLE_STRIDE + SAMPLE_WINDOW]!;
        else unready = ready === READY_FALSE && st + delayOfInitialReadinessStatus > since;
      }
      k = unready ? UNREADY : READY;
    }
    group[i] = k;
    const r = request[i]!;
    if (r !== r && t.noRequest === null) t.noRequest = cols.names[i]!;
    if (k === READY) {
      t.readyPodCount++;
      t.metricsTotal += f[s * SAMPLE_STRIDE + SAMPLE_VALUE]!;
      t.requestsTotal += r !== r ? 0 : r;
    } else {
      if (s >= 0 && (k === IGNORED || k === UNREADY)) t.dropped++;
      if (k === UNREADY) t.unready++;
      else if (k === MISSING) t.missing++;
    }
  }
  return finishResourceReplicas(t, group, n, (i) => request[i]!, metricsSize, currentReplicas, targetUtilization, 'cpu', tolerances);
}
