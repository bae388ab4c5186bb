// Helpers for the corpus test: temporary scenario files that point at ../shared/data by absolute path,
// loading them, catching ScenarioErrors, and sinks that hash what a run writes (for determinism checks).
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { expect } from 'vitest';
import { ScenarioError } from '../../src/scenario/errors.js';
import { loadScenario, type Scenario } from '../../src/scenario/load.js';
import type { Sinks } from '../../src/run/simulate.js';
import type { WorkloadSpec } from '../../src/workload/spec.js';

/** A node pool as scenario YAML (one list item, indented for `cluster.nodePools`). */
export function pool(name: string, count: number, allocatable: string, extra = ''): string {
  return `    - name: ${name}\n      count: ${count}\n      allocatable: ${allocatable}\n${extra}`;
}

export const SMALL_POOL = pool('general', 3, '{cpu: 4, memory: 16Gi}');

export class ScenarioDir {
  private made: string | null = null;
  private n = 0;

  /** Created on first use, so a skipped suite leaves nothing behind. */
  get dir(): string {
    this.made ??= mkdtempSync(join(tmpdir(), 'kubesim-corpus-'));
    return this.made;
  }

  /** Writes a scenario file and returns its path. */
  write(body: string): string {
    const file = join(this.dir, `scenario-${this.n++}.yaml`);
    writeFileSync(file, body);
    return file;
  }

  /** A scenario whose only workload entry is `manifests:` with the given absolute path(s). */
  manifests(paths: string | string[], opts: { pools?: string; duration?: string } = {}): string {
    const list = (Array.isArray(paths) ? paths : [paths]).map((p) => `\n      - ${JSON.stringify(p)}`).join('');
    return this.write(
      `name: corpus\nseed: 7\nduration: ${opts.duration ?? '2m'}\ncluster:\n  nodePools:\n${opts.pools ?? SMALL_POOL}\nworkloads:\n  - manifests:${list}\n`,
    );
  }

  load(paths: string | string[], opts: { pools?: string; duration?: string } = {}): Scenario {
    return loadScenario(this.manifests(paths, opts));
  }

  /** Loads, expecting a ScenarioError, and returns it. */
  loadError(paths: string | string[]): ScenarioError {
    return catchScenarioError(() => this.load(paths));
  }

  remove(): void {
    if (this.made) rmSync(this.made, { recursive: true, force: true });
    this.made = null;
  }
}

export function catchScenarioError(fn: () => unknown): ScenarioError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a ScenarioError, but loading succeeded').toBeDefined();
  expect(caught, `expected a ScenarioError, got ${String(caught)}`).toBeInstanceOf(ScenarioError);
  return caught as ScenarioError;
}

/** 1-based line of the first line of `text` that starts with `prefix` (after indentation). */
export function lineOf(text: string, prefix: string): number {
  const i = text.split('\n').findIndex((l) => l.trimStart().startsWith(prefix));
  if (i < 0) throw new Error(`no line starting with ${prefix}`);
  return i + 1;
}

export function byName(s: Scenario): Map<string, WorkloadSpec> {
  return new Map(s.workloads.map((w) => [w.name, w]));
}

export function kindCounts(s: Scenario): Record<string, number> {
  const out: Record<string, number> = {};
  for (const w of s.workloads) out[w.kind] = (out[w.kind] ?? 0) + 1;
  return out;
}

/** Sinks that keep a row count and a running SHA-256 of every row, per sink. */
export function hashingSinks(): { sinks: Sinks; digest: () => Record<string, string> } {
  const mk = () => {
    const h = createHash('sha256');
    let rows = 0;
    return {
      sink: {
        write: (row: unknown) => {
          rows++;
          h.update(`${JSON.stringify(row)}\n`);
        },
      },
      done: () => `${rows}:${h.digest('hex')}`,
    };
  };
  const t = mk(),
    p = mk(),
    n = mk();
  return {
    sinks: { timeseries: t.sink, pods: p.sink, nodes: n.sink } as unknown as Sinks,
    digest: () => ({ timeseries: t.done(), pods: p.done(), nodes: n.done() }),
  };
}

/** Parses SHA256SUMS ("<hex>  <path>" lines) and returns the files whose content differs or is missing. */
export function checksumMismatches(dataDir: string): { checked: number; bad: string[] } {
  const lines = readFileSync(join(dataDir, 'SHA256SUMS'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  const bad: string[] = [];
  for (const l of lines) {
    const m = /^([0-9a-f]{64})\s+\*?(.+)$/.exec(l);
    if (!m) {
      bad.push(`malformed SHA256SUMS line: ${l}`);
      continue;
    }
    let got: string;
    try {
      got = createHash('sha256')
        .update(readFileSync(join(dataDir, m[2]!)))
        .digest('hex');
    } catch {
      bad.push(`${m[2]}: missing`);
      continue;
    }
    if (got !== m[1]) bad.push(`${m[2]}: sha256 ${got}, SHA256SUMS says ${m[1]}`);
  }
  return { checked: lines.length, bad };
}

/** The task_events rows, split into columns, read independently of kubesim's parser. */
export function taskEventRows(file: string): string[][] {
  return gunzipSync(readFileSync(file))
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split(','));
}
