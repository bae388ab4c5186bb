// The corpus test: every real manifest and the Google trace shard in ../shared/data (see its README.md,
// which lists each file's contents and quirks), loaded through temporary scenario files exactly as a user
// would reference them, with what kubesim makes of each checked against the file itself.
// Users' clones have no ../shared: there the whole suite is skipped.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as yamlParse } from 'yaml';
import { CPU, EPHEMERAL, MEMORY, PODS, ResourceSpace } from '../../src/model/resources.js';
import { loadScenario, type Scenario } from '../../src/scenario/load.js';
import { parseYaml, toPlain } from '../../src/scenario/yaml-source.js';
import { simulate } from '../../src/run/simulate.js';
import type { Row } from '../../src/metrics/collector.js';
import {
  byName,
  catchScenarioError,
  checksumMismatches,
  hashingSinks,
  kindCounts,
  lineOf,
  pool,
  ScenarioDir,
  taskEventRows,
} from './helpers.js';

const DATA = resolve(process.cwd(), '../shared/data');
const exists = existsSync(DATA);
if (!exists) console.log('../shared/data not found: corpus test skipped');

const Mi = 2 ** 20;
const Gi = 2 ** 30;
const data = (p: string) => join(DATA, p);
const text = (p: string) => readFileSync(data(p), 'utf8');
const notSimulated = (s: Scenario) => Object.fromEntries(s.notSimulated);

describe.skipIf(!exists)('corpus: ../shared/data', () => {
  const tmp = new ScenarioDir();
  afterAll(() => tmp.remove());

  it('every file matches data/SHA256SUMS (a changed corpus is reported here first)', () => {
    const { checked, bad } = checksumMismatches(DATA);
    expect(checked).toBeGreaterThanOrEqual(50);
    expect(bad, `the corpus in ${DATA} changed; the expectations below were written for the checksummed files`).toEqual([]);
  });

  describe('online-boutique', () => {
    // [cpu millicores, memory MiB] of each Deployment, read from release/kubernetes-manifests.yaml.
    const REQUESTS: Record<string, [number, number]> = {
      frontend: [100, 64],
      adservice: [200, 180],
      currencyservice: [100, 64],
      cartservice: [200, 64],
      'redis-cart': [70, 200],
      loadgenerator: [300, 256],
      recommendationservice: [100, 220],
      checkoutservice: [100, 64],
      emailservice: [100, 64],
      paymentservice: [100, 64],
      shippingservice: [100, 64],
      productcatalogservice: [100, 64],
    };
    const DIR = 'online-boutique/kubernetes-manifests';

    it('release manifest: 12 Deployments with their requests; 12 Services; 11 ServiceAccounts not simulated', () => {
      const s = tmp.load(data('online-boutique/kubernetes-manifests.yaml'));
      expect(kindCounts(s)).toEqual({ Deployment: 12 });
      expect(notSimulated(s)).toEqual({ ServiceAccount: 11 });
      expect(s.services).toHaveLength(12);
      expect(s.warnings).toEqual([]);
      const got = Object.fromEntries(s.workloads.map((w) => [w.name, [w.template.requests[CPU], w.template.requests[MEMORY] / Mi]]));
      expect(got).toEqual(REQUESTS);
      for (const w of s.workloads) {
        expect(w.namespace, w.name).toBe('default');
        // Only loadgenerator sets replicas (1); the others default to 1.
        expect(w.replicas, w.name).toBe(1);
        expect(w.template.requests[EPHEMERAL], w.name).toBe(0);
        expect(w.template.requests[PODS], w.name).toBe(1);
      }
    });

    it("loadgenerator's init container (no resources) leaves the pod's requests at the main container's 300m/256Mi", () => {
      const raw = yamlParse(
        text(`${DIR}/loadgenerator.yaml`)
          .split(/^---$/m)
          .find((d) => /kind: Deployment/.test(d))!,
      );
      expect(raw.spec.template.spec.initContainers).toHaveLength(1);
      expect(raw.spec.template.spec.initContainers[0].resources).toBeUndefined();
      const w = byName(tmp.load(data(`${DIR}/loadgenerator.yaml`))).get('loadgenerator')!;
      expect([w.template.requests[CPU], w.template.requests[MEMORY]]).toEqual([300, 256 * Mi]);
      expect(w.replicas).toBe(1);
    });

    it('per-service folder: loading the directory fails clearly on kustomization.yaml', () => {
      const e = tmp.loadError(data(DIR));
      expect(e.file).toMatch(/online-boutique\/kubernetes-manifests\/kustomization\.yaml$/);
      expect(e.line).toBe(lineOf(text(`${DIR}/kustomization.yaml`), 'kind: Kustomization'));
      expect(e.problem).toMatch(/kustomize Kustomization, not a Kubernetes object/);
      expect(e.hint).toMatch(/kubectl kustomize/);
    });

    it('per-service folder: the individual files load, with the same Deployments and requests as the release file', () => {
      const files = readdirSync(data(DIR))
        .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
        .sort();
      expect(files).toHaveLength(11); // cartservice.yaml holds two Deployments (cartservice, redis-cart)
      const s = tmp.load(files.map((f) => data(`${DIR}/${f}`)));
      expect(kindCounts(s)).toEqual({ Deployment: 12 });
      expect(notSimulated(s)).toEqual({ ServiceAccount: 11 });
      expect(s.services).toHaveLength(12);
      const got = Object.fromEntries(s.workloads.map((w) => [w.name, [w.template.requests[CPU], w.template.requests[MEMORY] / Mi]]));
      expect(got).toEqual(REQUESTS);
    });

    it('the release file and a per-service file together: a duplicate error at the second metadata.name', () => {
      const f = `${DIR}/adservice.yaml`;
      const e = tmp.loadError([data('online-boutique/kubernetes-manifests.yaml'), data(f)]);
      expect(e.file).toMatch(/kubernetes-manifests\/adservice\.yaml$/);
      expect(e.problem).toMatch(
        /^duplicate Deployment "adservice" in namespace "default" \(first defined at \S*online-boutique\/kubernetes-manifests\.yaml:\d+\)$/,
      );
      expect(e.path).toBe('metadata.name');
      expect(e.line).toBe(lineOf(text(f), 'name: adservice'));
    });

    it('per-service folder: the files kustomization.yaml lists give 11 Deployments (loadgenerator is commented out there)', () => {
      const k = yamlParse(text(`${DIR}/kustomization.yaml`)) as { resources: string[] };
      const s = tmp.load(k.resources.map((f) => data(`${DIR}/${f}`)));
      expect(s.workloads.map((w) => w.name).sort()).toEqual(
        Object.keys(REQUESTS)
          .filter((n) => n !== 'loadgenerator')
          .sort(),
      );
    });
  });

  describe('sock-shop', () => {
    const DATA_STORES = ['carts-db', 'catalogue-db', 'orders-db', 'rabbitmq', 'session-db', 'user-db'];
    const APPS: Record<string, [number, number]> = {
      carts: [100, 200],
      catalogue: [100, 100],
      'front-end': [100, 300],
      orders: [100, 300],
      payment: [99, 100],
      'queue-master': [100, 300],
      shipping: [100, 300],
      user: [100, 100],
    };

    it('complete-demo: 14 Deployments in sock-shop; 14 Services; 1 Namespace not simulated; requests as written', () => {
      const s = tmp.load(data('sock-shop/complete-demo.yaml'));
      expect(kindCounts(s)).toEqual({ Deployment: 14 });
      expect(notSimulated(s)).toEqual({ Namespace: 1 });
      expect(s.services).toHaveLength(14);
      expect(s.warnings).toEqual([]);
      const ws = byName(s);
      for (const w of s.workloads) {
        expect(w.namespace, w.name).toBe('sock-shop');
        expect(w.replicas, w.name).toBe(1);
        // Every pod carries the deprecated beta OS label selector.
        expect([...w.template.nodeSelector], w.name).toEqual([['beta.kubernetes.io/os', 'linux']]);
      }
      for (const [name, [cpu, mib]] of Object.entries(APPS)) {
        expect([ws.get(name)!.template.requests[CPU], ws.get(name)!.template.requests[MEMORY]], name).toEqual([cpu, mib * Mi]);
      }
      expect(ws.get('payment')!.template.requests[CPU]).toBe(99);
      // The data stores set no resources at all (BestEffort): zero requests, not the scheduler's scoring defaults.
      for (const name of DATA_STORES) {
        const t = ws.get(name)!.template;
        expect([t.requests[CPU], t.requests[MEMORY], t.requests[EPHEMERAL]], name).toEqual([0, 0, 0]);
        expect([t.limits[CPU], t.limits[MEMORY]], name).toEqual([0, 0]);
      }
      expect(Object.keys(APPS).length + DATA_STORES.length).toBe(14);
    });

    it('complete-demo: all 14 pods get scheduled on a small cluster (nodes carry beta.kubernetes.io/os=linux)', () => {
      const s = tmp.load(data('sock-shop/complete-demo.yaml'), { pools: pool('small', 2, '{cpu: 4, memory: 16Gi}'), duration: '5m' });
      const { summary, pendingReasons } = simulate(s, hashingSinks().sinks);
      expect([...pendingReasons]).toEqual([]);
      expect(summary.pods_created).toBe(14);
      expect(summary.pods_scheduled).toBe(14);
      expect(summary.pods_running_end).toBe(14);
      expect(summary.pods_pending_end).toBe(0);
    });

    it('complete-demo: on nodes labelled beta.kubernetes.io/os=windows every Deployment gets a "can never be scheduled" warning', () => {
      const s = tmp.load(data('sock-shop/complete-demo.yaml'), {
        pools: pool('win', 2, '{cpu: 4, memory: 16Gi}', '      labels: {beta.kubernetes.io/os: windows}\n'),
      });
      expect(s.warnings).toHaveLength(14);
      for (const w of s.warnings)
        expect(w).toMatch(
          /^Deployment sock-shop\/\S+ .* can never be scheduled: pool win: the pod's nodeSelector matches no node in the pool/,
        );
    });

    it('legacy-2018: a clear "unsupported apiVersion" error naming extensions/v1beta1', () => {
      const e = tmp.loadError(data('sock-shop/legacy-2018/complete-demo.yaml'));
      expect(e.file).toMatch(/sock-shop\/legacy-2018\/complete-demo\.yaml$/);
      expect(e.line).toBe(lineOf(text('sock-shop/legacy-2018/complete-demo.yaml'), 'apiVersion: extensions/v1beta1'));
      expect(e.path).toBe('apiVersion');
      expect(e.problem).toMatch(/^unsupported apiVersion "extensions\/v1beta1" for Deployment/);
      expect(e.problem).toContain('removed in Kubernetes 1.16');
      expect(e.problem).toMatch(/expected apps\/v1$/);
    });

    it('autoscaling: the 8 HPAs (autoscaling/v1, targets in apps/v1beta1) are accepted, and warn that no manifest defines their targets', () => {
      const s = tmp.load(data('sock-shop/autoscaling'));
      expect(s.workloads).toEqual([]);
      expect(notSimulated(s)).toEqual({});
      expect(s.hpas.map((h) => [h.spec.target.name, h.spec.minReplicas, h.spec.maxReplicas])).toHaveLength(8);
      expect(s.warnings.filter((w) => w.includes('HorizontalPodAutoscaler'))).toHaveLength(8);
    });

    it('autoscaling on top of complete-demo: 7 targets resolve by group and kind; "cart" (the Deployment is "carts") is reported', () => {
      const s = tmp.load([data('sock-shop/complete-demo.yaml'), data('sock-shop/autoscaling')]);
      expect(kindCounts(s)).toEqual({ Deployment: 14 });
      expect(notSimulated(s)).toEqual({ Namespace: 1 });
      expect(s.services).toHaveLength(14);
      expect(s.hpas).toHaveLength(8);
      const hpaWarnings = s.warnings.filter((w) => w.includes('HorizontalPodAutoscaler'));
      expect(hpaWarnings).toHaveLength(1);
      expect(hpaWarnings[0]).toMatch(
        /HorizontalPodAutoscaler sock-shop\/cart targets Deployment "cart", which no manifest defines: it will report FailedGetScale and scale nothing \(did you mean "carts"\?\)$/,
      );
    });
  });

  describe('k8s-examples', () => {
    it('guestbook all-in-one: 3 Deployments, 6 pods in total, requests 100m/100Mi; 3 Services', () => {
      const s = tmp.load(data('k8s-examples/guestbook/all-in-one/guestbook-all-in-one.yaml'));
      expect(kindCounts(s)).toEqual({ Deployment: 3 });
      expect(notSimulated(s)).toEqual({});
      expect(s.services).toHaveLength(3);
      expect(Object.fromEntries(s.workloads.map((w) => [w.name, w.replicas]))).toEqual({
        'redis-master': 1,
        'redis-replica': 2,
        frontend: 3,
      });
      expect(s.workloads.reduce((n, w) => n + w.replicas, 0)).toBe(6);
      for (const w of s.workloads) expect([w.template.requests[CPU], w.template.requests[MEMORY]], w.name).toEqual([100, 100 * Mi]);
    });

    it('guestbook all-in-one: the 6 pods run', () => {
      const s = tmp.load(data('k8s-examples/guestbook/all-in-one/guestbook-all-in-one.yaml'), { duration: '1m' });
      const { summary } = simulate(s, hashingSinks().sinks);
      expect([summary.pods_created, summary.pods_running_end, summary.pods_pending_end]).toEqual([6, 6, 0]);
    });

    it('guestbook single files: the same 3 Deployments and 3 Services as the all-in-one file', () => {
      const s = tmp.load(data('k8s-examples/guestbook'));
      expect(Object.fromEntries(s.workloads.map((w) => [w.name, w.replicas]))).toEqual({
        'redis-master': 1,
        'redis-replica': 2,
        frontend: 3,
      });
      expect(notSimulated(s)).toEqual({});
      expect(s.services).toHaveLength(3);
    });

    it('cassandra: a StatefulSet of 3 (StorageClass not simulated), its pods created in order with their 1800 s grace period', () => {
      const s = tmp.load(data('k8s-examples/cassandra/cassandra-statefulset.yaml'), { duration: '1m' });
      expect(kindCounts(s)).toEqual({ StatefulSet: 1 });
      expect(notSimulated(s)).toEqual({ StorageClass: 1 });
      const w = s.workloads[0]!;
      expect([
        w.name,
        w.replicas,
        w.podManagementPolicy,
        w.template.requests[CPU],
        w.template.requests[MEMORY],
        w.template.terminationGracePeriodMs,
      ]).toEqual(['cassandra', 3, 'OrderedReady', 500, Mi * 1024, 1_800_000]);
      const pods: Row[] = [];
      const { summary } = simulate(s, { pods: { write: (r: Row) => pods.push(r) } });
      expect([summary.pods_created, summary.pods_running_end]).toEqual([3, 3]);
      // OrderedReady: each pod is created once the one before is Running (podStartup 1 s after binding).
      const created = pods.map((r) => [r[0], r[6]]).sort((a, b) => Number(a[1]) - Number(b[1]));
      expect(created.map((r) => r[0])).toEqual(['cassandra-0', 'cassandra-1', 'cassandra-2']);
      expect(Number(created[1]![1])).toBeGreaterThan(Number(created[0]![1]));
      expect(Number(created[2]![1])).toBeGreaterThan(Number(created[1]![1]));
      const both = tmp.load(data('k8s-examples/cassandra'));
      expect(notSimulated(both)).toEqual({ StorageClass: 1 });
      // Its headless Service selects the StatefulSet's pods.
      expect(both.services.map((x) => x.name)).toEqual(['cassandra']);
    });

    it("cassandra: the unevenly indented requests parse to the container's requests map", () => {
      const docs = parseYaml(text('k8s-examples/cassandra/cassandra-statefulset.yaml'), 'cassandra-statefulset.yaml');
      expect(docs).toHaveLength(2);
      const sts = toPlain(docs[0]!) as { apiVersion: string; spec: { template: { spec: { containers: { resources: unknown }[] } } } };
      expect(sts.apiVersion).toBe('apps/v1');
      expect(sts.spec.template.spec.containers[0]!.resources).toEqual({
        limits: { cpu: '500m', memory: '1Gi' },
        requests: { cpu: '500m', memory: '1Gi' },
      });
    });

    it('cockroachdb: the policy/v1beta1 PodDisruptionBudget is a clear unsupported apiVersion error', () => {
      const f = 'k8s-examples/cockroachdb/cockroachdb-statefulset.yaml';
      const e = tmp.loadError(data(f));
      expect(e.file).toMatch(/cockroachdb-statefulset\.yaml$/);
      expect(e.line).toBe(lineOf(text(f), 'apiVersion: policy/v1beta1'));
      expect(e.path).toBe('apiVersion');
      expect(e.problem).toBe(
        'unsupported apiVersion "policy/v1beta1" for PodDisruptionBudget (removed in Kubernetes 1.25); expected policy/v1',
      );
    });

    describe('vllm', () => {
      const f = data('k8s-examples/vllm-hpa/vllm-deployment.yaml');

      it('requests: cpu "2" = 2000m, memory 10Gi, ephemeral-storage 10Gi, nvidia.com/gpu 1 as an extended resource', () => {
        const s = tmp.load(f, { pools: pool('gpu', 1, '{cpu: 8, memory: 64Gi, nvidia.com/gpu: 1}') });
        expect(kindCounts(s)).toEqual({ Deployment: 1 });
        const w = s.workloads[0]!;
        expect([w.name, w.namespace, w.replicas]).toEqual(['vllm-gemma-deployment', 'default', 1]);
        const gpu = s.space.indexOf('nvidia.com/gpu');
        expect(gpu).toBeGreaterThan(PODS);
        const r = w.template.requests;
        expect([r[CPU], r[MEMORY], r[EPHEMERAL], r[gpu!]]).toEqual([2000, 10 * Gi, 10 * Gi, 1]);
        // requests = limits in the file
        const l = w.template.limits;
        expect([l[CPU], l[MEMORY], l[EPHEMERAL], l[gpu!]]).toEqual([2000, 10 * Gi, 10 * Gi, 1]);
      });

      it('on a node pool without GPUs: a warning that it can never be scheduled', () => {
        const s = tmp.load(f, { pools: pool('cpu-only', 2, '{cpu: 8, memory: 64Gi}') });
        expect(s.warnings).toHaveLength(1);
        expect(s.warnings[0]).toMatch(
          /^Deployment default\/vllm-gemma-deployment .* can never be scheduled: pool cpu-only: the pod requests nvidia\.com\/gpu 1 but nodes have 0$/,
        );
      });

      it('on {cpu: 8, memory: 64Gi, nvidia.com/gpu: 1}: no warning, and the pod runs', () => {
        const s = tmp.load(f, { pools: pool('gpu', 1, '{cpu: 8, memory: 64Gi, nvidia.com/gpu: 1}'), duration: '1m' });
        expect(s.warnings).toEqual([]);
        const { summary } = simulate(s, hashingSinks().sinks);
        expect([summary.pods_created, summary.pods_running_end]).toEqual([1, 1]);
      });

      it('an HPA on a Pods metric the simulation does not produce is refused, with its place', () => {
        expect(() => tmp.load(data('k8s-examples/vllm-hpa/hpa'))).toThrow(
          /spec\.metrics\[0\]: the simulation cannot produce the Pods metric "[a-z_]+"( \(did you mean "[a-z_]+"\?\))? \(kubesim produces requests_per_second for pods and Services that receive traffic\)/,
        );
      });
    });

    describe('jobs', () => {
      it('work-queue-1: Job with completions 8 and parallelism 2', () => {
        const s = tmp.load(data('k8s-examples/job/work-queue-1/job.yaml'));
        expect(kindCounts(s)).toEqual({ Job: 1 });
        const w = s.workloads[0]!;
        expect([w.name, w.namespace, w.replicas]).toEqual(['job-wq-1', 'default', 2]);
        expect(w.job).toMatchObject({ completions: 8, parallelism: 2 });
        expect([w.template.requests[CPU], w.template.requests[MEMORY]]).toEqual([0, 0]);
      });

      it('work-queue-1: 8 pods succeed (default run time 1m, two at a time)', () => {
        const s = tmp.load(data('k8s-examples/job/work-queue-1/job.yaml'), { duration: '10m' });
        const { summary } = simulate(s, hashingSinks().sinks);
        expect([summary.pods_created, summary.pods_succeeded, summary.pods_running_end]).toEqual([8, 8, 0]);
      });

      it('work-queue-2: completions unset (work-queue mode), parallelism 2', () => {
        const s = tmp.load(data('k8s-examples/job/work-queue-2/job.yaml'));
        const w = s.workloads[0]!;
        expect([w.kind, w.name, w.replicas]).toEqual(['Job', 'job-wq-2', 2]);
        expect(w.job).toMatchObject({ completions: null, parallelism: 2 });
      });

      it('work-queue-2: done once a pod succeeds and all have ended: 2 pods, both succeed', () => {
        const s = tmp.load(data('k8s-examples/job/work-queue-2/job.yaml'), { duration: '10m' });
        const { summary } = simulate(s, hashingSinks().sinks);
        expect([summary.pods_created, summary.pods_succeeded, summary.pods_running_end]).toEqual([2, 2, 0]);
      });
    });

    describe('daemonsets', () => {
      it('newrelic (apps/v1): a DaemonSet with hostNetwork: one pod per node, tolerating network-unavailable too', () => {
        const s = tmp.load(data('k8s-examples/daemonset/newrelic-daemonset.yaml'), { duration: '1m' });
        expect(kindCounts(s)).toEqual({ DaemonSet: 1 });
        expect(notSimulated(s)).toEqual({});
        expect(s.workloads[0]!.hostNetwork).toBe(true);
        const pods: Row[] = [];
        const nodes = s.pools.reduce((n, p) => n + p.count, 0);
        const { summary } = simulate(s, { pods: { write: (r: Row) => pods.push(r) } });
        expect([summary.pods_created, summary.pods_running_end]).toEqual([nodes, nodes]);
        expect(new Set(pods.map((r) => r[10])).size).toBe(nodes);
      });

      it('newrelic: its bare YAML float cpu: 0.15 is 150 millicores', () => {
        const docs = parseYaml(text('k8s-examples/daemonset/newrelic-daemonset.yaml'), 'newrelic-daemonset.yaml');
        const ds = toPlain(docs[0]!) as { spec: { template: { spec: { containers: { resources: { requests: { cpu: unknown } } }[] } } } };
        const cpu = ds.spec.template.spec.containers[0]!.resources.requests.cpu;
        expect(cpu).toBe(0.15);
        expect(ResourceSpace.parse('cpu', cpu as number)).toBe(150);
      });

      it('newrelic-infra (extensions/v1beta1): unsupported apiVersion error', () => {
        const f = 'k8s-examples/daemonset/newrelic-infra-daemonset.yaml';
        const e = tmp.loadError(data(f));
        expect(e.line).toBe(lineOf(text(f), 'apiVersion: extensions/v1beta1'));
        expect(e.path).toBe('apiVersion');
        expect(e.problem).toMatch(/^unsupported apiVersion "extensions\/v1beta1" for DaemonSet/);
        expect(e.problem).toContain('removed in Kubernetes 1.16');
        expect(e.problem).toMatch(/expected apps\/v1$/);
      });
    });
  });

  describe('Google trace 2011, task_events shard 1', () => {
    const TRACE = data('traces/google-2011/task_events/part-00001-of-00500.csv.gz');
    const CPU_PER_UNIT = 32000; // cpuPerUnit 32 (the default), in millicores
    const MEM_PER_UNIT = 128 * Gi; // memoryPerUnit 128Gi (the default)
    let rows: string[][];
    let scenario: Scenario;
    let file: string;

    beforeAll(() => {
      rows = taskEventRows(TRACE);
      file = tmp.write(
        `name: google-shard-1\nseed: 11\nduration: 10m\ncluster:\n  nodePools:\n${pool('borg', 300, '{cpu: 32, memory: 128Gi}')}` +
          `workloads:\n  - trace: {name: g, file: ${JSON.stringify(TRACE)}, format: google-task-events}\n`,
      );
      scenario = loadScenario(file);
    });

    it('the shard is the one the README describes (77,776 rows; 25,822 SUBMIT)', () => {
      expect(rows).toHaveLength(77776);
      const byType = new Map<string, number>();
      for (const f of rows) byType.set(f[5]!, (byType.get(f[5]!) ?? 0) + 1);
      expect(Object.fromEntries(byType)).toEqual({ '0': 25822, '1': 26231, '2': 2500, '3': 501, '4': 14551, '5': 8171 });
    });

    it('one replayed arrival per SUBMIT row, in time order', () => {
      expect(scenario.workloads).toEqual([]);
      expect(scenario.arrivals).toHaveLength(1);
      const trace = scenario.arrivals[0]!.trace!;
      expect(trace.length).toBe(rows.filter((f) => f[5] === '0').length);
      expect(trace.length).toBe(25822);
      for (let i = 1; i < trace.length; i++) if (trace[i]!.at < trace[i - 1]!.at) expect.fail(`arrival ${i} is out of order`);
    });

    it('the events of tasks first seen mid-shard (SUBMIT in shard 0) are skipped and reported', () => {
      // Independent count: non-SUBMIT rows of tasks with no SUBMIT earlier in this file.
      const submitted = new Set<string>();
      const firstSeenLate = new Set<string>();
      let events = 0;
      for (const f of rows) {
        const key = `${f[2]}/${f[3]}`;
        if (f[5] === '0') submitted.add(key);
        else if (!submitted.has(key)) {
          events++;
          firstSeenLate.add(key);
        }
      }
      expect(firstSeenLate.size).toBe(7581); // README: 7,581 of the 25,006 tasks
      const skipped = scenario.arrivals[0]!.skipped!;
      expect([...skipped.values()].reduce((a, b) => a + b, 0)).toBe(events);
      expect([...skipped.keys()]).toEqual(['events of tasks submitted before the file starts']);
    });

    it('requests scale by cpuPerUnit and memoryPerUnit: cpu 0.5 x 32 = 16000 millicores', () => {
      const submits = rows.filter((f) => f[5] === '0');
      const i = submits.findIndex((f) => f[9] === '0.5');
      expect(i).toBeGreaterThanOrEqual(0);
      const row = submits[i]!;
      const a = scenario.arrivals[0]!.trace![i]!;
      expect(a.template.requests[CPU]).toBe(16000);
      expect(a.template.requests[MEMORY]).toBe(Math.ceil(Number(row[10]) * MEM_PER_UNIT));
      expect(a.template.requests[PODS]).toBe(1);
      // No `priorities` mapping in this scenario: every task gets what a pod without a class gets (0).
      expect(a.template.priority).toBe(0);
      expect(a.at).toBe(Math.round((Number(row[0]) - Number(rows[0]![0])) / 1000));
      // and every arrival, against the row it came from
      submits.forEach((f, j) => {
        const r = scenario.arrivals[0]!.trace![j]!.template.requests;
        if (r[CPU] !== Math.ceil(Number(f[9] || 0) * CPU_PER_UNIT) || r[MEMORY] !== Math.ceil(Number(f[10] || 0) * MEM_PER_UNIT)) {
          expect.fail(`arrival ${j}: requests ${r[CPU]}m/${r[MEMORY]} for row ${f.join(',')}`);
        }
      });
    });

    it('with limit: 100, 100 arrivals, and the tasks past the limit are reported as such, not as submitted before the file', () => {
      const limited = loadScenario(
        tmp.write(
          `duration: 10m\ncluster:\n  nodePools:\n${pool('borg', 3, '{cpu: 32, memory: 128Gi}')}` +
            `workloads:\n  - trace: {name: g, file: ${JSON.stringify(TRACE)}, format: google-task-events, limit: 100}\n`,
        ),
      );
      const full = scenario.arrivals[0]!.skipped!.get('events of tasks submitted before the file starts')!;
      expect(limited.arrivals[0]!.trace).toHaveLength(100);
      const skipped = limited.arrivals[0]!.skipped!;
      expect(skipped.get('events of tasks submitted before the file starts')).toBe(full);
      expect([...skipped.keys()].some((k) => /limit/.test(k))).toBe(true);
    });

    it('the other tables of the trace are refused clearly as task_events input', () => {
      for (const [f, cols] of [
        ['machine_events/part-00000-of-00001.csv.gz', 6],
        ['job_events/part-00001-of-00500.csv.gz', 8],
      ] as const) {
        const e = catchScenarioError(() =>
          loadScenario(
            tmp.write(
              `cluster:\n  nodePools:\n${pool('borg', 3, '{cpu: 32, memory: 128Gi}')}` +
                `workloads:\n  - trace: {name: g, file: ${JSON.stringify(data(`traces/google-2011/${f}`))}, format: google-task-events}\n`,
            ),
          ),
        );
        expect(e.file).toMatch(new RegExp(`${f.replace(/\./g, '\\.')}$`));
        expect([e.line, e.problem]).toEqual([1, `expected 13 columns of task_events, got ${cols}`]);
      }
    });

    it('10 minutes of trace on 300 nodes run without errors, and deterministically', () => {
      const run = () => {
        const h = hashingSinks();
        const r = simulate(loadScenario(file), h.sinks);
        return { summary: r.summary, events: r.eventsProcessed, rows: h.digest() };
      };
      const a = run();
      const b = run();
      expect(b).toEqual(a);
      const inWindow = scenario.arrivals[0]!.trace!.filter((x) => x.at <= 10 * 60 * 1000).length;
      expect(inWindow).toBeGreaterThan(1000);
      expect(a.summary.pods_created).toBe(inWindow);
      expect(a.summary.pods_scheduled).toBeGreaterThan(0);
      expect(a.summary.nodes).toBe(300);
    });
  });
});
