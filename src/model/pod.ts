// Pods. A PodTemplate holds what replicas share (requests, constraints); a Pod holds one instance's state.
import {
  matchNodeSelectorTerms,
  matchSelector,
  type LabelSelector,
  type Labels,
  type NodeSelectorTerm,
  type Toleration,
} from './selectors.js';
import type { ContainerProbes, Probe } from '../controllers/kubelet/rules.js';
import type { Node } from './node.js';
import type { LifecycleTimings } from './workloads.js';

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

export interface TopologySpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
  selector: LabelSelector;
  minDomains: number;
  /** Honor (default) or Ignore: whether the pod's node affinity limits the domains counted. */
  nodeAffinityPolicy: 'Honor' | 'Ignore';
  /** Ignore (default) or Honor: whether nodes with untolerated taints are counted. */
  nodeTaintsPolicy: 'Honor' | 'Ignore';
  matchLabelKeys: readonly string[];
}

export interface PodAffinityTerm {
  selector: LabelSelector;
  /** Namespaces the selector applies to; empty means the pod's own namespace. */
  namespaces: readonly string[];
  topologyKey: string;
  /** Weight for preferred terms (1..100); 0 for required. */
  weight: number;
}

/** A container image as the kubelet pulls it (PodTemplate.images). */
export interface ContainerImage {
  name: string;
  sizeBytes: number;
  pullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
}

/**
 * A container's preStop hook (core/v1 LifecycleHandler): one that takes a fixed time (the Sleep action, or an exec of
 * `sleep N`), or any other handler (exec, httpGet, tcpSocket), which takes the workload entry's `preStop` time.
 */
export type PreStopHook = { readonly sleepMs: number } | { readonly handler: 'exec' | 'httpGet' | 'tcpSocket' };

/** An app container, as far as its lifecycle goes. */
export interface ContainerLifecycle {
  readonly name: string;
  readonly preStop?: PreStopHook;
}

/** An init container: run to completion before the next, or (restartable) a sidecar that keeps running. */
export interface InitContainer extends ContainerLifecycle {
  /** restartPolicy Always: a sidecar. */
  readonly restartable: boolean;
  /** Its image, pulled just before it starts; null without one. */
  readonly image: ContainerImage | null;
  /** A sidecar's startup probe (with API defaults): the next init container waits until it succeeds. */
  readonly startupProbe?: Probe;
}

/** The pod's containers in spec order, for the kubelet's init sequence and termination. */
export interface PodLifecycle {
  readonly initContainers: readonly InitContainer[];
  readonly containers: readonly ContainerLifecycle[];
}

export interface PodTemplate {
  /** Workload-qualified name, e.g. "default/frontend". */
  owner: string;
  namespace: string;
  labels: Labels;
  /** The template's kubectl.kubernetes.io/restartedAt annotation (`kubectl rollout restart`), when it has one. */
  restartedAt?: string;
  /** Resource vector (see resources.ts), summed over containers with init containers folded in. */
  requests: Float64Array;
  limits: Float64Array;
  /** CPU and memory requests with the scheduler's non-zero defaults (for scoring only). */
  nonZeroCpu: number;
  nonZeroMemory: number;
  priority: number;
  priorityClassName: string;
  preemptionPolicy: 'PreemptLowerPriority' | 'Never';
  nodeName: string;
  nodeSelector: Labels;
  requiredNodeAffinity: readonly NodeSelectorTerm[] | null;
  preferredNodeAffinity: readonly { weight: number; term: NodeSelectorTerm }[];
  tolerations: readonly Toleration[];
  topologySpread: readonly TopologySpreadConstraint[];
  /** Whether the constraints are the cluster's defaults (system-defaulted spreading) rather than the pod's own. */
  topologySpreadDefaulted: boolean;
  podAffinity: readonly PodAffinityTerm[];
  podAntiAffinity: readonly PodAffinityTerm[];
  preferredPodAffinity: readonly PodAffinityTerm[];
  preferredPodAntiAffinity: readonly PodAffinityTerm[];
  /** Container images with their sizes in bytes (for ImageLocality). */
  images: readonly ContainerImage[];
  schedulerName: string;
  /** Time from binding to Running (image pull and start); ms. */
  startupMs: number;
  /** spec.terminationGracePeriodSeconds, in ms: how long a graceful deletion waits at most. */
  terminationGracePeriodMs: number;
  /** The app containers' probes (those that have any), with API defaults; absent without probes. */
  probes?: readonly ContainerProbes[];
  /** spec.restartPolicy: what the kubelet does when the containers exit or the node restarts. */
  restartPolicy: RestartPolicy;
  /** The zone a bound zonal volume pins the pod to (a StatefulSet ordinal's claim; in requiredNodeAffinity too). */
  volumeZone?: string;
  /**
   * The containers one by one, with init containers and preStop hooks; absent (and the pod run as one unit, as
   * before) when the pod has neither.
   */
  lifecycle?: PodLifecycle;
  /** The pod's emptyDir and hostPath volumes (the cluster autoscaler's local-storage rule); absent without any. */
  localVolumes?: readonly { name: string; hostPath?: boolean; emptyDir?: { medium?: '' | 'Memory' | 'HugePages' } }[];
  /** The template's cluster-autoscaler.kubernetes.io/* and karpenter.sh/* annotations (safe-to-evict, do-not-disrupt); absent without any. */
  autoscalerAnnotations?: Readonly<Record<string, string>>;
}

export type RestartPolicy = 'Always' | 'OnFailure' | 'Never';

export class Pod {
  // The fields read for every pod at every metrics scrape, HPA sync and traffic step come first, so that they
  // share the object's first cache lines.
  phase: PodPhase = 'Pending';
  /**
   * metadata.deletionTimestamp (virtual ms), or -1: set when graceful deletion begins. A terminating pod
   * keeps its node's resources until its object is gone; controllers no longer count it as active.
   */
  deletionTimestamp = -1;
  /**
   * The Ready condition (no probes yet: true while the containers run). The kubelet sets it; the node
   * lifecycle controller sets it false when the node stops reporting (MarkPodsNotReady).
   */
  ready = false;
  /** When the Ready condition last changed (its lastTransitionTime), or -1 before the pod ran. */
  readySince = -1;
  startedAt = -1;
  /** metrics-server's slot of the pod's readings while it scrapes the pod, or -1. */
  metricsSlot = -1;
  /** The HPA controller's view of the pod once it made one (hpa/controller.ts), or null; it goes with the pod. */
  hpaView: unknown = null;
  node: Node | null = null;
  /** The containers died with their machine and have not been restarted yet (the kubelet's view). */
  containersDown = false;
  /** When its app containers, last started, began to answer requests (their warm-up over); -1: not started. */
  answersFrom = -1;
  /** When its app containers get SIGTERM (after their preStop hooks), once the kubelet has begun to stop it; or -1. */
  sigtermAt = -1;
  /** Name of the node the pod was bound to, kept after it finishes. */
  nodeName = '';
  /** Position in node.pods while bound (for O(1) removal). */
  slot = -1;
  scheduledAt = -1;
  finishedAt = -1;
  attempts = 0;
  /** Set when the pod was deleted (e.g. preempted, scaled down) before it finished. */
  outcome = '';
  /** Node the pod was nominated to by preemption. */
  nominatedNode: Node | null = null;
  backoffUntil = 0;
  /** The grace period its deletion was given (ms). */
  deletionGraceMs = 0;
  /** Container restarts (its container exited and restartPolicy restarted it, or its node restarted). */
  restarts = 0;
  /** The exit code of each container run that ends after runMs (0: success). */
  exitCode = 0;
  /** Bumped when the containers stop or start again, so timers of an earlier start are ignored. */
  runEpoch = 0;
  /** The workload entry's init container and termination times (simulation inputs); null: their defaults. */
  timings: LifecycleTimings | null = null;

  constructor(
    readonly id: number,
    readonly name: string,
    readonly template: PodTemplate,
    readonly createdAt: number,
    /** How long the pod runs once started; -1 runs until deleted. */
    readonly runMs: number,
    /** Index in ClusterState.workloads of the object that owns the pod (its controller), or -1 for a bare pod. */
    readonly workload: number,
  ) {}

  /** Graceful deletion has begun (deletionTimestamp is set). */
  get terminating(): boolean {
    return this.deletionTimestamp >= 0;
  }

  get priority(): number {
    return this.template.priority;
  }

  get labels(): Labels {
    return this.template.labels;
  }

  get namespace(): string {
    return this.template.namespace;
  }

  get requests(): Float64Array {
    return this.template.requests;
  }
}

/** The template's nodeSelector (every label) and required node affinity (terms ORed) match the node. */
export function requiredNodeSelectorMatches(t: PodTemplate, nodeName: string, labels: Labels): boolean {
  for (const [k, v] of t.nodeSelector) if (labels.get(k) !== v) return false;
  return !t.requiredNodeAffinity || matchNodeSelectorTerms(t.requiredNodeAffinity, nodeName, labels);
}

/** A selector that matches pods by labels within a set of namespaces. */
export function podMatches(selector: LabelSelector, namespaces: readonly string[], pod: Pod): boolean {
  return namespaces.includes(pod.namespace) && matchSelector(selector, pod.labels);
}
