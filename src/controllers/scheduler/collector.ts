// The scheduler's own figures for summary.csv: attempts, failures, preemptions, nodes evaluated.
import type { Collector, Figures } from '../../metrics/collector.js';
import { tidy } from '../../metrics/stats.js';
import type { SchedulerStats } from './controller.js';

export class SchedulerCollector implements Collector {
  constructor(private readonly stats: SchedulerStats) {}

  summary(): Figures {
    const st = this.stats;
    return {
      scheduling_attempts: st.attempts,
      scheduling_failures: st.failures,
      preemptions: st.preemptions,
      nodes_evaluated_per_attempt: tidy(st.attempts ? st.nodesEvaluated / st.attempts : 0),
    };
  }
}
