// Manifest text for scenario tests: a Deployment with a Service selecting its pods, and a DaemonSet, as list items
// of a workloads entry's `objects:` (indented to sit under it).

export interface AppOptions {
  replicas?: number;
  image?: string;
  cpu?: string;
  memory?: string;
  /** A `nodeSelector:` line's value for the pod spec, e.g. `{kubesim.io/node-pool: general}`. */
  nodeSelector?: string;
  /** A `strategy:` line for the Deployment spec, e.g. `strategy: {rollingUpdate: {maxSurge: 1}}`. */
  strategy?: string;
  /** More fields of the container, each line indented like `image:`. */
  container?: string[];
  /** Without the Service (false: a later entry applies the Deployment again). */
  service?: boolean;
}

export function serviceApp(name: string, o: AppOptions = {}): string {
  const pad = (lines: string[], n: number) => lines.map((l) => `\n${' '.repeat(n)}${l}`).join('');
  return `
      - apiVersion: apps/v1
        kind: Deployment
        metadata: {name: ${name}}
        spec:
          replicas: ${o.replicas ?? 1}${o.strategy ? pad([o.strategy], 10) : ''}
          selector: {matchLabels: {app: ${name}}}
          template:
            metadata: {labels: {app: ${name}}}
            spec:${o.nodeSelector ? pad([`nodeSelector: ${o.nodeSelector}`], 14) : ''}
              containers:
                - name: c
                  image: ${o.image ?? name}
                  resources: {requests: {cpu: ${o.cpu ?? '100m'}, memory: ${o.memory ?? '64Mi'}}}${pad(o.container ?? [], 18)}${o.service === false ? '' : SERVICE(name)}`;
}

const SERVICE = (name: string) => `
      - apiVersion: v1
        kind: Service
        metadata: {name: ${name}}
        spec: {selector: {app: ${name}}, ports: [{port: 80}]}`;

/** A DaemonSet of one container (64Mi) whose pods carry app: <name> and the extra labels given (`tier: x`). */
export function daemonSet(name: string, cpu: string, labels = ''): string {
  return `
      - apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: ${name}}
        spec:
          selector: {matchLabels: {app: ${name}}}
          template:
            metadata: {labels: {app: ${name}${labels ? `, ${labels}` : ''}}}
            spec:
              containers: [{name: c, image: ${name}, resources: {requests: {cpu: ${cpu}, memory: 64Mi}}}]`;
}
