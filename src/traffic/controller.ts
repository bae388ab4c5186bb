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
import { EndpointsTracker } from './endpoints.js';
import type { ServingSpec, TrafficSpec } from './spec.js';
import { FAILURES, TrafficSeries, type Failure } from './stats.js';

/** A request's state (Request.state). */
const FREE = 0;
const QUEUED = 1;
const SERVING = 2;
const CALLING = 3;
/** Failed while its pod's work was under way: the work's end event only frees it. */
const ORPHANED = 4;

/** A pod serving one Service's requests: its slots in use and its queue of waiting requests (ids, FIFO). */
interface Server {
  readonly pod: Pod;
  readonly service: number;
  readonly slots: number;
  busy: number;
  queue: Int32Array;
  head: number;
  length: number;
}

interface ServiceState {
  readonly spec: ServingSpec;
  readonly series: TrafficSeries;
  readonly rng: Rng;
  readonly calls: number[];
  rr: number;
}

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

  // Requests, by id (reused): a structure of arrays, grown by doubling.
  private cap = 1024;
  private arrivedAt = new Float64Array(this.cap);
  private serviceOf = new Int32Array(this.cap);
  private parent = new Int32Array(this.cap);
  private pending = new Int32Array(this.cap);
  private entryOf = new Int32Array(this.cap);
  private state = new Uint8Array(this.cap);
  private failure = new Uint8Array(this.cap);
  private serverOf: (Server | null)[] = new Array<Server | null>(this.cap).fill(null);
  private free: number[] = [];
  private next = 0;
  private readonly failures: readonly Failure[] = FAILURES;
  /** Whether a rollout is under way (set by the run), and the whole requests that failed meanwhile. */
  rollingOut: () => boolean = () => false;
  lostDuringRollouts = 0;

  constructor(
    private readonly sim: Simulation,
    cluster: ClusterState,
    private readonly spec: TrafficSpec,
  ) {
    const keyOf = (i: number) => `${spec.services[i]!.namespace}/${spec.services[i]!.name}`;
    const index = new Map(spec.services.map((_, i) => [keyOf(i), i]));
    this.services = spec.services.map((_, i) => {
      const serving = spec.serving.get(keyOf(i));
      if (!serving) return null;
      return {
        spec: serving,
        series: new TrafficSeries(keyOf(i), 'service', spec.slo.latencyMs),
        rng: sim.rng(`traffic:service:${keyOf(i)}`),
        calls: serving.calls.map((k) => index.get(k)!),
        rr: 0,
      };
    });
    this.lbRng = sim.rng('traffic:kube-proxy');
    this.endpoints = new EndpointsTracker(sim, cluster, spec.services, spec.endpointDelayMs);
    this.endpoints.onChange = (service, pod, added) => {
      if (added && this.services[service]) this.serverFor(pod, service);
    };
    // A pod whose containers stop fails what it holds; one that is gone is forgotten.
    cluster.watch('traffic', {
      PodFinished: (ev) => this.stopped(ev.pod, true),
      PodDeleted: (ev) => this.stopped(ev.pod, true),
      NodeHealthChanged: (ev) => {
        if (!ev.node.up) for (const p of ev.node.pods) this.stopped(p, false);
      },
    });
    this.entries = spec.entrypoints.map((e) => new TrafficSeries(e.name, 'entry', spec.slo.latencyMs));
    this.backends = spec.entrypoints.map((e) => e.backends.map((b) => index.get(b.service)!));
    this.weights = spec.entrypoints.map((e) => Float64Array.from(e.backends, (b) => b.weight));
    this.routeRng = spec.entrypoints.map((e) => (e.backends.length > 1 ? sim.rng(`traffic:route:${e.name}`) : null));
    const processes = spec.entrypoints.map((e) => new ArrivalProcess(e.curve, sim.rng(`traffic:arrivals:${e.name}`), e.arrivals));
    this.kArrive = sim.register('traffic.arrive', (i) => {
      this.arrive(i, this.route(i));
      const t = processes[i]!.next(sim.now);
      if (t !== Infinity) sim.scheduleAt(Math.max(t, sim.now), this.kArrive, i);
    });
    this.kDone = sim.register('traffic.done', (id) => this.workDone(id));
    processes.forEach((p, i) => {
      const t = p.next(spec.entrypoints[i]!.startMs);
      if (t !== Infinity) sim.scheduleAt(t, this.kArrive, i);
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
      const spec = this.services[service]!.spec;
      const cpu = pod.template.requests[CPU] ?? 0;
      const slots = spec.concurrency ?? (spec.cpuPerRequest ? Math.max(1, Math.floor(cpu / spec.cpuPerRequest)) : 1);
      s = { pod, service, slots, busy: 0, queue: new Int32Array(16), head: 0, length: 0 };
      this.servers.set(pod.id, s);
    }
    return s;
  }

  private alloc(service: number, parent: number, entry: number): number {
    let id = this.free.pop();
    if (id === undefined) {
      if (this.next === this.cap) this.grow();
      id = this.next++;
    }
    this.arrivedAt[id] = this.sim.now;
    this.serviceOf[id] = service;
    this.parent[id] = parent;
    this.entryOf[id] = entry;
    this.pending[id] = 0;
    this.failure[id] = 0;
    this.state[id] = QUEUED;
    this.serverOf[id] = null;
    return id;
  }

  private grow(): void {
    const cap = this.cap * 2;
    const copy = <T extends Float64Array | Int32Array | Uint8Array>(to: T, from: T): T => (to.set(from), to);
    this.arrivedAt = copy(new Float64Array(cap), this.arrivedAt);
    this.serviceOf = copy(new Int32Array(cap), this.serviceOf);
    this.parent = copy(new Int32Array(cap), this.parent);
    this.pending = copy(new Int32Array(cap), this.pending);
    this.entryOf = copy(new Int32Array(cap), this.entryOf);
    this.state = copy(new Uint8Array(cap), this.state);
    this.failure = copy(new Uint8Array(cap), this.failure);
    this.serverOf.length = cap;
    this.serverOf.fill(null, this.cap);
    this.cap = cap;
  }

  /** A request enters at an entry point. */
  private arrive(entry: number, service: number): void {
    this.entries[entry]!.arrived();
    this.dispatch(this.alloc(service, -1, entry));
  }

  /** kube-proxy sends the request to one of the Service's endpoints; the pod serves, queues or refuses it. */
  private dispatch(id: number): void {
    const service = this.serviceOf[id]!;
    const svc = this.services[service]!;
    svc.series.arrived();
    const pods = this.endpoints.endpoints[service]!.pods;
    const n = pods.length;
    if (n === 0) return this.fail(id, 'no_endpoints');
    let pod: Pod;
    if (this.spec.loadBalancing === 'random') pod = pods[n === 1 ? 0 : this.lbRng.int(n)]!;
    else if (this.spec.loadBalancing === 'round-robin') pod = pods[svc.rr++ % n]!;
    else {
      // IPVS lc: the fewest active connections, the first listed at a tie.
      pod = pods[0]!;
      let best = Infinity;
      for (const p of pods) {
        const s = this.servers.get(p.id);
        const c = s ? s.busy + s.length : 0;
        if (c < best) {
          best = c;
          pod = p;
        }
      }
    }
    const server = this.serverFor(pod, service);
    if (!this.accepting(pod)) return this.fail(id, 'refused');
    if (server.busy < server.slots) this.start(id, server);
    else if (server.length < svc.spec.queueLimit) this.enqueue(id, server);
    else this.fail(id, 'dropped');
  }

  /** The pod's app containers run and have not been told to stop. */
  private accepting(pod: Pod): boolean {
    if (pod.phase !== 'Running' || pod.containersDown || pod.node?.up === false) return false;
    if (pod.answersFrom < 0 || this.sim.now < pod.answersFrom) return false;
    return !(pod.sigtermAt >= 0 && this.sim.now >= pod.sigtermAt);
  }

  private enqueue(id: number, s: Server): void {
    if (s.length === s.queue.length) {
      const q = new Int32Array(s.queue.length * 2);
      for (let i = 0; i < s.length; i++) q[i] = s.queue[(s.head + i) % s.queue.length]!;
      s.queue = q;
      s.head = 0;
    }
    s.queue[(s.head + s.length) % s.queue.length] = id;
    s.length++;
    this.state[id] = QUEUED;
    this.serverOf[id] = s;
  }

  private start(id: number, s: Server): void {
    s.busy++;
    this.state[id] = SERVING;
    this.serverOf[id] = s;
    const svc = this.services[s.service]!;
    const ms = Math.max(0, Math.round(sample(svc.spec.serviceTime, svc.rng)));
    this.sim.schedule(ms, this.kDone, id);
  }

  /** The pod's own work on a request is done: it calls downstream, or answers. Then it takes the next waiting one. */
  private workDone(id: number): void {
    if (this.state[id] === ORPHANED) return this.release(id);
    const s = this.serverOf[id]!;
    s.busy--;
    this.serverOf[id] = null;
    this.state[id] = CALLING;
    const svc = this.services[this.serviceOf[id]!]!;
    const calls = svc.calls;
    if (svc.spec.errorRate > 0 && svc.rng.random() < svc.spec.errorRate) this.fail(id, 'error');
    else if (calls.length === 0) this.finish(id);
    else {
      this.pending[id] = calls.length;
      for (const c of calls) this.dispatch(this.alloc(c, id, -1));
    }
    this.pull(s);
  }

  /** Free slots take waiting requests in order; one whose caller has given up is dropped as timed out. */
  private pull(s: Server): void {
    const timeout = this.services[s.service]!.spec.timeoutMs;
    while (s.busy < s.slots && s.length > 0) {
      const id = s.queue[s.head]!;
      s.head = (s.head + 1) % s.queue.length;
      s.length--;
      this.serverOf[id] = null;
      if (this.sim.now - this.arrivedAt[id]! > timeout) this.fail(id, 'timed_out');
      else this.start(id, s);
    }
  }

  private fail(id: number, why: Failure): void {
    this.failure[id] = this.failures.indexOf(why) + 1;
    this.finish(id);
  }

  /** The request answered or failed: count it, and tell its caller. */
  private finish(id: number): void {
    const service = this.serviceOf[id]!;
    const svc = this.services[service]!;
    const latency = this.sim.now - this.arrivedAt[id]!;
    if (this.failure[id] === 0 && latency > svc.spec.timeoutMs) this.failure[id] = this.failures.indexOf('timed_out') + 1;
    const why = this.failure[id]! > 0 ? this.failures[this.failure[id]! - 1]! : null;
    if (why) svc.series.failed(why);
    else svc.series.answered(latency);
    const parent = this.parent[id]!;
    if (parent >= 0) {
      if (why && this.failure[parent] === 0) this.failure[parent] = this.failures.indexOf('dependency') + 1;
      if (--this.pending[parent]! === 0) this.finish(parent);
    } else {
      const entry = this.entries[this.entryOf[id]!]!;
      if (why) {
        entry.failed(why);
        if (this.rollingOut()) this.lostDuringRollouts++;
      } else entry.answered(latency);
    }
    if (this.state[id] === SERVING) this.state[id] = ORPHANED;
    else this.release(id);
  }

  private release(id: number): void {
    this.state[id] = FREE;
    this.serverOf[id] = null;
    this.free.push(id);
  }

  /** The pod's containers stopped: what it held fails. `gone`: the pod will not serve again. */
  private stopped(pod: Pod, gone: boolean): void {
    const s = this.servers.get(pod.id);
    if (!s) return;
    // Its requests in service (found by a scan: pods stop rarely, requests start all the time).
    for (let id = 0; id < this.next; id++) {
      if (this.state[id] !== SERVING || this.serverOf[id] !== s) continue;
      s.busy--;
      this.fail(id, 'killed');
    }
    while (s.length > 0) {
      const id = s.queue[s.head]!;
      s.head = (s.head + 1) % s.queue.length;
      s.length--;
      this.fail(id, 'killed');
    }
    if (gone) this.servers.delete(pod.id);
  }
}
