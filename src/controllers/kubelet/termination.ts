// A terminating pod's containers, as the kubelet stops them (pod_workers.go SyncTerminatingPod → killPod →
// kuberuntime_container.go killContainersWithSyncResult): each running container runs its preStop hook, gets
// SIGTERM, and exits when it handles it or at SIGKILL; sidecars wait for the app containers. The pod object goes
// once the last container has exited.
import { sample } from '../../engine/distributions.js';
import type { Rng } from '../../engine/rng.js';
import { SECOND } from '../../engine/time.js';
import type { Pod, PreStopHook } from '../../model/pod.js';
import { killContainersWithSyncResult, type ContainerKillTimeline, type ContainerToKill } from './lifecycle.js';
import { calculateEffectiveGracePeriod } from './rules.js';

/** Which of the pod's containers run when its deletion begins. */
export interface RunningContainers {
  /** The app containers (they started and have not died with their machine). */
  readonly app: boolean;
  /** Indices of the running init containers (sidecars, or the regular one in progress). */
  readonly init: readonly number[];
}

export interface TerminationPlan {
  /** The pod's effective grace period (pod_workers.go calculateEffectiveGracePeriod). */
  readonly gracePeriodSeconds: number;
  readonly containers: ContainerKillTimeline[];
  /** When the last container has exited, from the start of the kill (0 when none runs). */
  readonly doneAtMs: number;
}

/**
 * The kill timeline of a pod's running containers. The workload entry's `shutdown` (how long a process takes to exit
 * after SIGTERM) and `preStop` (how long a hook that is not a sleep takes) are drawn once for the whole pod from
 * `rng`, only when a container needs them; without `shutdown` a process runs on until SIGKILL. A pod without a
 * lifecycle in its template is one container.
 */
export function planTermination(pod: Pod, running: RunningContainers, rng: () => Rng): TerminationPlan {
  const gracePeriodSeconds = calculateEffectiveGracePeriod({
    currentSeconds: 0,
    deletionGracePeriodSeconds: Math.ceil(pod.deletionGraceMs / SECOND),
  }).gracePeriodSeconds;
  const lc = pod.template.lifecycle;
  const spec = lc ?? { containers: [{ name: '' }], initContainers: [] };
  const timings = pod.timings;
  let shutdown: number | null | undefined;
  let hookMs: number | undefined;
  const exitAfterSigterm = (): number | null => {
    if (shutdown === undefined) shutdown = timings?.shutdown ? Math.max(0, Math.round(sample(timings.shutdown, rng()))) : null;
    return shutdown;
  };
  const preStopMs = (hook: PreStopHook | undefined): number => {
    if (!hook) return 0;
    if ('sleepMs' in hook) return hook.sleepMs;
    if (hookMs === undefined) hookMs = timings?.preStop ? Math.max(0, Math.round(sample(timings.preStop, rng()))) : 0;
    return hookMs;
  };
  const toKill: ContainerToKill[] = [];
  for (const i of running.init) {
    const c = spec.initContainers[i]!;
    toKill.push({ name: c.name, preStopMs: preStopMs(c.preStop), exitAfterSigtermMs: exitAfterSigterm() });
  }
  if (running.app)
    for (const c of spec.containers) toKill.push({ name: c.name, preStopMs: preStopMs(c.preStop), exitAfterSigtermMs: exitAfterSigterm() });
  const { containers, doneAtMs } = killContainersWithSyncResult(gracePeriodSeconds, spec, toKill);
  return { gracePeriodSeconds, containers, doneAtMs };
}
