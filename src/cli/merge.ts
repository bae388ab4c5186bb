import { checkSweep } from '../expect/sweep.js';
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { lockDirectory, LOCK_FILE } from '../scenario/files.js';
import { join, resolve } from 'node:path';
import { ScenarioError } from '../scenario/errors.js';
import { aggregate, metaText, readMeta, writeAtomic, type SweepMeta } from '../sweep/aggregate.js';
import { shortPath } from './paths.js';

/** Merges shard directories of one sweep into the bytes an unsharded sweep writes. */
export function mergeCommand(a: { dirs: string[]; out: string; quiet: boolean }): number {
  let meta: SweepMeta | null = null;
  let first = '';
  for (const d of a.dirs) {
    if (!existsSync(d)) throw new ScenarioError(d, 0, 0, '', 'no such directory');
    const m = readMeta(d);
    if (!m) throw new ScenarioError(d, 0, 0, '', 'not a kubesim sweep directory (no sweep.json)');
    if (meta && m.fingerprint !== meta.fingerprint) {
      throw new ScenarioError(
        d,
        0,
        0,
        '',
        `belongs to a different sweep than ${first} (fingerprint ${m.fingerprint}, not ${meta.fingerprint})`,
        'merge only shards of one sweep',
      );
    }
    meta ??= m;
    first ||= d;
  }
  if (!meta) throw new ScenarioError('merge', 0, 0, '', 'no directories given');
  const out = resolve(a.out);
  const existing = readMeta(out);
  if (existing && existing.fingerprint !== meta.fingerprint)
    throw new ScenarioError(out, 0, 0, '', 'holds a different sweep', 'choose another --out');
  if (!existing && existsSync(out) && readdirSync(out).some((f) => f !== LOCK_FILE)) {
    throw new ScenarioError(out, 0, 0, '', 'this directory exists and is not a kubesim sweep', 'choose another --out');
  }
  // One writer at a time, as for sweeps.
  const existed = existsSync(out);
  const release = lockDirectory(out, 'wait for it to finish, or choose another --out');
  try {
    return mergeLocked(a, meta, out);
  } finally {
    release();
    if (!existed && existsSync(out) && readdirSync(out).length === 0) rmSync(out, { recursive: true, force: true });
  }
}

function mergeLocked(a: { dirs: string[]; out: string; quiet: boolean }, meta: SweepMeta, out: string): number {
  for (const d of a.dirs) {
    if (resolve(d) === out) continue;
    const runs = join(d, 'runs');
    if (!existsSync(runs)) continue;
    for (const cell of readdirSync(runs)) {
      for (const seed of readdirSync(join(runs, cell))) {
        if (seed.includes('.tmp-') || !existsSync(join(runs, cell, seed, 'summary.csv'))) continue;
        const target = join(out, 'runs', cell, seed);
        if (!existsSync(join(target, 'summary.csv'))) cpSync(join(runs, cell, seed), target, { recursive: true });
      }
    }
  }
  writeAtomic(join(out, 'sweep.json'), metaText(meta));
  const { runs, missing, best } = aggregate(out, meta);
  if (!a.quiet) {
    process.stderr.write(
      `merged ${a.dirs.length} director${a.dirs.length === 1 ? 'y' : 'ies'}: ${runs} of ${meta.cells.length * meta.seeds.length} runs in ${shortPath(out)}\n`,
    );
    if (missing.length)
      process.stderr.write(
        `missing runs: ${missing
          .slice(0, 10)
          .map((m) => `${m.cell}/${m.seed}`)
          .join(', ')}${missing.length > 10 ? ', …' : ''}\n`,
      );
    if (best !== undefined)
      process.stderr.write(best ? `best cell: ${best.text} (objective.csv)\n` : 'no cell meets every constraint with 95% confidence\n');
  }
  const verdicts = checkSweep(out, meta, null);
  if (verdicts && (!a.quiet || !verdicts.ok)) process.stdout.write(verdicts.text);
  if (verdicts && !verdicts.ok) return 1;
  return missing.length ? 1 : 0;
}
