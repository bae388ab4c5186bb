// Fuzzing the bad-input promise. A wrong scenario or manifest gets one "error: " line on stderr naming the file
// (or the option) with, where there is one, the line and field path; exit code 2; no stack trace; nothing left
// where the output would go. A valid one runs with exit 0 and writes results whose invariants hold, and the
// model's invariants (src/model/invariants.ts) hold all along the same run repeated in this process.
//
// With a fixed seed, CASE_COUNT scenarios are made from the shipped scenarios (scenarios/*.yaml with the manifests
// they name, copied beside them) and a few small inline ones, by one to three mutations each: on the parsed YAML
// tree (delete a field, change a value's type, edge numbers, bad quantities, odd strings and control characters in
// names, unknown and near-miss fields, a list for a mapping, deep nesting, valid but extreme values) or on the raw
// text (truncation at a byte, tabs, duplicate keys, control characters, invalid UTF-8), and now and then a --set or
// --seed. Each case runs `kubesim validate`, then `kubesim run --out <case>/out --quiet` (test/helpers/cli.ts, in
// this process) when validate accepts it, and for one case in RUN_INVALID_EVERY also when it refuses.
//
// Runs stay cheap: the bases are clamped to minutes of virtual time and a few nodes, mutations of sizes (counts,
// replicas, rates) draw small or invalid values, and a valid scenario that still asks for more than BUDGET is
// not run (costOver). Scenarios made huge on purpose wait in the "ceilings" block at the end.
//
// A failure matching a KNOWN entry is tolerated; each entry also runs its minimal reproducer as `it.fails`, which
// turns red once the bug is fixed: then delete the entry, and the fuzz cases hold that promise again.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import seedrandom from 'seedrandom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, parseDocument, stringify } from 'yaml';
import { mean } from '../../src/engine/distributions.js';
import { loadScenario, type Scenario } from '../../src/scenario/load.js';
import { kubesim, type CliResult } from '../helpers/cli.js';
import { runChecked } from '../helpers/invariants.js';
import { RUN_FILES as RUN_OUTPUT_FILES } from '../../src/run/output.js';

const SEED = 'kubesim-fuzz-1';
const CASE_COUNT = 300;
/** Cases validate refuses are also run (to check run agrees and leaves nothing behind) one in this many. */
const RUN_INVALID_EVERY = 4;
/** Valid cases run a second time to compare every output file byte for byte. */
const DETERMINISM_RUNS = 6;
/** What a valid scenario may ask for to be run here (the ceilings block covers huge ones). */
const BUDGET = { nodes: 64, pods: 1500, samples: 4000 };
const CSV_FILES = ['timeseries.csv', 'pods.csv', 'nodes.csv', 'summary.csv'];
/** Every file a run writes (the run's own list: the fuzz checks the CSVs it knows the columns of). */
const RUN_FILES = RUN_OUTPUT_FILES;

type Files = Record<string, string | Buffer>;

// ---------------------------------------------------------------------------------------------------------------
// Base scenarios

interface Base {
  name: string;
  files: Record<string, string>;
}

const SCENARIO = 'scenario.yaml';

/** A shipped scenario with its manifests, clamped to a few minutes and a few nodes (comments kept). */
function shipped(name: string, clamp: Record<string, unknown>): Base {
  const doc = parseDocument(readFileSync(`scenarios/${name}.yaml`, 'utf8'));
  for (const [path, value] of Object.entries(clamp))
    doc.setIn(
      path.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s)),
      value,
    );
  const files: Record<string, string> = { [SCENARIO]: doc.toString() };
  // The manifests the scenario names (and no others, so that every mutation of one is read).
  for (const w of (doc.toJS() as { workloads: { manifests?: string }[] }).workloads) {
    if (w.manifests) files[w.manifests] = readFileSync(`scenarios/${w.manifests}`, 'utf8');
  }
  return { name, files };
}

const OBJECTS = `name: objects
seed: 3
duration: 3m
metrics: {interval: 15s}
cluster:
  nodePools:
    - name: small
      zones: [zone-a, zone-b]
      count: 3
      allocatable: {cpu: "2", memory: 8Gi, pods: 20}
      labels: {tier: small}
    - name: gpu
      instanceType: g2-standard-8
      count: 1
      allocatable: {cpu: "8", memory: 32Gi, nvidia.com/gpu: "2"}
      pricePerHour: 1.2
      taints: [{key: gpu, value: "true", effect: NoSchedule}]
  scheduler:
    profile: most-allocated
    latency: {uniform: {min: 5ms, max: 50ms}}
  podStartup: {exponential: {mean: 2s}}
workloads:
  - objects:
      - apiVersion: scheduling.k8s.io/v1
        kind: PriorityClass
        metadata: {name: high}
        value: 1000
      - apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop, labels: {app: web}}
        spec:
          replicas: 4
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              priorityClassName: high
              containers:
                - name: web
                  image: nginx:1.27
                  resources: {requests: {cpu: 250m, memory: 256Mi}, limits: {cpu: 500m, memory: 512Mi}}
              topologySpreadConstraints:
                - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: web}}}
      - apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db}
        spec:
          replicas: 2
          serviceName: db
          selector: {matchLabels: {app: db}}
          template:
            metadata: {labels: {app: db}}
            spec:
              affinity:
                podAntiAffinity:
                  requiredDuringSchedulingIgnoredDuringExecution:
                    - {labelSelector: {matchLabels: {app: db}}, topologyKey: kubernetes.io/hostname}
              containers: [{name: db, image: postgres:16, resources: {requests: {cpu: 500m, memory: 1Gi}}}]
      - apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: agent}
        spec:
          selector: {matchLabels: {app: agent}}
          template:
            metadata: {labels: {app: agent}}
            spec:
              tolerations: [{operator: Exists}]
              containers: [{name: agent, image: agent:1, resources: {requests: {cpu: 50m, memory: 64Mi}}}]
      - apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec: {selector: {app: web}, ports: [{port: 80}]}
  - objects:
      - apiVersion: batch/v1
        kind: Job
        metadata: {name: train}
        spec:
          completions: 3
          parallelism: 2
          backoffLimit: 2
          template:
            spec:
              restartPolicy: Never
              nodeSelector: {node.kubernetes.io/instance-type: g2-standard-8}
              tolerations: [{key: gpu, operator: Equal, value: "true", effect: NoSchedule}]
              containers:
                - name: t
                  image: trainer:2
                  resources: {requests: {cpu: "1", memory: 2Gi, nvidia.com/gpu: "1"}, limits: {nvidia.com/gpu: "1"}}
      - apiVersion: v1
        kind: Pod
        metadata: {name: debug, labels: {role: debug}}
        spec:
          restartPolicy: OnFailure
          containers: [{name: c, image: busybox, resources: {requests: {cpu: 100m}}}]
    at: 30s
    runTime: {normal: {mean: 40s, stddev: 10s}}
`;

const STREAMS = `name: streams
duration: 4m
metrics: {interval: 20s}
cluster:
  nodePools:
    - {name: a, zones: [z1, z2, z3], count: 3, allocatable: {cpu: 3500m, memory: 12Gi, ephemeral-storage: 50Gi}, labels: {disk: ssd}}
  scheduler: {profile: first-fit, percentageOfNodesToScore: 50, popFromBackoffQ: false}
  imageSize: 300Mi
workloads:
  - batch:
      name: etl
      arrivals: {interarrival: {uniform: {min: 5s, max: 15s}}}
      requests:
        cpu: {lognormal: {median: 300m, p90: "1"}}
        memory: {empirical: {file: samples.csv, column: memory}}
      duration: {weibull: {shape: 1.5, scale: 1m}}
      start: 10s
      stop: 3m
      count: 25
      priority: 5
      namespace: data
      labels: {team: data}
      nodeSelector: {disk: ssd}
      tolerations: [{key: dedicated, operator: Exists, effect: NoSchedule}]
  - batch:
      name: web
      arrivals: {poisson: {rate: 6/m}}
      requests: {cpu: 200m, memory: 256Mi}
      duration: {exponential: {rate: 2/m}}
  - trace:
      name: replay
      file: trace.csv
      format: simple
    at: 20s
`;

const PROFILES = `name: profiles
duration: 2m
cluster:
  nodePools:
    - name: std
      count: 2
      allocatable: {cpu: "4", memory: 16Gi, pods: 30, example.com/fpga: "1"}
  scheduler:
    profile: packer
    profiles:
      - name: packer
        base: default
        plugins:
          score:
            disabled: [{name: NodeResourcesBalancedAllocation}]
            enabled: [{name: NodeResourcesFit, weight: 5}]
        pluginConfig:
          - name: NodeResourcesFit
            args:
              scoringStrategy:
                type: RequestedToCapacityRatio
                resources: [{name: cpu, weight: 1}, {name: memory, weight: 1}]
                requestedToCapacityRatio: {shape: [{utilization: 0, score: 0}, {utilization: 100, score: 10}]}
          - name: InterPodAffinity
            args: {hardPodAffinityWeight: 2}
        percentageOfNodesToScore: 100
      - name: spread
        base: least-allocated
workloads:
  - manifests: [m/api.yaml, m/pods.yaml]
  - manifests: more
    at: 1m
`;

const API = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 3
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: api:1
          resources:
            requests: {cpu: 300m, memory: 512Mi, example.com/fpga: "0"}
      affinity:
        nodeAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 10
              preference:
                matchExpressions: [{key: node.kubernetes.io/instance-type, operator: In, values: [generic]}]
`;

const PODS = `apiVersion: v1
kind: Pod
metadata: {name: one, namespace: tools}
spec:
  schedulerName: spread
  initContainers: [{name: init, image: busybox, resources: {requests: {cpu: "1"}}}]
  containers: [{name: main, image: busybox, resources: {requests: {cpu: 100m, memory: 32Mi}}}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {a: "1"}
`;

const API_AGAIN = API.replace('replicas: 3', 'replicas: 5');

const BASES: Base[] = [
  shipped('default', { duration: '5m', 'workloads.1.at': '2m' }),
  shipped('scheduler-comparison', { duration: '5m', 'cluster.nodePools.0.count': 4 }),
  shipped('zone-outage', { duration: '20m', 'faults.0.zoneOutage.at': '2m', 'faults.0.zoneOutage.for': '8m' }),
  shipped('node-churn', {
    duration: '30m',
    'cluster.nodePools.0.failures.timeToFailure': { exponential: { mean: '10m' } },
    'cluster.nodePools.0.failures.timeToRepair': { lognormal: { median: '3m', p90: '10m' } },
    'faults.0.drain.at': '15m',
  }),
  { name: 'objects', files: { [SCENARIO]: OBJECTS } },
  {
    name: 'streams',
    files: {
      [SCENARIO]: STREAMS,
      'samples.csv': 'memory\n256Mi\n512Mi\n1Gi\n',
      'trace.csv': 'time_s,cpu,memory,duration_s,priority\n0,500m,1Gi,60,0\n12.5,2,4Gi,90,100\n30,250m,512Mi,30,0\n',
    },
  },
  { name: 'profiles', files: { [SCENARIO]: PROFILES, 'm/api.yaml': API, 'm/pods.yaml': PODS, 'more/api.yaml': API_AGAIN } },
];

// ---------------------------------------------------------------------------------------------------------------
// Mutations

type Rng = () => number;
type Tree = null | boolean | number | string | Tree[] | { [k: string]: Tree };
type Path = (string | number)[];
interface Spot {
  path: Path;
  value: Tree;
}

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
const isMap = (v: unknown): v is Record<string, Tree> => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Raw);
const show = (v: unknown): string => {
  const s = v instanceof Raw ? v.text : v === undefined ? 'undefined' : JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
};
const pathText = (p: Path): string => p.map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`)).join('') || '(root)';

/** Text written into the YAML as it is (numbers YAML reads its own way, tags, aliases). */
class Raw {
  constructor(readonly text: string) {}
}
const raw = (...texts: string[]) => texts.map((t) => new Raw(t));

/** Fields whose value sets how much there is to simulate: invalid-value mutations of them stay small. */
const SIZE_KEYS = new Set([
  'count',
  'replicas',
  'completions',
  'parallelism',
  'backoffLimit',
  'limit',
  'duration',
  'interval',
  'rate',
  'interarrival',
  'arrivals',
  'poisson',
  'start',
  'stop',
  'at',
  'mean',
  'min',
  'max',
  'scale',
  'shape',
  'median',
  'p90',
  'values',
]);
const isSize = (path: Path) => path.some((s) => typeof s === 'string' && SIZE_KEYS.has(s));

/** The key a path ends in (the list's key for a list item). */
function keyOf(path: Path): string {
  for (let i = path.length - 1; i >= 0; i--) if (typeof path[i] === 'string') return path[i] as string;
  return '';
}

const NUMBERS_SAFE = raw('0', '-1', '1e400', '-1e400', '.nan', '.inf', '-.inf', '1.5', '-0', '"3"', '0.000001');
const NUMBERS = [
  ...NUMBERS_SAFE,
  ...raw('9007199254740992', '9007199254740993', '2147483648', '-2147483649', '0x1F', '0o17', '1e-320', '1_000'),
];
const QUANTITIES = [
  '1e400',
  '9223372036854775807',
  '9223372036854775808',
  '8Ei',
  '16Ei',
  '1e18',
  '1Qi',
  '2Gb',
  '1KB',
  '5 Mi',
  '1mi',
  '3x',
  '1.5.5',
  '-1',
  '-0',
  '+2',
  '0',
  '1e-9',
  '1n',
  '0.0001m',
  '1e3m',
  '.5',
  '5.',
  'm',
  'Ki',
  ' 2',
  '2Gi ',
  '0x10',
  '1_000',
  '١٢',
  'Infinity',
  'NaN',
];
const QUANTITY_KEYS = new Set([
  'cpu',
  'memory',
  'ephemeral-storage',
  'nvidia.com/gpu',
  'example.com/fpga',
  'imageSize',
  'pods',
  'cpuPerUnit',
]);
const NAN_STRINGS = ['NaN', 'nan', 'Infinity', '-Infinity', 'undefined', 'null', '1e', '0x', '', ' ', '١٢٣', '½'];
const ODD_STRINGS = [
  '',
  ' ',
  'a\nb',
  'two\nlines\n',
  'cr\rhere',
  'tab\there',
  'nul\u0000x',
  'bell\u0007',
  'esc\u001b[31mred',
  'del\u007f',
  'nel\u0085x',
  'ls\u2028x',
  'rtl\u202eevil',
  'naïve-ünïcödé',
  '日本語',
  '😀',
  'x'.repeat(300),
  '-lead',
  'UPPER',
  'a/b',
  'a,b',
  '"quoted"',
  '..',
  'constructor',
  'toString',
  'hasOwnProperty',
  '\ufffd',
];
const NAME_KEYS = [
  'name',
  'namespace',
  'zones',
  'instanceType',
  'profile',
  'schedulerName',
  'priorityClassName',
  'image',
  'key',
  'value',
  'serviceName',
  'topologyKey',
];
const RETYPES: Tree[] = ['x', 7, [1, 'a'], { a: 1 }, null, true, false, '', [], {}];
const DURATIONS_SAFE = ['0s', '0', '-1s', '1e400s', '5 m', '1h30', '٣s', '1.5.5m', '10S', '2m-1s', '∞', '0.0001ms'];

// Valid but extreme values, by the key they go under: what a scenario may say and a run must cope with.
const DURATION_DISTS: Tree[] = [
  '0s',
  '1ms',
  '1000d',
  { constant: '0s' },
  { uniform: { min: '0s', max: '0s' } },
  { normal: { mean: '0s', stddev: '1h' } },
  { normal: { mean: '1ms', stddev: '0s' } },
  { empirical: { values: ['0s', '1h'] } },
  { weibull: { shape: 0.05, scale: '1ms' } },
  { weibull: { shape: 50, scale: '1h' } },
  { lognormal: { median: '1ms', p90: '1ms' } },
  { lognormal: { median: '1ms', p90: '1000d' } },
  { exponential: { mean: '1ms' } },
  { exponential: { rate: '1000/s' } },
  { exponential: { rate: '0/s' } },
];
const QUANTITY_DISTS: Tree[] = [
  '0',
  '9223372036854775807',
  { constant: '0' },
  { normal: { mean: '1', stddev: '8Ei' } },
  { uniform: { min: '0', max: '8Ei' } },
  { empirical: { values: ['0', '8Ei'] } },
  { lognormal: { median: '1n', p90: '8Ei' } },
  { weibull: { shape: 0.01, scale: '1' } },
  { exponential: { mean: '8Ei' } },
];
const BUILTIN = [
  'default',
  'least-allocated',
  'most-allocated',
  'requested-to-capacity-ratio',
  'balanced',
  'first-fit',
  'best-fit',
  'worst-fit',
  'random',
];
const EDGES: Record<string, readonly (Tree | Raw)[]> = {
  cpu: ['0', '1m', '1n', '0.5m', '9223372036854775', '1e15', 0, '1'],
  memory: ['0', '1', '1n', '8Ei', '7Ei', '9223372036854775807', '1e18', 0.5, '1.5'],
  'ephemeral-storage': ['0', '8Ei', '1'],
  'nvidia.com/gpu': ['0', '1', '8Ei', '0.5'],
  'example.com/fpga': ['0', '1', '8Ei'],
  imageSize: ['0', '8Ei', '1'],
  pods: [1, 2, 2147483647],
  count: [0, 1, 2, 8],
  replicas: [0, 1, 2, 8],
  completions: [0, 1, 8],
  parallelism: [0, 1, 8],
  backoffLimit: [0, 1, 6],
  limit: [1, 2],
  priority: [1000000000, -2147483648, 2147483647, 0, -1, 2000000000],
  value: [1000000000, -2147483648, 0, -1],
  weight: [1, 100],
  maxSkew: [1, 2, 100],
  percentageOfNodesToScore: [0, 1, 99, 100],
  hardPodAffinityWeight: [0, 100],
  pricePerHour: [0, 1e308, 0.000001, ...raw('9007199254740993', '1.7976931348623157e308')],
  seed: [0, 4294967296, 2147483648, ...raw('9007199254740991', '9007199254740993')],
  rate: ['0/s', '0.001/s', '1/s', '0.5/h', '1/d', '0.0/m'],
  zones: [['a', 'a'], ['zone-a'], ['z1', 'z2', 'z3', 'z4', 'z5', 'z6', 'z7']],
  effect: ['NoSchedule', 'PreferNoSchedule', 'NoExecute', ''],
  restartPolicy: ['Always', 'OnFailure', 'Never'],
  podManagementPolicy: ['Parallel', 'OrderedReady'],
  whenUnsatisfiable: ['DoNotSchedule', 'ScheduleAnyway'],
  topologyKey: ['kubernetes.io/hostname', 'topology.kubernetes.io/zone', 'node.kubernetes.io/instance-type', 'nonexistent'],
  schedulerName: ['spread', 'packer', 'default-scheduler', 'nope'],
  profile: [...BUILTIN, 'spread', 'packer'],
  base: BUILTIN,
  type: ['LeastAllocated', 'MostAllocated', 'RequestedToCapacityRatio'],
  priorityClassName: ['high', 'shop-critical', 'batch-low', 'system-node-critical', 'system-cluster-critical'],
  preemptionPolicy: ['Never', 'PreemptLowerPriority'],
  popFromBackoffQ: [true, false],
  format: ['simple', 'google-task-events'],
  namespace: ['default', 'kube-system', 'a', ''],
  hostNetwork: [true, false],
  duration: ['1ms', '1s', '10m', '1m30s'],
  interval: ['250ms', '1s', '1m', '1h'],
  at: ['0s', '1ms', '4m59s', '1h'],
  start: ['0s', '1ms', '1h'],
  stop: ['0s', '1ms', '1h'],
};

/** Valid but extreme values for the field at `path`, or null. */
function edgeValues(path: Path): readonly (Tree | Raw)[] | null {
  const key = path.at(-1);
  const parent = path.at(-2);
  if (typeof key !== 'string' || path.includes('limits')) return null;
  const inBatch = path.includes('batch');
  if (['latency', 'podStartup', 'runTime', 'interarrival'].includes(key) || (key === 'duration' && parent === 'batch'))
    return DURATION_DISTS;
  if (inBatch && parent === 'requests') return QUANTITY_DISTS;
  if (key === 'duration' && path.length > 1) return null;
  if (key === 'count' && inBatch) return [1, 2];
  return EDGES[key] ?? null;
}

/** Every path in a tree but the root, with its value. */
function spots(v: Tree, at: Path = [], out: Spot[] = []): Spot[] {
  const entries: [string | number, Tree][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : isMap(v) ? Object.entries(v) : [];
  for (const [k, x] of entries) {
    out.push({ path: [...at, k], value: x });
    spots(x, [...at, k], out);
  }
  return out;
}

function parentOf(root: Tree, path: Path): Tree {
  let v = root;
  for (const s of path.slice(0, -1)) v = (v as Record<string | number, Tree>)[s]!;
  return v;
}

/** Sets an own property, even for names such as __proto__. */
function defineKey(map: object, key: string | number, value: unknown): void {
  Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
}

function setAt(root: Tree, path: Path, value: Tree | Raw): void {
  defineKey(parentOf(root, path) as object, path.at(-1)!, value);
}

function deleteAt(root: Tree, path: Path): void {
  const parent = parentOf(root, path);
  const last = path.at(-1)!;
  if (Array.isArray(parent)) parent.splice(last as number, 1);
  else delete (parent as Record<string, Tree>)[last];
}

/** One edit away from a key: a letter dropped, doubled, swapped or changed, or the case of the first changed. */
function nearMiss(rng: Rng, key: string): string {
  if (key.length < 2) return `${key}s`;
  const i = Math.floor(rng() * (key.length - 1));
  switch (Math.floor(rng() * 5)) {
    case 0:
      return key.slice(0, i) + key.slice(i + 1);
    case 1:
      return key.slice(0, i) + key[i] + key.slice(i);
    case 2:
      return key.slice(0, i) + key[i + 1] + key[i] + key.slice(i + 2);
    case 3:
      return key.slice(0, i) + (key[i] === 'e' ? 'a' : 'e') + key.slice(i + 1);
    default:
      return key[0] === key[0]!.toUpperCase() ? key[0]!.toLowerCase() + key.slice(1) : key[0]!.toUpperCase() + key.slice(1);
  }
}

function nested(rng: Rng, depth: number): Tree {
  let v: Tree = 'leaf';
  for (let i = 0; i < depth; i++) v = rng() < 0.5 ? [v] : { k: v };
  return v;
}

const isLeaf = (v: Tree) => !isMap(v) && !Array.isArray(v);

/** A tree mutation: changes `root` and says what it did, or returns null when it does not apply to `at`. */
type TreeOp = (rng: Rng, root: Tree, at: Spot, all: Spot[]) => string | null;

/** A valid but extreme value (edgeValues) for a field that takes one. */
const EDGE_OP: TreeOp = (r, root, t, all) => {
  const targets = all.filter((x) => edgeValues(x.path));
  if (!targets.length) return null;
  const target = r() < 0.5 && edgeValues(t.path) ? t : pick(r, targets);
  const to = pick(r, edgeValues(target.path)!);
  setAt(root, target.path, to instanceof Raw ? to : structuredClone(to));
  return `edge ${pathText(target.path)} -> ${show(to)}`;
};

/** An apps/v1 workload as another apps/v1 kind (their specs differ in a field or two). */
const KIND_OP: TreeOp = (r, root, _t, all) => {
  const kinds = ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet'];
  const objects = all.filter((x) => isMap(x.value) && kinds.includes(x.value.kind as string));
  if (!objects.length && !kinds.includes((root as Record<string, Tree>)?.kind as string)) return null;
  const target = objects.length ? pick(r, objects) : { path: [], value: root };
  const to = pick(
    r,
    kinds.filter((k) => k !== (target.value as Record<string, Tree>).kind),
  );
  (target.value as Record<string, Tree>).kind = to;
  return `kind ${pathText(target.path)} -> ${to}`;
};

const container = (cpu: string): Tree => ({ name: 'c', image: 'busybox', resources: { requests: { cpu, memory: '64Mi' } } });

/** Objects a scenario may add next to its own: names that collide, pinned pods, preemptors, overlapping selectors. */
function extraObject(rng: Rng, all: Spot[]): Tree {
  const objects = all.filter((x) => isMap(x.value) && typeof x.value.kind === 'string').map((x) => x.value as Record<string, Tree>);
  const named = (kind: string) => objects.filter((o) => o.kind === kind).map((o) => (o.metadata as Record<string, Tree>)?.name as string);
  const pools = all.filter((x) => x.path[0] === 'cluster' && x.path.length === 4 && x.path[3] === 'name').map((x) => String(x.value));
  const sets = named('StatefulSet');
  const selectors = objects.filter((o) => o.kind === 'Deployment').map((o) => (o.spec as Record<string, Tree>)?.selector);
  const pod = (name: string, spec: Record<string, Tree>): Tree => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { containers: [container('100m')], ...spec },
  });
  const choices: (() => Tree)[] = [
    () => pod(sets.length ? `${pick(rng, sets)}-${pick(rng, [0, 1])}` : 'lone', {}),
    () => pod('pinned', { nodeName: pools.length ? `${pick(rng, pools)}-0` : 'nope', containers: [container(pick(rng, ['100m', '64']))] }),
    () => pod('nowhere', { nodeName: 'nope' }),
    () => pod('urgent', { priorityClassName: 'system-node-critical', containers: [container(pick(rng, ['1', '3', '7']))] }),
    () => pod('once', { restartPolicy: 'Never' }),
    () => ({
      apiVersion: 'scheduling.k8s.io/v1',
      kind: 'PriorityClass',
      metadata: { name: `gd${Math.floor(rng() * 3)}` },
      value: 100,
      globalDefault: true,
    }),
    () => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'burst' },
      spec: {
        completions: 3,
        parallelism: 5,
        backoffLimit: 0,
        template: { spec: { restartPolicy: 'Never', containers: [container('200m')] } },
      },
    }),
    () => {
      const selector = selectors.length ? pick(rng, selectors) : { matchLabels: { app: 'x' } };
      const labels = (isMap(selector) && (selector.matchLabels as Tree)) || { app: 'x' };
      return {
        apiVersion: 'apps/v1',
        kind: pick(rng, ['ReplicaSet', 'Deployment', 'StatefulSet']),
        metadata: { name: 'overlap' },
        spec: { replicas: 2, selector, template: { metadata: { labels }, spec: { containers: [container('100m')] } } },
      };
    },
  ];
  return pick(rng, choices)();
}

/** Adds an object to an `objects` entry, or a new entry holding it. */
const OBJECT_OP: TreeOp = (r, root, _t, all) => {
  const workloads = isMap(root) ? root.workloads : undefined;
  if (!Array.isArray(workloads)) return null;
  const obj = extraObject(r, all);
  const lists = workloads.filter((w): w is Record<string, Tree> => isMap(w) && Array.isArray(w.objects));
  if (lists.length && r() < 0.5) (pick(r, lists).objects as Tree[]).push(obj);
  else workloads.push({ objects: [obj], at: pick(r, ['0s', '30s', '1m']) });
  const o = obj as Record<string, Tree>;
  return `add ${o.kind as string} ${JSON.stringify((o.metadata as Record<string, Tree>).name)}`;
};

const TREE_OPS: [number, TreeOp][] = [
  [2, KIND_OP],
  [3, OBJECT_OP],
  [4, (_r, root, t) => (deleteAt(root, t.path), `delete ${pathText(t.path)}`)],
  [
    4,
    (r, root, t) => {
      const to = pick(
        r,
        RETYPES.filter((x) => typeof x !== typeof t.value || Array.isArray(x) !== Array.isArray(t.value)),
      );
      setAt(root, t.path, structuredClone(to));
      return `retype ${pathText(t.path)} ${show(t.value)} -> ${show(to)}`;
    },
  ],
  [
    4,
    (r, root, t) => {
      if (typeof t.value !== 'number' && !(typeof t.value === 'string' && /\d/.test(t.value))) return null;
      const to = pick(r, isSize(t.path) ? NUMBERS_SAFE : NUMBERS);
      setAt(root, t.path, to);
      return `number ${pathText(t.path)} -> ${to.text}`;
    },
  ],
  [
    4,
    (r, root, t) => {
      if (!QUANTITY_KEYS.has(keyOf(t.path)) || !isLeaf(t.value)) return null;
      const to = pick(r, QUANTITIES);
      setAt(root, t.path, r() < 0.25 ? new Raw(to) : to);
      return `quantity ${pathText(t.path)} -> ${show(to)}`;
    },
  ],
  [
    2,
    (r, root, t) => {
      if (typeof t.value !== 'string' || !/^\d+(\.\d+)?(ms|s|m|h|d|w)/.test(t.value)) return null;
      const to = pick(r, DURATIONS_SAFE);
      setAt(root, t.path, to);
      return `duration ${pathText(t.path)} -> ${show(to)}`;
    },
  ],
  [
    2,
    (r, root, t) => {
      if (!isLeaf(t.value)) return null;
      const to = pick(r, NAN_STRINGS);
      setAt(root, t.path, to);
      return `nan-string ${pathText(t.path)} -> ${show(to)}`;
    },
  ],
  [
    5,
    (r, root, _t, all) => {
      // Names and labels: text that messages quote back and the CSVs hold.
      const names = all.filter((x) => typeof x.value === 'string' && NAME_KEYS.includes(keyOf(x.path)));
      if (!names.length) return null;
      const target = pick(r, names);
      const to = pick(r, ODD_STRINGS);
      setAt(root, target.path, to);
      return `odd-name ${pathText(target.path)} -> ${show(to)}`;
    },
  ],
  [
    2,
    (r, _root, _t, all) => {
      const maps = all.filter((x) => isMap(x.value) && ['labels', 'matchLabels', 'nodeSelector'].includes(keyOf(x.path)));
      if (!maps.length) return null;
      const target = pick(r, maps);
      const key = pick(r, ODD_STRINGS);
      const value = pick(r, ODD_STRINGS);
      defineKey(target.value as object, key, value);
      return `odd-label ${pathText(target.path)} ${show(key)}: ${show(value)}`;
    },
  ],
  [12, EDGE_OP],
  [
    4,
    (r, root, t) => {
      const at = isMap(t.value) ? t.path : t.path.slice(0, -1);
      const parent = isMap(t.value) ? t.value : parentOf(root, t.path);
      if (!isMap(parent)) return null;
      const keys = Object.keys(parent);
      const key =
        r() < 0.6 && keys.length ? nearMiss(r, pick(r, keys)) : pick(r, ['zzz', '__proto__', 'constructor', 'x-extra', 'apiVersion', '']);
      if (Object.hasOwn(parent, key)) return null;
      defineKey(parent, key, pick(r, [1, 'x', null, { a: 1 }] as Tree[]));
      return `unknown-field ${pathText(at)}.${key}`;
    },
  ],
  [
    3,
    (r, root, t) => {
      const parent = parentOf(root, t.path);
      const key = t.path.at(-1);
      if (!isMap(parent) || typeof key !== 'string') return null;
      const to = nearMiss(r, key);
      if (Object.hasOwn(parent, to)) return null;
      const value = parent[key]!;
      delete parent[key];
      defineKey(parent, to, value);
      return `rename ${pathText(t.path)} -> ${to}`;
    },
  ],
  [
    3,
    (_r, root, t) => {
      if (Array.isArray(t.value)) {
        setAt(root, t.path, Object.fromEntries(t.value.map((x, i) => [String(i), x])));
        return `list->map ${pathText(t.path)}`;
      }
      if (isMap(t.value)) {
        setAt(root, t.path, [t.value]);
        return `map->list ${pathText(t.path)}`;
      }
      return null;
    },
  ],
  [
    2,
    (_r, root, t) => {
      const parent = parentOf(root, t.path);
      if (!Array.isArray(parent)) return null;
      parent.push(structuredClone(t.value));
      return `duplicate-item ${pathText(t.path)}`;
    },
  ],
  [
    2,
    (r, root, t) => {
      const depth = pick(r, [8, 30, 60, 70, 200]);
      setAt(root, t.path, nested(r, depth));
      return `deep ${pathText(t.path)} x${depth}`;
    },
  ],
  [
    1,
    (r, root, t) => {
      const to = pick(r, [
        '!!binary aGVsbG8=',
        '!!timestamp 2001-12-14',
        '!custom x',
        '*nothing',
        '&a x',
        '!!str 5',
        '!!int "7"',
        '!!float 1',
        '!!null ""',
      ]);
      setAt(root, t.path, new Raw(to));
      return `yaml-tag ${pathText(t.path)} -> ${show(to)}`;
    },
  ],
];

/** A text mutation: the new bytes and what changed, or null when it does not apply. */
type TextOp = (rng: Rng, text: Buffer) => { text: Buffer; what: string } | null;

const lineStarts = (b: Buffer): number[] => {
  const out = [0];
  for (let i = 0; i < b.length; i++) if (b[i] === 10 && i + 1 < b.length) out.push(i + 1);
  return out;
};
const splice = (b: Buffer, at: number, remove: number, insert: string | Buffer): Buffer =>
  Buffer.concat([b.subarray(0, at), typeof insert === 'string' ? Buffer.from(insert) : insert, b.subarray(at + remove)]);
const editLines = (b: Buffer, edit: (lines: string[]) => string | null): { text: Buffer; what: string } | null => {
  const lines = b.toString('utf8').split('\n');
  const what = edit(lines);
  return what === null ? null : { text: Buffer.from(lines.join('\n')), what };
};

const TEXT_OPS: [number, TextOp][] = [
  [
    4,
    (r, b) => {
      const at = Math.floor(r() * b.length);
      return { text: b.subarray(0, at), what: `truncate at byte ${at}` };
    },
  ],
  [
    3,
    (r, b) => {
      const at = r() < 0.7 ? pick(r, lineStarts(b)) : Math.floor(r() * b.length);
      return { text: splice(b, at, 0, '\t'), what: `tab at byte ${at}` };
    },
  ],
  [
    3,
    (r, b) =>
      editLines(b, (lines) => {
        const keyed = lines.map((l, i) => [l, i] as const).filter(([l]) => /^\s*(- )?[\w./-]+:( |$)/.test(l));
        if (!keyed.length) return null;
        const [line, i] = pick(r, keyed);
        lines.splice(i + 1, 0, line.replace(/^(\s*)- /, '$1  '));
        return `duplicate-key line ${i + 1}`;
      }),
  ],
  [
    3,
    (r, b) => {
      const at = Math.floor(r() * b.length);
      const c = pick(r, ['\u0000', '\u0001', '\u0007', '\u001b', '\u007f', '\r', '\u0085', '\u2028', '\ufeff', '\u200b', '\ud800']);
      return { text: splice(b, at, 0, c), what: `control-char ${show(c)} at byte ${at}` };
    },
  ],
  [
    2,
    (r, b) => {
      const at = Math.floor(r() * b.length);
      return { text: splice(b, at, 1, Buffer.from([pick(r, [0xff, 0xc3, 0xe2, 0x80])])), what: `invalid UTF-8 byte at ${at}` };
    },
  ],
  [
    2,
    (r, b) =>
      editLines(b, (lines) => {
        const i = Math.floor(r() * lines.length);
        lines.splice(i, 1);
        return `delete line ${i + 1}`;
      }),
  ],
  [
    2,
    (r, b) => {
      const at = pick(r, lineStarts(b));
      if (r() < 0.5) return { text: splice(b, at, 0, ' '), what: `indent +1 at byte ${at}` };
      return b[at] === 32 ? { text: splice(b, at, 1, ''), what: `indent -1 at byte ${at}` } : null;
    },
  ],
  [
    1,
    (r, b) => {
      const at = pick(r, lineStarts(b));
      return { text: splice(b, at, 0, '---\n'), what: `--- at byte ${at}` };
    },
  ],
  [1, (_r, b) => ({ text: Buffer.from(b.toString('utf8').replace(/\n/g, '\r\n')), what: 'CRLF line ends' })],
  [1, (_r, b) => ({ text: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b]), what: 'byte order mark' })],
  [
    2,
    (r, b) => {
      const at = Math.floor(r() * b.length);
      const c = pick(r, ['{', '}', '[', ']', '"', "'", '&x ', '*x ', '!!', '%', '@', '`', '|', '>', '? ', ': ', '#', ',']);
      return { text: splice(b, at, 0, c), what: `insert ${show(c)} at byte ${at}` };
    },
  ],
  [
    1,
    (r, b) => {
      const at = Math.floor(r() * b.length);
      const c = pick(r, ['é', '日本', '😀', '\u0301', '\u202e', 'ｃｐｕ']);
      return { text: splice(b, at, 0, c), what: `insert ${show(c)} at byte ${at}` };
    },
  ],
];

/** Rows added to the CSV files a scenario reads (traces and empirical columns). */
const CSV_ROWS: Record<string, readonly string[]> = {
  'trace.csv': [
    '-5,500m,1Gi,60',
    '1,500m,1Gi,60',
    '40,,1Gi,60',
    '50,1e400,1Gi,60',
    '60,8Ei,8Ei,60',
    '70,500m,1Gi,-1',
    '80,500m,1Gi,1e400',
    '90,500m,1Gi,60,9999999999',
    '100,500m,1Gi,60,0,extra',
    '"110",500m,1Gi,60',
    'NaN,1,1,1',
    '120,0,0,0',
    '1e9,1,1Gi,1',
    '130,2Gb,1Gi,1',
    '140;1;1Gi;1',
  ],
  'samples.csv': ['', '-1Gi', '1e400', '8Ei', 'NaN', '0', '2Gb', '"1Gi"', '1Gi,extra'],
};

const CSV_OPS: [number, (rng: Rng, text: Buffer, file: string) => { text: Buffer; what: string } | null][] = [
  [
    3,
    (r, b, file) => {
      const row = pick(r, CSV_ROWS[file] ?? ['x']);
      const sep = b.length && b[b.length - 1] !== 10 ? '\n' : '';
      return { text: Buffer.concat([b, Buffer.from(`${sep}${row}\n`)]), what: `append row ${show(row)}` };
    },
  ],
  [
    1,
    (r, b) =>
      editLines(b, (lines) => {
        const header = pick(r, [
          '',
          'time_s,cpu,memory',
          'time_s,cpu,memory,duration_s,priority,extra',
          'cpu,time_s,memory,duration_s',
          'Memory',
        ]);
        lines[0] = header;
        return `header -> ${show(header)}`;
      }),
  ],
  [1, (_r, b) => editLines(b, (lines) => (lines.splice(1), 'header only'))],
];

/** --set and --seed given with both commands. */
const CLI_ARGS: readonly string[][] = [
  ['--set', 'duration=abc'],
  ['--set', 'duration=90'],
  ['--set', 'cluster.nodePools[0].count=[1]'],
  ['--set', 'cluster.nodePools[0].count=-1'],
  ['--set', 'cluster.nodePools[0].count=1'],
  ['--set', 'cluster.nodePools[7].count=1'],
  ['--set', 'cluster.nodePools[0]=null'],
  ['--set', 'cluster.nodePools[0].allocatable.cpu=2Gb'],
  ['--set', 'cluster.nodePools[0].allocatable.memory=8Ei'],
  ['--set', '__proto__.polluted=1'],
  ['--set', 'constructor.prototype.x=1'],
  ['--set', 'workloads[0].objects[0].metadata.__proto__=1'],
  ['--set', '=1'],
  ['--set', 'duration='],
  ['--set', 'cluster..count=1'],
  ['--set', 'cluster'],
  ['--set', 'scheduler.profile=first-fit'],
  ['--set', 'scheduler.profile=[first-fit]'],
  ['--set', 'workloads[0].at=5'],
  ['--set', 'workloads[0].at=1h'],
  ['--set', 'metrics=[1]'],
  ['--set', 'cluster=null'],
  ['--set', 'seed=1e400'],
  ['--set', 'name=a\nb'],
  ['--set', 'name={a: [b'],
  ['--set', 'workloads={}'],
  ['--seed', '-1'],
  ['--seed', '1e400'],
  ['--seed', '9007199254740993'],
  ['--seed', 'abc'],
  ['--seed', '0x10'],
  ['--seed', ''],
  ['--seed', '7'],
  ['--seed', '1', '--seed', '2'],
];

function weighted<T>(rng: Rng, ops: [number, T][]): T {
  const total = ops.reduce((n, [w]) => n + w, 0);
  let x = rng() * total;
  for (const [w, op] of ops) if ((x -= w) < 0) return op;
  return ops.at(-1)![1];
}

/** YAML text of documents, with Raw values written as they are. */
function render(trees: Tree[]): string {
  const raws: string[] = [];
  const swap = (v: unknown): unknown => {
    if (v instanceof Raw) {
      raws.push(v.text);
      return `RAWTOKEN${raws.length - 1}X`;
    }
    if (Array.isArray(v)) return v.map(swap);
    if (isMap(v)) {
      const out = {};
      for (const k of Object.keys(v)) defineKey(out, k, swap(v[k]));
      return out;
    }
    return v;
  };
  let text = trees.map((t) => stringify(swap(t), { lineWidth: 0 })).join('---\n');
  raws.forEach((r, i) => (text = text.replace(new RegExp(`RAWTOKEN${i}X\\b`), () => r)));
  return text;
}

const EDGE_OPS: [number, TreeOp][] = [
  [10, EDGE_OP],
  [1, KIND_OP],
  [3, OBJECT_OP],
];

/** One tree mutation of a YAML file; null when the file does not parse or no op applied. */
function mutateTree(rng: Rng, text: string, ops = TREE_OPS): { text: string; what: string } | null {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs) || docs.some((d) => d.errors.length)) return null;
  const trees = docs.map((d) => d.toJS() as Tree);
  const di = Math.floor(rng() * trees.length);
  const all = spots(trees[di]!);
  if (!all.length) return null;
  for (let attempt = 0; attempt < 20; attempt++) {
    const what = weighted(rng, ops)(rng, trees[di]!, pick(rng, all), all);
    if (what) return { text: render(trees), what: trees.length > 1 ? `doc ${di}: ${what}` : what };
  }
  return null;
}

interface FuzzCase {
  id: string;
  base: string;
  what: string[];
  files: Files;
  /** --set / --seed for both commands. */
  args: string[];
  /** Run `run` even when validate refuses the case. */
  runInvalid: boolean;
}

function generate(): FuzzCase[] {
  const rng = seedrandom(SEED);
  const cases: FuzzCase[] = [];
  while (cases.length < CASE_COUNT) {
    const base = pick(rng, BASES);
    const files: Files = { ...base.files };
    const what: string[] = [];
    const args = rng() < 0.06 ? pick(rng, CLI_ARGS) : [];
    if (args.length) what.push(args.map((a) => show(a)).join(' '));
    // A third of the cases stack valid but extreme values only: scenarios that load and must run.
    const edges = !args.length && rng() < 0.35;
    const n = args.length ? (rng() < 0.7 ? 0 : 1) : edges ? 2 + Math.floor(rng() * 3) : rng() < 0.75 ? 1 : rng() < 0.7 ? 2 : 3;
    for (let m = 0; m < n; m++) {
      const names = Object.keys(files);
      const yaml = names.filter((f) => !f.endsWith('.csv'));
      const file = rng() < 0.6 || names.length === 1 ? SCENARIO : pick(rng, edges ? yaml : names);
      const current = Buffer.from(files[file]!);
      let r: { text: Buffer | string; what: string } | null;
      if (edges) r = typeof files[file] === 'string' ? mutateTree(rng, current.toString('utf8'), EDGE_OPS) : null;
      else if (file.endsWith('.csv')) r = rng() < 0.7 ? weighted(rng, CSV_OPS)(rng, current, file) : weighted(rng, TEXT_OPS)(rng, current);
      else if (typeof files[file] !== 'string' || rng() < 0.35) r = weighted(rng, TEXT_OPS)(rng, current);
      else r = mutateTree(rng, current.toString('utf8'));
      if (!r) continue;
      files[file] = r.text;
      what.push(`${file}: ${r.what}`);
    }
    if (!what.length) continue;
    const index = cases.length;
    cases.push({
      id: `c${String(index).padStart(3, '0')}`,
      base: base.name,
      what,
      files,
      args,
      runInvalid: index % RUN_INVALID_EVERY === 0,
    });
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------------------------
// Running a case and checking the promise

interface Problem {
  stage: 'validate' | 'run' | 'rerun' | 'agree';
  kind: string;
  detail: string;
}

interface Outcome {
  validate: number | 'threw';
  run: number | 'threw' | 'not run';
  /** Why a valid scenario was not run. */
  tooBig?: string;
  problems: Problem[];
}

function writeFiles(dir: string, files: Files): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

const firstLines = (s: string, n = 3) => s.split('\n').slice(0, n).join('\n');

async function call(args: string[]): Promise<CliResult | Error> {
  try {
    return await kubesim(args);
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

/** Control characters and line or paragraph separators: a message quoting them is not one clean line. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

/** The promise for exit code 2: one "error: " line naming one of the case's files (or the option), no stack trace. */
function checkError(stage: Problem['stage'], r: CliResult, dir: string, problems: Problem[]): void {
  const where = relative(process.cwd(), dir);
  if (r.stderr.includes('    at ')) problems.push({ stage, kind: 'stack-trace', detail: firstLines(r.stderr) });
  if (!/^error: [^\n]*\n$/.test(r.stderr)) problems.push({ stage, kind: 'not-one-line', detail: firstLines(r.stderr) });
  else if (CONTROL.test(r.stderr)) problems.push({ stage, kind: 'control-char', detail: JSON.stringify(r.stderr) });
  else if (!r.stderr.startsWith(`error: ${where}/`) && !/^error: --(set|seed)\b/.test(r.stderr))
    problems.push({ stage, kind: 'no-file', detail: firstLines(r.stderr) });
  if (r.stdout !== '') problems.push({ stage, kind: 'stdout-on-error', detail: firstLines(r.stdout) });
}

function checkExit(stage: Problem['stage'], r: CliResult | Error, problems: Problem[]): r is CliResult {
  if (r instanceof Error) {
    problems.push({ stage, kind: 'threw', detail: `${r.name}: ${r.message}` });
    return false;
  }
  if (r.status !== 0 && r.status !== 2) problems.push({ stage, kind: `exit-${r.status}`, detail: firstLines(r.stderr, 4) });
  return true;
}

const leftovers = (dir: string) => readdirSync(dir).filter((f) => f === 'out' || f.startsWith('out.tmp-'));

/** Columns that hold numbers, and those of them that may be empty (a time that has not come). */
const NUMERIC: Record<string, { columns: string[]; empty: string[] }> = {
  'pods.csv': {
    columns: [
      'priority',
      'cpu_request_millicores',
      'memory_request_bytes',
      'created_s',
      'scheduled_s',
      'started_s',
      'finished_s',
      'attempts',
    ],
    empty: ['scheduled_s', 'started_s', 'finished_s'],
  },
  'nodes.csv': {
    columns: [
      'cpu_allocatable_millicores',
      'memory_allocatable_bytes',
      'pods_allocatable',
      'price_per_hour',
      'created_s',
      'cpu_requested_millicores',
      'memory_requested_bytes',
      'pods',
    ],
    empty: [],
  },
  'timeseries.csv': { columns: ['time_s', 'value'], empty: [] },
};
const NUMBER = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/;

/** Invariants of a finished run's files. */
function checkResults(outDir: string, durationS: number | undefined, problems: Problem[]): void {
  const bad = (kind: string, detail: string): void => void problems.push({ stage: 'run', kind, detail });
  const missing = RUN_FILES.filter((f) => !existsSync(join(outDir, f)));
  if (missing.length) return bad('missing-files', missing.join(', '));
  const extra = readdirSync(outDir).filter((f) => !RUN_FILES.includes(f));
  if (extra.length) bad('left-behind', `in the output directory: ${extra.join(', ')}`);
  const csv: Record<string, Record<string, string>[]> = {};
  for (const f of CSV_FILES) {
    try {
      csv[f] = parseCsv(readFileSync(join(outDir, f)), { columns: true }) as Record<string, string>[];
    } catch (e) {
      return bad('csv-unreadable', `${f}: ${(e as Error).message}`);
    }
  }
  const pods = csv['pods.csv']!;
  const nodes = csv['nodes.csv']!;
  const summary = csv['summary.csv']!;
  for (const [f, { columns, empty }] of Object.entries(NUMERIC)) {
    for (const row of csv[f]!) {
      const wrong = columns.filter((c) => !(NUMBER.test(row[c] ?? '') || (row[c] === '' && empty.includes(c))));
      if (wrong.length) {
        bad('not-a-number', `${f}: ${wrong.map((c) => `${c}=${JSON.stringify(row[c])}`).join(' ')}`);
        break;
      }
    }
  }
  if (summary.length !== 1) return bad('summary-rows', `${summary.length} rows`);
  const sum = summary[0]!;
  // An empty figure is one with nothing to measure (latency percentiles when no pod was scheduled).
  const odd = Object.entries(sum).filter(([k, v]) => !['scenario', 'profile'].includes(k) && v !== '' && !NUMBER.test(v));
  if (odd.length) bad('not-a-number', `summary.csv: ${odd.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ')}`);
  if (Number(sum.pods_created) !== pods.length)
    bad('pods-created', `summary.csv says ${sum.pods_created}, pods.csv has ${pods.length} rows`);
  if (Number(sum.nodes) !== nodes.length) bad('nodes-count', `summary.csv says ${sum.nodes}, nodes.csv has ${nodes.length} rows`);
  for (const n of nodes) {
    for (const [r, unit] of [
      ['cpu', 'millicores'],
      ['memory', 'bytes'],
    ]) {
      const req = n[`${r}_requested_${unit}`]!;
      const alloc = n[`${r}_allocatable_${unit}`]!;
      if (!(Number(req) <= Number(alloc))) bad('overcommit', `${n.node}: ${r} requested ${req} > allocatable ${alloc}`);
    }
    if (!(Number(n.pods) <= Number(n.pods_allocatable))) bad('overcommit', `${n.node}: ${n.pods} pods > ${n.pods_allocatable} allocatable`);
  }
  // A pod name is taken by one pod at a time in its namespace.
  const lives = new Map<string, [number, number][]>();
  for (const p of pods) {
    const key = `${p.namespace}/${p.pod}`;
    const life: [number, number] = [Number(p.created_s), p.finished_s === '' ? Infinity : Number(p.finished_s)];
    const clash = (lives.get(key) ?? []).find(([a, b]) => life[0] < b && a < life[1]);
    if (clash) bad('duplicate-pod', `${key}: alive ${clash[0]}..${clash[1]} and ${life[0]}..${life[1]}`);
    lives.set(key, [...(lives.get(key) ?? []), life]);
  }
  for (const p of pods) {
    const set = ['created_s', 'scheduled_s', 'started_s', 'finished_s'].filter((c) => p[c] !== '');
    const t = set.map((c) => Number(p[c]));
    const shown = () => `${p.pod}: ${set.map((c) => `${c}=${p[c]}`).join(' ')}`;
    if (t.some((v, i) => i > 0 && v < t[i - 1]!)) bad('pod-time-order', shown());
    else if (durationS !== undefined && t.some((v) => v < 0 || v > durationS)) bad('pod-time-range', shown());
  }
}

/** Why a valid scenario is too big to run here, or null. */
function costOver(s: Scenario): string | null {
  const nodes = s.pools.reduce((n, p) => n + p.count, 0);
  if (!(nodes <= BUDGET.nodes)) return `${nodes} nodes`;
  let pods = 0;
  for (const w of s.workloads) {
    pods += w.kind === 'DaemonSet' ? nodes : w.replicas;
    if (w.job) pods += (w.job.completions ?? 0) + w.job.backoffLimit;
  }
  for (const a of s.arrivals) {
    if (a.trace) pods += a.trace.length;
    else {
      const span = Math.max(0, Math.min(a.stop, s.durationMs) - a.start);
      const gap = mean(a.interarrival!);
      pods += span === 0 ? 0 : Math.min(a.limit, gap > 0 ? span / gap + 10 : Infinity);
    }
  }
  if (!(pods <= BUDGET.pods)) return `about ${pods} pods`;
  const samples = s.durationMs / s.metricsIntervalMs;
  if (!(samples <= BUDGET.samples)) return `${samples} metric samples`;
  return null;
}

/** The scenario as run would load it, or null if it does not load. */
function load(file: string, args: string[]): Scenario | null {
  const set = args.flatMap((a, i) => (args[i - 1] === '--set' ? [a] : []));
  const seed = args.flatMap((a, i) => (args[i - 1] === '--seed' ? [a] : []));
  try {
    return loadScenario(file, { set, ...(seed.length ? { seed: seed.length === 1 ? seed[0] : seed } : {}) });
  } catch {
    return null;
  }
}

/** validate, then run (when validate accepts, or always with runInvalid), checking the promise at each step. */
async function exercise(dir: string, opts: { args?: string[]; runInvalid?: boolean; rerun?: boolean } = {}): Promise<Outcome> {
  const file = join(dir, SCENARIO);
  const args = opts.args ?? [];
  const problems: Problem[] = [];
  const outcome: Outcome = { validate: 'threw', run: 'not run', problems };
  const v = await call(['validate', file, ...args]);
  if (checkExit('validate', v, problems)) {
    outcome.validate = v.status!;
    if (v.status === 2) checkError('validate', v, dir, problems);
    if (v.status === 0) {
      const stray = v.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('warning: '));
      if (stray.length) problems.push({ stage: 'validate', kind: 'stderr-on-success', detail: stray.slice(0, 3).join('\n') });
    }
  }
  if (outcome.validate !== 0 && !opts.runInvalid) return outcome;
  // What run would simulate, to keep it within BUDGET.
  const loaded = load(file, args);
  const over = loaded && costOver(loaded);
  if (over) {
    outcome.tooBig = over;
    return outcome;
  }
  const out = join(dir, 'out');
  const r = await call(['run', file, '--out', out, '--quiet', ...args]);
  if (checkExit('run', r, problems)) {
    outcome.run = r.status!;
    if (r.status === 2) {
      checkError('run', r, dir, problems);
      if (leftovers(dir).length) problems.push({ stage: 'run', kind: 'left-behind', detail: leftovers(dir).join(', ') });
    } else if (r.status === 0) {
      if (r.stdout !== '' || r.stderr !== '') problems.push({ stage: 'run', kind: 'not-quiet', detail: firstLines(r.stdout + r.stderr) });
      const tmp = leftovers(dir).filter((f) => f !== 'out');
      if (tmp.length) problems.push({ stage: 'run', kind: 'left-behind', detail: tmp.join(', ') });
      checkResults(out, loaded ? loaded.durationMs / 1000 : undefined, problems);
      // The same run in this process with the model's invariants checked along the way.
      if (loaded)
        try {
          runChecked(loaded, {}, 200);
        } catch (e) {
          problems.push({ stage: 'run', kind: 'invariant', detail: firstLines(String((e as Error).message)) });
        }
      if (opts.rerun) {
        const again = await call(['run', file, '--out', join(dir, 'again'), '--quiet', ...args]);
        if (checkExit('rerun', again, problems)) {
          if (again.status !== 0) problems.push({ stage: 'rerun', kind: 'not-deterministic', detail: `exit ${again.status}` });
          else
            for (const f of RUN_FILES) {
              const b = join(dir, 'again', f);
              if (!existsSync(b) || !readFileSync(join(out, f)).equals(readFileSync(b)))
                problems.push({ stage: 'rerun', kind: 'not-deterministic', detail: f });
            }
        }
      }
    }
  }
  // validate says valid <=> run does not exit 2.
  if (typeof outcome.validate === 'number' && typeof outcome.run === 'number' && (outcome.validate === 0) !== (outcome.run !== 2))
    problems.push({ stage: 'agree', kind: 'disagree', detail: `validate exit ${outcome.validate}, run exit ${outcome.run}` });
  return outcome;
}

// ---------------------------------------------------------------------------------------------------------------
// Failure classes the fuzz found, now fixed: each reproducer must pass (no problem at all). A new class found
// later may be added here with \`tolerated: true\` while it is open, so the fuzz cases stay green.

interface Known {
  /** What is wrong, in a line. */
  what: string;
  /** The problems this entry explains. */
  match: (p: Problem) => boolean;
  /** A minimal scenario (SCENARIO and any files beside it) showing it. */
  files: Files;
  /** Still open: the fuzz cases tolerate it and its reproducer is expected to fail. */
  tolerated?: boolean;
}

const POOL = 'cluster:\n  nodePools: [{name: p, count: 1, allocatable: {cpu: "1", memory: 1Gi}}]\n';

const KNOWN: Record<string, Known> = {
  'message-line-break': {
    what: 'a line break in a quoted name or value splits the error into several lines',
    match: (p) => p.kind === 'not-one-line' && p.detail.startsWith('error: '),
    files: { [SCENARIO]: `${POOL}  scheduler: {profile: "a\\nb"}\nworkloads: [{objects: []}]\n` },
  },
  'message-control-char': {
    what: 'control characters (CR, ESC, BEL, DEL, NEL, U+2028) in a quoted key or value reach stderr unescaped',
    match: (p) => p.kind === 'control-char',
    files: { [SCENARIO]: `${POOL}  scheduler: {profile: "\\e[2J\\rdefault"}\nworkloads: [{objects: []}]\n` },
  },
  'empirical-file-empty': {
    what: 'an empirical distribution read from a CSV column with no values is accepted; its draws are NaN in pods.csv and nodes.csv',
    match: (p) =>
      (p.kind === 'not-a-number' && /memory_request_bytes=""|_requested_bytes="NaN"|value=""/.test(p.detail)) ||
      (p.kind === 'overcommit' && p.detail.includes('NaN')),
    files: {
      [SCENARIO]: `duration: 1m\n${POOL}workloads:\n  - batch:\n      name: b\n      arrivals: {interarrival: 10s}\n      count: 1\n      requests: {memory: {empirical: {file: m.csv, column: memory}}}\n      duration: 1m\n`,
      'm.csv': 'memory\n',
    },
  },
  'sweep-validate-only': {
    what: 'validate refuses a wrong sweep block (an unknown baseline cell) that run ignores: validate exits 2, run exits 0',
    match: (p) => p.kind === 'disagree' && p.detail === 'validate exit 2, run exit 0',
    files: { [SCENARIO]: `${POOL}workloads: [{objects: []}]\nsweep: {grid: {scheduler.profile: [default]}, baseline: nope}\n` },
  },
  'duplicate-pod-name': {
    what: "a Pod named like a StatefulSet's pod (db-0) runs alongside it: two pods of one name in one namespace",
    match: (p) => p.kind === 'duplicate-pod',
    files: {
      [SCENARIO]: `duration: 1m\n${POOL}workloads:\n  - objects:\n      - apiVersion: apps/v1\n        kind: StatefulSet\n        metadata: {name: db}\n        spec:\n          selector: {matchLabels: {app: db}}\n          template:\n            metadata: {labels: {app: db}}\n            spec: {containers: [{name: c, image: postgres}]}\n      - apiVersion: v1\n        kind: Pod\n        metadata: {name: db-0}\n        spec: {containers: [{name: c, image: busybox}]}\n`,
    },
  },
};

const knownFor = (p: Problem) => Object.entries(KNOWN).find(([, k]) => k.tolerated && k.match(p))?.[0];

// ---------------------------------------------------------------------------------------------------------------

const CASES = generate();
const seen = { cases: 0, ran: 0, refused: 0, tooBig: [] as string[] };
let root = '';
let rerunsLeft = DETERMINISM_RUNS;

beforeAll(() => {
  if (!existsSync('scenarios/default.yaml')) throw new Error(`run the tests from the repository root (cwd is ${process.cwd()})`);
  root = mkdtempSync(join(tmpdir(), 'kubesim-fuzz-'));
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('fuzz: mutated scenarios keep the bad-input promise', () => {
  it('every base scenario, unmutated, is valid and runs deterministically', async () => {
    for (const b of BASES) {
      const dir = join(root, `base-${b.name}`);
      writeFiles(dir, b.files);
      const o = await exercise(dir, { rerun: true });
      expect(o.problems, b.name).toEqual([]);
      expect([o.validate, o.run, o.tooBig], b.name).toEqual([0, 0, undefined]);
    }
  });

  for (const c of CASES) {
    it(`${c.id} ${c.base}: ${c.what.join('; ')}`, async () => {
      const dir = join(root, c.id);
      writeFiles(dir, c.files);
      const rerun = rerunsLeft > 0;
      const o = await exercise(dir, { args: c.args, runInvalid: c.runInvalid, rerun });
      seen.cases++;
      if (o.validate === 2) seen.refused++;
      if (o.tooBig) seen.tooBig.push(`${c.id}: ${o.tooBig}`);
      if (o.run === 0) {
        seen.ran++;
        if (rerun) rerunsLeft--;
      }
      expect(o.problems.filter((p) => !knownFor(p))).toEqual([]);
      rmSync(dir, { recursive: true, force: true });
    });
  }

  it('made both valid and refused cases, few of them too big to run', () => {
    expect(seen.cases).toBe(CASE_COUNT);
    expect(seen.ran).toBeGreaterThanOrEqual(CASE_COUNT * 0.15);
    expect(seen.refused).toBeGreaterThanOrEqual(CASE_COUNT * 0.3);
    expect(seen.tooBig.length).toBeLessThanOrEqual(CASE_COUNT * 0.05);
    expect(rerunsLeft).toBe(0);
  });
});

describe('failure classes the fuzz found stay fixed (open ones, marked tolerated, are expected to fail)', () => {
  for (const [id, k] of Object.entries(KNOWN)) {
    (k.tolerated ? it.fails : it)(`${id}: ${k.what}`, async () => {
      const dir = join(root, `known-${id}`);
      writeFiles(dir, k.files);
      const o = await exercise(dir, { runInvalid: true });
      expect(o.problems).toEqual([]);
    });
  }
});

// ---------------------------------------------------------------------------------------------------------------
// Ceilings: sizes no run here could finish. validate must refuse each in well under a second of CPU (it reads
// the scenario; it does not simulate it), and `run` is never tried, so a case validate accepts cannot hang the
// suite (scenario/limits.ts).

/** A base with some fields set (dotted paths, list items by index; null deletes the field). */
function ceiling(base: string, set: Record<string, unknown>): Files {
  const b = BASES.find((x) => x.name === base)!;
  const doc = parseDocument(b.files[SCENARIO]!);
  for (const [path, value] of Object.entries(set)) {
    const p = path.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    if (value === null) doc.deleteIn(p);
    else doc.setIn(p, value);
  }
  return { ...b.files, [SCENARIO]: doc.toString() };
}

const CEILINGS: Record<string, Files> = {
  'replicas 1e7': ceiling('objects', { 'workloads.0.objects.1.spec.replicas': 10_000_000 }),
  'node count 1e9': ceiling('default', { 'cluster.nodePools.0.count': 1_000_000_000 }),
  'DaemonSet on 1e6 nodes': ceiling('objects', { 'cluster.nodePools.0.count': 1_000_000 }),
  'Job completions 1e8': ceiling('objects', { 'workloads.1.objects.0.spec.completions': 100_000_000 }),
  'interarrival 0s without count': ceiling('streams', {
    'workloads.0.batch.arrivals': { interarrival: '0s' },
    'workloads.0.batch.count': null,
  }),
  'interarrival uniform 0s..0s': ceiling('streams', {
    'workloads.0.batch.arrivals': { interarrival: { uniform: { min: '0s', max: '0s' } } },
    'workloads.0.batch.count': null,
  }),
  'rate 999999999/ms': ceiling('streams', { 'workloads.1.batch.arrivals.poisson.rate': '999999999/ms' }),
  'metrics every 1ms for 7d': ceiling('default', { duration: '7d', 'metrics.interval': '1ms' }),
  'duration 100000000w': ceiling('default', { duration: '100000000w' }),
};

describe('ceilings: validate refuses sizes no run could finish, within a second', () => {
  for (const [name, files] of Object.entries(CEILINGS)) {
    it(name, async () => {
      const dir = join(root, `ceiling-${name.replace(/\W+/g, '-')}`);
      writeFiles(dir, files);
      // CPU time of this process, not wall time: other processes on a loaded machine do not count.
      const started = process.cpuUsage();
      const r = await kubesim(['validate', join(dir, SCENARIO)]);
      const used = process.cpuUsage(started);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^error: [^\n]*\n$/);
      expect((used.user + used.system) / 1000).toBeLessThan(1000);
    });
  }
});
