// The arguments of each scheduler plugin, as KubeSchedulerConfiguration's pluginConfig takes them
// (pkg/scheduler/apis/config/v1, types_pluginargs.go), checked with the scenario (file, line, field
// path, "did you mean") so that `validate` refuses what a run could not use.
import { obj, prop, type Schema } from './schema.js';

const str = (): Schema => ({ kind: 'string' });
const int = (min?: number, max?: number): Schema => ({ kind: 'integer', min, max });
const list = (items: Schema): Schema => ({ kind: 'array', items });
const none = obj({}, 'this plugin takes no arguments');

/** validation_pluginargs.go: resource weights 1..100. */
const resources = list(
  obj({
    name: prop(str(), 'resource name, e.g. cpu, memory, nvidia.com/gpu', { required: true }),
    weight: prop(int(1, 100), 'weight of the resource (1..100)', { default: 1 }),
  }),
);

export const PLUGIN_ARGS: Readonly<Record<string, Schema>> = {
  NodeResourcesFit: obj({
    scoringStrategy: prop(
      obj({
        type: prop({ kind: 'string', enum: ['LeastAllocated', 'MostAllocated', 'RequestedToCapacityRatio'] }, 'scoring strategy', {
          default: 'LeastAllocated',
        }),
        resources: prop(resources, 'resources scored, with weights (default cpu and memory, 1 each)'),
        requestedToCapacityRatio: prop(
          obj({
            shape: prop(
              list(
                obj({
                  utilization: prop(int(0, 100), 'utilization percent (0..100), increasing', { required: true }),
                  score: prop(int(0, 10), 'score at that utilization (0..10)', { required: true }),
                }),
              ),
              'the broken-linear function of utilization',
            ),
          }),
          'RequestedToCapacityRatio parameters',
        ),
      }),
      'how nodes are scored',
    ),
    ignoredResources: prop(list(str()), 'resources the filter ignores (not modelled: must be empty)'),
    ignoredResourceGroups: prop(list(str()), 'resource groups the filter ignores (not modelled: must be empty)'),
  }),
  NodeResourcesBalancedAllocation: obj({ resources: prop(resources, 'resources balanced (default cpu and memory)') }),
  PodTopologySpread: obj({
    defaultingType: prop({ kind: 'string', enum: ['System', 'List'] }, 'System: the built-in default constraints', { default: 'System' }),
    defaultConstraints: prop(list({ kind: 'any' }), 'constraints for pods without their own (List defaulting; not modelled yet)'),
  }),
  InterPodAffinity: obj({
    hardPodAffinityWeight: prop(int(0, 100), 'weight of existing pods required affinity in scoring', { default: 1 }),
    ignorePreferredTermsOfExistingPods: prop({ kind: 'boolean' }, 'score only the incoming pod s preferred terms', { default: false }),
  }),
  NodeAffinity: obj({ addedAffinity: prop({ kind: 'any' }, 'affinity added to every pod (not modelled yet)') }),
  DefaultPreemption: obj({
    minCandidateNodesPercentage: prop(int(0, 100), 'not modelled: fixed at the default 10'),
    minCandidateNodesAbsolute: prop(int(0), 'not modelled: fixed at the default 100'),
  }),
  TaintToleration: none,
  NodeName: none,
  NodeUnschedulable: none,
  ImageLocality: none,
};

/** Arguments kubesim accepts but does not model: refused unless they are left at their defaults. */
export const NOT_MODELLED_ARGS: Readonly<Record<string, readonly string[]>> = {
  NodeResourcesFit: ['ignoredResources', 'ignoredResourceGroups'],
  PodTopologySpread: ['defaultConstraints'],
  NodeAffinity: ['addedAffinity'],
  DefaultPreemption: ['minCandidateNodesPercentage', 'minCandidateNodesAbsolute'],
};
