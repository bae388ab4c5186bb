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
  /** Share of requests the pod answers with an error (an HTTP 5xx) after its own work. */
  readonly errorRate: number;
}

/** A Service an entry point sends a share of its requests to (an Ingress or HTTPRoute backend). */
export interface Backend {
  readonly service: string;
  /** Percent of the entry point's requests. */
  readonly weight: number;
}

export interface EntryPointSpec {
  /** The entry point's name in outputs: its `name`, or its first backend's Service. */
  readonly name: string;
  readonly backends: readonly Backend[];
  readonly curve: RateCurve;
  readonly arrivals: 'poisson' | 'uniform';
  /** No requests before this (ms). */
  readonly startMs: number;
}

/** A canary release: the entry point's weights stepped from its stable Service to a canary one, with an abort rule. */
export interface CanarySpec {
  /** Index of the entry point. */
  readonly entry: number;
  readonly stable: string;
  readonly canary: string;
  /** The canary's weight from each time on (ms), in time order. */
  readonly steps: readonly { atMs: number; weight: number }[];
  /** Sends everything back to the stable Service when, over `windowMs`, the canary's error share or p99 is above these. */
  readonly abort: { errorRate: number | null; latencyP99Ms: number | null; windowMs: number; minRequests: number } | null;
}

export interface TrafficSpec {
  /** requests: one request at a time; fluid: expected counts per interval (intervalMs). */
  readonly mode: 'requests' | 'fluid';
  readonly intervalMs: number;
  readonly loadBalancing: LoadBalancing;
  readonly endpointDelayMs: number;
  readonly services: readonly ServiceSpec[];
  /** Serving of every Service that receives requests, by key. */
  readonly serving: ReadonlyMap<string, ServingSpec>;
  readonly entrypoints: readonly EntryPointSpec[];
  readonly canaries: readonly CanarySpec[];
  readonly slo: { latencyMs: number; target: number };
}

/** kubesim's defaults for a Service's serving (not Kubernetes': an application's own behaviour). */
export const DEFAULT_SERVING = {
  serviceTime: { kind: 'exponential', mean: 10 } as Distribution,
  queueLimit: 1000,
  timeoutMs: 10_000,
};

export interface TrafficConfig {
  mode: 'requests' | 'fluid';
  interval: number;
  loadBalancing: LoadBalancing;
  endpointDelay: number;
  entrypoints: {
    name?: string;
    service?: string;
    backends?: { service: string; weight: number }[];
    namespace: string;
    rate: unknown;
    arrivals: 'poisson' | 'uniform';
    start: number;
  }[];
  canaries: {
    entrypoint: string;
    canary: string;
    start: number;
    steps: { setWeight?: number; pause?: number }[];
    abort?: { errorRate?: number; latencyP99?: number; window: number; minRequests: number };
  }[];
  services: Record<
    string,
    {
      serviceTime?: Distribution;
      concurrency?: number;
      cpuPerRequest?: number;
      queueLimit?: number;
      timeout?: number;
      calls?: string[];
      errorRate?: number;
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
      errorRate: s.errorRate ?? 0,
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
  const entrypoints: EntryPointSpec[] = cfg.entrypoints.map((e, i) => {
    const path = ['traffic', 'entrypoints', i];
    if ((e.service === undefined) === (e.backends === undefined))
      throw doc.error(path, 'expected one of service (all requests to one Service) or backends (shares by weight)');
    const backends = e.backends
      ? e.backends.map((b, j) => ({ service: keyOf(b.service, e.namespace, [...path, 'backends', j, 'service']), weight: b.weight }))
      : [{ service: keyOf(e.service!, e.namespace, [...path, 'service']), weight: 100 }];
    const sum = backends.reduce((a, b) => a + b.weight, 0);
    if (Math.abs(sum - 100) > 1e-9)
      throw doc.error([...path, 'backends'], `the backends' weights add up to ${sum}; expected 100 (percent of the requests)`);
    const name = e.name ?? backends[0]!.service.replace(/^default\//, '');
    return { name, backends, curve: readRate(e.rate, [...path, 'rate'], doc, dir, sources), arrivals: e.arrivals, startMs: e.start };
  });
  const names = entrypoints.map((e) => e.name);
  names.forEach((n, i) => {
    if (names.indexOf(n) !== i) throw doc.error(['traffic', 'entrypoints', i], `two entry points named "${n}"; give each a name`);
  });
  const canaries: CanarySpec[] = cfg.canaries.map((c, i) => {
    const path = ['traffic', 'canaries', i];
    const entry = names.indexOf(c.entrypoint);
    if (entry < 0) {
      const dym = didYouMean(c.entrypoint, names);
      throw doc.error(
        [...path, 'entrypoint'],
        `no entry point named "${c.entrypoint}"; there are ${names.join(', ')}`,
        dym ? `did you mean "${dym}"?` : undefined,
      );
    }
    const e = entrypoints[entry]!;
    if (e.backends.length !== 1)
      throw doc.error(
        [...path, 'entrypoint'],
        `entry point "${c.entrypoint}" already splits its requests by weight; a canary starts from one Service`,
      );
    const stable = e.backends[0]!.service;
    const canary = keyOf(c.canary, stable.split('/')[0]!, [...path, 'canary']);
    if (canary === stable) throw doc.error([...path, 'canary'], 'the canary must be another Service than the stable one');
    let t = c.start;
    const steps: { atMs: number; weight: number }[] = [];
    c.steps.forEach((st, j) => {
      const keys = ['setWeight', 'pause'].filter((k) => (st as Record<string, unknown>)[k] !== undefined);
      if (keys.length !== 1) throw doc.error([...path, 'steps', j], 'expected one of setWeight or pause');
      if (st.setWeight !== undefined) steps.push({ atMs: t, weight: st.setWeight });
      else t += st.pause!;
    });
    const a = c.abort;
    return {
      entry,
      stable,
      canary,
      steps,
      abort: a
        ? { errorRate: a.errorRate ?? null, latencyP99Ms: a.latencyP99 ?? null, windowMs: a.window, minRequests: a.minRequests }
        : null,
    };
  });
  // A canary's Service is served too, with the entry point's routing.
  for (const c of canaries) (entrypoints[c.entry]!.backends as Backend[]).push({ service: c.canary, weight: 0 });
  // Every Service a request can reach is served, with the defaults where the scenario says nothing.
  const reach = [...new Set(entrypoints.flatMap((e) => e.backends.map((b) => b.service)))];
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
        errorRate: 0,
      });
    for (const c of serving.get(k)!.calls) if (!reach.includes(c)) reach.push(c);
  }
  if (cfg.interval <= 0) throw doc.error(['traffic', 'interval'], 'expected a positive interval');
  return {
    mode: cfg.mode,
    intervalMs: cfg.interval,
    loadBalancing: cfg.loadBalancing,
    endpointDelayMs: cfg.endpointDelay,
    services,
    serving,
    entrypoints,
    canaries,
    slo: { latencyMs: cfg.slo.latency, target: cfg.slo.target },
  };
}
