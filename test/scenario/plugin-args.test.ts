// Scheduler plugin arguments are checked with the scenario: `validate` refuses what a run could not use,
// with the file, line, field path and "did you mean".
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { simulate } from '../../src/run/simulate.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import { tempFiles } from '../helpers/scenario.js';

const scenario = (args: string, plugin = 'NodeResourcesFit') => `seed: 1
duration: 10m
cluster:
  nodePools:
    - name: p
      count: 2
      allocatable: {cpu: "4", memory: 16Gi}
  scheduler:
    profile: mine
    profiles:
      - name: mine
        pluginConfig:
          - name: ${plugin}
            args: ${args}
workloads:
  - objects:
      - {apiVersion: v1, kind: Pod, metadata: {name: x}, spec: {containers: [{name: c, image: x}]}}
`;

function error(args: string, plugin?: string): string {
  const dir = tempFiles({ 's.yaml': scenario(args, plugin) });
  try {
    loadScenario(join(dir, 's.yaml'));
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return (e as Error).message.replace(/^.*s\.yaml:/, 's.yaml:');
  }
  throw new Error('expected an error');
}

const P = 'cluster.scheduler.profiles[0].pluginConfig[0].args';

describe('pluginConfig args', () => {
  it.each([
    [
      '{scoringStrategy: {type: MostAlocated}}',
      `s.yaml:14:44: ${P}.scoringStrategy.type: expected one of LeastAllocated, MostAllocated, RequestedToCapacityRatio, got "MostAlocated" (did you mean "MostAllocated"?)`,
    ],
    [
      '{scoringStratgy: {type: MostAllocated}}',
      `s.yaml:14:20: ${P}.scoringStratgy: unknown field "scoringStratgy" (did you mean "scoringStrategy"?)`,
    ],
    ['[1, 2]', `s.yaml:14:19: ${P}: expected a mapping, got a list`],
    [
      '{scoringStrategy: {resources: [null]}}',
      `s.yaml:14:50: ${P}.scoringStrategy.resources[0]: missing required field "name" (resource name, e.g. cpu, memory, nvidia.com/gpu)`,
    ],
    [
      '{scoringStrategy: {resources: [{name: cpu, weight: abc}]}}',
      `s.yaml:14:70: ${P}.scoringStrategy.resources[0].weight: expected an integer, got "abc"`,
    ],
    [
      '{scoringStrategy: {resources: [{name: cpu, weight: -1}]}}',
      `s.yaml:14:70: ${P}.scoringStrategy.resources[0].weight: expected a value >= 1, got -1`,
    ],
    [
      '{scoringStrategy: {resources: [{name: gpu}]}}',
      `s.yaml:14:57: ${P}.scoringStrategy.resources[0].name: unknown resource "gpu" (not requested by any pod nor offered by any node)`,
    ],
    [
      '{scoringStrategy: {type: RequestedToCapacityRatio}}',
      `s.yaml:14:37: ${P}.scoringStrategy.requestedToCapacityRatio.shape: expected a non-empty list of {utilization, score}`,
    ],
    [
      '{ignoredResources: [nvidia.com/gpu]}',
      `s.yaml:14:38: ${P}.ignoredResources: NodeResourcesFit ignoredResources is not modelled yet (remove it)`,
    ],
  ])('NodeResourcesFit %s', (args, want) => {
    expect(error(args)).toBe(want);
  });

  it('other plugins: ranges, types, plugins without arguments, List defaulting', () => {
    expect(error('{hardPodAffinityWeight: 101}', 'InterPodAffinity')).toMatch(
      /args\.hardPodAffinityWeight: expected a value <= 100, got 101$/,
    );
    expect(error('{ignorePreferredTermsOfExistingPods: yes}', 'InterPodAffinity')).toMatch(/expected true or false, got "yes"$/);
    expect(error('{foo: 1}', 'TaintToleration')).toMatch(/args\.foo: unknown field "foo" \(expected one of \)$/);
    expect(error('{defaultingType: List}', 'PodTopologySpread')).toMatch(/args\.defaultingType: List defaulting is not modelled yet/);
    expect(error('{resources: [{name: cpu, weight: 0}]}', 'NodeResourcesBalancedAllocation')).toMatch(
      /weight: expected a value >= 1, got 0$/,
    );
  });

  it('valid arguments load and run', () => {
    const dir = tempFiles({
      's.yaml': scenario(
        '{scoringStrategy: {type: RequestedToCapacityRatio, requestedToCapacityRatio: {shape: [{utilization: 0, score: 0}, {utilization: 100, score: 10}]}}}',
      ),
    });
    const s = loadScenario(join(dir, 's.yaml'));
    expect(simulate(s, {}).summary.profile).toBe('mine');
  });
});
