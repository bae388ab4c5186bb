// Request traffic, one request at a time: arrivals at each entry point (a non-homogeneous Poisson or evenly
// spaced process over the rate curve, on the entry's own random stream), kube-proxy's choice of a ready
// endpoint, the pod's slots (concurrency) and FIFO queue with its limit, the caller's timeout, and the calls
// a Service makes downstream, all at once once its own work is done; the request answers when the last call
// returns. A pod accepts requests until its app containers get SIGTERM (after the preStop hooks); requests
// still routed to it then are refused, and those it holds when its containers stop (SIGKILL, a dead node)
// fail. docs/MODEL.md describes the model and its simplifications.
import type { Simulation } from '../engine/simulation.js';
import { sample } from '../engine/distributions.js';
import type { Rng } from '../engine/rng.js';
import type { ClusterState } from '../model/cluster-state.js';
import type { Pod } from '../model/pod.js';
import { CPU } from '../model/resources.js';
import { ArrivalProcess } from './arrivals.js';
import { EndpointsTracker, podAnswers } from './endpoints.js';
import type { ServingSpec, TrafficSpec } from './spec.js';
import { FAILURES, TrafficSeries, type Failure } from './stats.js';
import { objectArray } from '../engine/arrays.js';

/** A request's state (Request.state). */
const FREE = 0;
const QUEUED = 1;
const SERVING = 2;
const CALLING = 3;
/** Failed while its pod's work was under way: the work's end event only frees it. */
const ORPHANED = 4;

/** kube-proxy's modes (TrafficSpec.loadBalancing) as numbers for the request path. */
const RANDOM = 0;
const ROUND_ROBIN = 1;
const LEAST_CONNECTION = 2;

/** Failure codes (Request.failure): 0 for none, else 1 + the index in FAILURES. */
const code = (why: Failure): number => FAILURES.indexOf(why) + 1;
const TIMED_OUT = code('timed_out');
const DEPENDENCY = code('dependency');

/** A request in flight. Records are reused once done, most recently freed first. */
interface Request {
  arrivedAt: number;
  /** The Service it was sent to. */
  svc: ServiceState;
  /** The request that called it, or null for one from an entry point. */
  parent: Request | null;
  /** Its entry point (a request from an entry point). */
  entry: number;
  /** Calls not yet returned (while CALLING). */
  pending: number;
  state: number;
  failure: number;
  /** The server it waits at or is served by. */
  server: Server | null;
  /** When its pod's own work on it ends (while SERVING). */
  endAt: number;
}

/**
 * A pod serving one Service's requests: its slots in use and its queue of waiting requests (FIFO, a ring whose
 * length is a power of two).
 */
interface Server {
  readonly pod: Pod;
  /** The Service whose serving (service time, timeout) it applies. */
  readonly svc: ServiceState;
  readonly slots: number;
  busy: number;
  queue: (Request | null)[];
  head: number;
  length: number;
  /** The pod is gone and the server forgotten; a Service's list may still hold it until the removal reaches kube-proxy. */
  gone: boolean;
  /**
   * The pod's CPU time in slot-milliseconds: the work of every request it started, and the sum of the end times
   * of those in service (what they have still to do is endSum - busy x now).
   */
  workMs: number;
  endSum: number;
  /** Millicores one request in service uses: cpuPerRequest, or the pod's CPU request over its slots. */
  readonly cpuPerSlot: number;
  /** Requests whose own work the pod has finished (a Pods metric: requests per second). */
  served: number;
}

interface ServiceState {
  readonly index: number;
  readonly spec: ServingSpec;
  readonly series: TrafficSeries;
  readonly rng: Rng;
  /** The mean of an exponential service time (the commonest, drawn directly as sample() would), or -1. */
  readonly exponentialMean: number;
  readonly calls: number[];
  rr: number;
  /** The server of each endpoint, in the order of the Service's endpoints list. */
  readonly servers: Server[];
}

/** A ring of `n` empty places (n a power of two). */
const ring = (n: number): (Request | null)[] => Array.from({ length: n }, () => null);

/** What the metrics and the canary controller read of either traffic mode. */
export interface TrafficModel {
  readonly entries: TrafficSeries[];
  readonly series: TrafficSeries[];
  readonly services: readonly ({ readonly series: TrafficSeries } | null)[];
  /** Each entry point's backends' weights in percent (a canary changes them). */
  readonly weights: Float64Array[];
  serviceIndex(key: string): number;
  rollingOut: () => boolean;
  lostDuringRollouts: number;
}

export class TrafficController implements TrafficModel {
  readonly services: (ServiceState | null)[];
  /** Entry points' end-to-end series, in scenario order. */
  readonly entries: TrafficSeries[];
  private readonly endpoints: EndpointsTracker;
  private readonly servers = new Map<number, Server>();
  private readonly kArrive: number;
  private readonly kDone: number;
  private readonly lbRng: Rng;
  private readonly lb: number;

  /** Every request record made, in the order made, and those free for reuse. */
  private readonly requests: Request[] = objectArray();
  private readonly free: Request[] = objectArray();
  /** Whether a rollout is under way (set by the run), and the whole requests that failed meanwhile. */
  rollingOut: () => boolean = () => false;
  lostDuringRollouts = 0;

  constructor(
    private readonly sim: Simulation,
    cluster: ClusterState,
    spec: TrafficSpec,
  ) {
    const keyOf = (i: number) => `${spec.services[i]!.namespace}/${spec.services[i]!.name}`;
    const index = new Map(spec.services.map((_, i) => [keyOf(i), i]));
    this.services = spec.services.map((_, i) => {
      const serving = spec.serving.get(keyOf(i));
      if (!serving) return null;
      return {
        index: i,
        spec: serving,
        series: new TrafficSeries(keyOf(i), 'service', spec.slo.latencyMs),
        rng: sim.rng(`traffic:service:${keyOf(i)}`),
        exponentialMean: serving.serviceTime.kind === 'exponential' ? serving.serviceTime.mean : -1,
        calls: serving.calls.map((k) => index.get(k)!),
        rr: 0,
        servers: [],
      };
    });
    this.lbRng = sim.rng('traffic:kube-proxy');
    this.lb = spec.loadBalancing === 'random' ? RANDOM : spec.loadBalancing === 'round-robin' ? ROUND_ROBIN : LEAST_CONNECTION;
    this.endpoints = new EndpointsTracker(sim, cluster, spec.services, spec.endpointDelayMs);
    this.endpoints.onChange = (service, pod, added, at) => {
      const svc = this.services[service];
      if (!svc) return;
      if (added) svc.servers.push(this.serverFor(pod, service));
      else svc.servers.splice(at, 1);
    };
    // A pod whose containers stop fails what it holds; one that is gone is forgotten.
    cluster.watch('traffic', {
      PodFinished: (ev) => this.stopped(ev.pod, true),
      PodDeleted: (ev) => this.stopped(ev.pod, true),
      NodeHealthChanged: (ev) => {
        if (!ev.node.up) for (const p of ev.node.pods) this.stopped(p, false);
      },
    });
    this.backends = spec.entrypoints.map((e) => e.backends.map((b) => index.get(b.service)!));
    // An entry point whose only backend is a Service that calls nothing and gets requests from nowhere else
    // records exactly what that Service records (the same requests, failures and latencies, in the same
    // order): it shows the Service's figures, and nothing is counted twice.
    const senders = new Array<number>(spec.services.length).fill(0);
    for (const b of this.backends) for (const s of b) senders[s]!++;
    for (const svc of this.services) for (const c of svc?.calls ?? []) senders[c]!++;
    this.entries = spec.entrypoints.map((e, i) => {
      const b = this.backends[i]!;
      const svc = b.length === 1 ? this.services[b[0]!] : null;
      const same = svc && svc.calls.length === 0 && senders[svc.index] === 1 ? svc.series : null;
      return new TrafficSeries(e.name, 'entry', spec.slo.latencyMs, same);
    });
    this.weights = spec.entrypoints.map((e) => Float64Array.from(e.backends, (b) => b.weight));
    this.routeRng = spec.entrypoints.map((e) => (e.backends.length > 1 ? sim.rng(`traffic:route:${e.name}`) : null));
    const processes = spec.entrypoints.map((e) => new ArrivalProcess(e.curve, sim.rng(`traffic:arrivals:${e.name}`), e.arrivals));
    // Each entry point's next arrival is a timer's event: the handler sets the one after.
    this.kArrive = sim.register('traffic.arrive', (i) => {
      this.arrive(i);
      const t = processes[i]!.next(sim.now);
      if (t !== Infinity) sim.setTimer(timers[i]!, Math.max(t, sim.now));
    });
    const timers = processes.map((_, i) => sim.timer(this.kArrive, i));
    this.kDone = sim.register('traffic.done', (_, r) => this.workDone(r as Request));
    processes.forEach((p, i) => {
      const t = p.next(spec.entrypoints[i]!.startMs);
      if (t !== Infinity) sim.setTimer(timers[i]!, t);
    });
  }

  /** Each entry point's backends (Service indices) and their weights in percent (a canary changes them). */
  readonly backends: number[][];
  readonly weights: Float64Array[];
  private readonly routeRng: (Rng | null)[];

  /** The Service an entry point's request goes to: by weight when it has several backends. */
  private route(entry: number): number {
    const b = this.backends[entry]!;
    if (b.length === 1) return b[0]!;
    const w = this.weights[entry]!;
    let x = this.routeRng[entry]!.random() * 100;
    for (let i = 0; i < b.length; i++) {
      x -= w[i]!;
      if (x < 0) return b[i]!;
    }
    // Rounding: the last backend with any weight.
    for (let i = b.length - 1; i >= 0; i--) if (w[i]! > 0) return b[i]!;
    return b[0]!;
  }

  /** The index of a Service ("namespace/name"). */
  serviceIndex(key: string): number {
    return this.services.findIndex((s) => s?.spec.key === key);
  }

  /** The series of every Service that receives requests, then of every entry point. */
  get series(): TrafficSeries[] {
    return [...this.entries, ...this.services.filter((s): s is ServiceState => s !== null).map((s) => s.series)];
  }

  private serverFor(pod: Pod, service: number): Server {
    let s = this.servers.get(pod.id);
    if (!s) {
      const svc = this.services[service]!;
      const spec = svc.spec;
      const cpu = pod.template.requests[CPU] ?? 0;
      const slots = spec.concurrency ?? (spec.cpuPerRequest ? Math.max(1, Math.floor(cpu / spec.cpuPerRequest)) : 1);
      s = {
        pod,
        svc,
        slots,
        busy: 0,
        queue: ring(16),
        head: 0,
        length: 0,
        gone: false,
        // (Made as doubles, then zeroed: these sums pass 2^31 ms in long runs, and a field that starts as a small
        // integer changes representation when it does, which deoptimizes every function that touches a server.)
        workMs: 0.5,
        endSum: 0.5,
        cpuPerSlot: spec.cpuPerRequest ?? cpu / slots,
        served: 0,
      };
      s.workMs = 0;
      s.endSum = 0;
      this.servers.set(pod.id, s);
    }
    return s;
  }

  private alloc(svc: ServiceState, parent: Request | null, entry: number): Request {
    const now = this.sim.now;
    let r = this.free.pop();
    if (r === undefined) {
      r = { arrivedAt: now, svc, parent, entry, pending: 0, state: FREE, failure: 0, server: null, endAt: 0 };
      this.requests.push(r);
    } else {
      // A freed record is FREE and on no server.
      r.arrivedAt = now;
      r.svc = svc;
      r.parent = parent;
      r.entry = entry;
      r.failure = 0;
    }
    return r;
  }

  /** A request enters at an entry point. */
  private arrive(entry: number): void {
    const series = this.entries[entry]!;
    if (series.source === null) series.arrived();
    this.dispatch(this.alloc(this.services[this.route(entry)]!, null, entry));
  }

  /** kube-proxy sends the request to one of the Service's endpoints; the pod serves, queues or refuses it. */
  private dispatch(r: Request): void {
    const svc = r.svc;
    svc.series.arrived();
    const servers = svc.servers;
    const n = servers.length;
    if (n === 0) return this.fail(r, 'no_endpoints');
    let k = 0;
    if (this.lb === RANDOM) k = n === 1 ? 0 : this.lbRng.int(n);
    else if (this.lb === ROUND_ROBIN) k = svc.rr++ % n;
    else {
      // IPVS lc: the fewest active connections, the first listed at a tie.
      let best = Infinity;
      for (let i = 0; i < n; i++) {
        const s = servers[i]!.gone ? this.servers.get(servers[i]!.pod.id) : servers[i]!;
        const c = s ? s.busy + s.length : 0;
        if (c < best) {
          best = c;
          k = i;
        }
      }
    }
    let server = servers[k]!;
    if (server.gone) server = servers[k] = this.serverFor(server.pod, svc.index);
    if (!podAnswers(server.pod, this.sim.now)) return this.fail(r, 'refused');
    if (server.busy < server.slots) this.start(r, server);
    else if (server.length < svc.spec.queueLimit) this.enqueue(r, server);
    else this.fail(r, 'dropped');
  }

  private enqueue(r: Request, s: Server): void {
    const cap = s.queue.length;
    if (s.length === cap) {
      const q = ring(cap * 2);
      for (let i = 0; i < s.length; i++) q[i] = s.queue[(s.head + i) & (cap - 1)]!;
      s.queue = q;
      s.head = 0;
    }
    s.queue[(s.head + s.length) & (s.queue.length - 1)] = r;
    s.length++;
    r.state = QUEUED;
    r.server = s;
  }

  /** Takes the request at the head of the server's queue. */
  private dequeue(s: Server): Request {
    const r = s.queue[s.head]!;
    s.queue[s.head] = null;
    s.head = (s.head + 1) & (s.queue.length - 1);
    s.length--;
    return r;
  }

  private start(r: Request, s: Server): void {
    s.busy++;
    r.state = SERVING;
    r.server = s;
    const svc = s.svc;
    const mean = svc.exponentialMean;
    const x = mean >= 0 ? svc.rng.exponential(mean) : sample(svc.spec.serviceTime, svc.rng);
    const ms = Math.max(0, Math.round(x));
    const end = this.sim.now + ms;
    r.endAt = end;
    s.workMs += ms;
    s.endSum += end;
    this.sim.postAt(end, this.kDone, 0, r);
  }

  /** The requests the pod has served so far (a custom metrics adapter's counter). */
  requestsServed(pod: Pod): number {
    return this.servers.get(pod.id)?.served ?? 0;
  }

  /** metrics-server's reading: the pod's CPU used so far (millicore-ms), from its slots' busy time. */
  cpuUsedMilliMs(pod: Pod, now: number): number {
    const s = this.servers.get(pod.id);
    return s ? (s.workMs - (s.endSum - s.busy * now)) * s.cpuPerSlot : 0;
  }

  /** The pod's own work on a request is done: it calls downstream, or answers. Then it takes the next waiting one. */
  private workDone(r: Request): void {
    if (r.state === ORPHANED) return this.release(r);
    const s = r.server!;
    s.busy--;
    s.served++;
    s.endSum -= r.endAt;
    r.server = null;
    r.state = CALLING;
    const svc = r.svc;
    const calls = svc.calls;
    if (svc.spec.errorRate > 0 && svc.rng.random() < svc.spec.errorRate) this.fail(r, 'error');
    else if (calls.length === 0) this.finish(r);
    else {
      r.pending = calls.length;
      for (const c of calls) this.dispatch(this.alloc(this.services[c]!, r, -1));
    }
    this.pull(s);
  }

  /** Free slots take waiting requests in order; one whose caller has given up is dropped as timed out. */
  private pull(s: Server): void {
    const timeout = s.svc.spec.timeoutMs;
    while (s.busy < s.slots && s.length > 0) {
      const r = this.dequeue(s);
      r.server = null;
      if (this.sim.now - r.arrivedAt > timeout) this.fail(r, 'timed_out');
      else this.start(r, s);
    }
  }

  private fail(r: Request, why: Failure): void {
    r.failure = code(why);
    this.finish(r);
  }

  /** The request answered or failed: count it, and tell its caller. */
  private finish(r: Request): void {
    const svc = r.svc;
    const latency = this.sim.now - r.arrivedAt;
    if (r.failure === 0 && latency > svc.spec.timeoutMs) r.failure = TIMED_OUT;
    const why = r.failure > 0 ? FAILURES[r.failure - 1]! : null;
    if (why) svc.series.failed(why);
    else svc.series.answered(latency);
    const parent = r.parent;
    if (parent !== null) {
      if (why && parent.failure === 0) parent.failure = DEPENDENCY;
      if (--parent.pending === 0) this.finish(parent);
    } else {
      const entry = this.entries[r.entry]!;
      if (why) {
        if (entry.source === null) entry.failed(why);
        if (this.rollingOut()) this.lostDuringRollouts++;
      } else if (entry.source === null) entry.answered(latency);
    }
    if (r.state === SERVING) r.state = ORPHANED;
    else this.release(r);
  }

  private release(r: Request): void {
    r.state = FREE;
    r.server = null;
    r.parent = null;
    this.free.push(r);
  }

  /** The pod's containers stopped: what it held fails. `gone`: the pod will not serve again. */
  private stopped(pod: Pod, gone: boolean): void {
    const s = this.servers.get(pod.id);
    if (!s) return;
    const now = this.sim.now;
    // Its requests in service (found by a scan in the order the records were made: pods stop rarely,
    // requests start all the time).
    for (const r of this.requests) {
      if (r.state !== SERVING || r.server !== s) continue;
      s.busy--;
      // The work it will not do is not used.
      s.workMs -= r.endAt - now;
      s.endSum -= r.endAt;
      this.fail(r, 'killed');
    }
    while (s.length > 0) this.fail(this.dequeue(s), 'killed');
    if (gone) {
      s.gone = true;
      this.servers.delete(pod.id);
    }
  }
}
