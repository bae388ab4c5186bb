// Numbers stay finite and within stated ranges: a quantity beyond Kubernetes' int64 range, a negative
// or non-numeric trace field, a resource name no node can offer are refused with the place and the range.
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import { MAX_QUANTITY, parseMilliQuantity, parseQuantity } from '../../src/model/quantity.js';
import { tempFiles } from '../helpers/scenario.js';

function loadError(files: Record<string, string | Buffer>): string {
  const dir = tempFiles(files);
  try {
    loadScenario(join(dir, 's.yaml'));
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return (e as Error).message.replace(/^.*?([\w.-]+\.(yaml|csv|gz)):/, '$1:');
  }
  throw new Error('expected an error');
}

const pool = (cpu: string) => `cluster:\n  nodePools:\n    - {name: p, count: 1, allocatable: {cpu: "${cpu}", memory: 16Gi}}\n`;

describe('quantities within int64 (as Kubernetes keeps them)', () => {
  it('refuses values above 2^63-1 base units at once, whatever their exponent', () => {
    for (const q of ['1e400', '1e999999999', '9.3e18', '12345678901234567890123456789012345678901234567890']) {
      const t = process.cpuUsage();
      expect(() => parseQuantity(q)).toThrow(/is out of range: quantities must be at most 2\^63-1/);
      expect(() => parseMilliQuantity(q)).toThrow(/out of range/);
      const used = process.cpuUsage(t);
      expect(used.user + used.system).toBeLessThan(1e6); // well under a second of CPU, not minutes
    }
    expect(parseQuantity('0e999999999')).toBe(0);
    expect(parseQuantity('1e-999999999')).toBe(1); // rounds up, as Value() does
    expect(parseQuantity('9223372036854775807')).toBe(MAX_QUANTITY);
  });

  it('in a node pool, a manifest and a batch stream', () => {
    expect(
      loadError({
        's.yaml': `${pool('1e400')}workloads: [{manifests: m.yaml}]\n`,
        'm.yaml': 'kind: Service\napiVersion: v1\nmetadata: {name: s}\n',
      }),
    ).toMatch(/^s\.yaml:3:46: cluster\.nodePools\[0\]\.allocatable\.cpu: .*out of range/);
    const pod =
      'apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers: [{name: c, image: x, resources: {requests: {memory: 1e400}}}]\n';
    expect(loadError({ 's.yaml': `${pool('4')}workloads: [{manifests: m.yaml}]\n`, 'm.yaml': pod })).toMatch(
      /^m\.yaml:5:.*memory.*out of range/,
    );
    const batch = `${pool('4')}workloads:\n  - batch: {name: b, arrivals: {poisson: {rate: 1/m}}, duration: 1m, requests: {cpu: 100m, gpu: "1"}}\n`;
    expect(loadError({ 's.yaml': batch })).toMatch(
      /workloads\[0\]\.batch\.requests\.gpu: unknown resource name "gpu"; expected .* such as nvidia\.com\/gpu$/,
    );
  });
});

describe('prices', () => {
  it('refuses a node price past 1,000,000 an hour, which would make the cost infinite', () => {
    const priced = (price: string) =>
      `cluster:\n  nodePools:\n    - {name: p, count: 1, allocatable: {cpu: "4", memory: 16Gi}, pricePerHour: ${price}}\nworkloads: [{objects: []}]\n`;
    expect(loadError({ 's.yaml': priced('1e308') })).toMatch(
      /^s\.yaml:3:.*cluster\.nodePools\[0\]\.pricePerHour: expected a value <= 1000000/,
    );
    expect(() => loadScenario(join(tempFiles({ 's.yaml': priced('1000000') }), 's.yaml'))).not.toThrow();
  });
});

describe('traces', () => {
  const trace = (file: string, format = 'simple') => `${pool('4')}workloads:\n  - trace: {name: t, file: ${file}, format: ${format}}\n`;

  it('simple: a negative request is refused with its line', () => {
    const csv = 'time_s,cpu,memory,duration_s\n0,500m,1Gi,60\n5,-12800m,1Gi,60\n';
    expect(loadError({ 's.yaml': trace('t.csv'), 't.csv': csv })).toBe('t.csv:3:1: cpu: expected a non-negative quantity, got "-12800m"');
  });

  it('google-task-events: a non-numeric time, an unknown event type or a request outside 0..1 is refused with its line', () => {
    const row = (t: string, type = '0', cpu = '0.5', mem = '0.25', prio = '2') => `${t},,1,0,m1,${type},u,0,${prio},${cpu},${mem},0,0`;
    const gz = (...rows: string[]) => gzipSync(`${rows.join('\n')}\n`);
    expect(loadError({ 's.yaml': trace('t.csv.gz', 'google-task-events'), 't.csv.gz': gz(row('0'), row('abc')) })).toBe(
      't.csv.gz:2:1: time: expected a non-negative number of microseconds, got "abc"',
    );
    expect(loadError({ 's.yaml': trace('t.csv.gz', 'google-task-events'), 't.csv.gz': gz(row('0', '9')) })).toMatch(
      /:1:6: event type: expected an integer 0\.\.8, got "9"$/,
    );
    expect(loadError({ 's.yaml': trace('t.csv.gz', 'google-task-events'), 't.csv.gz': gz(row('0', '0', '-1')) })).toMatch(
      /:1:10: CPU request: expected a number 0\.\.1, got "-1"$/,
    );
    expect(loadError({ 's.yaml': trace('t.csv.gz', 'google-task-events'), 't.csv.gz': gz(row('0', '0', '0.5', '0.2', 'x')) })).toMatch(
      /priority: expected an integer 0\.\.11/,
    );
  });
});

describe('nesting depth', () => {
  it('refuses YAML nested past MAX_NESTING with a plain message and the line, block or flow', async () => {
    const { MAX_NESTING } = await import('../../src/scenario/yaml-source.js');
    const block = `cluster:\n${Array.from({ length: 3000 }, (_, i) => `${'  '.repeat(i + 1)}a${i}:\n`).join('')}`;
    expect(loadError({ 's.yaml': block })).toBe(
      `s.yaml:${MAX_NESTING + 1}:1: nesting deeper than ${MAX_NESTING} levels; expected a scenario or Kubernetes manifest`,
    );
    const flow = `cluster: ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
    expect(loadError({ 's.yaml': flow })).toBe(
      `s.yaml:1:1: nesting deeper than ${MAX_NESTING} levels; expected a scenario or Kubernetes manifest`,
    );
    // Quoted brackets and comments do not count.
    const quoted = `name: "${'['.repeat(100)}" # ${'{'.repeat(100)}\n${pool('4')}workloads: []\n`;
    expect(loadError({ 's.yaml': quoted })).not.toMatch(/nesting/);
  });
});
