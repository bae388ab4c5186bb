// Where a scenario's documents come from: the scenario file, the manifests its `workloads` entries name (files,
// or directories of them), inline objects (read through a view of the scenario's own document, so errors point
// into it) and columns of CSV files. A parsed file is reused while its path, size and modification time stay
// the same (a sweep's runs read the same files).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { WorkloadEntry } from './config.js';
import { didYouMean } from './errors.js';
import { parseYaml, readText, toPlain, type PathSeg, type YamlDoc } from './yaml-source.js';

/** Parsed manifest files, keyed by path, size and modification time; the parsed documents are never modified. */
export type ManifestCache = Map<string, { doc: YamlDoc; value: unknown }[]>;

/** The scenario file's documents: parsed, or copies of those parsed before (`--set` changes them). */
export function parseScenario(file: string, display: string, cache?: Map<string, YamlDoc[]>): YamlDoc[] {
  // A file that is not there is left to readText, which says so.
  if (!cache || !existsSync(file)) return parseYaml(readText(file, display), display);
  const key = cacheKey(file);
  let docs = cache.get(key);
  if (!docs) cache.set(key, (docs = parseYaml(readText(file, display), display)));
  return docs.map((d) => d.clone());
}

/** A parsed file is reused while its path, size and modification time are the same. */
function cacheKey(f: string): string {
  const st = statSync(f);
  return `${f}\u0000${st.size}\u0000${st.mtimeMs}`;
}

export function manifestDocs(
  w: WorkloadEntry,
  i: number,
  dir: string,
  doc: YamlDoc,
  sources: string[],
  cache?: ManifestCache,
): { doc: YamlDoc; value: unknown }[] {
  const out: { doc: YamlDoc; value: unknown }[] = [];
  if (w.objects) {
    w.objects.forEach((_o, j) => {
      // Inline objects keep the scenario's positions: wrap them in a view of the scenario document.
      out.push({ doc: new SubDoc(doc, ['workloads', i, 'objects', j]) as unknown as YamlDoc, value: w.objects![j] });
    });
  }
  for (const [j, m] of (w.manifests ?? []).entries()) {
    const path = resolve(dir, m);
    let files: string[];
    try {
      files = statSync(path).isDirectory()
        ? readdirSync(path)
            .filter((f) => /\.ya?ml$/.test(f))
            .sort()
            .map((f) => resolve(path, f))
        : [path];
    } catch {
      throw doc.error(
        ['workloads', i, 'manifests', ...(w.manifests!.length > 1 ? [j] : [])],
        `manifest file not found: ${m}`,
        `paths are relative to ${relative(process.cwd(), dir) || '.'}`,
      );
    }
    for (const f of files) {
      sources.push(f);
      const name = relative(process.cwd(), f) || f;
      const key = cache ? cacheKey(f) : '';
      let docs = cache?.get(key);
      if (!docs) {
        docs = parseYaml(readText(f, name), name).map((y) => ({ doc: y, value: toPlain(y) }));
        cache?.set(key, docs);
      }
      out.push(...docs);
    }
  }
  return out;
}

/** A view of part of a document, so errors in inline objects point into the scenario file. */
class SubDoc {
  constructor(
    private readonly parent: YamlDoc,
    private readonly prefix: PathSeg[],
  ) {}
  get file(): string {
    return this.parent.file;
  }
  locate(path: readonly PathSeg[], key = false) {
    return this.parent.locate([...this.prefix, ...path], key);
  }
  error(path: readonly PathSeg[], problem: string, hint?: string, key = false) {
    return this.parent.error([...this.prefix, ...path], problem, hint, key);
  }
}

/** The values of one column of a CSV file (a header row, then one value per row). */
export function readColumn(file: string, column: string, doc: YamlDoc, at: PathSeg[]): number[] {
  const display = relative(process.cwd(), file) || file;
  const text = readText(file, display);
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines[0] ?? '').split(',').map((h) => h.trim());
  const idx = header.indexOf(column);
  if (idx < 0) {
    const dym = didYouMean(column, header);
    throw doc.error(
      [...at, 'column'],
      `no column "${column}" in ${display} (columns: ${header.join(', ')})`,
      dym ? `did you mean "${dym}"?` : undefined,
    );
  }
  if (lines.length < 2) throw doc.error([...at, 'file'], `${display} holds no values below its header; expected at least one row`);
  return lines.slice(1).map((l) => {
    const cell = l.split(',')[idx]?.trim() ?? '';
    const n = Number(cell);
    return cell !== '' && Number.isFinite(n) ? n : cell;
  }) as number[];
}
