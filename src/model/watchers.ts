// Who hears the model's changes, and in which order: watchers registered by name (WATCHER_ORDER) hear each
// ClusterEvent in that declared order, like informers' handlers; the scheduling indexes alone hear the changes of a
// what-if (ClusterState.fork). ClusterState tells them (emit); this keeps the lists per event type.
import { CLUSTER_EVENT_TYPES, WATCHER_ORDER, type ClusterEvent, type ClusterEventType, type Watcher, type WatcherName } from './events.js';

/** The event of one type, narrowed from the union (a union type such as PodBound | PodRunning keeps its members). */
export type EventOf<T extends ClusterEventType> = ClusterEvent extends infer E
  ? E extends { readonly type: infer U }
    ? T extends U
      ? E
      : never
    : never
  : never;

/**
 * A watcher as a handler per event type: it is called only for the types it names (the others cost it
 * nothing), each handler with its event narrowed to that type.
 */
export type WatchHandlers = { readonly [T in ClusterEventType]?: (ev: EventOf<T>) => void };

/** Watchers per event type, in the order they hear each change. */
type Dispatch = Record<ClusterEventType, Watcher[]>;

function dispatchOf(entries: readonly { rank: number; w: Watcher | WatchHandlers }[]): Dispatch {
  const d = {} as Dispatch;
  for (const type of CLUSTER_EVENT_TYPES) {
    const list: Watcher[] = [];
    for (const { w } of entries) {
      if (typeof w === 'function') list.push(w);
      else {
        const h = w[type] as Watcher | undefined;
        if (h) list.push(h);
      }
    }
    d[type] = list;
  }
  return d;
}

export class Watchers {
  private readonly entries: { rank: number; w: Watcher | WatchHandlers }[] = [];
  /** Per event type, every watcher in the order it hears the change. */
  all: Dispatch = dispatchOf([]);
  /** The same for the watchers of the scheduling state ('index'): the only ones told of what-if changes. */
  index: Dispatch = dispatchOf([]);

  /**
   * Registers a watcher under its name in WATCHER_ORDER: watchers hear each change in that declared order
   * (and in registration order within one name), whatever order they were constructed in. A function hears
   * every change; a WatchHandlers object only the event types it has a handler for.
   */
  add(name: WatcherName, w: Watcher | WatchHandlers): void {
    const rank = WATCHER_ORDER.indexOf(name);
    let at = this.entries.length;
    while (at > 0 && this.entries[at - 1]!.rank > rank) at--;
    this.entries.splice(at, 0, { rank, w });
    this.all = dispatchOf(this.entries);
    const indexRank = WATCHER_ORDER.indexOf('index');
    this.index = dispatchOf(this.entries.filter((x) => x.rank === indexRank));
  }
}
