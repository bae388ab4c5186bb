// A controller's work queue (after client-go's workqueue): the objects a controller manages, by
// workload index, each with at most one sync queued; a sync runs as its own event (zero delay), so the
// order of effects stays explicit (DESIGN rule 5).
import type { Simulation } from '../engine/simulation.js';
import { sample } from '../engine/distributions.js';
import type { Workload } from '../model/workloads.js';

export class SyncQueue<M> {
  /** The managed objects' bookkeeping, by workload index, in the order they were added. */
  readonly managed = new Map<number, M>();
  private readonly queued = new Set<number>();
  private readonly kind: number;

  constructor(
    private readonly sim: Simulation,
    /** The event kind's name, e.g. "replicaset.sync". */
    name: string,
    sync: (m: M) => void,
  ) {
    this.kind = sim.register(name, (i) => {
      this.queued.delete(i);
      const m = this.managed.get(i);
      if (m) sync(m);
    });
  }

  /** Starts managing an object and queues its first sync. */
  add(index: number, m: M): void {
    this.managed.set(index, m);
    this.queue(index);
  }

  get(index: number): M | undefined {
    return this.managed.get(index);
  }

  /** Queues a sync of the object, unless one is queued already or the object is not managed here. */
  queue(index: number): void {
    if (!this.managed.has(index) || this.queued.has(index)) return;
    this.queued.add(index);
    this.sim.schedule(0, this.kind, index);
  }

  /** Queues a sync of every managed object. */
  queueAll(): void {
    for (const i of this.managed.keys()) this.queue(i);
  }
}

/**
 * The run time of a new pod of a workload: a draw from its spec's runTime on the workload's own random
 * stream, or -1 (runs until deleted) without one, drawing nothing.
 */
export function runMs(sim: Simulation, w: Workload): number {
  const d = w.spec.runTime;
  return d ? Math.round(sample(d, sim.rng(`workload:${w.namespace}/${w.name}`))) : -1;
}
