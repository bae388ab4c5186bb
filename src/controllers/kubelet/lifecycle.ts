// Init and sidecar containers, and how a pod's containers are stopped, in Kubernetes v1.36 (SidecarContainers GA
// since v1.33), as pure functions under their upstream names: which init container the kubelet starts next
// (kuberuntime_container.go computeInitContainerActions), in what order a terminating pod's containers stop
// (kuberuntime_termination_order.go) and when each exits (kuberuntime_container.go killContainersWithSyncResult).
// Times are integer ms from the start of the kill.
import { killContainer, type ProbeResult, type RestartPolicy } from './rules.js';

/**
 * The runtime's view of a container's latest instance (kubecontainer.Status), with the prober's results for a
 * running one: absent = the probe has not run yet (the results manager has no entry); a container without that
 * probe never reads it.
 */
export type ContainerStatus =
  | { readonly state: 'created' }
  | { readonly state: 'running'; readonly startup?: ProbeResult; readonly liveness?: ProbeResult }
  | { readonly state: 'exited'; readonly exitCode: number; readonly reason?: string }
  | { readonly state: 'unknown' };

/** What computeInitContainerActions reads of an init container's spec. */
export interface InitContainerForActions {
  readonly name: string;
  /** restartPolicy Always: a sidecar (pod/util.go IsRestartableInitContainer). */
  readonly restartable: boolean;
  readonly startupProbe?: boolean;
  readonly livenessProbe?: boolean;
}

export type ContainerKillReasonForActions = 'startupProbe' | 'livenessProbe' | 'unknown';

export interface InitContainerActions {
  /** Indices of the init containers to start, in spec order. */
  readonly initContainersToStart: number[];
  /** Init containers to kill first (each is also in initContainersToStart), with the Killing event's message. */
  readonly containersToKill: { index: number; reason: ContainerKillReasonForActions; message: string }[];
  /** An init container failed and the pod's restartPolicy is Never: the pod is killed (and fails). */
  readonly killPod: boolean;
  /** Every init container has completed (or, for a sidecar, started): the app containers may start. */
  readonly podHasInitialized: boolean;
}

/** kuberuntime_manager.go shouldRestartOnFailure: a failed container restarts unless the pod's policy is Never. */
export function shouldRestartOnFailure(restartPolicy: RestartPolicy): boolean {
  return restartPolicy !== 'Never';
}

/** kuberuntime/helpers.go isInitContainerFailed: exited non-zero, OOMKilled, or in an unknown state. */
export function isInitContainerFailed(status: ContainerStatus): boolean {
  if (status.state === 'exited' && status.reason === 'OOMKilled') return true;
  if (status.state === 'exited' && status.exitCode !== 0) return true;
  return status.state === 'unknown';
}

/**
 * kuberuntime_container.go computeInitContainerActions (SidecarContainers): walks the init containers from the last
 * to find the next to start, restarts sidecars that stopped, and kills those whose startup or liveness probe failed.
 * The app containers' statuses say whether the pod was initialized before (one created or running). Left out: a
 * sidecar whose definition changed, and in-place resize.
 */
export function computeInitContainerActions(
  initContainers: readonly InitContainerForActions[],
  initStatuses: readonly (ContainerStatus | null)[],
  containerStatuses: readonly (ContainerStatus | null)[],
  restartPolicy: RestartPolicy,
): InitContainerActions {
  const toStart: number[] = [];
  const toKill: InitContainerActions['containersToKill'] = [];
  if (initContainers.length === 0)
    return { initContainersToStart: toStart, containersToKill: toKill, killPod: false, podHasInitialized: true };
  let podHasInitialized = containerStatuses.some((s) => s !== null && (s.state === 'created' || s.state === 'running'));
  let isPreviouslyInitialized = podHasInitialized;
  const restartOnFailure = shouldRestartOnFailure(restartPolicy);
  const last = initContainers.length - 1;

  for (let i = last; i >= 0; i--) {
    const c = initContainers[i]!;
    const status = initStatuses[i] ?? null;
    if (status === null) {
      // Initialized before but its status is gone: a sidecar is started again.
      if (isPreviouslyInitialized && c.restartable) toStart.push(i);
      continue;
    }
    // After initialization only sidecars are kept running.
    if (isPreviouslyInitialized && !c.restartable) continue;

    switch (status.state) {
      case 'created':
        // Created but not started (the runtime failed to start it): start it.
        toStart.push(i);
        break;
      case 'running': {
        if (!c.restartable) break; // a regular init container: wait for it to finish
        if (c.startupProbe) {
          if (status.startup === undefined) break; // the startup probe has not run yet: wait
          if (status.startup !== 'Success') {
            if (status.startup === 'Failure') {
              toKill.push({ index: i, reason: 'startupProbe', message: `Init container ${c.name} failed startup probe` });
              toStart.push(i);
            }
            break;
          }
        }
        if (i === last) podHasInitialized = true;
        else if (!isPreviouslyInitialized) toStart.push(i + 1); // started for the first time: start the next
        // A sidecar's liveness probe does not hold back the next container, but its failure restarts it.
        if (c.livenessProbe && status.liveness === 'Failure') {
          toKill.push({ index: i, reason: 'livenessProbe', message: `Init container ${c.name} failed liveness probe` });
          toStart.push(i);
        }
        break;
      }
      case 'exited':
        if (c.restartable) {
          toStart.push(i);
        } else if (isInitContainerFailed(status)) {
          // A failed init container: the pod is terminal under Never, otherwise the container is started again.
          if (!restartOnFailure) return { initContainersToStart: [], containersToKill: toKill, killPod: true, podHasInitialized: false };
          toStart.push(i);
        } else if (i === last) {
          podHasInitialized = true;
        } else {
          toStart.push(i + 1);
        }
        break;
      case 'unknown':
        if (!c.restartable && !restartOnFailure)
          return { initContainersToStart: [], containersToKill: toKill, killPod: true, podHasInitialized: false };
        toKill.push({ index: i, reason: 'unknown', message: `Init container is in "unknown" state, try killing it before restart` });
        toStart.push(i);
        break;
    }
    isPreviouslyInitialized = true;
  }
  // No init container has started yet: start the first.
  if (!isPreviouslyInitialized) toStart.push(0);
  toStart.reverse();
  return { initContainersToStart: toStart, containersToKill: toKill, killPod: false, podHasInitialized };
}

/** The containers of a pod spec as the termination ordering reads them. */
export interface PodContainersForOrdering {
  readonly containers: readonly { readonly name: string }[];
  readonly initContainers: readonly { readonly name: string; readonly restartable: boolean }[];
}

/**
 * kuberuntime_termination_order.go newTerminationOrdering: the running containers each sidecar waits for before
 * its own stop begins: every running app container, and the sidecar after it in the spec if that one is running
 * (a sidecar that is not running is a closed channel: the one before it does not wait further down the chain).
 */
export function newTerminationOrdering(pod: PodContainersForOrdering, runningContainerNames: readonly string[]): Map<string, string[]> {
  const running = new Set(runningContainerNames);
  const mains = pod.containers.map((c) => c.name).filter((n) => running.has(n));
  const prereqs = new Map<string, string[]>();
  let previousSidecar: string | null = null;
  for (let i = pod.initContainers.length - 1; i >= 0; i--) {
    const ic = pod.initContainers[i]!;
    if (!ic.restartable) continue;
    const waits = [...mains];
    if (previousSidecar !== null && running.has(previousSidecar)) waits.push(previousSidecar);
    prereqs.set(ic.name, waits);
    previousSidecar = ic.name;
  }
  return prereqs;
}

/** A running container to stop, with the times the simulation gives it. */
export interface ContainerToKill {
  readonly name: string;
  /** How long its preStop hook runs (0 without one). */
  readonly preStopMs: number;
  /** How long its process takes to exit after SIGTERM; null: it does not exit until SIGKILL. */
  readonly exitAfterSigtermMs: number | null;
}

export interface ContainerKillTimeline {
  readonly name: string;
  readonly sigtermAtMs: number;
  readonly sigkillAtMs: number;
  /** When the container exited: after SIGTERM, or at SIGKILL. */
  readonly exitedAtMs: number;
  /** SIGKILL ended it (exit code 137). */
  readonly killed: boolean;
}

/**
 * kuberuntime_container.go killContainersWithSyncResult: every running container is killed at once (killContainer,
 * with the pod's grace period), app containers and regular init containers without waiting, each sidecar after the
 * containers newTerminationOrdering makes it wait for. A container exits when it handles SIGTERM or at SIGKILL,
 * whichever comes first (the same instant counts as its own exit). The pod's containers are all gone at `doneAtMs`.
 */
export function killContainersWithSyncResult(
  gracePeriodSeconds: number,
  pod: PodContainersForOrdering,
  running: readonly ContainerToKill[],
): { containers: ContainerKillTimeline[]; doneAtMs: number } {
  const hasSidecar = pod.initContainers.some((c) => c.restartable);
  const ordering = hasSidecar
    ? newTerminationOrdering(
        pod,
        running.map((c) => c.name),
      )
    : new Map<string, string[]>();
  const exited = new Map<string, ContainerKillTimeline>();
  const kill = (c: ContainerToKill): ContainerKillTimeline => {
    const prereqs = ordering.get(c.name);
    let turnAtMs: number | undefined;
    if (hasSidecar) {
      turnAtMs = 0;
      for (const p of prereqs ?? []) turnAtMs = Math.max(turnAtMs, exited.get(p)?.exitedAtMs ?? 0);
    }
    const k = killContainer(gracePeriodSeconds, c.preStopMs, turnAtMs);
    const own = c.exitAfterSigtermMs === null ? Infinity : k.sigtermAtMs + c.exitAfterSigtermMs;
    const t: ContainerKillTimeline = {
      name: c.name,
      sigtermAtMs: k.sigtermAtMs,
      sigkillAtMs: k.sigkillAtMs,
      exitedAtMs: Math.min(own, k.sigkillAtMs),
      killed: own > k.sigkillAtMs,
    };
    exited.set(c.name, t);
    return t;
  };
  // Containers without a turn to wait for first, then the sidecars from the last in the spec: each one's
  // prerequisites have exited by then.
  const sidecarOrder = new Map(pod.initContainers.map((c, i) => [c.name, i]));
  const waiting = running.filter((c) => ordering.has(c.name)).sort((a, b) => sidecarOrder.get(b.name)! - sidecarOrder.get(a.name)!);
  for (const c of running) if (!ordering.has(c.name)) kill(c);
  for (const c of waiting) kill(c);
  const containers = running.map((c) => exited.get(c.name)!);
  return { containers, doneAtMs: containers.reduce((m, c) => Math.max(m, c.exitedAtMs), 0) };
}
