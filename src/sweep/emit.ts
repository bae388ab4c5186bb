// Beyond one machine: the same sweep as shards of a Kubernetes Indexed Job, or as a CI matrix.
import { isAbsolute } from 'node:path';
import { stringify } from 'yaml';
import { ScenarioError } from '../scenario/errors.js';
import type { SweepPlan } from './plan.js';

export type EmitKind = 'k8s-job' | 'github-matrix';

export interface EmitOptions {
  shards: number;
  parallelism: number;
  image: string;
  /** The command-line arguments that reproduce the plan (file, --grid, --seeds, --set, --baseline). */
  args: string[];
  /** PersistentVolumeClaim (ReadWriteMany) the shards write to. */
  claim: string;
  /** Worker threads of each pod, and its CPU request. */
  threads: number;
}

/** The emit options as the command line gives them: unchecked (a repeated option is a list). */
export interface EmitRequest {
  kind: EmitKind;
  args: string[];
  shards: unknown;
  parallelism: unknown;
  image: unknown;
  claim: unknown;
  threads: unknown;
}

/** Threads (and CPU request) of each pod of an Indexed Job when --threads is not given. */
export const DEFAULT_POD_THREADS = 2;
/** The group of the user the image runs as (`USER node` of node:20-slim in the Dockerfile: uid and gid 1000). */
export const IMAGE_GID = 1000;

const quote = (s: string) => (/^[\w./:=@%+,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

const given = (v: unknown) => (Array.isArray(v) ? `it was given ${v.length} times (${v.join(', ')})` : `got ${String(v)}`);

function positiveInteger(option: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new ScenarioError(option, 0, 0, '', `expected a positive integer, ${given(v)}`);
  }
  return v;
}

function oneString(option: string, v: unknown): string {
  if (Array.isArray(v)) throw new ScenarioError(option, 0, 0, '', `expected one value, ${given(v)}`, `give ${option} once`);
  if (typeof v !== 'string' || v.trim() === '')
    throw new ScenarioError(option, 0, 0, '', `expected a non-empty value, got "${String(v ?? '')}"`);
  return v;
}

/**
 * Checks the emit options against the plan. Returns the options to emit with and notes for the
 * user (printing them is the command line's business): more shards than runs are capped at the
 * number of runs, and a scenario path the image or CI checkout may not hold is pointed out.
 */
export function prepareEmit(plan: SweepPlan, r: EmitRequest): { options: EmitOptions; notes: string[] } {
  const notes: string[] = [];
  let shards = positiveInteger('--shards', r.shards);
  const parallelism = r.parallelism === undefined ? undefined : positiveInteger('--parallelism', r.parallelism);
  const threads = r.threads === undefined ? DEFAULT_POD_THREADS : positiveInteger('--threads', r.threads);
  const image = oneString('--image', r.image);
  const claim = oneString('--claim', r.claim);
  if (shards > plan.runs.length) {
    notes.push(
      `note: --shards ${shards} is more than the ${plan.runs.length} run(s) of this sweep: emitting ${plan.runs.length} shard(s) of one run each`,
    );
    shards = plan.runs.length;
  }
  const where = r.kind === 'k8s-job' ? "the image's working directory (/app)" : 'the root of the CI checkout';
  if (isAbsolute(plan.file) || plan.file === '..' || plan.file.startsWith('../') || plan.file.startsWith('..\\')) {
    notes.push(
      `warning: the scenario path ${plan.file} is ${isAbsolute(plan.file) ? 'absolute' : 'outside the current directory'}; ` +
        `the shards look for it at that path from ${where}: run --emit from the project root, with the scenario inside it`,
    );
  } else if (r.kind === 'k8s-job' && !plan.file.replace(/\\/g, '/').startsWith('scenarios/')) {
    notes.push(
      `note: the shards look for the scenario at ${plan.file} from the image's working directory (/app); ` +
        `the repository's Dockerfile copies only scenarios/ there: run --emit from the project root, or make sure the image holds ${plan.file}`,
    );
  }
  return { options: { shards, parallelism: parallelism ?? shards, image, claim, threads, args: r.args }, notes };
}

/** The shell words of `kubesim sweep` for one shard (`shard` is already shell text), checked against the plan's fingerprint. */
function shardArgs(plan: SweepPlan, o: EmitOptions, shard: string): string[] {
  return [...o.args.map(quote), '--shard', shard, '--fingerprint', plan.fingerprint];
}

/** A batch/v1 Indexed Job: pod i runs shard i of n into /results/<fingerprint>/shard-i on a shared volume. */
export function emitIndexedJob(plan: SweepPlan, o: EmitOptions): string {
  const name = `kubesim-sweep-${plan.fingerprint.slice(0, 10)}`;
  const out = `/results/${plan.fingerprint}`;
  const cmd = [
    'kubesim',
    'sweep',
    ...shardArgs(plan, o, `"$JOB_COMPLETION_INDEX/${o.shards}"`),
    '--out',
    `"${out}/shard-$JOB_COMPLETION_INDEX"`,
    '--resume',
    '--quiet',
    '--threads',
    String(o.threads),
  ];
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
          // The image runs as uid/gid 1000: the results volume must be writable by that group.
          securityContext: { fsGroup: IMAGE_GID, fsGroupChangePolicy: 'OnRootMismatch' },
          containers: [
            {
              name: 'kubesim',
              image: o.image,
              // The Job controller sets JOB_COMPLETION_INDEX in every pod of an Indexed Job.
              command: ['sh', '-c', cmd.join(' ')],
              // --threads equals the CPU request: kubesim would otherwise start a thread per core of the node.
              resources: { requests: { cpu: String(o.threads), memory: '2Gi' } },
              volumeMounts: [{ name: 'results', mountPath: '/results' }],
            },
          ],
          volumes: [{ name: 'results', persistentVolumeClaim: { claimName: o.claim } }],
        },
      },
    },
  };
  const merge = `kubesim merge ${out}/shard-* --out ${out}/merged`;
  return (
    `# kubesim sweep of ${plan.file}: ${plan.runs.length} runs (${plan.cells.length} cells x ${plan.seeds.length} seeds) in ${o.shards} shards.\n` +
    `# kubectl apply -f this file; kubectl wait --for=condition=complete job/${name} --timeout=24h;\n` +
    `# then, in any pod that mounts the claim "${o.claim}": ${merge}\n${stringify(job)}`
  );
}

/**
 * A GitHub Actions matrix: `strategy: {matrix: ${{ fromJSON(needs.plan.outputs.matrix) }}}`. Each
 * entry's `args` are the complete arguments of `kubesim sweep` for its shard (shell-quoted), with
 * the sweep's fingerprint, so a shard cannot run a different sweep from the one emitted.
 */
export function emitGithubMatrix(plan: SweepPlan, o: EmitOptions): string {
  const include = Array.from({ length: o.shards }, (_, i) => ({
    shard: `${i}/${o.shards}`,
    index: i,
    fingerprint: plan.fingerprint,
    args: shardArgs(plan, o, `${i}/${o.shards}`).join(' '),
  }));
  return `${JSON.stringify({ include })}\n`;
}
