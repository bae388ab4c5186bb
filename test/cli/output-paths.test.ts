// Where outputs go: names that become paths stay under results/, an output path the file system refuses
// is one line (not a hang).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultOutDir, progressLine } from '../../src/cli/run.js';
import { kubesim } from '../helpers/cli.js';
import { tempFiles } from '../helpers/scenario.js';

const body = `duration: 10m
cluster:
  nodePools:
    - {name: general, count: 1, allocatable: {cpu: "4", memory: 16Gi}}
workloads:
  - batch:
      name: b
      arrivals: {poisson: {rate: 1/m}}
      requests: {cpu: 100m}
      duration: 1m
`;

describe('output paths', () => {
  it.each([
    ['../../../../tmp/x', 'results/tmp-x'],
    ['/etc/passwd', 'results/etc-passwd'],
    ['..', 'results/scenario'],
    ['zone outage: 30 min', 'results/zone-outage-30-min'],
    ['default', 'results/default'],
    ['v1.2_final', 'results/v1.2_final'],
  ])('a scenario named %j writes to %s', (name, out) => {
    expect(defaultOutDir(name)).toBe(out);
  });

  it('run without --out keeps a traversing scenario name inside results/', async () => {
    const dir = tempFiles({ 's.yaml': `name: ../../../x\n${body}` });
    const r = await kubesim(['run', 's.yaml', '--quiet'], dir);
    expect(r.status).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['results', 's.yaml']);
    expect(readdirSync(join(dir, 'results'))).toEqual(['x']);
  });

  it('--out under /proc is one line and exit 2, not an endless mkdir', async () => {
    const dir = tempFiles({ 's.yaml': body });
    const r = await kubesim(['run', 's.yaml', '--quiet', '--out', '/proc/kubesim-x/y'], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^error: \/proc\/kubesim-x: cannot create the directory: .*\n$/);
    expect(existsSync('/proc/kubesim-x')).toBe(false);
  });
});

describe('object metadata is checked as kubectl apply checks it', () => {
  const manifest = (meta: string, tplMeta = '{labels: {app: web}}') => `apiVersion: apps/v1
kind: Deployment
metadata: ${meta}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: ${tplMeta}
    spec: {containers: [{name: c, image: nginx}]}
`;
  const scenario = body.replace(/workloads:[^]*$/, 'workloads:\n  - manifests: m.yaml\n');

  it('metadata.lables is an unknown field with a did-you-mean', async () => {
    const dir = tempFiles({ 's.yaml': scenario, 'm.yaml': manifest('{name: web, lables: {a: b}}') });
    const r = await kubesim(['validate', 's.yaml'], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^error: m\.yaml:3:\d+: metadata\.lables: unknown field "lables".*did you mean "labels"/);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('in a pod template too', async () => {
    const dir = tempFiles({ 's.yaml': scenario, 'm.yaml': manifest('{name: web}', '{labels: {app: web}, anotations: {}}') });
    const r = await kubesim(['validate', 's.yaml'], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/spec\.template\.metadata\.anotations: unknown field "anotations".*did you mean "annotations"/);
  });

  it('every ObjectMeta field is accepted', async () => {
    const meta =
      '{name: web, namespace: default, labels: {a: b}, annotations: {x: y}, uid: u, resourceVersion: "1", generation: 1, ' +
      'creationTimestamp: null, finalizers: [], ownerReferences: [], managedFields: []}';
    const dir = tempFiles({ 's.yaml': scenario, 'm.yaml': manifest(meta) });
    const r = await kubesim(['validate', 's.yaml'], dir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('messages quote nothing of a file that is not YAML', () => {
  const secret = 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n';
  const scenario = body.replace(/workloads:[^]*$/, 'workloads:\n  - manifests: passwd\n');

  it.each([
    [
      'as a manifest',
      ['validate', 's.yaml'],
      /^error: passwd:1:1: expected a Kubernetes object .* got plain text \(is this a manifest file\?\)\n$/,
    ],
    ['as a scenario', ['validate', 'passwd'], /^error: passwd:1:1: expected a mapping with `cluster` and `workloads` at the top\n$/],
  ])('%s', async (_what, args, message) => {
    const dir = tempFiles({ 's.yaml': scenario, passwd: secret });
    const r = await kubesim(args, dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/root|daemon|bin/);
  });
});

describe('the progress line of a long run on a terminal', () => {
  it('says the virtual time reached, the share of the run and the speed', () => {
    expect(progressLine(3 * 3600_000, 24 * 3600_000, 2_000)).toBe('  virtual time 3h of 1d (12%), 5,400x real time');
    expect(progressLine(0, 3600_000, 0)).toBe('  virtual time 0s of 1h (0%)');
  });
});
