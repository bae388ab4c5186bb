// The plugin registry: plugin name -> factory (after pkg/scheduler/framework/plugins/registry.go).
// A new plugin is one file in plugins/ plus one line here. Arguments arrive translated by
// scenario/profiles.ts translateArgs, in the shape each plugin's Args type names.
import type { PluginFactory } from './framework.js';
import { balancedAllocation, BALANCED_ALLOCATION, type BalancedAllocationArgs } from './plugins/balanced-allocation.js';
import { imageLocality, IMAGE_LOCALITY } from './plugins/image-locality.js';
import { interPodAffinity, INTER_POD_AFFINITY, type InterPodAffinityArgs } from './plugins/inter-pod-affinity.js';
import { nodeAffinity, NODE_AFFINITY } from './plugins/node-affinity.js';
import { nodeName, NODE_NAME } from './plugins/node-name.js';
import { nodeResourcesFit, NODE_RESOURCES_FIT, type FitArgs } from './plugins/node-resources-fit.js';
import { nodeUnschedulable, NODE_UNSCHEDULABLE } from './plugins/node-unschedulable.js';
import { podTopologySpread, POD_TOPOLOGY_SPREAD, type PodTopologySpreadArgs } from './plugins/pod-topology-spread.js';
import { taintToleration, TAINT_TOLERATION } from './plugins/taint-toleration.js';

export const REGISTRY: Readonly<Record<string, PluginFactory>> = {
  [NODE_UNSCHEDULABLE]: (_args, h) => nodeUnschedulable(h),
  [NODE_NAME]: () => nodeName(),
  [TAINT_TOLERATION]: (_args, h) => taintToleration(h),
  [NODE_AFFINITY]: (_args, handle) => nodeAffinity(handle),
  [NODE_RESOURCES_FIT]: (args, h) => nodeResourcesFit(args as unknown as FitArgs, h),
  [POD_TOPOLOGY_SPREAD]: (args, h) => podTopologySpread(args as unknown as PodTopologySpreadArgs, h),
  [INTER_POD_AFFINITY]: (args, h) => interPodAffinity(args as InterPodAffinityArgs, h),
  [BALANCED_ALLOCATION]: (args, h) => balancedAllocation(args as unknown as BalancedAllocationArgs, h),
  [IMAGE_LOCALITY]: (args, h) => imageLocality(args, h),
};

/** Plugins Kubernetes has that the simulator accepts in a configuration but does not model (no effect). */
export const ACCEPTED_NOT_MODELLED: readonly string[] = [
  'SchedulingGates',
  'PrioritySort',
  'NodePorts',
  'VolumeRestrictions',
  'NodeVolumeLimits',
  'VolumeBinding',
  'VolumeZone',
  'DefaultBinder',
  'DynamicResources',
  'NodeDeclaredFeatures',
  'GangScheduling',
];
