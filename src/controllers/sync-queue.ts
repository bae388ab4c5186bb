// A controller's work queue (after client-go's workqueue): the objects a controller manages, by
// workload index, each with at most one sync queued; a sync runs as its own event (zero delay), so the
// order of effects stays explicit (DESIGN rule 5).
import type { Simulation } from '../engine/simulation.js';
import { sample } from '../engine/distributions.js';
import type { Workload } from '../model/workloads.js';

export class SyncQueue<M> {
  /** The managed objects' bookkeeping, by workload index, in the order they were added. */
  readonly managed = new Map<number, M>();
  /** The same by index, and whether a sync of each is queued: plain arrays for the hot lookups. */
  private readonly byIndex: (M | undefined)[] = [];
  private readonly queued: boolean[] = [];
  private readonly kind: number;
  private readonly kAfter: number;

  constructor(
    private readonly sim: Simulation,
    /** The event kind's name, e.g. "replicaset.sync". */
    name: string,
    sync: (m: M) => void,
  ) {
    this.kind = sim.register(name, (i) => {
      this.queued[i] = false;
      const m = this.byIndex[i];
      if (m) sync(m);
    });
    this.kAfter = sim.register(`${name}.after`, (i) => this.queue(i));
  }

  /** Queues a sync of the object after delayMs (workqueue AddAfter): a sync queued by then is not repeated. */
  queueAfter(index: number, delayMs: number): void {
    this.sim.post(Math.max(0, delayMs), this.kAfter, index);
  }

  /** Starts managing an object and queues its first sync. */
  add(index: number, m: M): void {
    this.managed.set(index, m);
    while (this.byIndex.length <= index) {
      this.byIndex.push(undefined);
      this.queued.push(false);
    }
    this.byIndex[index] = m;
    this.queue(index);
  }

  /** Stops managing an object (it was deleted): a sync of it already queued does nothing. */
  remove(index: number): void {
    this.managed.delete(index);
    if (index >= 0 && index < this.byIndex.length) this.byIndex[index] = undefined;
  }

  get(index: number): M | undefined {
    return index >= 0 && index < this.byIndex.length ? this.byIndex[index] : undefined;
  }

  /** Queues a sync of the object, unless one is queued already or the object is not managed here. */
  queue(index: number): void {
    if (this.get(index) === undefined || this.queued[index]) return;
    this.queued[index] = true;
    this.sim.post(0, this.kind, index);
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
