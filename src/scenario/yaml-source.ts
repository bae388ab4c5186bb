// Reading YAML with positions: every value can be traced back to file:line:column by its field path.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node as YamlNode } from 'yaml';
import { readUserFile } from './files.js';
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
  /**
   * Nodes (and map pairs) put in by command-line overrides, to the option that put them there: they have no
   * position in the file, so errors about them name the option instead.
   */
  private readonly overrides = new WeakMap<object, string>();

  constructor(
    readonly file: string,
    readonly doc: Document,
    private readonly lines: LineCounter,
    /** 0-based index of the document in a multi-document file. */
    readonly index: number,
  ) {}

  /** A deep copy (positions kept) that overrides can change while this one stays as parsed. */
  clone(): YamlDoc {
    return new YamlDoc(this.file, this.doc.clone(), this.lines, this.index);
  }

  /**
   * Replaces the value at path (creating missing mappings on the way) with `value`, as `--set` does. `origin`
   * (e.g. "--set cluster.nodePools[0].count=abc") names the override in errors about the nodes it created.
   */
  override(path: readonly PathSeg[], value: unknown, origin: string): void {
    const reserved = path.findIndex((seg) => RESERVED_KEYS.has(String(seg)));
    if (reserved >= 0)
      throw new ScenarioError(origin, 0, 0, pathText(path.slice(0, reserved + 1)), `"${path[reserved]}" is not allowed as a key`);
    const node = this.doc.createNode(value);
    // An empty value on the way (`scheduler:` with nothing under it) becomes the mapping the path needs.
    let parent: unknown = this.doc.contents;
    for (let i = 0; i < path.length - 1 && (isMap(parent) || isSeq(parent)); i++) {
      const child = parent.get(path[i], true);
      if (isScalar(child) && (child.value === null || child.value === undefined) && typeof path[i + 1] === 'string') {
        parent.set(path[i], this.doc.createNode({}));
      } else if (child !== undefined && child !== null && !isMap(child) && !isSeq(child)) {
        throw new ScenarioError(
          origin,
          0,
          0,
          pathText(path.slice(0, i + 1)),
          `is a single value; it has no field "${String(path[i + 1])}"`,
        );
      }
      parent = parent.get(path[i], true);
    }
    if (path.length === 0) this.doc.contents = node;
    else this.doc.setIn(path, node);
    // Mark what the override created: the value, and any pair or mapping it added on the way to it. Parsed nodes
    // have a source range; created ones do not.
    const mark = (n: unknown) => {
      if (n && typeof n === 'object' && !(n as YamlNode).range && !this.overrides.has(n)) this.overrides.set(n, origin);
    };
    let cur: unknown = this.doc.contents;
    mark(cur);
    for (const seg of path) {
      if (isMap(cur)) {
        const pair = cur.items.find((p) => keyText(p.key) === String(seg));
        if (!pair) break;
        if (!isScalar(pair.key) || !pair.key.range) mark(pair);
        cur = pair.value;
      } else if (isSeq(cur) && typeof seg === 'number') {
        cur = cur.items[seg];
      } else break;
      mark(cur);
    }
    this.overrides.set(node, origin);
    checkKeys(this, node, [...path]);
  }

  /** Line and column of the value (or, with key=true, of the key) at path; falls back to the nearest ancestor. */
  locate(path: readonly PathSeg[], key = false): { line: number; column: number } {
    const { line, column } = this.find(path, key);
    return { line, column };
  }

  /** The position of the value at path (or its nearest ancestor) and, if an override put it there, that override. */
  private find(path: readonly PathSeg[], key: boolean): { line: number; column: number; origin?: string } {
    let node: unknown = this.doc.contents;
    let found: YamlNode | null = (node as YamlNode) ?? null;
    let origin = node ? this.overrides.get(node as object) : undefined;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && keyText(p.key) === String(seg));
        if (!pair) break;
        origin = this.overrides.get(pair) ?? origin;
        const last = i === path.length - 1;
        if (last && key && pair.key) {
          found = pair.key as YamlNode;
          break;
        }
        node = pair.value;
        if (node) {
          found = node as YamlNode;
          origin = this.overrides.get(node as object) ?? origin;
        }
      } else if (isSeq(node) && typeof seg === 'number') {
        node = node.items[seg];
        if (!node) break;
        found = node as YamlNode;
        origin = this.overrides.get(node as object) ?? origin;
      } else break;
    }
    const offset = found?.range?.[0] ?? 0;
    const pos = this.lines.linePos(offset);
    return { line: pos.line, column: pos.col, origin };
  }

  /** An error about the value at path: at its position in the file, or naming the override that set it. */
  error(path: readonly PathSeg[], problem: string, hint?: string, key = false): ScenarioError {
    const { line, column, origin } = this.find(path, key);
    if (origin !== undefined) return new ScenarioError(origin, 0, 0, pathText(path), problem, hint);
    return new ScenarioError(this.file, line, column, pathText(path), problem, hint);
  }

  toJS(): unknown {
    return this.doc.toJS({ maxAliasCount: MAX_ALIASES });
  }
}

/** Reads a text file for parsing, refusing what is missing, huge, special or binary. */
export function readText(file: string, displayName = file): string {
  const buf = readUserFile(file, displayName, MAX_FILE_BYTES, 'file', 'a YAML file');
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
/**
 * How deeply a YAML file may nest mappings, lists and flow collections. Kubernetes manifests stay far
 * below it (a Deployment's deepest field is about 15 levels down); past it the parser and every
 * recursive walk after it would exhaust the stack.
 */
export const MAX_NESTING = 64;

/**
 * The first line whose nesting (block indentation levels, list markers and open flow brackets, counted
 * without parsing) passes MAX_NESTING, or 0. An upper bound of the parsed depth, checked in one pass.
 */
export function tooDeep(text: string): number {
  const indents: number[] = [];
  let flow = 0;
  let lineNo = 0;
  for (const line of text.split('\n')) {
    lineNo++;
    let i = 0;
    while (line.charCodeAt(i) === 32) i++;
    if (i === line.length || line[i] === '#') continue;
    if (flow === 0) {
      while (indents.length > 0 && indents[indents.length - 1]! >= i) indents.pop();
      indents.push(i);
    }
    let markers = 0;
    while (line[i] === '-' && line[i + 1] === ' ') {
      markers++;
      i += 2;
      while (line[i] === ' ') i++;
    }
    let quote = '';
    let deepest = flow;
    for (; i < line.length; i++) {
      const c = line[i]!;
      if (quote) {
        if (c === quote) quote = '';
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '#' && line[i - 1] === ' ') break;
      else if (c === '[' || c === '{') deepest = Math.max(deepest, ++flow);
      else if (c === ']' || c === '}') flow = Math.max(0, flow - 1);
    }
    if (indents.length + markers + deepest > MAX_NESTING) return lineNo;
  }
  return 0;
}

export function parseYaml(text: string, file: string): YamlDoc[] {
  const deep = tooDeep(text);
  if (deep > 0)
    throw new ScenarioError(file, deep, 1, '', `nesting deeper than ${MAX_NESTING} levels; expected a scenario or Kubernetes manifest`);
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

/** A mapping key as text: a parsed key is a Scalar node, a key added by YAMLMap.set may be a plain value. */
function keyText(k: unknown): string | undefined {
  if (isScalar(k)) return String(k.value);
  return typeof k === 'string' || typeof k === 'number' ? String(k) : undefined;
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
