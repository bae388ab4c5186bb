// Request traffic in fluid mode: instead of one event per request, one step per interval (traffic.interval)
// in which each Service's expected arrivals are queued over its answering pods with fluidInterval (M/M/k/K
// while stable, a fluid backlog when overloaded). Entry points send their expected requests (the integral of
// the rate curve over the step) by weight; a Service's answered requests, less its errors, call each
// downstream Service in the same step. Listed pods that do not answer (warming up, told to stop) refuse their
// share, as in request mode. Counts are expected values, so they may be fractional. docs/MODEL.md compares
// this mode with request mode.
import type { Simulation } from '../engine/simulation.js';
import type { ClusterState } from '../model/cluster-state.js';
import type { Pod } from '../model/pod.js';
import { grown } from '../model/arrays.js';
import { CPU } from '../model/resources.js';
import { EndpointsTracker, podAnswers } from './endpoints.js';
import {
  distributionMoments,
  emptyOutput,
  fluidIntervalInto,
  servicePhases,
  type FluidInput,
  type FluidOutput,
  type FluidState,
  type ServiceMoments,
  type ServicePhase,
} from './fluid.js';
import { expectedRequests, nextRateChange } from './rates.js';
import type { ServingSpec, TrafficSpec } from './spec.js';
import { TrafficSeries, type Failure } from './stats.js';
import { slowestOf, sumOf } from './call-latency.js';
import type { TrafficModel } from './controller.js';

interface FluidService {
  readonly spec: ServingSpec;
  readonly series: TrafficSeries;
  readonly calls: number[];
  readonly moments: ServiceMoments;
  readonly phases: readonly ServicePhase[];
  /** Carried from step to step; written in place by fluidIntervalInto. */
  readonly state: FluidState;
  /** This step's arrivals, and per answered request: the share that succeeded end to end and its latency. */
  arrivals: number;
  success: number;
  meanMs: number;
  p: number[];
  /** This step's own failures by kind (and its dependencies', set before it is recorded); written in place. */
  failed: Partial<Record<Failure, number>>;
  /** The last step's inputs; an equal step in the stable regime reuses its results. Written in place. */
  key: Float64Array;
  /**
   * The last step's fluidInterval output (written in place; none before the first step, whose key is all NaN and so
   * equals no step's), and whether this step reused it (and so its end-to-end figures).
   */
  readonly output: FluidOutput;
  reused: boolean;
  /** The Service's own latency and success in the last step it computed (written in place). */
  readonly own: { meanMs: number; p: number[]; success: number };
  /** The end-to-end success of the last step that computed it. */
  endToEndSuccess: number;
  /**
   * CPU used per answering pod since the start (millicore-ms), the served requests' work shared evenly, up to
   * the start of the current step (`from`); the current step adds usedStep, accrued evenly over it (stepMs).
   */
  usedPerPod: number;
  usedStep: number;
  /** Requests served per answering pod (expected counts, shared evenly), as usedPerPod. */
  servedPerPod: number;
  servedStep: number;
  /** Requests the Service received up to `from`, and in the current step. */
  requestsBefore: number;
  requestsStep: number;
  /** The current step: its start and length (ms). */
  from: number;
  stepMs: number;
  /**
   * The count of its listed pods that answer, and the CPU request of the last of them, as computed at `from`:
   * the same at any time before `until` (the next warm-up end or SIGTERM among the pods) while the endpoints
   * list and the Service's serving version (bumped when the cluster logs a change of one of its pods:
   * ClusterState.servingLog) stay as they were.
   */
  serving: { from: number; until: number; version: number; listVersion: number; answering: number; cpu: number };
}

export class FluidTrafficController implements TrafficModel {
  readonly services: (FluidService | null)[];
  readonly entries: TrafficSeries[];
  readonly weights: Float64Array[];
  private readonly backends: number[][];
  /** Services in call order: every caller before the Services it calls. */
  private readonly order: number[];
  private readonly endpoints: EndpointsTracker;
  /** Per Service: bumped when a pod it selects may have changed whether it answers (from ClusterState.servingLog). */
  private readonly servingVersions: Uint32Array;
  private readonly servingLog: Pod[] = [];
  rollingOut: () => boolean = () => false;
  lostDuringRollouts = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly cluster: ClusterState,
    private readonly spec: TrafficSpec,
    private readonly stepMs: number,
    endMs: number,
  ) {
    const keyOf = (i: number) => `${spec.services[i]!.namespace}/${spec.services[i]!.name}`;
    const index = new Map(spec.services.map((_, i) => [keyOf(i), i]));
    this.services = spec.services.map((_, i) => {
      const serving = spec.serving.get(keyOf(i));
      if (!serving) return null;
      const moments = distributionMoments(serving.serviceTime);
      return {
        spec: serving,
        series: new TrafficSeries(keyOf(i), 'service', spec.slo.latencyMs),
        calls: serving.calls.map((k) => index.get(k)!),
        moments,
        phases: servicePhases(moments),
        state: { pods: 0, backlog: 0 },
        arrivals: 0,
        success: 1,
        meanMs: 0,
        p: [0, 0, 0, 0],
        failed: { refused: 0, dropped: 0, timed_out: 0, no_endpoints: 0, error: 0, dependency: 0 },
        key: new Float64Array(5).fill(NaN),
        output: emptyOutput(),
        reused: false,
        own: { meanMs: 0, p: [0, 0, 0, 0], success: 1 },
        endToEndSuccess: 1,
        usedPerPod: 0,
        usedStep: 0,
        servedPerPod: 0,
        servedStep: 0,
        requestsBefore: 0,
        requestsStep: 0,
        from: 0,
        stepMs: 1,
        serving: { from: -1, until: -1, version: -1, listVersion: -1, answering: 0, cpu: 0 },
      };
    });
    this.entries = spec.entrypoints.map((e) => new TrafficSeries(e.name, 'entry', spec.slo.latencyMs));
    this.enteringNow = new Float64Array(spec.entrypoints.length);
    this.backends = spec.entrypoints.map((e) => e.backends.map((b) => index.get(b.service)!));
    this.weights = spec.entrypoints.map((e) => Float64Array.from(e.backends, (b) => b.weight));
    this.order = this.callOrder();
    this.endpoints = new EndpointsTracker(sim, cluster, spec.services, spec.endpointDelayMs);
    this.servingVersions = new Uint32Array(spec.services.length);
    cluster.servingLog = this.servingLog;
    const kStep = sim.register('traffic.fluid', () => {
      const from = sim.now;
      this.step(from, Math.min(from + stepMs, endMs));
      if (from + stepMs < endMs) sim.post(stepMs, kStep);
    });
    sim.scheduleAt(0, kStep);
  }

  serviceIndex(key: string): number {
    return this.services.findIndex((s) => s?.spec.key === key);
  }

  get series(): TrafficSeries[] {
    return [...this.entries, ...this.services.filter((s): s is FluidService => s !== null).map((s) => s.series)];
  }

  /** A depth-first order of the call graph (acyclic: checked at load), callers first. */
  private callOrder(): number[] {
    const seen = new Set<number>();
    const post: number[] = [];
    const visit = (i: number) => {
      if (seen.has(i)) return;
      seen.add(i);
      for (const c of this.services[i]!.calls) visit(c);
      post.push(i);
    };
    this.services.forEach((s, i) => s && visit(i));
    return post.reverse();
  }

  /**
   * By pod id (ids are dense): 1 + the index of the pod's Service (0: not read yet), and the Service's
   * usedPerPod and servedPerPod when the pod was first read. Typed columns: metrics-server reads them for every
   * pod at every scrape, and in a big cluster a separate object per pod would cost a cache miss each.
   */
  private startService = new Int32Array(0);
  private startUsed = new Float64Array(0);
  private startServed = new Float64Array(0);

  /** The index of the pod's Service (found and noted at its first reading), or -1 when no Service lists it. */
  private started(pod: Pod): number {
    const id = pod.id;
    if (id < this.startService.length && this.startService[id] !== 0) return this.startService[id]! - 1;
    const i = this.endpoints.firstListing(pod);
    const svc = i >= 0 ? this.services[i] : null;
    if (!svc) return -1;
    this.startService = grown(this.startService, id);
    this.startUsed = grown(this.startUsed, id);
    this.startServed = grown(this.startServed, id);
    this.startService[id] = i + 1;
    this.startUsed[id] = this.reading(svc, svc.usedPerPod, svc.usedStep);
    this.startServed[id] = this.reading(svc, svc.servedPerPod, svc.servedStep);
    return i;
  }

  /** metrics-server's reading: the pod's share of its Service's CPU since it was first read (millicore-ms). */
  cpuUsedMilliMs(pod: Pod): number {
    const i = this.started(pod);
    return i >= 0 ? this.meterUsed(i) - this.startUsed[pod.id]! : 0;
  }

  /** The pod's share of the requests its Service served since it was first read. */
  requestsServed(pod: Pod): number {
    const i = this.started(pod);
    return i >= 0 ? this.meterServed(i) - this.startServed[pod.id]! : 0;
  }

  // As a MeteredSource: a pod's meter is its Service, the readings per answering pod.
  meterOf(pod: Pod): number {
    return this.started(pod);
  }
  baseUsed(pod: Pod): number {
    return this.startUsed[pod.id]!;
  }
  baseServed(pod: Pod): number {
    return this.startServed[pod.id]!;
  }
  // (0 for a number that is no meter: a Service without traffic.)
  meterUsed(meter: number): number {
    const s = this.services[meter];
    return s ? this.reading(s, s.usedPerPod, s.usedStep) : 0;
  }
  meterServed(meter: number): number {
    const s = this.services[meter];
    return s ? this.reading(s, s.servedPerPod, s.servedStep) : 0;
  }
  meterCount(): number {
    return this.services.length;
  }

  /** The requests the Service has received so far (a custom metrics adapter's counter), or undefined if none. */
  requestsReceived(service: number): number | undefined {
    const s = this.services[service];
    return s ? this.reading(s, s.requestsBefore, s.requestsStep) : undefined;
  }

  /**
   * A cumulative figure now: `before` at the current step's start plus the step's `step`, accrued evenly over it
   * (a step's expected counts are spread over its span, so a reading between two steps sees part of one). At or
   * after the step's end it is the whole, the same number the next step starts from, whichever runs first.
   */
  private reading(s: FluidService, before: number, step: number): number {
    const t = this.sim.now;
    if (t <= s.from) return before;
    if (t >= s.from + s.stepMs) return before + step;
    return before + step * ((t - s.from) / s.stepMs);
  }

  /** Per entry point: the rate curve's piece now, and its mean rate per ms. */
  private readonly pieces: { end: number; perMs: number }[] = [];

  /**
   * Expected requests entering at an entry point in [from, to): at the mean rate of the curve's piece (at
   * most 60 s of a diurnal curve; a step, a spike, a CSV bucket), so that steps within a piece are equal;
   * a step that crosses a piece's end takes the exact integral.
   */
  private entering(i: number, from: number, to: number): number {
    const e = this.spec.entrypoints[i]!;
    const a = Math.max(from, e.startMs);
    const b = Math.max(to, e.startMs);
    if (b <= a) return 0;
    let piece = this.pieces[i];
    if (!piece || a >= piece.end || a < piece.end - 86_400_000) {
      const end = nextRateChange(e.curve, a);
      const span = Math.min(end, a + 86_400_000) - a;
      piece = { end, perMs: expectedRequests(e.curve, a, a + span) / span };
      this.pieces[i] = piece;
    }
    return b <= piece.end ? piece.perMs * (b - a) : expectedRequests(e.curve, a, b);
  }

  /** Tests set this: every kept count of answering pods is checked against a fresh one. */
  static checkServing = false;

  /** Counts the listed pods that answer at `from`, and until when the count holds. */
  private countServing(sv: FluidService['serving'], listed: readonly Pod[], from: number, listVersion: number): void {
    let answering = 0;
    let cpu = 0;
    let until = Infinity;
    for (const p of listed) {
      if (podAnswers(p, from)) {
        answering++;
        cpu = p.template.requests[CPU] ?? 0;
      }
      // The times at which podAnswers(p, t) may change as t grows, all else the same.
      if (p.answersFrom > from && p.answersFrom < until) until = p.answersFrom;
      if (p.sigtermAt > from && p.sigtermAt < until) until = p.sigtermAt;
    }
    sv.from = from;
    sv.until = until;
    sv.listVersion = listVersion;
    sv.answering = answering;
    sv.cpu = cpu;
  }

  private step(from: number, to: number): void {
    const dt = to - from;
    if (dt <= 0) return;
    for (const s of this.services) if (s) s.arrivals = 0;
    const entering = this.enteringNow;
    for (let i = 0; i < entering.length; i++) {
      const n = (entering[i] = this.entering(i, from, to));
      const w = this.weights[i]!;
      const backends = this.backends[i]!;
      for (let j = 0; j < backends.length; j++) this.services[backends[j]!]!.arrivals += (n * w[j]!) / 100;
    }
    // The Services whose pods changed since the last step.
    const log = this.servingLog;
    for (let x = 0; x < log.length; x++) {
      const list = this.endpoints.servicesOf(log[x]!);
      for (let j = 0; j < list.length; j++) this.servingVersions[list[j]!]!++;
    }
    log.length = 0;
    // Callers first: what a Service answers without error calls downstream in the same step.
    for (const i of this.order) {
      const s = this.services[i]!;
      const ep = this.endpoints.endpoints[i]!;
      const listed = ep.pods;
      const sv = s.serving;
      const version = this.servingVersions[i]!;
      const kept = sv.version === version && sv.listVersion === ep.version && from >= sv.from && from < sv.until;
      if (!kept || FluidTrafficController.checkServing) {
        const { answering, cpu } = sv;
        this.countServing(sv, listed, from, ep.version);
        sv.version = version;
        if (kept && (sv.answering !== answering || sv.cpu !== cpu))
          throw new Error(`bug: ${s.series.name} kept ${answering} answering pods at ${from} ms, the count gives ${sv.answering}`);
      }
      const answering = sv.answering;
      const cpu = sv.cpu;
      const refused = listed.length > 0 ? (s.arrivals * (listed.length - answering)) / listed.length : 0;
      const k = s.spec.concurrency ?? (s.spec.cpuPerRequest ? Math.max(1, Math.floor(cpu / s.spec.cpuPerRequest)) : 1);
      const key = s.key;
      // An unchanged step in the stable regime (nothing waiting before or after) gives the same results.
      s.reused =
        s.state.backlog === 0 &&
        s.output.backlog === 0 &&
        key[0] === s.arrivals &&
        key[1] === refused &&
        key[2] === answering &&
        key[3] === k &&
        key[4] === dt;
      const o = s.output;
      if (!s.reused) {
        const input = this.input;
        input.dtMs = dt;
        input.arrivals = s.arrivals - refused;
        input.pods = answering;
        input.concurrency = k;
        input.service = s.moments;
        input.queueLimit = s.spec.queueLimit;
        input.timeoutMs = s.spec.timeoutMs;
        fluidIntervalInto(input, s.state, o, s.state, s.phases);
      }
      key[0] = s.arrivals;
      key[1] = refused;
      key[2] = answering;
      key[3] = k;
      key[4] = dt;
      // The last step's figures are whole now; this step's accrue over it.
      s.usedPerPod += s.usedStep;
      s.servedPerPod += s.servedStep;
      s.requestsBefore += s.requestsStep;
      s.usedStep = answering > 0 ? (o.served * s.moments.meanMs * (s.spec.cpuPerRequest ?? cpu / k)) / answering : 0;
      s.servedStep = answering > 0 ? o.served / answering : 0;
      s.requestsStep = s.arrivals;
      s.from = from;
      s.stepMs = dt;
      const errors = o.served * s.spec.errorRate;
      const ok = o.served - errors;
      const failed = s.failed;
      failed.refused = refused;
      failed.dropped = o.dropped;
      failed.timed_out = o.timedOut;
      failed.no_endpoints = o.noEndpoints;
      failed.error = errors;
      for (const c of s.calls) this.services[c]!.arrivals += ok;
      s.success = s.arrivals > 0 ? ok / s.arrivals : 1;
      if (!s.reused) {
        const own = s.own;
        own.meanMs = o.meanWaitMs + s.moments.meanMs;
        own.p[0] = finiteOr0(o.p50Ms);
        own.p[1] = finiteOr0(o.p90Ms);
        own.p[2] = finiteOr0(o.p99Ms);
        own.p[3] = finiteOr0(o.p999Ms);
        own.success = s.success;
      }
    }
    // From the callees up: a request answers when its own work and the slowest of its calls are done, and
    // succeeds when they all do. The slowest call's distribution is the product of the calls' (independent)
    // distributions; its sum with the Service's own latency is a lognormal with the sum's mean and variance.
    for (let j = this.order.length - 1; j >= 0; j--) {
      const s = this.services[this.order[j]!]!;
      const own = s.arrivals * s.success;
      const same = s.reused && s.calls.every((c) => this.services[c]!.reused);
      if (same) s.success = s.endToEndSuccess;
      else {
        s.meanMs = s.own.meanMs;
        s.p = s.own.p;
      }
      if (s.calls.length > 0 && !same) {
        const calls = s.calls.map((c) => this.services[c]!);
        for (const c of calls) s.success *= c.success;
        const slowest = slowestOf(calls.map((c) => ({ meanMs: c.meanMs, p: c.p })));
        const sum = sumOf({ meanMs: s.meanMs, p: s.p }, slowest);
        s.meanMs = sum.meanMs;
        s.p = sum.p;
      }
      if (!same) s.endToEndSuccess = s.success;
      s.reused = same;
      const ok = s.arrivals * s.success;
      s.failed.dependency = nonNegative(own - ok, own);
      s.series.addFluid(s.arrivals, ok, s.failed, s.meanMs, s.p);
    }
    // The entry points' figures, in scratch the series read at once and do not keep.
    const p = this.entryP;
    for (let i = 0; i < entering.length; i++) {
      const n = entering[i]!;
      if (n <= 0) continue;
      const w = this.weights[i]!;
      const backends = this.backends[i]!;
      let ok = 0;
      let mean = 0;
      p.fill(0);
      for (let j = 0; j < backends.length; j++) {
        const s = this.services[backends[j]!]!;
        const share = (n * w[j]!) / 100;
        const okj = share * s.success;
        ok += okj;
        mean += okj * s.meanMs;
        for (let q = 0; q < 4; q++) p[q] += okj * s.p[q]!;
      }
      const failed = nonNegative(n - ok, n);
      for (let q = 0; q < 4; q++) p[q] = ok > 0 ? p[q]! / ok : 0;
      this.entryFailed.dependency = failed;
      this.entries[i]!.addFluid(n, ok, this.entryFailed, ok > 0 ? mean / ok : 0, p);
      if (failed > 0 && this.rollingOut()) this.lostDuringRollouts += failed;
    }
  }

  /** Scratch of step(): each entry point's requests this step, and an entry point's percentiles and failures. */
  private readonly enteringNow: Float64Array;
  private readonly entryP = [0, 0, 0, 0];
  private readonly entryFailed: Partial<Record<Failure, number>> = { dependency: 0 };
  /** Scratch of step(): the input of a Service's fluidIntervalInto. */
  private readonly input: FluidInput = {
    dtMs: 0,
    arrivals: 0,
    pods: 0,
    concurrency: 1,
    service: { meanMs: 1, scv: 1 },
    queueLimit: 0,
    timeoutMs: 0,
  };
}

function finiteOr0(x: number): number {
  return Number.isFinite(x) ? x : 0;
}

/** A difference of expected counts, with rounding noise (below 1e-9 of the whole) taken as 0. */
function nonNegative(x: number, whole: number): number {
  return x > 1e-9 * whole ? x : 0;
}
