// A Job's podFailurePolicy (pkg/controller/job/pod_failure_policy.go, v1.36): the first rule that matches
// a failed pod decides what its failure does. Rules match on the exit codes of its containers
// (onExitCodes: In / NotIn; exit code 0 never matches NotIn) or on its conditions (onPodConditions, e.g.
// DisruptionTarget=True, set when the pod was evicted, preempted or deleted by the taint manager).

export type PodFailurePolicyAction = 'FailJob' | 'FailIndex' | 'Ignore' | 'Count';

export interface PodFailurePolicyRule {
  action: PodFailurePolicyAction;
  onExitCodes?: { containerName?: string; operator: 'In' | 'NotIn'; values: readonly number[] };
  onPodConditions?: readonly { type: string; status: 'True' | 'False' | 'Unknown' }[];
}

/** What the rules read of a failed pod: its containers' exit codes (those that terminated) and its conditions. */
export interface FailedPod {
  containers: readonly { name: string; exitCode: number | null }[];
  conditions: ReadonlyMap<string, 'True' | 'False' | 'Unknown'>;
}

/** The pod condition the API sets on pods deleted by a disruption (v1 DisruptionTarget). */
export const DISRUPTION_TARGET = 'DisruptionTarget';

function matchOnExitCodes(r: NonNullable<PodFailurePolicyRule['onExitCodes']>, pod: FailedPod): boolean {
  for (const c of pod.containers) {
    if (r.containerName !== undefined && r.containerName !== c.name) continue;
    if (c.exitCode === null || c.exitCode === 0) continue;
    if ((r.operator === 'In') === r.values.includes(c.exitCode)) return true;
  }
  return false;
}

/**
 * matchPodFailurePolicy: the action of the first matching rule, with the rule's index; null when none
 * matches (the failure counts towards backoffLimit, as Count).
 */
export function matchPodFailurePolicy(
  rules: readonly PodFailurePolicyRule[],
  pod: FailedPod,
): { action: PodFailurePolicyAction; rule: number } | null {
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i]!;
    if (r.onExitCodes && matchOnExitCodes(r.onExitCodes, pod)) return { action: r.action, rule: i };
    if (r.onPodConditions?.some((c) => (pod.conditions.get(c.type) ?? 'Unknown') === c.status && pod.conditions.has(c.type)))
      return { action: r.action, rule: i };
  }
  return null;
}
