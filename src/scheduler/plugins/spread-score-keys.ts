// PodTopologySpread's Score and NormalizeScore for two ScheduleAnyway constraints (the system defaults: hostname
// and zone) when no node can be ignored, by lookup: a node's raw score depends only on two small numbers, its
// domain id under a constraint counted by domain (zone) or its count of matching pods under one counted per node
// (hostname). The pass over the candidates notes each node's pair as one key (and which keys occur); the raw score,
// the lowest and highest of them, and the normalized and weighted score are then worked out once per key that
// occurs, with the same operations in the same order as scoring.go's per-node path, so every total is bit for bit
// the one that path gives. A node outside the keys (no label, a count too large for the table) sends the cycle
// back to the per-node path.
import { MAX_NODE_SCORE, type KeyedScores } from '../framework.js';

/** scoring.go invalidScore: Score's answer for a node lacking a topology key; NormalizeScore makes it 0. */
export const INVALID_SCORE = -1;

/** scoring.go NormalizeScore of one score: ignored nodes 0; else MaxNodeScore * (max + min - s) / max, integer division. */
export function normalized(s: number, min: number, max: number): number {
  if (s === INVALID_SCORE) return 0;
  if (max === 0) return MAX_NODE_SCORE;
  return Math.trunc((MAX_NODE_SCORE * (max + min - s)) / max);
}

/** One constraint's part of the key: by domain id (ds: the domain's score) or by the node's count (per, w, skew). */
export interface KeyPart {
  /** The node's domain id by node index (-1: no label). */
  readonly ids: Int32Array;
  /** scoreForCount of each domain, by domain id; null for a constraint counted per node. */
  readonly ds: Float64Array | null;
  /** Matching pods per node index (null: none anywhere), its weight and maxSkew - 1: counted per node. */
  readonly per: Int32Array | null;
  readonly w: number;
  readonly skew: number;
}

/** Keys per cycle at most: a key is held in a byte. */
const KEYS = 256;

export class SpreadScoreKeys implements KeyedScores {
  keys = new Uint8Array(0);
  private readonly present = new Uint8Array(KEYS);
  readonly added = new Float64Array(KEYS);

  /**
   * Keys the candidates index[0..n): node index[j] is to get added[keys[j]], weight x its normalized score;
   * false when some node cannot be keyed.
   */
  key(p0: KeyPart, p1: KeyPart, index: Int32Array, n: number, weight: number): boolean {
    // The range of each part: a domain part has its domains, a count part what the table leaves.
    const r1 = p1.ds ? p1.ds.length : p0.ds ? Math.floor(KEYS / Math.max(1, p0.ds.length)) : 16;
    const r0 = p0.ds ? p0.ds.length : Math.floor(KEYS / Math.max(1, r1));
    if (r0 * r1 > KEYS || r0 === 0 || r1 === 0) return false;
    if (this.keys.length < n) this.keys = new Uint8Array(Math.max(n, this.keys.length * 2));
    const keys = this.keys;
    const present = this.present;
    const ids0 = p0.ids;
    const ids1 = p1.ids;
    const ds0 = p0.ds;
    const ds1 = p1.ds;
    const per0 = p0.per;
    const per1 = p1.per;
    let ok = true;
    for (let j = 0; j < n; j++) {
      const ni = index[j]!;
      const id0 = ni < ids0.length ? ids0[ni]! : -1;
      const id1 = ni < ids1.length ? ids1[ni]! : -1;
      const a = ds0 ? id0 : per0 !== null && ni < per0.length ? per0[ni]! : 0;
      const b = ds1 ? id1 : per1 !== null && ni < per1.length ? per1[ni]! : 0;
      if (id0 < 0 || id1 < 0 || a >= r0 || b >= r1) {
        ok = false;
        break;
      }
      const k = a * r1 + b;
      keys[j] = k;
      present[k] = 1;
    }
    const added = this.added;
    let min = Infinity;
    let max = 0;
    const size = r0 * r1;
    for (let k = 0; k < size; k++) {
      if (present[k] === 0) continue;
      if (!ok) {
        present[k] = 0;
        continue;
      }
      const a = (k / r1) | 0;
      const b = k - a * r1;
      // scoreAllInto's sum for a node of this key, term by term in constraint order.
      let acc = 0;
      acc += ds0 ? ds0[a]! : a * p0.w + p0.skew;
      acc += ds1 ? ds1[b]! : b * p1.w + p1.skew;
      const r = Math.round(acc);
      added[k] = r;
      if (r < min) min = r;
      if (r > max) max = r;
    }
    if (!ok) return false;
    for (let k = 0; k < size; k++) {
      if (present[k] === 0) continue;
      present[k] = 0;
      added[k] = normalized(added[k]!, min, max) * weight;
    }
    return true;
  }
}
