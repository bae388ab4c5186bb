// Beyond one machine: the same sweep as shards of a Kubernetes Indexed Job, or as a CI matrix.
import { stringify } from 'yaml';
import type { SweepPlan } from './plan.js';

export interface EmitOptions {
  shards: number;
  parallelism: number;
  image: string;
  /** The command-line arguments that reproduce the plan (file, --grid, --seeds, --set, --baseline). */
  args: string[];
  /** PersistentVolumeClaim (ReadWriteMany) the shards write to. */
  claim: string;
  threads?: number;
}

const quote = (s: string) => (/^[\w./:=@%+,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** A batch/v1 Indexed Job: pod i runs shard i of n into /results/<fingerprint>/shard-i on a shared volume. */
export function emitIndexedJob(plan: SweepPlan, o: EmitOptions): string {
  const name = `kubesim-sweep-${plan.fingerprint.slice(0, 10)}`;
  const out = `/results/${plan.fingerprint}`;
  const cmd = [
    'kubesim', 'sweep', ...o.args.map(quote), '--shard', `"$JOB_COMPLETION_INDEX/${o.shards}"`,
    '--out', `"${out}/shard-$JOB_COMPLETION_INDEX"`, '--resume', '--quiet', ...(o.threads ? ['--threads', String(o.threads)] : []),
  ].join(' ');
  const job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, labels: { 'app.kubernetes.io/name': 'kubesim', 'kubesim.io/sweep': plan.fingerprint } },
    spec: {
      completionMode: 'Indexed',
      completions: o.shards,
      parallelism: o.parallelism,
      // Retry a failed shard on its own (a rerun resumes where it stopped); GA since Kubernetes 1.33.
      backoffLimitPerIndex: 2,
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'kubesim', 'kubesim.io/sweep': plan.fingerprint } },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'kubesim',
              image: o.image,
              // The Job controller sets JOB_COMPLETION_INDEX in every pod of an Indexed Job.
              command: ['sh', '-c', cmd],
              resources: { requests: { cpu: String(o.threads ?? 2), memory: '2Gi' } },
              volumeMounts: [{ name: 'results', mountPath: '/results' }],
            },
          ],
          volumes: [{ name: 'results', persistentVolumeClaim: { claimName: o.claim } }],
        },
      },
    },
  };
  const merge = `kubesim merge ${out}/shard-* --out ${out}/merged`;
  return `# kubesim sweep of ${plan.file}: ${plan.runs.length} runs (${plan.cells.length} cells x ${plan.seeds.length} seeds) in ${o.shards} shards.\n` +
    `# kubectl apply -f this file; kubectl wait --for=condition=complete job/${name} --timeout=24h;\n` +
    `# then, in any pod that mounts the claim "${o.claim}": ${merge}\n${stringify(job)}`;
}

/** A GitHub Actions matrix: `strategy: {matrix: ${{ fromJSON(needs.plan.outputs.matrix) }}}`. */
export function emitGithubMatrix(_plan: SweepPlan, o: EmitOptions): string {
  const include = Array.from({ length: o.shards }, (_, i) => ({ shard: `${i}/${o.shards}`, index: i }));
  return `${JSON.stringify({ include })}\n`;
}
