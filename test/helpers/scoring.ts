// A scoring plugin's PreScore, Score and NormalizeScore over nodes, as the scheduler runs them for one pod.
import type { Node } from '../../src/model/node.js';
import type { Pod } from '../../src/model/pod.js';
import { Code, CycleState, type Plugin } from '../../src/scheduler/framework.js';

/** The normalized scores of the nodes, or 'skip' when PreScore skips the plugin. */
export function runScore(plugin: Plugin, p: Pod, nodes: readonly Node[]): number[] | 'skip' {
  const state = new CycleState();
  // The scheduler passes the feasible nodes' indices index[0..n) in an array that may be longer: the extra entry
  // must be ignored.
  const index = Int32Array.from([...nodes, nodes[0]!], (x) => x.index);
  if (plugin.preScore!(state, p, index, nodes.length)?.code === Code.Skip) return 'skip';
  const scores = Float64Array.from(nodes, (n) => plugin.score!(state, p, n));
  plugin.normalizeScore!(state, p, scores, nodes.length);
  return Array.from(scores);
}
