// The kubelet's image manager, per node (pkg/kubelet/images/image_manager.go, puller.go): before a pod's
// containers start, each image is pulled unless the node has it, by imagePullPolicy (the API default:
// Always for ":latest", else IfNotPresent; Never fails with ErrImageNeverPull when the image is absent).
// A pull moves the image's size at the pool's imagePullBandwidth; with serializeImagePulls (the kubelet's
// default) a node pulls one image at a time, in the order asked. An image being pulled is not pulled
// twice: a second pod waits for the same pull. Always re-checks the registry, but layers already on the
// node are not downloaded again, so it costs no transfer time here.
import type { Simulation } from '../../engine/simulation.js';
import type { Node } from '../../model/node.js';
import type { ContainerImage, Pod, PodTemplate } from '../../model/pod.js';
import type { EventRecorder } from '../../metrics/collectors/events.js';
import { setDefaultsContainerImagePullPolicy, shouldPullImage, type PullPolicy } from './image-rules.js';

export interface ImagePullConfig {
  /** Bytes per second a node of the pool pulls at; null: pulls take no time (and are not reported). */
  bandwidth: (pool: string) => number | null;
  /** serializeImagePulls (KubeletConfiguration, default true). */
  serialize: boolean;
}

interface NodeImages {
  /** When each image is (or will be) on the node. */
  availableAt: Map<string, number>;
  /** With serialized pulls: when the puller is free. */
  busyUntil: number;
}

export class ImagePuller {
  private readonly kPulled: number;
  private readonly nodes = new Map<number, NodeImages>();
  /** Each image's defaulted pull policy when the pod sets none (parsing the name is the cost of a pod start). */
  private readonly defaultPolicy = new Map<string, PullPolicy>();

  private policyOf(img: ContainerImage): PullPolicy {
    if (img.pullPolicy) return img.pullPolicy;
    let p = this.defaultPolicy.get(img.name);
    if (p === undefined) this.defaultPolicy.set(img.name, (p = setDefaultsContainerImagePullPolicy(img.name)));
    return p;
  }

  constructor(
    private readonly sim: Simulation,
    private readonly config: ImagePullConfig,
    private readonly recorder: EventRecorder | null,
  ) {
    this.kPulled = sim.register('kubelet.pulled', (ms, x) => {
      const { pod, image } = x as { pod: Pod; image: string };
      this.recorder?.event('Normal', 'Pulled', pod, `Successfully pulled image "${image}" in ${(ms / 1000).toFixed(3)}s`);
    });
  }

  /**
   * Pulls what the pod's containers need on its node (by default all its images; a pod with init containers
   * asks for each container's image just before it starts, as kuberuntime_container.go startContainer does):
   * the time from now until every image is there, or null if one can never be (ErrImageNeverPull). Images the
   * node holds (node.images, which ImageLocality reads) or is pulling cost nothing more.
   */
  ensureImages(pod: Pod, node: Node, images: readonly ContainerImage[] = pod.template.images): number | null {
    const now = this.sim.now;
    const bw = this.config.bandwidth(node.pool);
    let state = this.nodes.get(node.index);
    if (!state) this.nodes.set(node.index, (state = { availableAt: new Map(), busyUntil: 0 }));
    let ready = now;
    for (const img of images) {
      const policy = this.policyOf(img);
      const at = state.availableAt.get(img.name);
      const present = node.images.has(img.name) || (at !== undefined && at <= now);
      if (policy === 'Never' && !present && at === undefined) {
        this.recorder?.event('Warning', 'ErrImageNeverPull', pod, `Container image "${img.name}" is not present with pull policy of Never`);
        return null;
      }
      if (at !== undefined && at > now) {
        ready = Math.max(ready, at); // being pulled for another pod
        continue;
      }
      if (!shouldPullImage(policy, present) || present || bw === null) continue;
      const start = this.config.serialize ? Math.max(now, state.busyUntil) : now;
      const end = start + Math.ceil((img.sizeBytes / bw) * 1000);
      if (this.config.serialize) state.busyUntil = end;
      state.availableAt.set(img.name, end);
      this.recorder?.event('Normal', 'Pulling', pod, `Pulling image "${img.name}"`);
      this.sim.scheduleAt(end, this.kPulled, end - start, { pod, image: img.name });
      ready = Math.max(ready, end);
    }
    return ready - now;
  }

  /** The node is gone: so is its image store. */
  nodeRemoved(node: Node): void {
    this.nodes.delete(node.index);
  }
}

/** The app containers' images: PodTemplate.images lists them first, then the init containers' (pod-spec.ts). */
export function appImages(template: PodTemplate): readonly ContainerImage[] {
  const init = template.lifecycle?.initContainers.filter((c) => c.image !== null).length ?? 0;
  return init === 0 ? template.images : template.images.slice(0, template.images.length - init);
}
