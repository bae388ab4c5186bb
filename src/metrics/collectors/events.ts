// events.csv: what `kubectl get events` would show of the failures and recoveries of a run: nodes going
// NotReady and Ready, taints added and removed, evictions, restarts, and the faults the scenario
// injects. Scheduling events (Scheduled, FailedScheduling) are left out: pods.csv holds them per pod,
// and a row per pod would make the file as long as pods.csv.
import type { Clock } from '../../model/cluster-state.js';
import type { Node } from '../../model/node.js';
import type { Pod } from '../../model/pod.js';
import type { Collector, Figures, RowSink, SinkFactory } from '../collector.js';
import { seconds } from '../stats.js';

export const EVENTS_FILE = 'events.csv';
export const EVENT_COLUMNS = ['time_s', 'type', 'reason', 'object', 'message'];

/** The object an event is about: a pod, a node, or a name written as kubectl writes it (kind/namespace/name). */
export type EventObject = Pod | Node | string;

function objectName(o: EventObject): string {
  if (typeof o === 'string') return o;
  if ('template' in o) return `pod/${o.namespace}/${o.name}`;
  return `node/${o.name}`;
}

/** record.EventRecorder, for the controllers of a run: each event is one row, in the order recorded. */
export class EventRecorder implements Collector {
  static readonly files = [EVENTS_FILE];
  private readonly rows: RowSink;
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    sinks: SinkFactory,
  ) {
    this.rows = sinks.open(EVENTS_FILE, EVENT_COLUMNS);
  }

  event(type: 'Normal' | 'Warning', reason: string, object: EventObject, message: string): void {
    this.rows.write([seconds(this.clock.now), type, reason, objectName(object), message]);
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1);
  }

  /** How many events of a reason were recorded. */
  count(reason: string): number {
    return this.counts.get(reason) ?? 0;
  }

  summary(): Figures {
    return {};
  }
}
