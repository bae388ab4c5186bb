// The scenario file format, as one schema (docs/SCENARIO.md explains it with examples); the rollouts and traffic
// sections are in format-traffic.ts.
import { obj, prop, type Schema } from './schema.js';
import { duration, int, str, stringMap } from './format-kinds.js';
import { rolloutStep, traffic } from './format-traffic.js';

const taint = obj({
  key: prop(str(), 'taint key', { required: true }),
  value: prop(str(), 'taint value', { default: '' }),
  effect: prop({ kind: 'string', enum: ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] }, 'taint effect', { required: true }),
});

const toleration = obj({
  key: prop(str(), 'taint key to tolerate ("" with Exists tolerates all)', { default: '' }),
  operator: prop({ kind: 'string', enum: ['Equal', 'Exists'] }, 'Equal or Exists', { default: 'Equal' }),
  value: prop(str(), 'taint value for Equal', { default: '' }),
  effect: prop({ kind: 'string', enum: ['', 'NoSchedule', 'PreferNoSchedule', 'NoExecute'] }, 'effect to tolerate ("" = all)', {
    default: '',
  }),
});

const nodePool = obj({
  name: prop(str(), 'pool name, unique; nodes are named <pool>-<n>', { required: true }),
  instanceType: prop(str(), 'instance type, set as node.kubernetes.io/instance-type', { default: 'generic' }),
  zones: prop({ kind: 'array', items: str(), minItems: 1 }, 'zones the nodes are spread over evenly', { default: ['zone-a'] }),
  count: prop(int(0), 'number of nodes (at the start, for a pool the cluster autoscaler manages; default minCount)'),
  minCount: prop(int(0), 'cluster autoscaler: the fewest nodes the pool may have (default 0)'),
  maxCount: prop(int(0), 'cluster autoscaler: the most nodes the pool may have; a pool with maxCount is autoscaled'),
  allocatable: prop(
    obj(
      {
        cpu: prop({ kind: 'quantity', unit: 'cpu' }, 'allocatable CPU, e.g. 7910m', { required: true }),
        memory: prop({ kind: 'quantity', unit: 'bytes' }, 'allocatable memory, e.g. 29Gi', { required: true }),
        pods: prop(int(1), 'maximum pods (kubelet maxPods default 110)', { default: 110 }),
        'ephemeral-storage': prop({ kind: 'quantity', unit: 'bytes' }, 'allocatable ephemeral storage', { default: '100Gi' }),
      },
      'allocatable resources per node; extended resources (nvidia.com/gpu) may be added',
      { kind: 'quantity', unit: 'bytes' },
    ),
    'allocatable resources per node',
    { required: true },
  ),
  pricePerHour: prop({ kind: 'number', min: 0, max: 1e6 }, 'price of one node per hour (at most 1,000,000)', { default: 0 }),
  imagePullBandwidth: prop(
    { kind: 'quantity', unit: 'bytes' },
    'bytes per second a node of the pool pulls images at, e.g. 50Mi; without it pulls take no time',
  ),
  labels: prop(stringMap, 'extra node labels', { default: {} }),
  taints: prop({ kind: 'array', items: taint }, 'node taints', { default: [] }),
  failures: prop(
    obj({
      timeToFailure: prop({ kind: 'distribution', unit: 'duration' }, 'time a node runs before it fails, e.g. {exponential: {mean: 30d}}', {
        required: true,
      }),
      timeToRepair: prop(
        { kind: 'distribution', unit: 'duration' },
        'time a failed node takes to come back, e.g. {lognormal: {median: 2h, p90: 8h}}',
        {
          required: true,
        },
      ),
    }),
    'random failures of each node of the pool: down (containers die, heartbeats stop), then repaired',
  ),
  spot: prop(
    obj({
      interruptions: prop(
        { kind: 'distribution', unit: 'duration' },
        "time from a node's start to the interruption notice, e.g. {exponential: {mean: 20h}}",
        { required: true },
      ),
      notice: prop(duration, 'warning before the machine is reclaimed (AWS 2m, GCP 30s)', { default: '2m' }),
      replacement: prop(
        { kind: 'distribution', unit: 'duration' },
        "without the cluster autoscaler: time until the instance group's replacement node is Ready",
        { default: { lognormal: { median: '90s', p90: '150s' } } },
      ),
    }),
    'spot / preemptible capacity: nodes are reclaimed after a random time, with notice',
  ),
});

const pluginSet = obj({
  enabled: prop(
    { kind: 'array', items: obj({ name: prop(str(), 'plugin name', { required: true }), weight: prop(int(0, 100), 'score weight') }) },
    'plugins to add',
    { default: [] },
  ),
  disabled: prop(
    { kind: 'array', items: obj({ name: prop(str(), 'plugin name, or * for all', { required: true }) }) },
    'plugins to remove',
    { default: [] },
  ),
});

const profile = obj({
  name: prop(str(), 'profile name; pods select it with spec.schedulerName, or the scheduler uses it by cluster.scheduler.profile', {
    required: true,
  }),
  base: prop(str(), 'built-in profile to start from', { default: 'default' }),
  plugins: prop(
    obj({
      filter: prop(pluginSet, 'filter plugins'),
      score: prop(pluginSet, 'score plugins'),
      multiPoint: prop(pluginSet, 'plugins at every point'),
    }),
    'plugin changes, as in KubeSchedulerConfiguration',
    { default: {} },
  ),
  pluginConfig: prop(
    {
      kind: 'array',
      items: obj({
        name: prop(str(), 'plugin name', { required: true }),
        args: prop({ kind: 'any' }, 'plugin args, as in KubeSchedulerConfiguration', { default: {} }),
      }),
    },
    'plugin arguments',
    { default: [] },
  ),
  percentageOfNodesToScore: prop(int(0, 100), 'overrides the scheduler-wide setting for this profile'),
});

const requests = obj(
  {
    cpu: prop({ kind: 'distribution', unit: 'cpu' }, 'CPU request (a quantity or a distribution of quantities)'),
    memory: prop({ kind: 'distribution', unit: 'bytes' }, 'memory request'),
  },
  'requests of each pod; extended resources may be added',
  { kind: 'distribution', unit: 'bytes' },
);

const batch = obj({
  name: prop(str(), 'stream name, unique among workloads', { required: true }),
  arrivals: prop(
    obj({
      poisson: prop(
        obj({ rate: prop({ kind: 'rate' }, 'mean arrivals per unit of time, e.g. 2/m', { required: true }) }),
        'a Poisson process',
      ),
      interarrival: prop({ kind: 'distribution', unit: 'duration' }, 'any inter-arrival time distribution'),
    }),
    'arrival process: poisson or interarrival',
    { required: true },
  ),
  requests: prop(requests, 'resource requests of each pod', { required: true }),
  duration: prop({ kind: 'distribution', unit: 'duration' }, 'how long each pod runs once started', { required: true }),
  start: prop(duration, 'first possible arrival', { default: '0s' }),
  stop: prop(duration, 'no arrivals after this time (default: the end of the run)'),
  count: prop(int(1), 'stop after this many pods'),
  priority: prop(int(), 'pod priority (or use priorityClassName)'),
  priorityClassName: prop(str(), 'a PriorityClass from the manifests, or system-cluster-critical / system-node-critical'),
  namespace: prop(str(), 'namespace of the pods', { default: 'default' }),
  labels: prop(stringMap, 'pod labels', { default: {} }),
  nodeSelector: prop(stringMap, 'pod nodeSelector', { default: {} }),
  tolerations: prop({ kind: 'array', items: toleration }, 'pod tolerations', { default: [] }),
});

const trace = obj({
  name: prop(str(), 'stream name', { required: true }),
  file: prop(str(), 'trace file, relative to the scenario (.csv or .csv.gz)', { required: true }),
  format: prop(
    { kind: 'string', enum: ['simple', 'google-task-events'] },
    'simple: time_s,cpu,memory,duration_s[,priority] with a header; google-task-events: the 2011 Google cluster trace task_events table',
    { default: 'simple' },
  ),
  cpuPerUnit: prop(
    { kind: 'quantity', unit: 'cpu' },
    'google-task-events: CPU of a request of 1.0 (the trace normalises to its largest machine)',
    { default: '32' },
  ),
  memoryPerUnit: prop({ kind: 'quantity', unit: 'bytes' }, 'google-task-events: memory of a request of 1.0', { default: '128Gi' }),
  limit: prop(int(1), 'replay at most this many tasks'),
  namespace: prop(str(), 'namespace of the pods', { default: 'default' }),
  priorities: prop(
    { kind: 'object', props: {}, additional: str('a PriorityClass from the manifests, or system-cluster-critical / system-node-critical') },
    'trace priority (e.g. 9) or inclusive range (e.g. "9-11") -> PriorityClass name; pods of unmapped priorities get what a pod without priorityClassName gets (0, or the globalDefault class)',
  ),
});

const workload = obj({
  manifests: prop({ kind: 'stringOrList' }, 'Kubernetes manifest file(s), relative to the scenario, as kubectl apply -f takes them'),
  objects: prop({ kind: 'array', items: { kind: 'any' } }, 'Kubernetes objects written inline'),
  batch: prop(batch, 'synthetic pod arrivals'),
  trace: prop(trace, 'replay of a task trace'),
  at: prop(duration, 'when the manifests are applied', { default: '0s' }),
  runTime: prop(
    { kind: 'distribution', unit: 'duration' },
    "how long each container run of the entry's pods lasts before it exits (Job pods: default 1m; others run until deleted); restartPolicy Always restarts it, with CrashLoopBackOff",
  ),
  warmUp: prop(
    { kind: 'distribution', unit: 'duration' },
    "how long each container of the entry's pods takes to answer its probes after it starts (one draw per start; default 0): startup, readiness and liveness probes fail until then",
  ),
  exitCode: prop(
    int(0, 255),
    'the exit code when a run ends (default 0; non-zero fails restartPolicy Never pods and restarts OnFailure ones)',
    { default: 0 },
  ),
  initRunTime: prop(
    { kind: 'distribution', unit: 'duration' },
    "how long each run of a regular init container of the entry's pods lasts (one draw per run; default 1s)",
  ),
  initRunTimeByName: prop(
    { kind: 'object', props: {}, additional: { kind: 'distribution', unit: 'duration' } },
    'run times of particular init containers, by name, e.g. {migrate: 30s, wait-for-db: {uniform: {min: 2s, max: 10s}}}; the others take initRunTime',
  ),
  initExitCode: prop(
    int(0, 255),
    'the exit code of each init container run (default 0; non-zero restarts it with CrashLoopBackOff, or fails a restartPolicy Never pod)',
  ),
  preStop: prop(
    { kind: 'distribution', unit: 'duration' },
    'how long a preStop hook that is not a sleep (httpGet, tcpSocket, an exec other than `sleep N`) takes (one draw per termination; default 0s)',
  ),
  shutdown: prop(
    { kind: 'distribution', unit: 'duration' },
    "how long the entry's containers take to exit after SIGTERM (one draw per termination); without it they run until SIGKILL at the end of the grace period",
  ),
  cpuLoad: prop(
    { kind: 'any' },
    'the total CPU the entry\'s Deployments and StatefulSets use, spread over their running pods (what an HPA sees): "3" or 2500m, or {steps: [{at: 0s, cpu: 500m}, {at: 10m, cpu: "3"}]}',
  ),
});

/** Which nodes a fault hits: a zone, a pool, or one node; `count` picks that many of them at random. */
const faultTarget = {
  zone: prop(str(), 'every node of this zone'),
  pool: prop(str(), 'every node of this pool'),
  node: prop(str(), 'this node, e.g. general-3'),
  count: prop(int(1), 'only this many of the selected nodes, drawn at random'),
  at: prop(duration, 'when the fault begins', { required: true }),
  for: prop(duration, 'how long it lasts (default: to the end of the run)'),
};

const fault = obj({
  nodeFailure: prop(obj(faultTarget), 'the machines go down: containers die, heartbeats stop; on repair the node restarts'),
  zoneOutage: prop(obj(faultTarget), 'a zone goes down: every machine in it, as nodeFailure (give zone)'),
  networkPartition: prop(obj(faultTarget), 'the nodes lose the control plane: heartbeats stop, containers keep running'),
  kubeletStop: prop(obj(faultTarget), 'the kubelet stops: heartbeats stop, containers keep running, nothing is started or stopped'),
  machineEvents: prop(
    obj({
      file: prop(str(), 'a Google cluster trace 2011 machine_events table (.csv or .csv.gz), relative to the scenario', { required: true }),
      pool: prop(str(), 'the pool whose nodes the trace machines take, in order of first appearance', { required: true }),
      start: prop(duration, 'the trace time that becomes time 0 of the run (the trace window starts at 600 s)', { default: '600s' }),
    }),
    'replay of machine removals (node down) and additions (node back) from a trace',
  ),
  drain: prop(
    obj(faultTarget),
    "planned maintenance: kubectl drain one node at a time through the eviction API (PodDisruptionBudgets hold it back); `for` is each node's downtime once drained, after which it is uncordoned (without it, drained nodes stay cordoned)",
  ),
});

const durationOf = (desc: string, def: string) => prop(duration, desc, { default: def });
const clusterAutoscaler = obj({
  kind: prop(
    { kind: 'string', enum: ['cluster-autoscaler', 'karpenter'] },
    'cluster-autoscaler (node groups, expanders) or karpenter (cheapest fitting instance type per new node, consolidation)',
    { default: 'cluster-autoscaler' },
  ),
  consolidationPolicy: prop(
    { kind: 'string', enum: ['WhenEmptyOrUnderutilized', 'WhenEmpty'] },
    'karpenter: which nodes consolidation may remove or replace',
    { default: 'WhenEmptyOrUnderutilized' },
  ),
  consolidateAfter: durationOf('karpenter: how long a node must see no pod arrive or leave before consolidation', '0s'),
  disruptionBudget: prop(
    { kind: 'number', min: 0, max: 1 },
    'karpenter: the share of its nodes being disrupted at once (NodePool budget nodes: 10%)',
    { default: 0.1 },
  ),
  expander: prop(
    str(),
    'which node pool grows: random, most-pods, least-waste, least-nodes, price, priority, or a comma-separated chain (--expander)',
    { default: 'least-waste' },
  ),
  priorities: prop(
    { kind: 'object', props: {}, additional: { kind: 'array', items: str() } },
    'the priority expander: priority -> regular expressions over pool names, e.g. {10: [".*"], 50: ["spot-.*"]}',
  ),
  scanInterval: durationOf('how often the autoscaler looks (--scan-interval)', '10s'),
  provisioningTime: prop(
    { kind: 'distribution', unit: 'duration' },
    'time from a scale-up to the new node Ready (boot, kubelet join, Ready), drawn per node',
    { default: { lognormal: { median: '90s', p90: '150s' } } },
  ),
  maxNodeProvisionTime: durationOf('a node not Ready by then counts as a failed scale-up (--max-node-provision-time)', '15m'),
  maxNodesTotal: prop(int(0), 'the most nodes in the cluster, 0 = no limit (--max-nodes-total)', { default: 0 }),
  maxNodesPerScaleUp: prop(int(1), 'the most nodes one scale-up adds (--max-nodes-per-scaleup)', { default: 1000 }),
  scaleDownEnabled: prop({ kind: 'boolean' }, 'remove unneeded nodes (--scale-down-enabled)', { default: true }),
  scaleDownUtilizationThreshold: prop(
    { kind: 'number', min: 0, max: 1 },
    'a node whose requested cpu and memory are both below this share is a scale-down candidate',
    { default: 0.5 },
  ),
  scaleDownGpuUtilizationThreshold: prop({ kind: 'number', min: 0, max: 1 }, 'the same for GPU nodes, on GPU', { default: 0.5 }),
  scaleDownUnneededTime: durationOf('how long a node must be unneeded before it is removed (--scale-down-unneeded-time)', '10m'),
  scaleDownUnreadyTime: durationOf('the same for a node that is not Ready (--scale-down-unready-time)', '20m'),
  scaleDownDelayAfterAdd: durationOf('no scale-down for this long after a scale-up (--scale-down-delay-after-add)', '10m'),
  scaleDownDelayAfterDelete: durationOf('no scale-down for this long after a node deletion (--scale-down-delay-after-delete)', '0s'),
  scaleDownDelayAfterFailure: durationOf('no scale-down for this long after a failed one (--scale-down-delay-after-failure)', '3m'),
  unremovableNodeRecheckTimeout: durationOf(
    'a node whose pods could not all move is not considered for removal again before this (--unremovable-node-recheck-timeout)',
    '5m',
  ),
  maxGracefulTerminationSec: prop(int(0), 'the most grace a pod gets when its node is drained', { default: 600 }),
  maxPodEvictionTime: durationOf('how long a refused eviction is retried before the scale-down fails', '2m'),
  maxScaleDownParallelism: prop(int(1), 'nodes being deleted at once (--max-scale-down-parallelism)', { default: 10 }),
  maxDrainParallelism: prop(int(1), 'non-empty nodes being drained at once (--max-drain-parallelism)', { default: 1 }),
  skipNodesWithSystemPods: prop({ kind: 'boolean' }, 'kube-system pods without a PDB keep their node', { default: true }),
  skipNodesWithLocalStorage: prop({ kind: 'boolean' }, 'pods with emptyDir or hostPath volumes keep their node', { default: true }),
  skipNodesWithCustomControllerPods: prop({ kind: 'boolean' }, 'pods of unknown controllers keep their node', { default: true }),
  ignoreDaemonSetsUtilization: prop({ kind: 'boolean' }, "leave DaemonSet pods out of a node's utilization", { default: false }),
  expendablePodsPriorityCutoff: prop(int(), 'pods of lower priority neither trigger scale-up nor keep a node', { default: -10 }),
});

export const SCENARIO_SCHEMA: Schema = obj({
  name: prop(str(), 'scenario name (default: the file name)'),
  seed: prop(int(0), 'random seed; every random stream derives from (seed, stream name)', { default: 1 }),
  duration: prop(duration, 'virtual time to simulate, e.g. 90s, 15m, 24h, 7d', { default: '1h' }),
  metrics: prop(obj({ interval: prop(duration, 'sampling interval of timeseries.csv', { default: '10s' }) }), 'metrics settings', {
    default: {},
  }),
  cluster: prop(
    obj({
      nodePools: prop({ kind: 'array', items: nodePool, minItems: 1 }, 'node pools', { required: true }),
      scheduler: prop(
        obj({
          profile: prop(
            str(),
            'scheduling profile: default, least-allocated, most-allocated, requested-to-capacity-ratio, balanced, first-fit, best-fit, worst-fit, random, or a name from profiles',
            { default: 'default' },
          ),
          percentageOfNodesToScore: prop(int(0, 100), "0 = Kubernetes' adaptive default", { default: 0 }),
          latency: prop({ kind: 'distribution', unit: 'duration' }, 'virtual time one scheduling attempt takes', { default: '20ms' }),
          popFromBackoffQ: prop({ kind: 'boolean' }, 'SchedulerPopFromBackoffQ feature (on by default since v1.33)', { default: true }),
          profiles: prop({ kind: 'array', items: profile }, 'user-defined profiles', { default: [] }),
        }),
        'kube-scheduler settings',
        { default: {} },
      ),
      podStartup: prop({ kind: 'distribution', unit: 'duration' }, 'time from binding to Running', { default: '1s' }),
      imageSize: prop({ kind: 'quantity', unit: 'bytes' }, 'size assumed for every container image (ImageLocality)', { default: '200Mi' }),
      imageSizes: prop(
        { kind: 'object', props: {}, additional: { kind: 'quantity', unit: 'bytes' } },
        'sizes of particular images, e.g. {"registry.example.com/shop/frontend:v1.4.0": 350Mi}; others are imageSize',
        { default: {} },
      ),
      serializeImagePulls: prop({ kind: 'boolean' }, 'the kubelet pulls one image at a time per node (its default)', { default: true }),
      autoscaler: prop(clusterAutoscaler, 'the cluster autoscaler (absent: off); pools with maxCount are its node groups'),
    }),
    'the cluster',
    { required: true },
  ),
  workloads: prop({ kind: 'array', items: workload, minItems: 1 }, 'what runs on the cluster', { required: true }),
  externalMetrics: prop(
    { kind: 'object', props: {}, additional: { kind: 'any' } },
    'metrics for HPAs of type External, by name: a value, or {steps: [{at: 0s, value: 100}, {at: 2h, value: 400}]}',
    { default: {} },
  ),
  traffic: prop(traffic, 'requests sent to Services: entry points with rates, how pods serve them, kube-proxy balancing'),
  faults: prop(
    { kind: 'array', items: fault },
    'faults to inject: nodeFailure, zoneOutage, networkPartition, kubeletStop, drain or machineEvents, one per entry',
    {
      default: [],
    },
  ),
  rollouts: prop(
    { kind: 'array', items: rolloutStep },
    'changes to Deployments at given times: set, patch, scale, pause, resume, undo or restart, one per entry',
    {
      default: [],
    },
  ),
  expect: prop(
    { kind: 'array', items: str() },
    'expectations `kubesim run` checks, e.g. ["pdb_violations == 0", "availability{workload=cartservice} >= 0.999"]',
    { default: [] },
  ),
  sweep: prop(
    obj({
      grid: prop(
        { kind: 'object', props: {}, additional: { kind: 'any' } },
        'field -> list of values or a range "from..to:step", e.g. {scheduler.profile: [default, first-fit], nodePools.general.count: "10..50:10"}',
        { default: {} },
      ),
      seeds: prop(int(1), 'runs per cell, with seeds seed, seed+1, …', { default: 1 }),
      baseline: prop(str(), 'cell (id such as c00, or label such as "profile=default") that differences are taken against'),
      objective: prop(
        obj({
          minimize: prop(str(), 'the summary.csv metric to minimize, e.g. cost', { required: true }),
          constraints: prop(
            { kind: 'array', items: str() },
            'conditions a cell must meet with 95% confidence, e.g. ["latency_p99_ms <= 200", "availability_min >= 0.999"]',
            { default: [] },
          ),
        }),
        'capacity planning: the cheapest cell (lowest mean) whose constraints hold; objective.csv and the sweep name it',
      ),
    }),
    'a sweep for `kubesim sweep`; `kubesim run` ignores it',
  ),
});

/** Sections of the format that later versions run: refused, all at once, with their lines. `[]` stands for every list item. */
export const NOT_YET: string[] = [];
