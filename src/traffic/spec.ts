// The scenario's `traffic:` section as typed data: where requests enter (entry points with a rate curve),
// how each Service's pods serve them (service time, concurrency, queue, timeout, downstream calls), how
// kube-proxy balances them, and the latency objective. Read and checked at load time.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Distribution } from '../engine/distributions.js';
import { parseDuration } from '../engine/time.js';
import { didYouMean } from '../scenario/errors.js';
import type { PathSeg, YamlDoc } from '../scenario/yaml-source.js';
import type { ServiceSpec } from '../workload/service-spec.js';
import { checkRateCurve, type RateCurve } from './rates.js';
import { parseCsvRates } from './csv-rates.js';
import { ScenarioError } from '../scenario/errors.js';

/** kube-proxy's ways of picking an endpoint: iptables mode (random), IPVS rr and lc. */
export type LoadBalancing = 'random' | 'round-robin' | 'least-connection';

export interface ServingSpec {
  /** "namespace/name" of the Service. */
  readonly key: string;
  readonly serviceTime: Distribution;
  /** Requests a pod serves at once; null: from cpuPerRequest (or 1). */
  readonly concurrency: number | null;
  /** Millicores one request in service uses: concurrency = floor(pod CPU request / this) when not given. */
  readonly cpuPerRequest: number | null;
  /** Requests a pod holds waiting (beyond those in service); more are dropped. */
  readonly queueLimit: number;
  /** A request not answered within this is timed out (the caller gives up). */
  readonly timeoutMs: number;
  /** Services called, all at once, after the pod's own work: the request answers when the last returns. */
  readonly calls: readonly string[];
}

export interface EntryPointSpec {
  readonly service: string;
  readonly curve: RateCurve;
  readonly arrivals: 'poisson' | 'uniform';
}

export interface TrafficSpec {
  readonly loadBalancing: LoadBalancing;
  readonly endpointDelayMs: number;
  readonly services: readonly ServiceSpec[];
  /** Serving of every Service that receives requests, by key. */
  readonly serving: ReadonlyMap<string, ServingSpec>;
  readonly entrypoints: readonly EntryPointSpec[];
  readonly slo: { latencyMs: number; target: number };
}

/** kubesim's defaults for a Service's serving (not Kubernetes': an application's own behaviour). */
export const DEFAULT_SERVING = {
  serviceTime: { kind: 'exponential', mean: 10 } as Distribution,
  queueLimit: 1000,
  timeoutMs: 10_000,
};

export interface TrafficConfig {
  loadBalancing: LoadBalancing;
  endpointDelay: number;
  entrypoints: { service: string; namespace: string; rate: unknown; arrivals: 'poisson' | 'uniform' }[];
  services: Record<
    string,
    {
      serviceTime?: Distribution;
      concurrency?: number;
      cpuPerRequest?: number;
      queueLimit?: number;
      timeout?: number;
      calls?: string[];
    }
  >;
  slo: { latency: number; target: number };
}

/** "800", 800, "800/s", "48000/m", "2.88M/h" are all 800 requests per second. */
function perSecond(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return undefined;
  const m = /^\s*([0-9.eE+-]+)\s*(k|M)?\s*(?:\/\s*(s|m|min|h))?\s*$/.exec(v);
  if (!m) return undefined;
  const n = Number(m[1]) * (m[2] === 'k' ? 1e3 : m[2] === 'M' ? 1e6 : 1);
  const per = m[3] === 'm' || m[3] === 'min' ? 60 : m[3] === 'h' ? 3600 : 1;
  return Number.isFinite(n) ? n / per : undefined;
}

function durationOf(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  return typeof v === 'string' ? parseDuration(v) : undefined;
}

const RATE_FORMS = 'a number of requests per second, or one of {constant}, {diurnal}, {steps}, {spikes}, {csv}';

/** A rate curve from its scenario form. */
export function readRate(v: unknown, path: PathSeg[], doc: YamlDoc, dir: string, sources: string[]): RateCurve {
  const fail = (p: PathSeg[], what: string): never => {
    throw doc.error(p, what);
  };
  const num = (x: unknown, p: PathSeg[]): number => {
    const n = perSecond(x);
    if (n === undefined || !(n >= 0))
      fail(p, `expected a rate of requests per second at least 0, such as 200 or "12000/m", got ${JSON.stringify(x)}`);
    return n!;
  };
  const dur = (x: unknown, p: PathSeg[]): number => {
    const n = durationOf(x);
    if (n === undefined || n < 0) fail(p, `expected a duration such as 90s or 14h, got ${JSON.stringify(x)}`);
    return n!;
  };
  if (typeof v === 'number' || typeof v === 'string') return { kind: 'constant', rps: num(v, path) };
  if (!v || typeof v !== 'object' || Array.isArray(v)) return fail(path, `expected ${RATE_FORMS}`);
  const keys = Object.keys(v);
  if (keys.length !== 1) return fail(path, `expected ${RATE_FORMS}, one of them`);
  const kind = keys[0]!;
  const body = (v as Record<string, unknown>)[kind];
  const p = [...path, kind];
  const fields = (known: string[]): Record<string, unknown> => {
    if (!body || typeof body !== 'object' || Array.isArray(body)) return fail(p, 'expected a mapping');
    for (const k of Object.keys(body)) {
      if (known.includes(k)) continue;
      const dym = didYouMean(k, known);
      throw doc.error([...p, k], `unknown field "${k}"; expected ${known.join(', ')}`, dym ? `did you mean "${dym}"?` : undefined, true);
    }
    return body as Record<string, unknown>;
  };
  let curve: RateCurve;
  switch (kind) {
    case 'constant':
      curve = { kind: 'constant', rps: num(body, p) };
      break;
    case 'diurnal': {
      // mean·(1 + amplitude·cos(2π(t − peakAt)/period)); `peak` gives the amplitude as peak/mean − 1.
      const f = fields(['mean', 'peak', 'amplitude', 'peakAt', 'period']);
      if (f.mean === undefined) fail(p, 'missing required field "mean"');
      const mean = num(f.mean, [...p, 'mean']);
      if (f.peak !== undefined && f.amplitude !== undefined) fail([...p, 'peak'], 'give peak or amplitude, not both');
      const peak = f.peak === undefined ? undefined : num(f.peak, [...p, 'peak']);
      const amplitude = peak !== undefined ? (mean > 0 ? peak / mean - 1 : 0) : f.amplitude === undefined ? 0.5 : Number(f.amplitude);
      curve = {
        kind: 'diurnal',
        meanRps: mean,
        amplitude,
        ...(f.peakAt !== undefined ? { peakAtMs: dur(f.peakAt, [...p, 'peakAt']) } : {}),
        ...(f.period !== undefined ? { periodMs: dur(f.period, [...p, 'period']) } : {}),
      };
      break;
    }
    case 'steps': {
      if (!Array.isArray(body)) return fail(p, 'expected a list of {at, rate}');
      curve = {
        kind: 'steps',
        steps: body.map((s: unknown, i) => {
          const q = [...p, i];
          if (!s || typeof s !== 'object') fail(q, 'expected {at, rate}');
          const o = s as Record<string, unknown>;
          return { atMs: dur(o.at, [...q, 'at']), rps: num(o.rate, [...q, 'rate']) };
        }),
      };
      break;
    }
    case 'spikes': {
      const f = fields(['base', 'spikes']);
      const base = f.base === undefined ? ({ kind: 'constant', rps: 0 } as RateCurve) : readRate(f.base, [...p, 'base'], doc, dir, sources);
      const list = Array.isArray(f.spikes) ? f.spikes : fail([...p, 'spikes'], 'expected a list of {at, for, factor}');
      curve = {
        kind: 'spikes',
        base,
        spikes: list.map((s: unknown, i) => {
          const q = [...p, 'spikes', i];
          const o = (s ?? {}) as Record<string, unknown>;
          const factor = Number(o.factor);
          if (!(factor >= 0)) fail([...q, 'factor'], `expected a factor of at least 0, got ${JSON.stringify(o.factor)}`);
          return { atMs: dur(o.at, [...q, 'at']), durationMs: dur(o.for, [...q, 'for']), factor };
        }),
      };
      break;
    }
    case 'csv': {
      const f = typeof body === 'string' ? { file: body } : fields(['file', 'bucket']);
      if (typeof f.file !== 'string') return fail(p, 'expected {file: rates.csv} (columns time_s, rps)');
      const file = resolve(dir, f.file);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        return fail(p, `cannot read the rates file ${f.file}`);
      }
      sources.push(file);
      const bucket = f.bucket === undefined ? undefined : dur(f.bucket, [...p, 'bucket']);
      const r = parseCsvRates(text, bucket === undefined ? {} : { bucketMs: bucket });
      if ('error' in r) throw new ScenarioError(join(dirname(doc.file), f.file), r.error.line, 1, '', r.error.message);
      curve = r.curve;
      break;
    }
    default: {
      const dym = didYouMean(kind, ['constant', 'diurnal', 'steps', 'spikes', 'csv']);
      throw doc.error(p, `unknown rate "${kind}"; expected ${RATE_FORMS}`, dym ? `did you mean "${dym}"?` : undefined, true);
    }
  }
  const problems = checkRateCurve(curve, 'rate');
  if (problems.length > 0) fail(p, problems[0]!.replace(/^rate[^:]*:\s*/, ''));
  return curve;
}

/** Checks the call graph has no cycle (a request would never end); throws with the cycle's names. */
export function findCallCycle(calls: ReadonlyMap<string, readonly string[]>): string[] | null {
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (s: string): string[] | null => {
    const st = state.get(s);
    if (st === 2) return null;
    if (st === 1) return [...stack.slice(stack.indexOf(s)), s];
    state.set(s, 1);
    stack.push(s);
    for (const c of calls.get(s) ?? []) {
      const cyc = visit(c);
      if (cyc) return cyc;
    }
    stack.pop();
    state.set(s, 2);
    return null;
  };
  for (const s of [...calls.keys()].sort()) {
    const cyc = visit(s);
    if (cyc) return cyc;
  }
  return null;
}

/** The typed traffic of a scenario, checked against its Services. */
export function readTraffic(
  cfg: TrafficConfig,
  services: readonly ServiceSpec[],
  doc: YamlDoc,
  dir: string,
  sources: string[],
): TrafficSpec {
  const keys = new Map(services.map((s) => [`${s.namespace}/${s.name}`, s]));
  const keyOf = (name: string, namespace: string, path: PathSeg[]): string => {
    const key = name.includes('/') ? name : `${namespace}/${name}`;
    if (keys.has(key)) return key;
    const names = services.filter((s) => s.namespace === (name.includes('/') ? name.split('/')[0] : namespace)).map((s) => s.name);
    const dym = didYouMean(name.split('/').pop()!, names);
    throw doc.error(
      path,
      `no Service "${name}" among the workloads' manifests${names.length ? `; there are ${names.join(', ')}` : ' (add the Service objects to the manifests)'}`,
      dym ? `did you mean "${dym}"?` : undefined,
    );
  };
  const serving = new Map<string, ServingSpec>();
  const calls = new Map<string, string[]>();
  for (const [name, s] of Object.entries(cfg.services)) {
    const key = keyOf(name, 'default', ['traffic', 'services', name]);
    const ns = key.split('/')[0]!;
    const targets = (s.calls ?? []).map((c, i) => keyOf(c, ns, ['traffic', 'services', name, 'calls', i]));
    calls.set(key, targets);
    serving.set(key, {
      key,
      serviceTime: s.serviceTime ?? DEFAULT_SERVING.serviceTime,
      concurrency: s.concurrency ?? null,
      cpuPerRequest: s.cpuPerRequest ?? null,
      queueLimit: s.queueLimit ?? DEFAULT_SERVING.queueLimit,
      timeoutMs: s.timeout ?? DEFAULT_SERVING.timeoutMs,
      calls: targets,
    });
  }
  const cycle = findCallCycle(calls);
  if (cycle) {
    const name = (k: string) => k.replace(/^default\//, '');
    throw doc.error(
      ['traffic', 'services', name(cycle[0]!), 'calls'],
      `the calls make a cycle: ${cycle.map(name).join(' → ')}; a request would never finish`,
    );
  }
  const entrypoints = cfg.entrypoints.map((e, i) => {
    const key = keyOf(e.service, e.namespace, ['traffic', 'entrypoints', i, 'service']);
    return { service: key, curve: readRate(e.rate, ['traffic', 'entrypoints', i, 'rate'], doc, dir, sources), arrivals: e.arrivals };
  });
  // Every Service a request can reach is served, with the defaults where the scenario says nothing.
  const reach = entrypoints.map((e) => e.service);
  for (let i = 0; i < reach.length; i++) {
    const k = reach[i]!;
    if (!serving.has(k))
      serving.set(k, {
        key: k,
        serviceTime: DEFAULT_SERVING.serviceTime,
        concurrency: null,
        cpuPerRequest: null,
        queueLimit: DEFAULT_SERVING.queueLimit,
        timeoutMs: DEFAULT_SERVING.timeoutMs,
        calls: [],
      });
    for (const c of serving.get(k)!.calls) if (!reach.includes(c)) reach.push(c);
  }
  return {
    loadBalancing: cfg.loadBalancing,
    endpointDelayMs: cfg.endpointDelay,
    services,
    serving,
    entrypoints,
    slo: { latencyMs: cfg.slo.latency, target: cfg.slo.target },
  };
}
