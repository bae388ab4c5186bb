// Shared helpers for the benchmarks: timing (bench/ is a top-level program like cli/, so it may read clocks),
// medians, verdicts and small fixed-width tables. Timed sections use the process's CPU time (user + system):
// on a shared machine wall time also counts the time other processes held the cores, CPU time does not
// (on an idle machine the two agree for these single-threaded loops; GC helper threads count, as they should).

export interface BenchOptions {
  /** Fewer repetitions / customers / pods; every table says so when set. */
  quick: boolean;
}

/** What a benchmark hands back to index.ts: whether its invariants held, and its targets' verdicts. */
export interface BenchResult {
  name: string;
  /** Broken invariants (a non-empty list makes the process exit non-zero). */
  broken: string[];
  /** Target lines, e.g. "engine ratio >= 0.3: PASS (0.41)". */
  verdicts: string[];
}

/** CPU seconds used by this process so far. */
export function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Runs fn and returns the CPU seconds it took. */
export function timeIt(fn: () => void): number {
  const t0 = cpuSeconds();
  fn();
  return cpuSeconds() - t0;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function verdict(label: string, ok: boolean, value: string): string {
  return `${label}: ${ok ? 'PASS' : 'MISS'} (${value})`;
}

/** Formats a rate with thousands separators and no decimals (events/s, pods/s). */
export function rate(x: number): string {
  return Math.round(x).toLocaleString('en-US');
}

export function fixed(x: number, digits: number): string {
  return x.toFixed(digits);
}

/** Prints rows as a left-aligned first column and right-aligned others. */
export function table(title: string, header: readonly string[], rows: readonly (readonly string[])[]): void {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  const line = (r: readonly string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

/** Asserts an invariant: records the message instead of throwing, so the other benchmarks still run. */
export function check(broken: string[], ok: boolean, message: string): void {
  if (!ok) broken.push(message);
}

/**
 * A Service named after its app and an HPA at 60% CPU on the Deployment of that name, as list items of a
 * scenario's `objects:` (indented for it): the benchmarks' autoscaled services.
 */
export function serviceWithHpaYaml(name: string, minReplicas: number, maxReplicas: number): string {
  return `
      - apiVersion: v1
        kind: Service
        metadata: {name: ${name}}
        spec: {selector: {app: ${name}}, ports: [{port: 80}]}
      - apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata: {name: ${name}}
        spec:
          scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: ${name}}
          minReplicas: ${minReplicas}
          maxReplicas: ${maxReplicas}
          metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 60}}}]`;
}
