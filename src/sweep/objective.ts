// A capacity-planning question asked of a sweep: minimize one summary.csv metric (say `cost`) over the cells
// whose constraints hold with 95 % confidence (`latency_p99_ms <= 200` holds when the cell's 95 % interval of the
// mean lies at or below 200; `availability_min >= 0.999` when it lies at or above). The winning cell is the
// feasible one with the lowest mean; objective.csv gives every cell's verdicts.
import { didYouMean } from '../scenario/errors.js';

export type ConstraintOp = '<' | '<=' | '>' | '>=';

export interface Constraint {
  metric: string;
  op: ConstraintOp;
  value: number;
  text: string;
}

export interface ObjectiveSpec {
  minimize: string;
  constraints: Constraint[];
}

/** Parses "metric op number", or returns what is wrong. */
export function parseConstraint(text: string): Constraint | { error: string } {
  const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(<=|>=|<|>)\s*(-?[0-9]+(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?)\s*$/i.exec(text);
  if (!m) return { error: `expected "metric op number" with op one of <, <=, >, >= (e.g. "latency_p99_ms <= 200"), got "${text}"` };
  return { metric: m[1]!, op: m[2] as ConstraintOp, value: Number(m[3]), text: text.trim() };
}

/** One cell's figures for a metric: mean and 95 % interval. */
export interface CellFigure {
  mean: number;
  low: number;
  high: number;
}

/**
 * Whether the constraint holds with 95 % confidence: for < and <= the interval's upper bound must satisfy it, for
 * > and >= the lower bound. The bound used is returned with the verdict.
 */
export function constraintHolds(c: Constraint, f: CellFigure): { bound: number; holds: boolean } {
  const bound = c.op === '<' || c.op === '<=' ? f.high : f.low;
  const holds = c.op === '<' ? bound < c.value : c.op === '<=' ? bound <= c.value : c.op === '>' ? bound > c.value : bound >= c.value;
  return { bound, holds: Number.isFinite(bound) && holds };
}

export interface CellVerdict {
  cell: string;
  objective: CellFigure;
  constraints: { bound: number; holds: boolean }[];
  feasible: boolean;
}

/**
 * Every cell's verdicts and the winner: the feasible cell with the lowest mean objective (the first listed at a
 * tie), or null when none is feasible. `figure(cell, metric)` gives a cell's mean and interval.
 */
export function chooseCell(
  spec: ObjectiveSpec,
  cells: readonly string[],
  figure: (cell: string, metric: string) => CellFigure,
): { verdicts: CellVerdict[]; best: string | null } {
  const verdicts = cells.map((cell) => {
    const constraints = spec.constraints.map((c) => constraintHolds(c, figure(cell, c.metric)));
    return { cell, objective: figure(cell, spec.minimize), constraints, feasible: constraints.every((c) => c.holds) };
  });
  let best: CellVerdict | null = null;
  for (const v of verdicts)
    if (v.feasible && Number.isFinite(v.objective.mean) && (!best || v.objective.mean < best.objective.mean)) best = v;
  return { verdicts, best: best?.cell ?? null };
}

/** The metrics the objective names that the runs did not produce, each with a "did you mean". */
export function unknownMetrics(spec: ObjectiveSpec, known: readonly string[]): string[] {
  const names = [spec.minimize, ...spec.constraints.map((c) => c.metric)];
  return names
    .filter((n, i) => !known.includes(n) && names.indexOf(n) === i)
    .map((n) => {
      const d = didYouMean(n, known);
      return `"${n}" is not a numeric column of summary.csv${d ? ` (did you mean "${d}"?)` : ''}`;
    });
}
