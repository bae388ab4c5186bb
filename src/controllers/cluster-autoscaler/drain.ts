// Whether the cluster autoscaler may move a pod off a node it drains for scale-down (cluster-autoscaler 1.36):
// simulator/drainability (status.go, rules/rules.go and one file per rule under rules/) and
// core/scaledown/pdb (MatchingPdbs), over plain views of the pods, their PDBs and their controllers.
import { matchSelector, NO_LABELS, type LabelSelector } from '../../model/selectors.js';
import { workloadKey } from '../../model/workloads.js';
import {
  DEFAULT_MIN_REPLICA_COUNT,
  DEFAULT_SKIP_NODES_WITH_CUSTOM_CONTROLLER_PODS,
  DEFAULT_SKIP_NODES_WITH_LOCAL_STORAGE,
  DEFAULT_SKIP_NODES_WITH_SYSTEM_PODS,
} from './defaults.js';
import {
  hasBlockingLocalStorage,
  hasNotSafeToEvictAnnotation,
  hasSafeToEvictAnnotation,
  hasSafeToEvictOnCompletionAnnotation,
  isDaemonSetPod,
  isMirrorPod,
  isPodLongTerminating,
  isPodTerminal,
  type CAPodView,
  type ControllerRef,
} from './pod.js';

/** drainability.OutcomeType. */
export type OutcomeType = 'UndefinedOutcome' | 'DrainOk' | 'BlockDrain' | 'SkipDrain' | 'WaitForCompletion';

/** utils/drain BlockingPodReason. */
export type BlockingPodReason =
  | 'ControllerNotFound'
  | 'MinReplicasReached'
  | 'NotReplicated'
  | 'LocalStorageRequested'
  | 'NotSafeToEvictAnnotation'
  | 'UnmovableKubeSystemPod'
  | 'NotEnoughPdb'
  | 'UnexpectedError';

/** drainability.Status; `error` is upstream's error text. */
export interface DrainabilityStatus {
  outcome: OutcomeType;
  /** Outcomes of later rules that this status trumps (none of the default rules sets any). */
  overrides?: readonly OutcomeType[];
  blockingReason?: BlockingPodReason;
  error?: string;
}

const UNDEFINED: DrainabilityStatus = { outcome: 'UndefinedOutcome' };
const DRAIN_OK: DrainabilityStatus = { outcome: 'DrainOk' };
const SKIP: DrainabilityStatus = { outcome: 'SkipDrain' };
const WAIT: DrainabilityStatus = { outcome: 'WaitForCompletion' };
const blocked = (blockingReason: BlockingPodReason, error: string): DrainabilityStatus => ({
  outcome: 'BlockDrain',
  blockingReason,
  error,
});

/** options.NodeDeleteOptions: the drain flags. */
export interface NodeDeleteOptions {
  skipNodesWithSystemPods: boolean;
  skipNodesWithLocalStorage: boolean;
  skipNodesWithCustomControllerPods: boolean;
  minReplicaCount: number;
}

export const DEFAULT_NODE_DELETE_OPTIONS: Readonly<NodeDeleteOptions> = Object.freeze({
  skipNodesWithSystemPods: DEFAULT_SKIP_NODES_WITH_SYSTEM_PODS,
  skipNodesWithLocalStorage: DEFAULT_SKIP_NODES_WITH_LOCAL_STORAGE,
  skipNodesWithCustomControllerPods: DEFAULT_SKIP_NODES_WITH_CUSTOM_CONTROLLER_PODS,
  minReplicaCount: DEFAULT_MIN_REPLICA_COUNT,
});

/** A PodDisruptionBudget: its namespace, spec.selector (null: matches nothing) and status.disruptionsAllowed. */
export interface PdbView {
  namespace: string;
  selector: LabelSelector | null;
  disruptionsAllowed: number;
}

/** A controller the listers found; `replicas` is spec.replicas where the kind has one. */
export interface ControllerView {
  replicas?: number;
}

/** Key of a controller in DrainContext.controllers: the model's workload key, "kind/namespace/name". */
export const controllerKey: (kind: string, namespace: string, name: string) => string = workloadKey;

/** drainability.DrainContext. Without `controllers` (no listers) the replica-count rule decides nothing. */
export interface DrainContext {
  now: number;
  pdbs?: readonly PdbView[];
  /** The controllers the listers find, by controllerKey (a Map, or a lookup into the model). */
  controllers?: Pick<ReadonlyMap<string, ControllerView>, 'get'>;
}

/** A drainability rule (rules.Rule). */
export interface DrainabilityRule {
  name: string;
  drainable(ctx: DrainContext, pod: CAPodView): DrainabilityStatus;
}

/** RemainingPdbTracker.MatchingPdbs: PDBs of the pod's namespace whose selector matches its labels. */
export function matchingPdbs(pod: CAPodView, pdbs: readonly PdbView[]): PdbView[] {
  return pdbs.filter((p) => pdbMatches(p, pod));
}

/** The PDB is of the pod's namespace and its selector matches the pod's labels. */
export function pdbMatches(pdb: PdbView, pod: CAPodView): boolean {
  return pdb.namespace === pod.namespace && pdb.selector !== null && matchSelector(pdb.selector, pod.labels ?? NO_LABELS);
}

/** rules/mirror: mirror pods are skipped (neither moved nor blocking). */
export const mirrorRule: DrainabilityRule = {
  name: 'Mirror',
  drainable: (_ctx, pod) => (isMirrorPod(pod) ? SKIP : UNDEFINED),
};

/** rules/longterminating: pods deleted longer than their grace period plus 30 s are skipped. */
export const longTerminatingRule: DrainabilityRule = {
  name: 'LongTerminating',
  drainable: (ctx, pod) => (isPodLongTerminating(pod, ctx.now) ? SKIP : UNDEFINED),
};

const groups = new Map<string, string | undefined>();
function groupOf(apiVersion: string | undefined): string | undefined {
  const v = apiVersion ?? '';
  if (groups.has(v)) return groups.get(v);
  const parts = v.split('/');
  const g = parts.length > 2 ? undefined : parts.length === 2 ? parts[0] : '';
  groups.set(v, g);
  return g;
}

/**
 * rules/replicacount (only with --skip-nodes-with-custom-controller-pods): the pod's controller must exist, and a
 * ReplicationController or ReplicaSet must have at least --min-replica-count replicas. DaemonSet pods are checked
 * only when controlled by an apps DaemonSet.
 */
export function replicaCountRule(minReplicaCount: number): DrainabilityRule {
  /** The pod's controller as the listers find it (every branch below looks up ref.kind/ref.name in the pod's namespace). */
  const get = (ctx: DrainContext, ref: ControllerRef, ns: string) => ctx.controllers?.get(ref.key ?? controllerKey(ref.kind, ns, ref.name));
  const p = (pod: CAPodView) => `${pod.namespace}/${pod.name}`;
  const notFound = (resource: string, name: string) => `${resource} "${name}" not found`;
  const tooFew = (pod: CAPodView, replicas: number) =>
    blocked('MinReplicasReached', `replication controller for ${p(pod)} has too few replicas spec: ${replicas} min: ${minReplicaCount}`);
  return {
    name: 'ReplicaCount',
    drainable(ctx, pod) {
      const ref = pod.controllerRef;
      if (ctx.controllers === undefined || ref === undefined) return UNDEFINED;
      const group = groupOf(ref.apiVersion);
      if (group === undefined) return UNDEFINED;
      const ns = pod.namespace;
      if (ref.kind === 'ReplicationController') {
        const rc = get(ctx, ref, ns);
        if (!rc)
          return blocked(
            'ControllerNotFound',
            `replication controller for ${p(pod)} is not available, err: ${notFound('replicationcontrollers', ref.name)}`,
          );
        if (rc.replicas !== undefined && rc.replicas < minReplicaCount) return tooFew(pod, rc.replicas);
      } else if (isDaemonSetPod(pod)) {
        if (group !== 'apps' || ref.kind !== 'DaemonSet') return UNDEFINED;
        if (!get(ctx, ref, ns))
          return blocked('ControllerNotFound', `daemonset for ${p(pod)} is not present, err: ${notFound('daemonsets.apps', ref.name)}`);
      } else if (ref.kind === 'Job') {
        if (!get(ctx, ref, ns))
          return blocked('ControllerNotFound', `job for ${p(pod)} is not available: err: ${notFound('jobs.batch', ref.name)}`);
      } else if (ref.kind === 'ReplicaSet') {
        const rs = get(ctx, ref, ns);
        if (!rs)
          return blocked(
            'ControllerNotFound',
            `replication controller for ${p(pod)} is not available, err: ${notFound('replicasets.apps', ref.name)}`,
          );
        if (rs.replicas !== undefined && rs.replicas < minReplicaCount) return tooFew(pod, rs.replicas);
      } else if (ref.kind === 'StatefulSet') {
        if (!get(ctx, ref, ns))
          return blocked(
            'ControllerNotFound',
            `statefulset for ${p(pod)} is not available: err: ${notFound('statefulsets.apps', ref.name)}`,
          );
      }
      return UNDEFINED;
    },
  };
}

/** rules/daemonset: DaemonSet pods may go (GetPodsToMove lists them apart: they are not rescheduled elsewhere). */
export const daemonSetRule: DrainabilityRule = {
  name: 'DaemonSet',
  drainable: (_ctx, pod) => (isDaemonSetPod(pod) ? DRAIN_OK : UNDEFINED),
};

/** rules/safetoevict: safe-to-evict "true" may go, before any blocking check (PDBs included). */
export const safeToEvictRule: DrainabilityRule = {
  name: 'SafeToEvict',
  drainable: (_ctx, pod) => (hasSafeToEvictAnnotation(pod) ? DRAIN_OK : UNDEFINED),
};

/** rules/terminal: pods that will never run again may go. */
export const terminalRule: DrainabilityRule = {
  name: 'Terminal',
  drainable: (_ctx, pod) => (isPodTerminal(pod) ? DRAIN_OK : UNDEFINED),
};

/** rules/oncompletion (1.36): safe-to-evict "on-completion" pods are waited for, not evicted. */
export const onCompletionRule: DrainabilityRule = {
  name: 'OnCompletion',
  drainable: (_ctx, pod) => (hasSafeToEvictOnCompletionAnnotation(pod) ? WAIT : UNDEFINED),
};

/** rules/replicated replicatedKind. */
const REPLICATED_KIND = new Set(['ReplicationController', 'Job', 'ReplicaSet', 'StatefulSet']);

/**
 * rules/replicated: a pod without a controller blocks; with --skip-nodes-with-custom-controller-pods (default) so
 * does one whose controller is not a ReplicationController, Job, ReplicaSet or StatefulSet.
 */
export function replicatedRule(skipNodesWithCustomControllerPods: boolean): DrainabilityRule {
  return {
    name: 'Replicated',
    drainable(_ctx, pod) {
      const ref = pod.controllerRef;
      const replicated = ref !== undefined && (!skipNodesWithCustomControllerPods || REPLICATED_KIND.has(ref.kind));
      return replicated ? UNDEFINED : blocked('NotReplicated', `${pod.namespace}/${pod.name} is not replicated`);
    },
  };
}

/** rules/system (only with --skip-nodes-with-system-pods): a kube-system pod no PDB covers blocks. */
export const systemRule: DrainabilityRule = {
  name: 'System',
  drainable(ctx, pod) {
    if (pod.namespace === 'kube-system' && !(ctx.pdbs ?? []).some((p) => pdbMatches(p, pod))) {
      return blocked('UnmovableKubeSystemPod', `non-daemonset, non-mirrored, non-pdb-assigned kube-system pod present: ${pod.name}`);
    }
    return UNDEFINED;
  },
};

/** rules/notsafetoevict: safe-to-evict "false" blocks. */
export const notSafeToEvictRule: DrainabilityRule = {
  name: 'NotSafeToEvict',
  drainable: (_ctx, pod) =>
    hasNotSafeToEvictAnnotation(pod)
      ? blocked('NotSafeToEvictAnnotation', `pod annotated as not safe to evict present: ${pod.name}`)
      : UNDEFINED,
};

/** rules/localstorage (only with --skip-nodes-with-local-storage): a hostPath or disk emptyDir volume blocks. */
export const localStorageRule: DrainabilityRule = {
  name: 'LocalStorage',
  drainable: (_ctx, pod) =>
    hasBlockingLocalStorage(pod) ? blocked('LocalStorageRequested', `pod with local storage present: ${pod.name}`) : UNDEFINED,
};

/** rules/pdb: a matching PDB that allows no disruption blocks. */
export const pdbRule: DrainabilityRule = {
  name: 'PDB',
  drainable(ctx, pod) {
    for (const pdb of ctx.pdbs ?? []) {
      if (pdbMatches(pdb, pod) && pdb.disruptionsAllowed < 1) {
        return blocked('NotEnoughPdb', `not enough pod disruption budget to move ${pod.namespace}/${pod.name}`);
      }
    }
    return UNDEFINED;
  },
};

/** rules.go Default: the rules in order, the flag-gated ones left out when their flag is off. */
export function defaultRules(o: NodeDeleteOptions = DEFAULT_NODE_DELETE_OPTIONS): DrainabilityRule[] {
  const rules: [DrainabilityRule, boolean][] = [
    [mirrorRule, false],
    [longTerminatingRule, false],
    [replicaCountRule(o.minReplicaCount), !o.skipNodesWithCustomControllerPods],
    // Interrupting checks.
    [daemonSetRule, false],
    [safeToEvictRule, false],
    [terminalRule, false],
    [onCompletionRule, false],
    // Blocking checks.
    [replicatedRule(o.skipNodesWithCustomControllerPods), false],
    [systemRule, !o.skipNodesWithSystemPods],
    [notSafeToEvictRule, false],
    [localStorageRule, !o.skipNodesWithLocalStorage],
    [pdbRule, false],
  ];
  return rules.filter(([, skip]) => !skip).map(([r]) => r);
}

/**
 * rules.go Rules.Drainable: the first rule with a defined outcome decides, unless an earlier rule's status lists
 * that outcome among its overrides, in which case the earlier status wins.
 */
export function drainable(rules: readonly DrainabilityRule[], ctx: DrainContext, pod: CAPodView): DrainabilityStatus {
  let candidates: DrainabilityStatus[] | null = null;
  for (const rule of rules) {
    const status = rule.drainable(ctx, pod);
    if (status.overrides && status.overrides.length > 0) {
      (candidates ??= []).push(status);
      continue;
    }
    if (candidates !== null) for (const c of candidates) if (c.overrides?.includes(status.outcome)) return c;
    if (status.outcome !== 'UndefinedOutcome') return status;
  }
  return UNDEFINED;
}
