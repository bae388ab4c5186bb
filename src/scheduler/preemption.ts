// DefaultPreemption (PostFilter), after pkg/scheduler/framework/preemption/preemption.go and
// plugins/defaultpreemption/default_preemption.go (v1.36), simplified as docs/MODEL.md says (victims are
// deleted at once, with no grace period). Victims are tried as upstream tries them on a copy of its
// snapshot: removed and reprieved in a what-if of the model (ClusterState.fork), so every filter, spreading
// and inter-pod affinity included, sees the node without them.
import type { Node } from '../model/node.js';
import type { Pod } from '../model/pod.js';
import type { Rng } from '../engine/rng.js';
import { Code } from './framework.js';
import type { Diagnosis, Scheduler } from './scheduler.js';

/** DefaultPreemptionArgs defaults (pkg/scheduler/apis/config/v1/defaults.go). */
export const MIN_CANDIDATE_NODES_PERCENTAGE = 10;
export const MIN_CANDIDATE_NODES_ABSOLUTE = 100;

export interface Candidate {
  node: Node;
  victims: Pod[];
}

/** default_preemption.go calculateNumCandidates. */
export function numCandidates(numNodes: number): number {
  let n = Math.trunc((numNodes * MIN_CANDIDATE_NODES_PERCENTAGE) / 100);
  if (n < MIN_CANDIDATE_NODES_ABSOLUTE) n = MIN_CANDIDATE_NODES_ABSOLUTE;
  return n > numNodes ? numNodes : n;
}

/** util.MoreImportantPod: higher priority first, then the pod that started earlier. */
export function moreImportant(a: Pod, b: Pod): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  const sa = a.startedAt < 0 ? Infinity : a.startedAt;
  const sb = b.startedAt < 0 ? Infinity : b.startedAt;
  return sa - sb || a.id - b.id;
}

/** default_preemption.go SelectVictimsOnNode: remove all lower-priority pods, then reprieve the most important first. */
export function selectVictimsOnNode(sched: Scheduler, pod: Pod, node: Node): Pod[] | null {
  const lower = node.pods.filter((p) => p.priority < pod.priority);
  if (lower.length === 0) return null;
  const cluster = sched.cluster;
  const mark = cluster.fork();
  try {
    for (const v of lower) cluster.assumePodRemoved(v);
    if (sched.checkNode(pod, node) !== null) return null;
    lower.sort(moreImportant);
    const victims: Pod[] = [];
    for (const v of lower) {
      cluster.assumePodBound(v, node);
      if (sched.checkNode(pod, node) !== null) {
        cluster.assumePodRemoved(v);
        victims.push(v);
      }
    }
    return victims;
  } finally {
    cluster.revert(mark);
  }
}

/** preemption.go pickOneNodeForPreemption (without the PDB criterion, as there are no PDBs yet). */
export function pickOneNodeForPreemption(candidates: Candidate[]): Candidate | null {
  let best: Candidate | null = null;
  let bestKey: number[] = [];
  for (const c of candidates) {
    const highest = Math.max(...c.victims.map((v) => v.priority));
    // Sum of priorities, offset so that negative priorities still count as "more" victims (MaxInt32 + 1).
    const sum = c.victims.reduce((s, v) => s + v.priority + 2147483648, 0);
    const top = c.victims.filter((v) => v.priority === highest);
    const earliestStart = Math.min(...top.map((v) => (v.startedAt < 0 ? Infinity : v.startedAt)));
    // Smaller is better for every component; the latest earliest-start wins, hence the negation.
    const key = [highest, sum, c.victims.length, -earliestStart];
    if (!best || lexLess(key, bestKey)) {
      best = c;
      bestKey = key;
    }
  }
  return best;
}

function lexLess(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) {
    if (a[i]! < b[i]!) return true;
    if (a[i]! > b[i]!) return false;
  }
  return false;
}

/** Finds the node and victims for a pod that fits nowhere, or null when preemption cannot help. */
export function findPreemption(sched: Scheduler, pod: Pod, nodes: readonly Node[], diagnosis: Diagnosis, rng: Rng): Candidate | null {
  if (pod.template.preemptionPolicy === 'Never' || diagnosis.preFilterStatus) return null;
  // preemption.go findCandidates: nodesWherePreemptionMightHelp (rejected as Unschedulable, not
  // UnschedulableAndUnresolvable), then GetOffsetAndNumCandidates over those: a random start and
  // numCandidates of them, taken in order round from the start.
  const n = diagnosis.potential;
  if (n === 0) return null;
  const want = numCandidates(n);
  const offset = rng.int(n);
  // Without a bound pod of lower priority anywhere, no node has a victim: the dry run would find none on each.
  if (!sched.cluster.hasBoundPodBelow(pod.priority)) return null;
  const potential: number[] = [];
  for (let i = 0; i < nodes.length; i++) {
    const st = diagnosis.nodeStatus[i];
    if (st && st.code === Code.Unschedulable && nodes[i]!.removedAt < 0) potential.push(i);
  }
  if (potential.length !== n) throw new Error(`bug: ${potential.length} nodes where preemption might help, the diagnosis says ${n}`);
  const candidates: Candidate[] = [];
  for (let k = 0; k < n && candidates.length < want; k++) {
    const node = nodes[potential[(offset + k) % n]!]!;
    const victims = selectVictimsOnNode(sched, pod, node);
    if (victims && victims.length > 0) candidates.push({ node, victims });
  }
  return pickOneNodeForPreemption(candidates);
}
