// Deployment rollouts over a run: rollouts.csv has a row per step of each rollout (a new template replacing
// pods of an older one): its start, every scaling of the new or the old ReplicaSets, its completion or its
// progress deadline passing; summary.csv the totals, the most pods in use above spec.replicas (surge) and the
// fewest available during a rollout, as a share of spec.replicas.
import type { Clock } from '../../model/cluster-state.js';
import type { RolloutListener, RolloutStep } from '../../controllers/deployment/controller.js';
import type { Collector, Figures, RowSink, SinkFactory } from '../collector.js';
import { seconds, tidy } from '../stats.js';

export const ROLLOUTS_FILE = 'rollouts.csv';
export const ROLLOUT_COLUMNS = [
  'time_s',
  'deployment',
  'revision',
  'action',
  'old_replicas',
  'new_replicas',
  'available_replicas',
  'desired_replicas',
  'surge',
];

export class RolloutsCollector implements Collector, RolloutListener {
  static readonly files = [ROLLOUTS_FILE];
  private readonly rows: RowSink;
  private started = 0;
  private completed = 0;
  private timedOut = 0;
  private steps = 0;
  private surgeMax = 0;
  private availableMinRatio = 1;
  /** Start time of each rollout under way, by Deployment index; the longest finished one. */
  private readonly since = new Map<number, number>();
  private longestMs = 0;

  constructor(
    private readonly clock: Clock,
    sinks: SinkFactory,
  ) {
    this.rows = sinks.open(ROLLOUTS_FILE, ROLLOUT_COLUMNS);
  }

  /** Deployments whose rollout completed while pods of older revisions still terminate. */
  private readonly draining = new Set<number>();

  /** A rollout is under way now, or its old pods are not all gone yet. */
  get active(): boolean {
    return this.since.size > 0 || this.draining.size > 0;
  }

  step(s: RolloutStep): void {
    const d = s.deployment;
    const surge = Math.max(0, s.oldReplicas + s.newReplicas - s.desired);
    this.rows.write([
      seconds(this.clock.now),
      `${d.namespace}/${d.name}`,
      s.revision,
      s.action,
      s.oldReplicas,
      s.newReplicas,
      s.available,
      s.desired,
      surge,
    ]);
    if (s.action === 'drained') {
      this.draining.delete(d.index);
      return;
    }
    if (s.action === 'start') {
      this.started++;
      this.since.set(d.index, this.clock.now);
    } else if (s.action === 'complete' || s.action === 'timed_out') {
      if (s.action === 'complete') this.completed++;
      else this.timedOut++;
      const t0 = this.since.get(d.index);
      if (t0 !== undefined) this.longestMs = Math.max(this.longestMs, this.clock.now - t0);
      this.since.delete(d.index);
      if (s.action === 'complete') this.draining.add(d.index);
    } else this.steps++;
    this.surgeMax = Math.max(this.surgeMax, surge);
    if (s.desired > 0 && s.action !== 'complete') this.availableMinRatio = Math.min(this.availableMinRatio, s.available / s.desired);
  }

  summary(): Figures {
    return {
      rollouts: this.started,
      rollouts_completed: this.completed,
      rollouts_timed_out: this.timedOut,
      rollout_steps: this.steps,
      rollout_duration_max_s: tidy(this.longestMs / 1000),
      rollout_surge_max: this.surgeMax,
      rollout_available_min_ratio: this.started > 0 ? tidy(this.availableMinRatio) : '',
    };
  }
}
