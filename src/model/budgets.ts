// PodDisruptionBudget objects as the API server holds them: a spec and the status the disruption
// controller writes (and the eviction subresource decrements). Changed only by ClusterState's operations.
import type { PodDisruptionBudgetSpec, PodDisruptionBudgetStatus } from '../controllers/disruption/rules.js';
import type { LabelSelector } from './selectors.js';

export class Budget {
  /** metadata.generation: the spec never changes in a run. */
  readonly generation = 1;
  /** Written only by ClusterState.setBudgetStatus. */
  status: PodDisruptionBudgetStatus = {
    currentHealthy: 0,
    desiredHealthy: 0,
    expectedPods: 0,
    disruptionsAllowed: 0,
    disruptedPods: new Map(),
    observedGeneration: 0,
  };

  constructor(
    readonly index: number,
    readonly name: string,
    readonly namespace: string,
    /** null selects no pods (policy/v1). */
    readonly selector: LabelSelector | null,
    readonly spec: PodDisruptionBudgetSpec,
  ) {}

  get key(): string {
    return `${this.namespace}/${this.name}`;
  }
}
