// PodDisruptionBudgets over a run: budgets.csv has a row per budget (evictions allowed and refused,
// disruptions voluntary and involuntary, violations, time below the budget); summary.csv the totals.
// A violation is a disruption of a healthy pod that leaves fewer healthy pods than the budget's
// desiredHealthy: voluntary ones (through the eviction API) must stay 0.
import type { Clock } from '../../model/cluster-state.js';
import type { DisruptionController } from '../../controllers/disruption/controller.js';
import type { Collector, Figures, RowSink, SinkFactory } from '../collector.js';
import { tidy } from '../stats.js';

export const BUDGETS_FILE = 'budgets.csv';
export const BUDGET_COLUMNS = [
  'budget',
  'min_available',
  'max_unavailable',
  'expected_pods_end',
  'desired_healthy_end',
  'current_healthy_end',
  'evictions_allowed',
  'evictions_blocked',
  'disruptions_voluntary',
  'disruptions_involuntary',
  'violations_voluntary',
  'violations_involuntary',
  'below_budget_s',
];

export class BudgetsCollector implements Collector {
  static readonly files = [BUDGETS_FILE];
  private readonly rows: RowSink;

  constructor(
    private readonly clock: Clock,
    private readonly disruption: DisruptionController,
    sinks: SinkFactory,
  ) {
    this.rows = sinks.open(BUDGETS_FILE, BUDGET_COLUMNS);
  }

  private belowMs(c: { belowMs: number; belowSince: number }): number {
    return c.belowMs + (c.belowSince >= 0 ? this.clock.now - c.belowSince : 0);
  }

  finish(): void {
    for (const { budget: b, counts: c } of this.disruption.budgets) {
      this.rows.write([
        b.key,
        b.spec.minAvailable ?? '',
        b.spec.maxUnavailable ?? '',
        b.status.expectedPods,
        b.status.desiredHealthy,
        b.status.currentHealthy,
        c.evictionsAllowed,
        c.evictionsBlocked,
        c.disruptionsVoluntary,
        c.disruptionsInvoluntary,
        c.violationsVoluntary,
        c.violationsInvoluntary,
        tidy(this.belowMs(c) / 1000),
      ]);
    }
  }

  summary(): Figures {
    let blocked = 0;
    let vol = 0;
    let invol = 0;
    for (const { counts: c } of this.disruption.budgets) {
      blocked += c.evictionsBlocked;
      vol += c.violationsVoluntary;
      invol += c.violationsInvoluntary;
    }
    return { evictions_blocked: blocked, pdb_violations: vol + invol, pdb_violations_voluntary: vol, pdb_violations_involuntary: invol };
  }
}
