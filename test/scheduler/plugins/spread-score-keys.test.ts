// PodTopologySpread's Score + NormalizeScore by lookup (SpreadScoreKeys) against scoring.go's per-node path written
// out here: for random candidates, counts and domain scores, the totals must be bit for bit the same, and a cycle
// with a node that cannot be keyed must leave the totals untouched (the plugin then takes the per-node path).
import { describe, expect, it } from 'vitest';
import { RngStreams, type Rng } from '../../../src/engine/rng.js';
import { normalized, SpreadScoreKeys, type KeyPart } from '../../../src/scheduler/plugins/spread-score-keys.js';

/** What the scheduler does with the keys: adds each candidate's keyed score to totals, if the cycle could be keyed. */
function addKeyed(
  keys: SpreadScoreKeys,
  p0: KeyPart,
  p1: KeyPart,
  index: Int32Array,
  n: number,
  weight: number,
  totals: Float64Array,
): boolean {
  if (!keys.key(p0, p1, index, n, weight)) return false;
  for (let j = 0; j < n; j++) totals[j]! += keys.added[keys.keys[j]!]!;
  return true;
}

/** scoring.go Score (per node, constraint by constraint, rounded), NormalizeScore, times the weight, added. */
function reference(parts: KeyPart[], index: Int32Array, n: number, weight: number, totals: Float64Array): void {
  const raw: number[] = [];
  for (let j = 0; j < n; j++) {
    const ni = index[j]!;
    let acc = 0;
    for (const p of parts) {
      const id = ni < p.ids.length ? p.ids[ni]! : -1;
      if (id < 0) continue;
      if (p.ds) acc += id < p.ds.length ? p.ds[id]! : 0;
      else acc += (p.per !== null && ni < p.per.length ? p.per[ni]! : 0) * p.w + p.skew;
    }
    raw.push(Math.round(acc));
  }
  let min = Infinity;
  let max = 0;
  for (const r of raw) {
    if (r < min) min = r;
    if (r > max) max = r;
  }
  for (let j = 0; j < n; j++) totals[j]! += normalized(raw[j]!, min, max) * weight;
}

function hostname(rng: Rng, nodes: number, most: number): KeyPart {
  const per = new Int32Array(nodes);
  for (let i = 0; i < nodes; i++) per[i] = rng.int(4) === 0 ? rng.int(most + 1) : 0;
  // Node indices past the counts' length count 0 (the counts grow as pods come).
  const short = rng.int(2) === 0 ? per.subarray(0, nodes - rng.int(5)) : per;
  return {
    ids: Int32Array.from({ length: nodes }, (_, i) => i),
    ds: null,
    per: rng.int(10) === 0 ? null : short,
    w: Math.log(2 + rng.int(500)),
    skew: 2,
  };
}

function zone(rng: Rng, nodes: number, zones: number): KeyPart {
  const ds = Float64Array.from({ length: zones }, () => rng.int(40) * Math.log(2 + zones) + 4);
  return { ids: Int32Array.from({ length: nodes }, () => rng.int(zones)), ds, per: null, w: 0, skew: 0 };
}

function candidates(rng: Rng, nodes: number): { index: Int32Array; n: number } {
  const n = 1 + rng.int(nodes);
  const start = rng.int(nodes);
  const index = Int32Array.from({ length: n }, (_, j) => (start + j * (1 + rng.int(2))) % nodes);
  return { index, n };
}

describe('SpreadScoreKeys', () => {
  it('adds exactly what the per-node path adds (hostname and zone, either order, and two domain constraints)', () => {
    const rng = new RngStreams(7).get('spread-keys');
    const keys = new SpreadScoreKeys();
    let keyed = 0;
    for (let round = 0; round < 3000; round++) {
      const nodes = 1 + rng.int(300);
      const zones = 1 + rng.int(6);
      const shape = rng.int(4);
      const parts =
        shape === 0
          ? [hostname(rng, nodes, 6), zone(rng, nodes, zones)]
          : shape === 1
            ? [zone(rng, nodes, zones), hostname(rng, nodes, 6)]
            : shape === 2
              ? [zone(rng, nodes, zones), zone(rng, nodes, 1 + rng.int(9))]
              : [hostname(rng, nodes, 3), hostname(rng, nodes, 3)];
      const { index, n } = candidates(rng, nodes);
      const weight = 1 + rng.int(3);
      const base = Float64Array.from({ length: n }, () => rng.int(300));
      const want = base.slice();
      reference(parts, index, n, weight, want);
      const got = base.slice();
      if (addKeyed(keys, parts[0]!, parts[1]!, index, n, weight, got)) {
        keyed++;
        expect([...got]).toEqual([...want]);
      } else expect([...got]).toEqual([...base]);
    }
    // Nearly every round is keyed (the counts stay below the table's range).
    expect(keyed).toBeGreaterThan(2900);
  });

  it('leaves the totals untouched for a node without a label, a count past the table or a domain past the scores', () => {
    const keys = new SpreadScoreKeys();
    const index = Int32Array.from([0, 1, 2, 3]);
    const ds = Float64Array.from([5.5, 7.25]);
    const host = (per: number[]): KeyPart => ({ ids: Int32Array.from([0, 1, 2, 3]), ds: null, per: Int32Array.from(per), w: 1.5, skew: 2 });
    const zoneOf = (ids: number[]): KeyPart => ({ ids: Int32Array.from(ids), ds, per: null, w: 0, skew: 0 });
    const totals = () => Float64Array.from([1, 2, 3, 4]);
    // Keyed: two zones, counts below 128.
    const ok = totals();
    expect(addKeyed(keys, host([0, 1, 0, 2]), zoneOf([0, 1, 1, 0]), index, 4, 2, ok)).toBe(true);
    const want = totals();
    reference([host([0, 1, 0, 2]), zoneOf([0, 1, 1, 0])], index, 4, 2, want);
    expect([...ok]).toEqual([...want]);
    for (const [p0, p1] of [
      [host([0, 1, 0, 2]), zoneOf([0, -1, 1, 0])],
      [host([9, 128, 0, 2]), zoneOf([0, 1, 1, 0])],
      [host([0, 1, 0, 2]), zoneOf([0, 1, 2, 0])],
    ] as const) {
      const t = totals();
      expect(addKeyed(keys, p0, p1, index, 4, 2, t)).toBe(false);
      expect([...t]).toEqual([1, 2, 3, 4]);
    }
    // A cycle given up leaves nothing behind (the count 9 keyed before the node with 128 stopped it is not counted
    // in the next cycle's highest score): the next one is keyed as if it were the first.
    const again = totals();
    expect(addKeyed(keys, host([0, 1, 0, 2]), zoneOf([0, 1, 1, 0]), index, 4, 2, again)).toBe(true);
    expect([...again]).toEqual([...want]);
  });
});
