// Node uptime: for each node, the time its machine was up and the time the API showed it Ready, over its
// life (creation to removal or the end of the run). nodes.csv gets up_ratio and ready_ratio per node;
// summary.csv the ratios over all node-time. A machine that is down shows Ready until the node lifecycle
// controller notices (node-monitor-grace-period), so the two differ by that lag for every failure.
import type { Clock, ClusterState } from '../../model/cluster-state.js';
import type { Node } from '../../model/node.js';
import type { Collector, Figures } from '../collector.js';
import { tidy } from '../stats.js';

interface Track {
  last: number;
  upMs: number;
  readyMs: number;
  up: boolean;
  ready: boolean;
}

export class NodeHealthCollector implements Collector {
  private readonly tracks: Track[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly cluster: ClusterState,
  ) {
    cluster.watch('metrics', {
      NodeAdded: (ev) => {
        this.tracks[ev.node.index] = { last: this.clock.now, upMs: 0, readyMs: 0, up: ev.node.up, ready: ev.node.ready };
      },
      NodeHealthChanged: (ev) => this.advance(ev.node),
      NodeReadyChanged: (ev) => this.advance(ev.node),
      NodeRemoved: (ev) => this.advance(ev.node),
    });
  }

  private advance(n: Node): Track | undefined {
    const t = this.tracks[n.index];
    if (!t) return undefined;
    const end = n.removedAt >= 0 ? Math.min(n.removedAt, this.clock.now) : this.clock.now;
    const dt = end - t.last;
    if (dt > 0) {
      if (t.up) t.upMs += dt;
      if (t.ready) t.readyMs += dt;
      t.last = end;
    }
    t.up = n.up && n.removedAt < 0;
    t.ready = n.ready && n.removedAt < 0;
    return t;
  }

  /** The node's up and Ready time as fractions of its life so far. */
  ratios(n: Node): { up: number; ready: number } {
    const t = this.advance(n);
    const life = (n.removedAt >= 0 ? n.removedAt : this.clock.now) - n.createdAt;
    if (!t || life <= 0) return { up: 1, ready: 1 };
    return { up: t.upMs / life, ready: t.readyMs / life };
  }

  summary(): Figures {
    let life = 0;
    let up = 0;
    let ready = 0;
    for (const n of this.cluster.nodes) {
      const t = this.advance(n);
      if (!t) continue;
      life += (n.removedAt >= 0 ? n.removedAt : this.clock.now) - n.createdAt;
      up += t.upMs;
      ready += t.readyMs;
    }
    return { node_up_ratio: life > 0 ? tidy(up / life) : 1, node_ready_ratio: life > 0 ? tidy(ready / life) : 1 };
  }
}
