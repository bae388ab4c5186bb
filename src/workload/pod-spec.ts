// PodSpec -> PodTemplate: effective requests (containers, init and sidecar containers, pod overhead,
// pod-level resources), scheduling constraints, priority. Rules from pkg/api/v1/resource/helpers.go
// (PodRequests) and the API server's defaulting (requests default to limits).
import type {
  ContainerImage,
  PodAffinityTerm,
  PodLifecycle,
  PodTemplate,
  PreStopHook,
  RestartPolicy,
  TopologySpreadConstraint,
} from '../model/pod.js';
import { CPU, isValidResourceName, MEMORY, PODS, ResourceSpace } from '../model/resources.js';
import { QUANTITY_EXPECTED, QuantityError } from '../model/quantity.js';
import { DEFAULT_MEMORY_REQUEST, DEFAULT_MILLI_CPU_REQUEST, DEFAULT_TERMINATION_GRACE_PERIOD_MS, makeTemplate } from '../model/template.js';
import type { LabelSelector, Labels } from '../model/selectors.js';
import { labelSelector, nodeSelectorTerm, toleration } from './selectors-reader.js';
import type { Reader } from './reader.js';
import { setDefaultsProbe, type ContainerProbes, type Probe } from '../controllers/kubelet/rules.js';
import { lifecycle } from './lifecycle-spec.js';

/** core/v1 PodSpec fields (v1.36), for strict field validation. */
export const POD_SPEC_FIELDS = [
  'activeDeadlineSeconds',
  'affinity',
  'automountServiceAccountToken',
  'containers',
  'dnsConfig',
  'dnsPolicy',
  'enableServiceLinks',
  'ephemeralContainers',
  'hostAliases',
  'hostIPC',
  'hostNetwork',
  'hostPID',
  'hostUsers',
  'hostname',
  'hostnameOverride',
  'imagePullSecrets',
  'initContainers',
  'nodeName',
  'nodeSelector',
  'os',
  'overhead',
  'preemptionPolicy',
  'priority',
  'priorityClassName',
  'readinessGates',
  'resourceClaims',
  'resources',
  'restartPolicy',
  'runtimeClassName',
  'schedulerName',
  'schedulingGates',
  'securityContext',
  'serviceAccount',
  'serviceAccountName',
  'setHostnameAsFQDN',
  'shareProcessNamespace',
  'subdomain',
  'terminationGracePeriodSeconds',
  'tolerations',
  'topologySpreadConstraints',
  'volumes',
  'workloadRef',
];
/** core/v1 Container fields (v1.36). */
export const CONTAINER_FIELDS = [
  'args',
  'command',
  'env',
  'envFrom',
  'image',
  'imagePullPolicy',
  'lifecycle',
  'livenessProbe',
  'name',
  'ports',
  'readinessProbe',
  'resizePolicy',
  'resources',
  'restartPolicy',
  'restartPolicyRules',
  'securityContext',
  'startupProbe',
  'stdin',
  'stdinOnce',
  'terminationMessagePath',
  'terminationMessagePolicy',
  'tty',
  'volumeDevices',
  'volumeMounts',
  'workingDir',
];

export interface PodContext {
  space: ResourceSpace;
  namespace: string;
  labels: Labels;
  owner: string;
  /** The owning controller's selector, for system-default topology spreading (null for bare pods). */
  ownerSelector: LabelSelector | null;
  resolvePriority: (r: Reader, className: string) => { value: number; preemptionPolicy: 'PreemptLowerPriority' | 'Never' };
  defaultImageSize: number;
  /** Sizes of particular images (normalised names), in bytes. */
  imageSizes?: ReadonlyMap<string, number>;
  systemDefaultSpread: ((selector: LabelSelector) => TopologySpreadConstraint[]) | null;
  /** The pod template's annotations (only the cluster autoscaler's are kept). */
  annotations?: Labels;
}

/** Reads a resources map (requests or limits) into a vector. */
export function resourceVector(r: Reader | null, space: ResourceSpace): Float64Array {
  const v = space.vector();
  if (!r) return v;
  for (const [name, q] of Object.entries(r.value)) {
    if (!isValidResourceName(name)) {
      throw r.error(
        name,
        `unknown resource name "${name}"; expected cpu, memory, ephemeral-storage, hugepages-<size> or a domain-qualified extended resource such as nvidia.com/gpu`,
      );
    }
    if (typeof q !== 'string' && typeof q !== 'number') throw r.error(name, 'expected a quantity such as "500m" or "1Gi"');
    let n: number;
    try {
      n = ResourceSpace.parse(name, q);
    } catch (e) {
      if (e instanceof QuantityError && e.outOfRange) throw r.error(name, `quantity "${q}" ${e.outOfRange}`);
      if (e instanceof QuantityError)
        throw r.error(name, `malformed quantity "${q}": expected ${QUANTITY_EXPECTED}`, e.hint ? `did you mean ${e.hint}?` : undefined);
      throw e;
    }
    if (n < 0) throw r.error(name, `quantity must not be negative, got "${q}"`);
    v[space.intern(name)] = n;
  }
  return v;
}

interface ContainerResources {
  name: string;
  requests: Float64Array;
  /** Requests with the scheduler's defaults (100m, 200Mi) where the cpu or memory key is absent (scoring only). */
  nonZero: Float64Array;
  limits: Float64Array;
  image: string;
  /** imagePullPolicy as written (absent: the API default, which depends on the tag). */
  pullPolicy: 'Always' | 'IfNotPresent' | 'Never' | undefined;
  sidecar: boolean;
  /** The container's probes with API defaults, or null without any. */
  probes: ContainerProbes | null;
  preStop: PreStopHook | undefined;
}

const PROBE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'];
const PROBE_FIELDS = ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'] as const;

/**
 * A probe as the API server validates it (pkg/apis/core/validation validateProbe, validateHandler): one
 * handler; every number >= 0; liveness and startup probes need successThreshold 1; then SetDefaults_Probe.
 */
function probe(r: Reader | null, type: 'liveness' | 'readiness' | 'startup'): Probe | undefined {
  if (!r) return undefined;
  r.only([...PROBE_HANDLERS, ...PROBE_FIELDS, 'terminationGracePeriodSeconds'], `a ${type} probe`);
  const handlers = PROBE_HANDLERS.filter((h) => r.has(h));
  if (handlers.length === 0) throw r.error(null, 'must specify a handler type (exec, httpGet, tcpSocket or grpc)');
  if (handlers.length > 1) throw r.error(handlers[1]!, `may not specify more than 1 handler type (got ${handlers.join(' and ')})`);
  const p: Record<string, number> = {};
  for (const f of PROBE_FIELDS) {
    if (!r.has(f)) continue;
    const v = r.raw(f);
    if (typeof v !== 'number' || !Number.isSafeInteger(v))
      throw r.error(f, `expected a whole number of ${f.endsWith('Seconds') ? 'seconds' : 'probes'}`);
    if (v < 0) throw r.error(f, `must be greater than or equal to 0, got ${v}`);
    p[f] = v;
  }
  if (type !== 'readiness' && p.successThreshold !== undefined && p.successThreshold !== 1 && p.successThreshold !== 0)
    throw r.error('successThreshold', `must be 1 for a ${type} probe, got ${p.successThreshold}`);
  return setDefaultsProbe(p);
}

function container(c: Reader, space: ResourceSpace, init: boolean, graceSeconds: number): ContainerResources {
  c.only(CONTAINER_FIELDS, init ? 'an init container' : 'a container');
  const name = c.str('name');
  const sidecar = init && c.str('restartPolicy', '') === 'Always';
  // validation.go validateInitContainers: hooks and probes only on sidecars among init containers.
  if (init && !sidecar)
    for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe'])
      if (c.has(f)) throw c.error(f, 'may not be set for init containers without restartPolicy=Always');
  const res = c.obj('resources');
  res?.only(['requests', 'limits', 'claims'], 'container resources');
  const limits = resourceVector(res?.obj('limits') ?? null, space);
  const requests = resourceVector(res?.obj('requests') ?? null, space);
  const explicit = res?.obj('requests')?.value ?? {};
  // API defaulting: a resource with a limit and no request gets the limit as its request.
  for (let i = 0; i < limits.length; i++) {
    if (limits[i]! > 0 && !(space.names[i]! in explicit)) requests[i] = limits[i]!;
    if (limits[i]! > 0 && requests[i]! > limits[i]!) {
      throw c.error('resources', `${space.names[i]} request must be less than or equal to its limit`);
    }
  }
  // pkg/scheduler/util/pod_resources.go: defaults apply per container, only where the key is absent.
  const nonZero = requests.slice();
  if (!('cpu' in explicit) && !(limits[CPU]! > 0)) nonZero[CPU] = DEFAULT_MILLI_CPU_REQUEST;
  if (!('memory' in explicit) && !(limits[MEMORY]! > 0)) nonZero[MEMORY] = DEFAULT_MEMORY_REQUEST;
  const probes: ContainerProbes = {
    ...(c.has('startupProbe') ? { startupProbe: probe(c.obj('startupProbe'), 'startup') } : {}),
    ...(c.has('readinessProbe') ? { readinessProbe: probe(c.obj('readinessProbe'), 'readiness') } : {}),
    ...(c.has('livenessProbe') ? { livenessProbe: probe(c.obj('livenessProbe'), 'liveness') } : {}),
  };
  const life = c.obj('lifecycle');
  return {
    name,
    requests,
    nonZero,
    limits,
    image: imageName(c.str('image', '')),
    pullPolicy: c.has('imagePullPolicy')
      ? c.oneOf('imagePullPolicy', ['Always', 'IfNotPresent', 'Never'] as const, 'IfNotPresent')
      : undefined,
    sidecar,
    probes: Object.keys(probes).length > 0 ? probes : null,
    preStop: life ? lifecycle(life, graceSeconds) : undefined,
  };
}

/** image_locality.go normalizedImageName: an image without a tag or digest is ":latest". */
export function imageName(image: string): string {
  if (image === '' || image.includes('@')) return image;
  const lastSlash = image.lastIndexOf('/');
  return image.slice(lastSlash + 1).includes(':') ? image : `${image}:latest`;
}

/** helpers.go PodRequests: max(sum(app) + sum(sidecars), max over init containers of (init + sidecars started before it)) + overhead. */
export function podRequests(app: Float64Array[], init: { req: Float64Array; sidecar: boolean }[], overhead: Float64Array): Float64Array {
  const n = overhead.length;
  const out = new Float64Array(n);
  for (const a of app) for (let i = 0; i < n; i++) out[i]! += a[i] ?? 0;
  const sidecars = new Float64Array(n);
  const initMax = new Float64Array(n);
  for (const c of init) {
    for (let i = 0; i < n; i++) {
      if (c.sidecar) sidecars[i]! += c.req[i] ?? 0;
      else initMax[i] = Math.max(initMax[i]!, (c.req[i] ?? 0) + sidecars[i]!);
    }
  }
  for (let i = 0; i < n; i++) out[i] = Math.max(out[i]! + sidecars[i]!, initMax[i]!) + overhead[i]!;
  return out;
}

function affinityTerm(r: Reader, weight: number, ns: string): PodAffinityTerm {
  r.only(['labelSelector', 'namespaces', 'topologyKey', 'namespaceSelector', 'matchLabelKeys', 'mismatchLabelKeys'], 'a pod affinity term');
  const sel = labelSelector(r.obj('labelSelector'));
  const namespaces = r.strings('namespaces');
  return {
    selector: sel ?? { requirements: [], key: '<none>' },
    namespaces: namespaces.length ? namespaces : [ns],
    topologyKey: r.str('topologyKey'),
    weight,
  };
}

function podAffinity(r: Reader | null, ns: string): { required: PodAffinityTerm[]; preferred: PodAffinityTerm[] } {
  if (!r) return { required: [], preferred: [] };
  r.only(['requiredDuringSchedulingIgnoredDuringExecution', 'preferredDuringSchedulingIgnoredDuringExecution'], 'pod (anti-)affinity');
  return {
    required: r.list('requiredDuringSchedulingIgnoredDuringExecution').map((t) => affinityTerm(t, 0, ns)),
    preferred: r.list('preferredDuringSchedulingIgnoredDuringExecution').map((w) => {
      w.only(['weight', 'podAffinityTerm'], 'a weighted pod affinity term');
      const t = w.obj('podAffinityTerm');
      if (!t) throw w.error(null, 'missing required field "podAffinityTerm"');
      return affinityTerm(t, w.int('weight', 1, 1, 100), ns);
    }),
  };
}

function spreadConstraint(r: Reader, ctx: PodContext): TopologySpreadConstraint {
  r.only(
    [
      'maxSkew',
      'topologyKey',
      'whenUnsatisfiable',
      'labelSelector',
      'minDomains',
      'nodeAffinityPolicy',
      'nodeTaintsPolicy',
      'matchLabelKeys',
    ],
    'a topology spread constraint',
  );
  if (!r.has('maxSkew')) throw r.error(null, 'missing required field "maxSkew"');
  const matchLabelKeys = r.strings('matchLabelKeys');
  let selector = labelSelector(r.obj('labelSelector')) ?? { requirements: [], key: '<none>' };
  // matchLabelKeys: the pod's own values for these keys are ANDed into the selector (KEP-3243).
  if (matchLabelKeys.length) {
    const extra = matchLabelKeys
      .filter((k) => ctx.labels.has(k))
      .map((k) => ({ key: k, operator: 'In' as const, values: [ctx.labels.get(k)!] }));
    selector = {
      requirements: [...selector.requirements, ...extra],
      key: `${selector.key};${extra.map((e) => `${e.key}=${e.values[0]}`).join(';')}`,
    };
  }
  const whenUnsatisfiable = r.oneOf('whenUnsatisfiable', ['DoNotSchedule', 'ScheduleAnyway'] as const, 'DoNotSchedule');
  if (!r.has('whenUnsatisfiable')) throw r.error(null, 'missing required field "whenUnsatisfiable"');
  return {
    maxSkew: r.int('maxSkew', 1, 1),
    topologyKey: r.str('topologyKey'),
    whenUnsatisfiable,
    selector,
    minDomains: r.int('minDomains', 1, 1),
    nodeAffinityPolicy: r.oneOf('nodeAffinityPolicy', ['Honor', 'Ignore'] as const, 'Honor'),
    nodeTaintsPolicy: r.oneOf('nodeTaintsPolicy', ['Honor', 'Ignore'] as const, 'Ignore'),
    matchLabelKeys,
  };
}

/** Converts a PodSpec. `runPolicyAllowed` limits restartPolicy (Jobs need Never or OnFailure). */
export function podTemplate(spec: Reader, ctx: PodContext, restartPolicies: readonly string[]): PodTemplate {
  spec.only(POD_SPEC_FIELDS, 'a pod spec');
  const space = ctx.space;
  const containers = spec.list('containers');
  if (containers.length === 0) throw spec.error(null, 'missing required field "containers" (a pod needs at least one container)');
  const graceSeconds = spec.int('terminationGracePeriodSeconds', DEFAULT_TERMINATION_GRACE_PERIOD_MS / 1000, 0, 31_536_000);
  const app = containers.map((c) => container(c, space, false, graceSeconds));
  const init = spec.list('initContainers').map((c) => container(c, space, true, graceSeconds));
  const overhead = resourceVector(spec.obj('overhead'), space);
  let requests = podRequests(
    app.map((a) => a.requests),
    init.map((c) => ({ req: c.requests, sidecar: c.sidecar })),
    overhead,
  );
  const nonZero = podRequests(
    app.map((a) => a.nonZero),
    init.map((c) => ({ req: c.nonZero, sidecar: c.sidecar })),
    overhead,
  );
  const podLevel = spec.obj('resources');
  if (podLevel) {
    // Pod-level resources (KEP-2837, beta since v1.34): they replace the containers' sum for scheduling.
    podLevel.only(['requests', 'limits', 'claims'], 'pod resources');
    const lim = resourceVector(podLevel.obj('limits'), space);
    const req = resourceVector(podLevel.obj('requests'), space);
    for (let i = 0; i < req.length; i++) {
      const r = req[i]! > 0 ? req[i]! : lim[i]!;
      if (r > 0) requests[i] = nonZero[i] = r + overhead[i]!;
    }
  }
  requests = requests.slice();
  requests[PODS] = 1;
  const limits = space.vector();
  for (const c of [...app, ...init]) for (let i = 0; i < limits.length; i++) limits[i]! += c.limits[i]!;

  const restart = spec.str('restartPolicy', restartPolicies[0]!);
  if (!restartPolicies.includes(restart))
    throw spec.error('restartPolicy', `expected ${restartPolicies.join(' or ')} here, got "${restart}"`);

  const aff = spec.obj('affinity');
  aff?.only(['nodeAffinity', 'podAffinity', 'podAntiAffinity'], 'affinity');
  const na = aff?.obj('nodeAffinity') ?? null;
  na?.only(['requiredDuringSchedulingIgnoredDuringExecution', 'preferredDuringSchedulingIgnoredDuringExecution'], 'node affinity');
  const reqNA = na?.obj('requiredDuringSchedulingIgnoredDuringExecution') ?? null;
  reqNA?.only(['nodeSelectorTerms'], 'a node selector');
  const requiredNodeAffinity = reqNA ? reqNA.list('nodeSelectorTerms').map(nodeSelectorTerm) : null;
  if (reqNA && requiredNodeAffinity!.length === 0) throw reqNA.error('nodeSelectorTerms', 'expected at least one node selector term');
  const preferredNodeAffinity = (na?.list('preferredDuringSchedulingIgnoredDuringExecution') ?? []).map((p) => {
    p.only(['weight', 'preference'], 'a preferred scheduling term');
    const pref = p.obj('preference');
    if (!pref) throw p.error(null, 'missing required field "preference"');
    return { weight: p.int('weight', 1, 1, 100), term: nodeSelectorTerm(pref) };
  });
  const pa = podAffinity(aff?.obj('podAffinity') ?? null, ctx.namespace);
  const paa = podAffinity(aff?.obj('podAntiAffinity') ?? null, ctx.namespace);

  let topologySpread = spec.list('topologySpreadConstraints').map((c) => spreadConstraint(c, ctx));
  let topologySpreadDefaulted = false;
  if (topologySpread.length === 0 && ctx.ownerSelector && ctx.systemDefaultSpread) {
    topologySpread = ctx.systemDefaultSpread(ctx.ownerSelector);
    topologySpreadDefaulted = true;
  }

  let priority = ctx.resolvePriority(spec, spec.str('priorityClassName', ''));
  if (spec.has('priority')) priority = { ...priority, value: spec.int('priority', 0, -(2 ** 31), 2 ** 31 - 1) };
  const preemptionPolicy = spec.has('preemptionPolicy')
    ? spec.oneOf('preemptionPolicy', ['PreemptLowerPriority', 'Never'] as const, 'PreemptLowerPriority')
    : priority.preemptionPolicy;

  // An explicit imagePullPolicy is kept; without one the kubelet applies the API default (by tag).
  const imageOf = (c: ContainerResources): ContainerImage | null =>
    c.image === ''
      ? null
      : {
          name: c.image,
          sizeBytes: ctx.imageSizes?.get(c.image) ?? ctx.defaultImageSize,
          ...(c.pullPolicy ? { pullPolicy: c.pullPolicy } : {}),
        };
  // The app containers' images first, then the init containers' (appImages relies on the order).
  const images = [...app, ...init].map(imageOf).filter((i): i is ContainerImage => i !== null);
  // The containers one by one, only for pods with init containers or preStop hooks (so other templates hash as before).
  const lifecycleSpec: PodLifecycle | null =
    init.length > 0 || app.some((c) => c.preStop)
      ? {
          initContainers: init.map((c) => ({
            name: c.name,
            restartable: c.sidecar,
            image: imageOf(c),
            ...(c.probes?.startupProbe ? { startupProbe: c.probes.startupProbe } : {}),
            ...(c.preStop ? { preStop: c.preStop } : {}),
          })),
          containers: app.map((c) => ({ name: c.name, ...(c.preStop ? { preStop: c.preStop } : {}) })),
        }
      : null;
  const gated = spec.list('schedulingGates').length > 0;
  // Probes of the app containers (init containers' probes are not run here).
  const probes = app.map((c) => c.probes).filter((p): p is ContainerProbes => p !== null);

  // emptyDir and hostPath volumes, and the cluster autoscaler's annotations: they decide whether its node may be
  // scaled down (absent when there are none, so other templates hash as before).
  const localVolumes = spec.list('volumes').flatMap((v): NonNullable<PodTemplate['localVolumes']>[number][] => {
    const name = v.str('name', '');
    if (v.has('hostPath')) return [{ name, hostPath: true }];
    const ed = v.obj('emptyDir');
    if (!ed && !v.has('emptyDir')) return [];
    const medium = ed?.str('medium', '') ?? '';
    return [{ name, emptyDir: { medium: medium as '' | 'Memory' | 'HugePages' } }];
  });
  const caAnnotations = Object.fromEntries(
    [...(ctx.annotations ?? [])].filter(([k]) => k.startsWith('cluster-autoscaler.kubernetes.io/') || k.startsWith('karpenter.sh/')),
  );
  return makeTemplate(space, {
    ...(localVolumes.length > 0 ? { localVolumes } : {}),
    ...(Object.keys(caAnnotations).length > 0 ? { autoscalerAnnotations: caAnnotations } : {}),
    owner: ctx.owner,
    namespace: ctx.namespace,
    labels: ctx.labels,
    requests,
    limits,
    nonZeroCpu: nonZero[CPU]!,
    nonZeroMemory: nonZero[MEMORY]!,
    priority: priority.value,
    priorityClassName: spec.str('priorityClassName', ''),
    preemptionPolicy,
    nodeName: spec.str('nodeName', ''),
    nodeSelector: spec.stringMap('nodeSelector'),
    requiredNodeAffinity,
    preferredNodeAffinity,
    tolerations: spec.list('tolerations').map(toleration),
    topologySpread,
    topologySpreadDefaulted,
    podAffinity: pa.required,
    podAntiAffinity: paa.required,
    preferredPodAffinity: pa.preferred,
    preferredPodAntiAffinity: paa.preferred,
    images,
    terminationGracePeriodMs: graceSeconds * 1000,
    restartPolicy: restart as RestartPolicy,
    // Left out when there are none, so templates without probes hash as before.
    ...(probes.length > 0 ? { probes } : {}),
    ...(lifecycleSpec ? { lifecycle: lifecycleSpec } : {}),
    // SchedulingGates: a gated pod is never scheduled; kubesim has nothing that lifts gates yet.
    schedulerName: gated ? '' : spec.str('schedulerName', 'default-scheduler'),
  });
}
