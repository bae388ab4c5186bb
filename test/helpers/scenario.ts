// Writes scenario (and manifest) text to a temporary folder and loads it.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario, type LoadOptions, type Scenario } from '../../src/scenario/load.js';
import { simulate } from '../../src/run/simulate.js';
import type { Row, RowSink } from '../../src/metrics/collector.js';

export function tempFiles(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kubesim-test-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

export const CLUSTER = `
cluster:
  nodePools:
    - name: general
      zones: [zone-a, zone-b, zone-c]
      count: 6
      allocatable: {cpu: "4", memory: 16Gi}
`;

/** Loads a scenario made of CLUSTER, `extra` scenario text, and manifests.yaml holding `manifests`. */
export function loadWith(manifests: string, extra = '', opts: LoadOptions = {}): Scenario {
  const dir = tempFiles({
    'scenario.yaml': `name: t\nduration: 1h\n${CLUSTER}${extra}\nworkloads:\n  - manifests: manifests.yaml\n`,
    'manifests.yaml': manifests,
  });
  return loadScenario(join(dir, 'scenario.yaml'), opts);
}

/** Runs a scenario text (or a file) and returns every file's rows as objects, and the summary. */
export function runScenario(scenario: string, files: Record<string, string> = {}) {
  const path = scenario.endsWith('.yaml') ? scenario : join(tempFiles({ 'scenario.yaml': scenario, ...files }), 'scenario.yaml');
  const s = loadScenario(path);
  const rows: Record<string, Row[]> = {};
  const result = simulate(s, {
    open(file: string, columns: readonly string[]): RowSink {
      const list: Row[] = [[...columns]];
      rows[file.replace(/\.csv$/, '')] = list;
      return { write: (r) => list.push(r) };
    },
  });
  /** The rows of a file as objects keyed by column. */
  const table = (name: string) => {
    const [head, ...body] = rows[name]!;
    return body.map((r) => Object.fromEntries(head!.map((h, i) => [h, r[i]])) as Record<string, string | number>);
  };
  return { table, summary: result.summary };
}

/** SHA-256 of every file in a directory, by name: two runs gave byte-identical outputs when these are equal. */
export function fileHashes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir).sort())
    out[f] = createHash('sha256')
      .update(readFileSync(join(dir, f)))
      .digest('hex');
  return out;
}
