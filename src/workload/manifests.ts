// Kubernetes objects from manifests -> workload specs. Kinds the simulator runs: Pod, ReplicaSet,
// Deployment, Job, PriorityClass; the other built-in kinds are accepted and listed as not simulated.
import type { Distribution } from '../engine/distributions.js';
import type { ResourceSpace } from '../model/resources.js';
import { matchSelector, type LabelSelector, NO_LABELS } from '../model/selectors.js';
import type { TopologySpreadConstraint } from '../model/pod.js';
import { didYouMean } from '../scenario/errors.js';
import type { YamlDoc } from '../scenario/yaml-source.js';
import type { LifecycleTimings } from '../model/workloads.js';
import { podTemplate } from './pod-spec.js';
import { readJobSpec } from './job-spec.js';
import { Reader } from './reader.js';
import { deploymentRollout } from './deployment-spec.js';
import { daemonSetUpdateStrategy, statefulSetUpdateStrategy } from './update-strategy.js';
import { labelSelector } from './selectors-reader.js';
import { NOT_SIMULATED_KINDS, type WorkloadSpec } from './spec.js';

/** Served API versions per kind in Kubernetes v1.36, and where older ones went. */
const API_VERSIONS: Record<string, string> = {
  Pod: 'v1',
  Deployment: 'apps/v1',
  ReplicaSet: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  Job: 'batch/v1',
  CronJob: 'batch/v1',
  PriorityClass: 'scheduling.k8s.io/v1',
  HorizontalPodAutoscaler: 'autoscaling/v2 or autoscaling/v1',
  PodDisruptionBudget: 'policy/v1',
  Ingress: 'networking.k8s.io/v1',
  NetworkPolicy: 'networking.k8s.io/v1',
  IngressClass: 'networking.k8s.io/v1',
  StorageClass: 'storage.k8s.io/v1',
  CSIDriver: 'storage.k8s.io/v1',
  VolumeAttachment: 'storage.k8s.io/v1',
  Role: 'rbac.authorization.k8s.io/v1',
  RoleBinding: 'rbac.authorization.k8s.io/v1',
  ClusterRole: 'rbac.authorization.k8s.io/v1',
  ClusterRoleBinding: 'rbac.authorization.k8s.io/v1',
  CustomResourceDefinition: 'apiextensions.k8s.io/v1',
  Lease: 'coordination.k8s.io/v1',
  RuntimeClass: 'node.k8s.io/v1',
  EndpointSlice: 'discovery.k8s.io/v1',
  ControllerRevision: 'apps/v1',
  APIService: 'apiregistration.k8s.io/v1',
  MutatingWebhookConfiguration: 'admissionregistration.k8s.io/v1',
  ValidatingWebhookConfiguration: 'admissionregistration.k8s.io/v1',
  ValidatingAdmissionPolicy: 'admissionregistration.k8s.io/v1',
  ValidatingAdmissionPolicyBinding: 'admissionregistration.k8s.io/v1',
  CertificateSigningRequest: 'certificates.k8s.io/v1',
  FlowSchema: 'flowcontrol.apiserver.k8s.io/v1',
  PriorityLevelConfiguration: 'flowcontrol.apiserver.k8s.io/v1',
  ResourceClaim: 'resource.k8s.io/v1',
  ResourceSlice: 'resource.k8s.io/v1',
  DeviceClass: 'resource.k8s.io/v1',
  VerticalPodAutoscaler: 'autoscaling.k8s.io/v1',
};
const CORE_V1 = [
  'Service',
  'ConfigMap',
  'Secret',
  'Namespace',
  'ServiceAccount',
  'PersistentVolumeClaim',
  'PersistentVolume',
  'LimitRange',
  'ResourceQuota',
  'Endpoints',
  'Event',
  'ReplicationController',
  'PodTemplate',
];
for (const k of CORE_V1) API_VERSIONS[k] = 'v1';

/** Versions removed from Kubernetes, with the release that removed them. */
const REMOVED: Record<string, string> = {
  'extensions/v1beta1': '1.16',
  'extensions/v1beta1/Ingress': '1.22',
  'apps/v1beta1': '1.16',
  'apps/v1beta2': '1.16',
  'policy/v1beta1': '1.25',
  'batch/v1beta1': '1.25',
  'autoscaling/v2beta1': '1.25',
  'autoscaling/v2beta2': '1.26',
  'networking.k8s.io/v1beta1': '1.22',
  'scheduling.k8s.io/v1beta1': '1.22',
  'scheduling.k8s.io/v1alpha1': '1.22',
  'storage.k8s.io/v1beta1': '1.22 or later',
  'rbac.authorization.k8s.io/v1beta1': '1.22',
};

export interface PriorityClassInfo {
  value: number;
  globalDefault: boolean;
  preemptionPolicy: 'PreemptLowerPriority' | 'Never';
}

/** Built-in priority classes (pkg/apis/scheduling: SystemCriticalPriority = 2000000000). */
export const SYSTEM_PRIORITY_CLASSES: Record<string, PriorityClassInfo> = {
  'system-cluster-critical': { value: 2000000000, globalDefault: false, preemptionPolicy: 'PreemptLowerPriority' },
  'system-node-critical': { value: 2000001000, globalDefault: false, preemptionPolicy: 'PreemptLowerPriority' },
};

export interface ManifestObject {
  doc: YamlDoc;
  reader: Reader;
  kind: string;
  name: string;
  namespace: string;
}

export interface ManifestOptions {
  space: ResourceSpace;
  at: number;
  runTime: Distribution | null;
  exitCode: number;
  warmUp: Distribution | null;
  /** The entry's init container, preStop and shutdown times; null when it gives none. */
  lifecycle?: LifecycleTimings | null;
  defaultImageSize: number;
  imageSizes?: ReadonlyMap<string, number>;
  systemDefaultSpread: ((selector: LabelSelector) => TopologySpreadConstraint[]) | null;
}

/** The fields of ObjectMeta (k8s.io/apimachinery/pkg/apis/meta/v1 types.go). */
const OBJECT_META_FIELDS = [
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
];

/** Checks apiVersion, kind and metadata of one object. Returns null for an empty document. */
export function readObject(doc: YamlDoc, value: unknown): ManifestObject | null {
  if (value === null || value === undefined) return null;
  const r = Reader.root(doc, value);
  const apiVersion = r.str('apiVersion');
  const kind = r.str('kind');
  if (apiVersion.startsWith('kustomize.config.k8s.io')) {
    throw r.error(
      'kind',
      'this is a kustomize Kustomization, not a Kubernetes object',
      'list the manifest files it names instead, or run `kubectl kustomize` and use its output',
    );
  }
  const want = Object.hasOwn(API_VERSIONS, kind) ? API_VERSIONS[kind] : undefined;
  if (!want) {
    const dym = didYouMean(kind, Object.keys(API_VERSIONS));
    throw r.error(
      'kind',
      `unknown kind "${kind}": not a built-in Kubernetes kind`,
      dym ? `did you mean "${dym}"?` : 'custom resources are not supported',
    );
  }
  if (!want.split(' or ').includes(apiVersion)) {
    const own = (k: string) => (Object.hasOwn(REMOVED, k) ? REMOVED[k] : undefined);
    const removed = own(`${apiVersion}/${kind}`) ?? own(apiVersion);
    throw r.error(
      'apiVersion',
      `unsupported apiVersion "${apiVersion}" for ${kind}${removed ? ` (removed in Kubernetes ${removed})` : ''}; expected ${want}`,
    );
  }
  const meta = r.obj('metadata');
  if (!meta) throw r.error(null, 'missing required field "metadata"');
  // Unknown metadata fields are refused, as kubectl apply's strict field validation does (metadata.lables).
  meta.only(OBJECT_META_FIELDS, 'object metadata');
  const name = meta.str('name', meta.has('generateName') ? `${meta.str('generateName')}0` : undefined);
  return {
    doc,
    reader: r,
    kind,
    name,
    namespace: kind === 'PriorityClass' || kind === 'Namespace' ? '' : meta.str('namespace', 'default'),
  };
}

export function readPriorityClass(o: ManifestObject): PriorityClassInfo {
  const r = o.reader;
  r.only(['apiVersion', 'kind', 'metadata', 'value', 'globalDefault', 'preemptionPolicy', 'description'], 'a PriorityClass');
  if (!r.has('value')) throw r.error(null, 'missing required field "value"');
  const value = r.int('value', 0, -(2 ** 31), 1000000000);
  return {
    value,
    globalDefault: r.bool('globalDefault', false),
    preemptionPolicy: r.oneOf('preemptionPolicy', ['PreemptLowerPriority', 'Never'] as const, 'PreemptLowerPriority'),
  };
}

/** Turns one simulated object into a workload spec. */
/** spec.minReadySeconds (apps/v1; validated non-negative int32 as ValidateNonnegativeField does); absent when 0. */
function minReady(spec: Reader): { minReadySeconds?: number } {
  const v = spec.int('minReadySeconds', 0);
  return v > 0 ? { minReadySeconds: v } : {};
}

export function toWorkload(
  o: ManifestObject,
  opts: ManifestOptions,
  priorities: ReadonlyMap<string, PriorityClassInfo>,
): WorkloadSpec | null {
  const r = o.reader;
  if (NOT_SIMULATED_KINDS.has(o.kind) || o.kind === 'PriorityClass') return null;
  const meta = r.obj('metadata')!;
  const globalDefault = [...priorities.values()].find((p) => p.globalDefault);
  const resolvePriority = (at: Reader, cls: string) => {
    if (cls === '')
      return { value: globalDefault?.value ?? 0, preemptionPolicy: globalDefault?.preemptionPolicy ?? ('PreemptLowerPriority' as const) };
    const p = priorities.get(cls);
    if (!p) {
      const dym = didYouMean(cls, priorities.keys());
      throw at.error(
        'priorityClassName',
        `no PriorityClass named "${cls}"`,
        dym ? `did you mean "${dym}"?` : 'define it with a PriorityClass object in the manifests',
      );
    }
    return { value: p.value, preemptionPolicy: p.preemptionPolicy };
  };
  const base = {
    space: opts.space,
    namespace: o.namespace,
    owner: `${o.namespace}/${o.name}`,
    resolvePriority,
    defaultImageSize: opts.defaultImageSize,
    imageSizes: opts.imageSizes,
    systemDefaultSpread: opts.systemDefaultSpread,
  };
  const source = { file: o.doc.file, line: o.doc.locate([]).line };
  const common = {
    name: o.name,
    namespace: o.namespace,
    at: opts.at,
    source,
    exitCode: opts.exitCode,
    warmUp: opts.warmUp,
    ...(opts.lifecycle ? { lifecycle: opts.lifecycle } : {}),
  };
  if (o.kind === 'Pod') {
    r.only(['apiVersion', 'kind', 'metadata', 'spec', 'status'], 'a Pod');
    const spec = r.obj('spec');
    if (!spec) throw r.error(null, 'missing required field "spec"');
    const template = podTemplate(
      spec,
      { ...base, labels: meta.stringMap('labels'), annotations: meta.stringMap('annotations'), ownerSelector: null },
      ['Always', 'OnFailure', 'Never'],
    );
    return { ...common, kind: 'Pod', replicas: 1, template, runTime: opts.runTime, job: null };
  }
  const spec = r.obj('spec');
  if (!spec) throw r.error(null, 'missing required field "spec"');
  r.only(['apiVersion', 'kind', 'metadata', 'spec', 'status'], `a ${o.kind}`);
  const tpl = spec.obj('template');
  if (!tpl) throw spec.error(null, 'missing required field "template"');
  tpl.only(['metadata', 'spec'], 'a pod template');
  const tplMeta = tpl.obj('metadata');
  tplMeta?.only(OBJECT_META_FIELDS, 'pod template metadata');
  const labels = tplMeta?.stringMap('labels') ?? new Map<string, string>();
  const annotations = tplMeta?.stringMap('annotations') ?? new Map<string, string>();
  const podSpec = tpl.obj('spec');
  if (!podSpec) throw tpl.error(null, 'missing required field "spec"');
  let selector = labelSelector(spec.obj('selector'));
  if (o.kind === 'Job') {
    spec.only(
      [
        'parallelism',
        'completions',
        'backoffLimit',
        'backoffLimitPerIndex',
        'maxFailedIndexes',
        'activeDeadlineSeconds',
        'ttlSecondsAfterFinished',
        'completionMode',
        'suspend',
        'selector',
        'manualSelector',
        'template',
        'podFailurePolicy',
        'podReplacementPolicy',
        'successPolicy',
        'managedBy',
      ],
      'a Job spec',
    );
    // The API server generates a Job's selector from a controller-uid label when none is given.
    selector ??= null;
    const template = podTemplate(podSpec, { ...base, labels, annotations, ownerSelector: null }, ['Never', 'OnFailure']);
    const job = readJobSpec(spec, template.restartPolicy);
    return {
      ...common,
      kind: 'Job',
      replicas: job.parallelism,
      template,
      runTime: opts.runTime ?? { kind: 'constant', value: 60000 },
      job,
    };
  }
  if (o.kind === 'Deployment' || o.kind === 'ReplicaSet') {
    spec.only(
      o.kind === 'Deployment'
        ? ['replicas', 'selector', 'template', 'strategy', 'minReadySeconds', 'revisionHistoryLimit', 'paused', 'progressDeadlineSeconds']
        : ['replicas', 'selector', 'template', 'minReadySeconds'],
      `a ${o.kind} spec`,
    );
    if (!selector)
      throw spec.error(null, `missing required field "selector" (required in apps/v1; older APIs defaulted it from the template labels)`);
    if (!matchSelector(selector, labels.size ? labels : NO_LABELS))
      throw spec.error('selector', '`selector` does not match template `labels`');
    const template = podTemplate(podSpec, { ...base, labels, annotations, ownerSelector: selector }, ['Always']);
    const mr = minReady(spec);
    const rollout = o.kind === 'Deployment' ? { rollout: deploymentRollout(spec, mr.minReadySeconds ?? 0) } : {};
    return { ...common, kind: o.kind, replicas: spec.int('replicas', 1), template, runTime: opts.runTime, job: null, ...mr, ...rollout };
  }
  if (o.kind === 'StatefulSet') {
    spec.only(
      [
        'replicas',
        'selector',
        'template',
        'serviceName',
        'podManagementPolicy',
        'updateStrategy',
        'revisionHistoryLimit',
        'minReadySeconds',
        'volumeClaimTemplates',
        'persistentVolumeClaimRetentionPolicy',
        'ordinals',
      ],
      'a StatefulSet spec',
    );
    if (!selector) throw spec.error(null, 'missing required field "selector"');
    if (!matchSelector(selector, labels.size ? labels : NO_LABELS))
      throw spec.error('selector', '`selector` does not match template `labels`');
    const template = podTemplate(podSpec, { ...base, labels, annotations, ownerSelector: selector }, ['Always']);
    const podManagementPolicy = spec.oneOf('podManagementPolicy', ['OrderedReady', 'Parallel'] as const, 'OrderedReady');
    // Each claim template gives every ordinal a PersistentVolumeClaim; zonal volumes bind where the pod
    // first runs (WaitForFirstConsumer, the binding mode of the usual cloud storage classes).
    const zonalVolumes = spec.list('volumeClaimTemplates').length > 0;
    return {
      ...common,
      kind: 'StatefulSet',
      replicas: spec.int('replicas', 1),
      template,
      runTime: opts.runTime,
      job: null,
      podManagementPolicy,
      ...(zonalVolumes ? { zonalVolumes } : {}),
      ...minReady(spec),
      ...statefulSetUpdateStrategy(spec),
    };
  }
  if (o.kind === 'DaemonSet') {
    spec.only(['selector', 'template', 'updateStrategy', 'minReadySeconds', 'revisionHistoryLimit'], 'a DaemonSet spec');
    if (!selector) throw spec.error(null, 'missing required field "selector"');
    if (!matchSelector(selector, labels.size ? labels : NO_LABELS))
      throw spec.error('selector', '`selector` does not match template `labels`');
    // System default spreading selects by Services, ReplicaSets and StatefulSets (helper.DefaultSelector): not DaemonSets.
    const template = podTemplate(podSpec, { ...base, labels, annotations, ownerSelector: null }, ['Always']);
    return {
      ...common,
      kind: 'DaemonSet',
      replicas: 0,
      template,
      runTime: opts.runTime,
      job: null,
      ...minReady(spec),
      hostNetwork: podSpec.bool('hostNetwork', false),
      ...daemonSetUpdateStrategy(spec),
    };
  }
  throw new Error(`bug: kind ${o.kind} neither simulated nor listed as not simulated`);
}
