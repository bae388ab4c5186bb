// Path-aware reading of Kubernetes objects: every error names the file, line and field path.
import { describeValue, didYouMean } from '../scenario/errors.js';
import type { PathSeg, YamlDoc } from '../scenario/yaml-source.js';

export class Reader {
  constructor(
    readonly doc: YamlDoc,
    readonly value: Record<string, unknown>,
    readonly path: PathSeg[],
  ) {}

  static root(doc: YamlDoc, value: unknown, path: PathSeg[] = []): Reader {
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      // A whole document that is not a mapping is most likely not a manifest at all (a file named by
      // mistake): say what it is, without quoting what it holds.
      if (path.length === 0)
        throw doc.error(
          path,
          `expected a Kubernetes object (a mapping with apiVersion, kind and metadata), got ${Array.isArray(value) ? 'a list' : value === null || value === undefined ? 'nothing' : 'plain text'}`,
          'is this a manifest file?',
        );
      throw doc.error(path, `expected a mapping, ${describeValue(value)}`);
    }
    return new Reader(doc, value as Record<string, unknown>, path);
  }

  at(key: PathSeg): PathSeg[] {
    return [...this.path, key];
  }

  error(key: PathSeg | null, problem: string, hint?: string): Error {
    return this.doc.error(key === null ? this.path : this.at(key), problem, hint);
  }

  has(key: string): boolean {
    return this.value[key] !== undefined && this.value[key] !== null;
  }

  raw(key: string): unknown {
    return this.value[key];
  }

  /** Strict field validation, as `kubectl apply` does by default: unknown fields are errors. */
  only(known: readonly string[], what: string): this {
    for (const k of Object.keys(this.value)) {
      if (known.includes(k)) continue;
      const dym = didYouMean(k, known);
      throw this.doc.error(this.at(k), `unknown field "${k}" in ${what}`, dym ? `did you mean "${dym}"?` : undefined, true);
    }
    return this;
  }

  str(key: string, dflt?: string): string {
    const v = this.value[key];
    if (v === undefined || v === null) {
      if (dflt === undefined) throw this.error(null, `missing required field "${key}"`);
      return dflt;
    }
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    if (typeof v !== 'string') throw this.error(key, `expected a string, ${describeValue(v)}`);
    return v;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], dflt: T): T {
    const v = this.str(key, dflt);
    if (!(allowed as readonly string[]).includes(v)) {
      const dym = didYouMean(v, allowed);
      throw this.error(key, `expected one of ${allowed.join(', ')}, ${describeValue(v)}`, dym ? `did you mean "${dym}"?` : undefined);
    }
    return v as T;
  }

  int(key: string, dflt: number, min = 0, max = 2 ** 31 - 1): number {
    const v = this.value[key];
    if (v === undefined || v === null) return dflt;
    if (typeof v !== 'number' || !Number.isInteger(v)) throw this.error(key, `expected an integer, ${describeValue(v)}`);
    if (v < min) throw this.error(key, `expected an integer >= ${min}, ${describeValue(v)}`);
    if (v > max) throw this.error(key, `expected an integer <= ${max}, ${describeValue(v)}`);
    return v;
  }

  bool(key: string, dflt: boolean): boolean {
    const v = this.value[key];
    if (v === undefined || v === null) return dflt;
    if (typeof v !== 'boolean') throw this.error(key, `expected true or false, ${describeValue(v)}`);
    return v;
  }

  obj(key: string): Reader | null {
    const v = this.value[key];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'object' || Array.isArray(v)) throw this.error(key, `expected a mapping, ${describeValue(v)}`);
    return new Reader(this.doc, v as Record<string, unknown>, this.at(key));
  }

  /** A list of mappings. */
  list(key: string): Reader[] {
    const v = this.value[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw this.error(key, `expected a list, ${describeValue(v)}`);
    return v.map((x, i) => Reader.root(this.doc, x, [...this.path, key, i]));
  }

  strings(key: string): string[] {
    const v = this.value[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw this.error(key, `expected a list of strings, ${describeValue(v)}`);
    return v.map((x, i) => {
      if (typeof x !== 'string' && typeof x !== 'number')
        throw this.doc.error([...this.path, key, i], `expected a string, ${describeValue(x)}`);
      return String(x);
    });
  }

  /** A map of strings (labels, nodeSelector). */
  stringMap(key: string): Map<string, string> {
    const r = this.obj(key);
    const out = new Map<string, string>();
    if (!r) return out;
    for (const [k, v] of Object.entries(r.value)) {
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
        throw r.error(k, `expected a string value, ${describeValue(v)}`);
      out.set(k, String(v));
    }
    return out;
  }
}
