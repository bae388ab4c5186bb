// User errors are data (DESIGN rule 7): file, line, column, field path, what was expected, and a hint.

export class ScenarioError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    /** Field path such as cluster.nodePools[0].count ('' for the whole file). */
    readonly path: string,
    readonly problem: string,
    readonly hint?: string,
  ) {
    super(formatError(file, line, column, path, problem, hint));
    this.name = 'ScenarioError';
  }
}

export function formatError(file: string, line: number, column: number, path: string, problem: string, hint?: string): string {
  const where = line > 0 ? `${file}:${line}:${column}` : file;
  return `${where}: ${path ? `${path}: ` : ''}${problem}${hint ? ` (${hint})` : ''}`;
}

/** Levenshtein distance, for "did you mean". */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = cur;
  }
  return prev[n]!;
}

/** The closest candidate within a third of the word's length (case-insensitive), or undefined. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const w = word.toLowerCase();
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  const limit = Math.max(2, Math.ceil(word.length / 3));
  return bestD <= limit ? best : undefined;
}

/** Describes a YAML value for messages: "got -3", "got a list", "got nothing". */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'got nothing';
  if (Array.isArray(v)) return 'got a list';
  if (typeof v === 'object') return 'got a mapping';
  if (typeof v === 'string') return `got "${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`;
  return `got ${String(v)}`;
}
