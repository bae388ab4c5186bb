// ImageLocality: pkg/scheduler/framework/plugins/imagelocality/image_locality.go (v1.36).
// Sums, for each of the pod's images already on the node, size × (nodes having it / all nodes),
// clamps the sum to [23 MB, 1000 MB × containers] and scales it to 0..100.
import type { Node } from '../../model/node.js';
import { MAX_NODE_SCORE, type Handle, type Plugin } from '../framework.js';

export const IMAGE_LOCALITY = 'ImageLocality';
const MB = 1024 * 1024;
export const MIN_THRESHOLD = 23 * MB;
export const MAX_CONTAINER_THRESHOLD = 1000 * MB;

export function imageLocalityScore(sumScores: number, numContainers: number): number {
  const maxThreshold = MAX_CONTAINER_THRESHOLD * numContainers;
  if (sumScores < MIN_THRESHOLD) sumScores = MIN_THRESHOLD;
  else if (sumScores > maxThreshold) sumScores = maxThreshold;
  return Math.trunc((MAX_NODE_SCORE * (sumScores - MIN_THRESHOLD)) / (maxThreshold - MIN_THRESHOLD));
}

export function imageLocality(_args: Record<string, unknown>, handle: Handle): Plugin {
  return {
    name: IMAGE_LOCALITY,
    preScore(state, pod, _nodes) {
      // The fraction of nodes holding each image (upstream keeps these counts in its snapshot, as we do).
      const { nodes, imageNodeCount } = handle.cluster;
      const spread = pod.template.images.map((img) => (nodes.length ? (imageNodeCount.get(img.name) ?? 0) / nodes.length : 0));
      state.write(IMAGE_LOCALITY, spread);
      return null;
    },
    score(state, pod, node: Node) {
      const imgs = pod.template.images;
      if (imgs.length === 0) return 0;
      const spread = state.read<number[]>(IMAGE_LOCALITY)!;
      let sum = 0;
      for (let i = 0; i < imgs.length; i++) {
        const img = imgs[i]!;
        if (node.images.has(img.name)) sum += Math.trunc(img.sizeBytes * spread[i]!);
      }
      return imageLocalityScore(sum, imgs.length);
    },
  };
}
