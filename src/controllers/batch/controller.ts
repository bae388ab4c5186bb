// Synthetic and replayed pod arrivals for capacity planning: each arrival is a bare pod that runs for
// its sampled (or recorded) time. Only the next arrival of each stream is on the event queue.
import type { Simulation } from '../../engine/simulation.js';
import { sample, type Distribution } from '../../engine/distributions.js';
import type { Rng } from '../../engine/rng.js';
import type { ClusterState } from '../../model/cluster-state.js';
import type { Workload } from '../../model/workloads.js';
import type { ArrivalSpec } from '../../workload/spec.js';

interface Stream {
  spec: ArrivalSpec;
  owner: Workload;
  next: number;
  count: number;
  /** The random stream of its gaps, and its pods' draws by the name makePod gives each (`batch:<name>:<draw>`). */
  gaps: Rng;
  draw: (name: string, d: Distribution) => number;
}

export class ArrivalController {
  private readonly streams: Stream[] = [];
  private readonly kArrive: number;

  constructor(
    private readonly sim: Simulation,
    private readonly cluster: ClusterState,
  ) {
    this.kArrive = sim.register('arrivals.arrive', (i) => this.arrive(i));
  }

  add(spec: ArrivalSpec): void {
    const owner = this.cluster.createWorkload({
      kind: spec.trace ? 'Trace' : 'Batch',
      name: spec.name,
      namespace: 'default',
      spec: { replicas: 0, template: null, runTime: null, job: null },
    });
    // Streams are looked up once per name (not per pod: each lookup made its name's string anew).
    const draws = new Map<string, Rng>();
    const draw = (name: string, d: Distribution): number => {
      let rng = draws.get(name);
      if (rng === undefined) draws.set(name, (rng = this.sim.rng(`batch:${spec.name}:${name}`)));
      return sample(d, rng);
    };
    const s: Stream = { spec, owner, next: 0, count: 0, gaps: this.sim.rng(`batch:${spec.name}:arrivals`), draw };
    this.streams.push(s);
    const i = this.streams.length - 1;
    if (spec.trace) {
      if (spec.trace.length > 0) this.sim.scheduleAt(Math.max(spec.trace[0]!.at, this.sim.now), this.kArrive, i);
    } else {
      const first = spec.start + this.gap(s);
      if (first <= spec.stop) this.sim.scheduleAt(first, this.kArrive, i);
    }
  }

  private gap(s: Stream): number {
    return Math.round(sample(s.spec.interarrival!, s.gaps));
  }

  private arrive(i: number): void {
    const s = this.streams[i]!;
    const spec = s.spec;
    if (spec.trace) {
      const a = spec.trace[s.next++]!;
      this.cluster.createPod(a.template, this.cluster.freePodName(a.template.namespace, spec.name, s.count++), a.runMs, s.owner);
      const nxt = spec.trace[s.next];
      if (nxt) this.sim.scheduleAt(Math.max(nxt.at, this.sim.now), this.kArrive, i);
      return;
    }
    const { template, runMs } = spec.makePod!(s.draw);
    this.cluster.createPod(template, this.cluster.freePodName(template.namespace, spec.name, s.count++), runMs, s.owner);
    if (s.count >= spec.limit) return;
    const at = this.sim.now + this.gap(s);
    if (at <= spec.stop) this.sim.scheduleAt(at, this.kArrive, i);
  }
}
