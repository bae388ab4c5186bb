// A Service manifest (core/v1), as far as traffic is simulated: its name and namespace, and the selector
// whose Ready pods are its endpoints (the EndpointSlice controller's rule). Ports and the service type do
// not change where requests go; a Service without a selector has endpoints only if they are written by
// hand, which kubesim does not model, so it gets none.
import type { ManifestObject } from './manifests.js';
import { selectorFromLabels, type LabelSelector } from '../model/selectors.js';

export interface ServiceSpec {
  readonly name: string;
  readonly namespace: string;
  /** spec.selector; null: none (no endpoints are managed). */
  readonly selector: LabelSelector | null;
  /** Where it was defined, for messages. */
  readonly source: { file: string; line: number };
}

/** core/v1 ServiceSpec fields (types.go): accepted, and all but the selector ignored. */
const SERVICE_SPEC_FIELDS = [
  'ports',
  'selector',
  'clusterIP',
  'clusterIPs',
  'type',
  'externalIPs',
  'sessionAffinity',
  'loadBalancerIP',
  'loadBalancerSourceRanges',
  'externalName',
  'externalTrafficPolicy',
  'healthCheckNodePort',
  'publishNotReadyAddresses',
  'sessionAffinityConfig',
  'ipFamilies',
  'ipFamilyPolicy',
  'allocateLoadBalancerNodePorts',
  'loadBalancerClass',
  'internalTrafficPolicy',
  'trafficDistribution',
];

export function readService(o: ManifestObject): ServiceSpec {
  const r = o.reader;
  r.only(['apiVersion', 'kind', 'metadata', 'spec', 'status'], 'a Service');
  const spec = r.obj('spec');
  spec?.only(SERVICE_SPEC_FIELDS, 'a Service spec');
  const labels = spec?.has('selector') ? spec.stringMap('selector') : null;
  return {
    name: o.name,
    namespace: o.namespace,
    selector: labels && labels.size > 0 ? selectorFromLabels(labels) : null,
    source: { file: o.doc.file, line: o.doc.locate([]).line },
  };
}
