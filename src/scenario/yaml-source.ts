// Reading YAML with positions: every value can be traced back to file:line:column by its field path.
import { readFileSync, statSync } from 'node:fs';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node as YamlNode } from 'yaml';
import { ScenarioError } from './errors.js';

/** Scenario and manifest files larger than this are refused before they are read. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** yaml's maxAliasCount: a YAML alias bomb stops here. */
const MAX_ALIASES = 100;
const RESERVED_KEYS = new Set(['__proto__']);

export type PathSeg = string | number;

export function pathText(path: readonly PathSeg[]): string {
  let out = '';
  for (const s of path) out += typeof s === 'number' ? `[${s}]` : out === '' ? s : `.${s}`;
  return out;
}

/** One YAML document with a way back from paths to positions. */
export class YamlDoc {
  constructor(
    readonly file: string,
    readonly doc: Document,
    private readonly lines: LineCounter,
    /** 0-based index of the document in a multi-document file. */
    readonly index: number,
  ) {}

  /** Line and column of the value (or, with key=true, of the key) at path; falls back to the nearest ancestor. */
  locate(path: readonly PathSeg[], key = false): { line: number; column: number } {
    let node: unknown = this.doc.contents;
    let found: YamlNode | null = (node as YamlNode) ?? null;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) break;
        const last = i === path.length - 1;
        if (last && key && pair.key) {
          found = pair.key as YamlNode;
          break;
        }
        node = pair.value;
        if (node) found = node as YamlNode;
      } else if (isSeq(node) && typeof seg === 'number') {
        node = node.items[seg];
        if (!node) break;
        found = node as YamlNode;
      } else break;
    }
    const offset = found?.range?.[0] ?? 0;
    const pos = this.lines.linePos(offset);
    return { line: pos.line, column: pos.col };
  }

  error(path: readonly PathSeg[], problem: string, hint?: string, key = false): ScenarioError {
    const { line, column } = this.locate(path, key);
    return new ScenarioError(this.file, line, column, pathText(path), problem, hint);
  }

  toJS(): unknown {
    return this.doc.toJS({ maxAliasCount: MAX_ALIASES });
  }
}

/** Reads a text file for parsing, refusing what is missing, huge or binary. */
export function readText(file: string, displayName = file): string {
  let size: number;
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new ScenarioError(displayName, 0, 0, '', 'is a directory; expected a YAML file');
    size = st.size;
  } catch (e) {
    if (e instanceof ScenarioError) throw e;
    throw new ScenarioError(displayName, 0, 0, '', 'file not found');
  }
  if (size > MAX_FILE_BYTES) {
    throw new ScenarioError(displayName, 0, 0, '', `file is ${(size / 1024 / 1024).toFixed(1)} MB; the limit is ${MAX_FILE_BYTES / 1024 / 1024} MB`);
  }
  const buf = readFileSync(file);
  if (buf.includes(0)) throw new ScenarioError(displayName, 0, 0, '', 'is not a text file (it contains NUL bytes); expected YAML');
  let text: string;
  try {
    // fatal: a U+FFFD written in the file is valid text; only undecodable bytes are refused.
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    throw new ScenarioError(displayName, 0, 0, '', 'is not valid UTF-8 text; expected YAML');
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Parses every document of a YAML text; syntax errors become ScenarioErrors with positions. */
export function parseYaml(text: string, file: string): YamlDoc[] {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, strict: true });
  if (!Array.isArray(docs)) {
    // An empty stream gives an EmptyStream object.
    return [];
  }
  const out: YamlDoc[] = [];
  docs.forEach((d, i) => {
    const err = d.errors[0];
    if (err) {
      let at = err.pos[0];
      // yaml reports an unclosed quoted string where the text ends; point at the quote that opens it.
      const quote = err.code === 'MISSING_CHAR' ? /^Missing closing (["'])quote/.exec(err.message)?.[1] : undefined;
      if (quote) at = Math.max(0, text.lastIndexOf(quote, at - 1));
      const pos = lines.linePos(at);
      const msg = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+.*$/, '');
      throw new ScenarioError(file, pos.line, pos.col, '', `YAML syntax error: ${msg}`);
    }
    const y = new YamlDoc(file, d, lines, i);
    checkKeys(y, d.contents, []);
    out.push(y);
  });
  return out;
}

/** Refuses keys that would reach object prototypes, and non-scalar keys. */
function checkKeys(y: YamlDoc, node: unknown, path: PathSeg[]): void {
  if (isMap(node)) {
    for (const p of node.items) {
      if (!isScalar(p.key)) throw y.error(path, 'a mapping key must be a plain string');
      const k = String(p.key.value);
      if (RESERVED_KEYS.has(k)) throw y.error([...path, k], `"${k}" is not allowed as a key`, undefined, true);
      checkKeys(y, p.value, [...path, k]);
    }
  } else if (isSeq(node)) {
    node.items.forEach((it, i) => checkKeys(y, it, [...path, i]));
  }
}

/** Converts to plain data, turning an alias bomb into a clear error. */
export function toPlain(y: YamlDoc): unknown {
  try {
    return y.toJS();
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/alias/i.test(msg)) throw y.error([], 'too many YAML aliases (a possible alias bomb); the limit is 100');
    throw y.error([], `cannot read YAML: ${msg}`);
  }
}
