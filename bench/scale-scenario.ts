// The cluster of the scale benchmark, in proportion to its node count N (N = 5,000: Kubernetes' scalability
// envelope of 5,000 nodes and about 150,000 pods):
// - a general pool of N 8-cpu / 32Gi nodes failing now and then (mean 30 days a node, repaired in about an
//   hour), managed by the cluster autoscaler between 0.9·N and 1.2·N, and a memory pool of N/50 nodes;
// - N/5 Deployments of 120 replicas each on average (uneven: 30..210), 100m..300m cpu per pod; one in ten
//   is a Service with an HPA at 60% CPU, fed fluid diurnal traffic;
// - two DaemonSets (a log agent and a node exporter: 2·N pods), one StatefulSet of 30 replicas on the
//   memory pool, and Jobs: a stream of batch pods (N/10 an hour, 10 minutes each) and a nightly Job;
// - two rolling updates of the two largest Deployments, at 2/7 and 5/7 of the run (days 2 and 5 of a week).
// About 30 pods a node, 150,000 pods at N = 5,000.
import { serviceWithHpaYaml } from './util.js';

export function scaleScenarioText(nodes: number, hours: number): string {
  const deployments = Math.max(2, Math.round(nodes / 5));
  const objects: string[] = [];
  const entries: string[] = [];
  const services: string[] = [];
  const sizes: { name: string; replicas: number }[] = [];
  for (let i = 0; i < deployments; i++) {
    const name = `app-${i}`;
    // Deterministic, uneven sizes: 30..210 replicas, 120 on average.
    const replicas = 30 + ((i * 7919) % 181);
    const cpu = [100, 150, 250, 300][i % 4]!;
    const mem = [128, 256, 512, 1024][(i >> 2) % 4]!;
    sizes.push({ name, replicas });
    objects.push(`
      - apiVersion: apps/v1
        kind: Deployment
        metadata: {name: ${name}}
        spec:
          replicas: ${replicas}
          selector: {matchLabels: {app: ${name}}}
          template:
            metadata: {labels: {app: ${name}}}
            spec:
              nodeSelector: {kubesim.io/node-pool: general}
              containers: [{name: c, image: ${name}:v1, resources: {requests: {cpu: ${cpu}m, memory: ${mem}Mi}}}]`);
    if (i % 10 === 0) {
      objects.push(serviceWithHpaYaml(name, Math.max(1, Math.round(replicas / 2)), replicas * 2));
      // A pod's slot uses cpu/4; at the mean rate about half the replicas' slots are busy.
      const mean = Math.round(replicas * 4 * 0.5 * 50);
      entries.push(`    - {service: ${name}, rate: {diurnal: {mean: ${mean}, peak: ${Math.round(mean * 1.5)}, peakAt: ${12 + (i % 6)}h}}}`);
      services.push(`    ${name}: {serviceTime: {exponential: {mean: 20ms}}, cpuPerRequest: ${cpu / 4}m}`);
    }
  }
  const daemonSet = (name: string, cpu: string, memory: string) => `
      - apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: ${name}}
        spec:
          selector: {matchLabels: {app: ${name}}}
          template:
            metadata: {labels: {app: ${name}}}
            spec: {containers: [{name: c, image: ${name}:v1, resources: {requests: {cpu: ${cpu}, memory: ${memory}}}}]}`;
  objects.push(daemonSet('log-agent', '50m', '128Mi'), daemonSet('node-exporter', '20m', '64Mi'));
  objects.push(`
      - apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db}
        spec:
          serviceName: db
          replicas: 30
          selector: {matchLabels: {app: db}}
          template:
            metadata: {labels: {app: db}}
            spec:
              nodeSelector: {kubesim.io/node-pool: memory}
              containers: [{name: c, image: db:v1, resources: {requests: {cpu: "2", memory: 24Gi}}}]
      - apiVersion: batch/v1
        kind: Job
        metadata: {name: nightly}
        spec:
          parallelism: ${Math.max(1, Math.round(nodes / 50))}
          completions: ${Math.max(1, Math.round(nodes / 10))}
          template:
            spec:
              restartPolicy: Never
              containers: [{name: c, image: nightly:v1, resources: {requests: {cpu: "1", memory: 2Gi}}}]`);
  const largest = [...sizes].sort((a, b) => b.replicas - a.replicas || (a.name < b.name ? -1 : 1)).slice(0, 2);
  const general = Math.round(nodes * 0.98);
  return `name: scale-${nodes}
seed: 5
duration: ${hours}h
metrics: {interval: 5m}
cluster:
  nodePools:
    - name: general
      zones: [a, b, c]
      count: ${general}
      minCount: ${Math.round(general * 0.9)}
      maxCount: ${Math.round(general * 1.2)}
      allocatable: {cpu: "8", memory: 32Gi, pods: 110}
      pricePerHour: 0.388
      failures: {timeToFailure: {exponential: {mean: 30d}}, timeToRepair: {lognormal: {median: 40m, p90: 2h}}}
    - {name: memory, zones: [a, b, c], count: ${Math.max(3, nodes - general)}, allocatable: {cpu: "8", memory: 64Gi, pods: 110}, pricePerHour: 0.5}
  autoscaler: {expander: least-waste}
workloads:
  - objects:${objects.join('')}
  - batch:
      name: jobs
      arrivals: {poisson: {rate: ${Math.max(1, Math.round(nodes / 10))}/h}}
      requests: {cpu: 500m, memory: 1Gi}
      duration: {exponential: {mean: 10m}}
      nodeSelector: {kubesim.io/node-pool: general}
rollouts:
  - {at: ${Math.round((hours * 2) / 7)}h, deployment: ${largest[0]!.name}, set: {image: ${largest[0]!.name}:v2}}
  - {at: ${Math.round((hours * 5) / 7)}h, deployment: ${largest[1]!.name}, set: {image: ${largest[1]!.name}:v2}}
traffic:
  mode: fluid
  interval: 30s
  entrypoints:
${entries.join('\n')}
  services:
${services.join('\n')}
`;
}
