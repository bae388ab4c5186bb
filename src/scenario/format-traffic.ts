// The scenario format's `rollouts` and `traffic` sections: changes to Deployments at given times, and requests
// sent to Services (entry points and their rates, how pods serve, canaries, the latency objective).
import { obj, prop, type Schema } from './schema.js';
import { duration, int, str, stringMap } from './format-kinds.js';

const probeChange: Schema = { kind: 'object', props: {}, additional: { kind: 'any' } };
export const rolloutStep = obj({
  at: prop(duration, 'when the change is applied, e.g. 15h', { required: true }),
  deployment: prop(str(), 'the Deployment to change, by name', { required: true }),
  namespace: prop(str(), "the Deployment's namespace", { default: 'default' }),
  container: prop(str(), 'the container that `set` changes (default: the only one)'),
  set: prop(
    obj({
      image: prop(str(), 'new image, as kubectl set image'),
      requests: prop(stringMap, 'resource requests to set, e.g. {cpu: 200m}, as kubectl set resources'),
      limits: prop(stringMap, 'resource limits to set'),
      readinessProbe: prop(probeChange, 'fields of the readiness probe to change (merged)'),
      livenessProbe: prop(probeChange, 'fields of the liveness probe to change (merged)'),
      startupProbe: prop(probeChange, 'fields of the startup probe to change (merged)'),
    }),
    "change the pod template's container: a rollout",
  ),
  patch: prop(
    { kind: 'object', props: {}, additional: { kind: 'any' } },
    'a JSON merge patch of the Deployment, as kubectl patch --type merge',
  ),
  scale: prop(int(0), 'new spec.replicas, as kubectl scale'),
  pause: prop({ kind: 'boolean' }, 'true: kubectl rollout pause'),
  resume: prop({ kind: 'boolean' }, 'true: kubectl rollout resume'),
  undo: prop({ kind: 'boolean' }, 'true: kubectl rollout undo (back to the previous revision)'),
  restart: prop({ kind: 'boolean' }, 'true: kubectl rollout restart (new pods of the same template)'),
});

const serving = obj({
  serviceTime: prop({ kind: 'distribution', unit: 'duration' }, "a pod's own work per request, e.g. {exponential: {mean: 20ms}}", {
    default: { exponential: { mean: '10ms' } },
  }),
  concurrency: prop(int(1), 'requests a pod serves at once (default: CPU request / cpuPerRequest, or 1)'),
  cpuPerRequest: prop({ kind: 'quantity', unit: 'cpu' }, 'CPU one request in service uses, e.g. 100m'),
  queueLimit: prop(int(0), 'requests a pod holds waiting; more are dropped', { default: 1000 }),
  timeout: prop(duration, 'the caller gives up after this', { default: '10s' }),
  calls: prop({ kind: 'array', items: str() }, 'Services called (all at once) after its own work', { default: [] }),
  errorRate: prop({ kind: 'number', min: 0, max: 1 }, 'share of requests answered with an error (HTTP 5xx)', { default: 0 }),
});
const canaryStep = obj({
  setWeight: prop(int(0, 100), "the canary's percent of the requests from now on"),
  pause: prop(duration, 'wait this long before the next step'),
});
const canary = obj({
  entrypoint: prop(str(), 'the entry point whose requests are split (its name or Service)', { required: true }),
  canary: prop(str(), 'the Service of the canary pods', { required: true }),
  start: prop(duration, 'when the first step is taken', { default: '0s' }),
  steps: prop({ kind: 'array', items: canaryStep, minItems: 1 }, 'setWeight and pause steps, in order', { required: true }),
  abort: prop(
    obj({
      errorRate: prop({ kind: 'number', min: 0, max: 1 }, "abort when the canary's share of failed requests is above this"),
      latencyP99: prop(duration, "abort when the canary's p99 latency is above this"),
      window: prop(duration, 'the window both are measured over, checked at its end', { default: '1m' }),
      minRequests: prop(int(0), 'no verdict on fewer requests than this in a window', { default: 20 }),
    }),
    'send everything back to the stable Service when the canary does badly',
  ),
});
const entrypoint = obj({
  name: prop(str(), 'the name in outputs (default: its Service)'),
  service: prop(str(), 'the Service requests enter at (or backends)'),
  backends: prop(
    {
      kind: 'array',
      items: obj({
        service: prop(str(), 'a Service', { required: true }),
        weight: prop({ kind: 'number', min: 0, max: 100 }, 'percent of the requests', { required: true }),
      }),
      minItems: 1,
    },
    'Services that each get a share of the requests by weight (an Ingress or HTTPRoute with weighted backends); the weights add up to 100',
  ),
  namespace: prop(str(), "the Service's namespace", { default: 'default' }),
  rate: prop(
    { kind: 'any' },
    'requests per second: 200, "12000/m", {diurnal: {mean, peak, peakAt}}, {steps: [{at, rate}]}, {spikes: {base, spikes: [{at, for, factor}]}} or {csv: {file}}',
    { required: true },
  ),
  arrivals: prop({ kind: 'string', enum: ['poisson', 'uniform'] }, 'Poisson arrivals at the rate, or evenly spaced', {
    default: 'poisson',
  }),
  start: prop(duration, 'no requests before this (e.g. once the pods are up)', { default: '0s' }),
});
export const traffic = obj({
  mode: prop(
    { kind: 'string', enum: ['requests', 'fluid'] },
    'requests: every request simulated (exact); fluid: expected counts per interval (fast, for long runs at high rates)',
    { default: 'requests' },
  ),
  interval: prop(duration, 'fluid mode: the length of one step', { default: '1s' }),
  loadBalancing: prop(
    { kind: 'string', enum: ['random', 'round-robin', 'least-connection'] },
    "kube-proxy's choice of endpoint: random (iptables mode), round-robin or least-connection (IPVS rr, lc)",
    { default: 'random' },
  ),
  endpointDelay: prop(duration, 'time for a change of endpoints (a pod Ready, or terminating) to reach kube-proxy', { default: '1s' }),
  entrypoints: prop({ kind: 'array', items: entrypoint, minItems: 1 }, 'where requests enter, with their rate', { required: true }),
  services: prop({ kind: 'object', props: {}, additional: serving }, 'how the pods of each Service serve requests, by Service name', {
    default: {},
  }),
  canaries: prop({ kind: 'array', items: canary }, 'canary releases: weights stepped from a stable to a canary Service', { default: [] }),
  slo: prop(
    obj({
      latency: prop(duration, 'a request slower than this misses the objective', { default: '300ms' }),
      target: prop({ kind: 'number', min: 0, max: 1 }, 'share of requests that must answer in time', { default: 0.999 }),
    }),
    'the latency objective (slo_burn_rate in summary.csv)',
    { default: {} },
  ),
});
