// The run report's annotations: events.csv rows that mark a moment worth seeing on the charts, each with a kind
// (drawn in the kind's colour, with a legend and counts under each chart) and a short label shown when the
// cursor is near it. An HPA's decision also marks its new size on the workload's replicas series, and a
// cluster autoscaler scale-up the pool's new size on the nodes chart.

/** What a mark stands for; each chart draws the kinds that explain it. */
export type MarkKind = 'fault' | 'recovery' | 'hpa' | 'autoscaler' | 'rollout';

export interface Mark {
  /** Virtual time, s. */
  t: number;
  kind: MarkKind;
  /** Short text: "default/frontend → 6", "general 4 → 5", "node general-3 down". */
  label: string;
  /** The series (chart label) the decision sets, and the value it sets it to: drawn as a point. */
  series?: string;
  y?: number;
}

/** Kinds in legend order, with their legend text and colour. */
export const MARK_KINDS: readonly { kind: MarkKind; text: string; color: string }[] = [
  { kind: 'fault', text: 'faults', color: '#d62728' },
  { kind: 'recovery', text: 'recoveries', color: '#2ca02c' },
  { kind: 'hpa', text: 'HPA decisions', color: '#9467bd' },
  { kind: 'autoscaler', text: 'node autoscaling', color: '#1f77b4' },
  { kind: 'rollout', text: 'rollout steps', color: '#ff7f0e' },
];

/** The most marks of one kind kept (the earliest): the file stays small. */
export const MAX_MARKS_PER_KIND = 400;

const KIND_OF: Record<string, MarkKind> = {
  NodeNotReady: 'fault',
  NodeFailure: 'fault',
  TaintManagerEviction: 'fault',
  DisruptionTerminating: 'fault',
  SpotInterruption: 'fault',
  NodeReady: 'recovery',
  NodeRepaired: 'recovery',
  SuccessfulRescale: 'hpa',
  ScaledUpGroup: 'autoscaler',
  ScaleDown: 'autoscaler',
  Launched: 'autoscaler',
  CanaryAborted: 'rollout',
  ProgressDeadlineExceeded: 'rollout',
};

/** A row of events.csv as read with its header. */
export type EventRow = Readonly<Record<string, string | undefined>>;

/** The name part of an events.csv object ("node/general-3" → "general-3", "horizontalpodautoscaler/ns/x" → "ns/x"). */
function objectName(object: string): string {
  const slash = object.indexOf('/');
  return slash < 0 ? object : object.slice(slash + 1);
}

/** The mark of one events.csv row, or null for rows not drawn. */
export function markOf(e: EventRow): Mark | null {
  const reason = e.reason ?? '';
  const kind = KIND_OF[reason];
  if (kind === undefined) return null;
  const t = Number(e.time_s);
  const name = objectName(e.object ?? '');
  const message = e.message ?? '';
  switch (reason) {
    case 'SuccessfulRescale': {
      // "New size: 6; reason: ..." (horizontal.go's event); the HPA's name is matched to the workload's series.
      const size = /^New size: (\d+)/.exec(message);
      if (!size) return { t, kind, label: `${name} rescaled` };
      return { t, kind, label: `${name} → ${size[1]}`, series: name, y: Number(size[1]) };
    }
    case 'ScaledUpGroup': {
      // "Scale-up: setting group general size to 5 instead of 4 (max: 20)" (the cluster autoscaler's event).
      const m = /setting group (\S+) size to (\d+) instead of (\d+)/.exec(message);
      if (!m) return { t, kind, label: 'scale-up' };
      return { t, kind, label: `${m[1]} ${m[3]} → ${m[2]}`, series: m[1], y: Number(m[2]) };
    }
    case 'ScaleDown':
      return { t, kind, label: `scale-down ${name}` };
    case 'Launched':
      return { t, kind, label: `launched ${name}` };
    default:
      return { t, kind, label: `${reason} ${name}` };
  }
}

/**
 * The mark of one rollouts.csv row: a rollout's steps (ReplicaSet scaling for any other reason, such as an
 * HPA's, is not a rollout step, so rollouts.csv rather than events.csv's ScalingReplicaSet rows).
 */
export function rolloutMarkOf(r: EventRow): Mark {
  const action = (r.action ?? '').replace(/_/g, ' ');
  return {
    t: Number(r.time_s),
    kind: 'rollout',
    label: `${r.deployment} revision ${r.revision} ${action}: old ${r.old_replicas}, new ${r.new_replicas}, available ${r.available_replicas}`,
  };
}

/** The marks of a run's events and rollout steps, at most MAX_MARKS_PER_KIND per kind, in time order. */
export function marksOf(events: readonly EventRow[], rollouts: readonly EventRow[] = []): Mark[] {
  const count = new Map<MarkKind, number>();
  const out: Mark[] = [];
  const all = [...events.map(markOf), ...rollouts.map(rolloutMarkOf)];
  for (const m of all) {
    if (m === null) continue;
    const n = count.get(m.kind) ?? 0;
    if (n >= MAX_MARKS_PER_KIND) continue;
    count.set(m.kind, n + 1);
    out.push(m);
  }
  // Stable: events before rollout steps at the same time.
  return out.sort((a, b) => a.t - b.t);
}
