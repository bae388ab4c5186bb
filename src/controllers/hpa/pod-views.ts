// The HPA controller's views of a target's pods (hpa/controller.ts): one small object per pod holding what the
// replica calculator reads, refreshed at the pod events that change it, and the lists a sync reads of a target.
import type { Pod, PodTemplate } from '../../model/pod.js';
import { CPU, MEMORY } from '../../model/resources.js';
import type { HPAPodView, PodMetric } from './calc.js';
import type { PodColumns } from './columns.js';

/** The lists a sync reads of a target's pods: they change only when a pod comes or goes, or gains or loses a sample. */
export interface PodLists {
  views: HPAPodView[];
  samples: (PodMetric | undefined)[];
  /** How many pods have a sample, and the samples by pod name (made on demand). */
  sampled: number;
  byName: Map<string, PodMetric> | null;
  columns: PodColumns;
  podsVersion: number;
  samplesVersion: number;
}

export function metricsByName(views: readonly HPAPodView[], samples: readonly (PodMetric | undefined)[]): Map<string, PodMetric> {
  const m = new Map<string, PodMetric>();
  views.forEach((v, i) => {
    const s = samples[i];
    if (s) m.set(v.name, s);
  });
  return m;
}

/** The template's requests by name, one object shared by the views of its pods (read for each pod at each sync). */
const templateRequests = new WeakMap<PodTemplate, Readonly<Record<string, number>>>();

function requestsOf(t: PodTemplate): Readonly<Record<string, number>> {
  let r = templateRequests.get(t);
  if (!r) templateRequests.set(t, (r = Object.freeze({ cpu: t.requests[CPU] ?? 0, memory: t.requests[MEMORY] ?? 0 })));
  return r;
}

/**
 * An HPA's view of a pod (HPAPodView): the fields the replica calculator reads, copied from the pod when it is
 * made and at every event that changes them (PodRunning, PodReadyChanged, PodTerminating, PodFinished), so a sync
 * reads one small object per pod rather than the pod itself (in a big cluster, a cache miss each).
 */
export class PodView implements HPAPodView {
  readonly name: string;
  readonly requests: Readonly<Record<string, number>>;
  phase: HPAPodView['phase'] = 'Pending';
  deleting = false;
  startTime: number | undefined = undefined;
  ready: HPAPodView['ready'] = undefined;
  readyTransitionTime: number | undefined = undefined;

  /** The columns of the pod list it is in (the latest built), and its position there. */
  private columns: PodColumns | null = null;
  private at = 0;

  constructor(readonly pod: Pod) {
    this.name = pod.name;
    this.requests = requestsOf(pod.template);
    this.refresh();
  }

  /** The view is at position `at` of a new pod list: its fields go to that list's columns from now on. */
  attach(columns: PodColumns, at: number): void {
    this.columns = columns;
    this.at = at;
    columns.set(at, this);
  }

  refresh(): void {
    const p = this.pod;
    const running = p.phase === 'Running';
    this.phase = p.phase;
    this.deleting = p.terminating;
    this.startTime = p.startedAt >= 0 ? p.startedAt : undefined;
    this.ready = running ? (p.ready ? 'True' : 'False') : undefined;
    this.readyTransitionTime = running ? p.readySince : undefined;
    this.columns?.set(this.at, this);
  }

  /** Throws unless the view holds what the pod says now (without writing to the columns: a settled pod stays). */
  verify(): void {
    const p = this.pod;
    const running = p.phase === 'Running';
    const held = [this.phase, this.deleting, this.startTime, this.ready, this.readyTransitionTime];
    const now = [
      p.phase,
      p.terminating,
      p.startedAt >= 0 ? p.startedAt : undefined,
      running ? (p.ready ? 'True' : 'False') : undefined,
      running ? p.readySince : undefined,
    ];
    if (held.some((v, i) => v !== now[i])) throw new Error(`bug: HPA view of ${this.name} holds ${String(held)}, the pod ${String(now)}`);
  }
}
