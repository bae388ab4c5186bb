// ImageLocality: pkg/scheduler/framework/plugins/imagelocality/image_locality.go (v1.36).
// Sums, for each of the pod's images already on the node, size × (nodes having it / all nodes),
// clamps the sum to [23 MB, 1000 MB × containers] and scales it to 0..100.
import type { Node } from '../../model/node.js';
import type { PodTemplate } from '../../model/pod.js';
import { MAX_NODE_SCORE, SKIP, type Handle, type Plugin } from '../framework.js';

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
  // PreScore's results for the current cycle.
  const spread: number[] = [];
  /** Per image of the pod: which nodes hold it, by node index (ClusterState.nodesWithImage). */
  const holders: (Uint8Array | undefined)[] = [];
  let anywhere = false;
  const score = (imgs: PodTemplate['images'], at: number): number => {
    if (imgs.length === 0) return 0;
    let sum = 0;
    for (let i = 0; i < imgs.length; i++) {
      const on = holders[i];
      if (on !== undefined && at < on.length && on[at] === 1) sum += Math.trunc(imgs[i]!.sizeBytes * spread[i]!);
    }
    return imageLocalityScore(sum, imgs.length);
  };
  return {
    name: IMAGE_LOCALITY,
    preScore(_s, pod) {
      // The fraction of the cluster's nodes holding each image (upstream keeps these counts in its snapshot, as we
      // do; removed nodes are in neither count).
      const { nodes, imageNodeCount, removedNodes } = handle.cluster;
      const total = nodes.length - removedNodes;
      // (The arrays are refilled in place: no garbage per cycle.)
      const imgs = pod.template.images;
      spread.length = imgs.length;
      holders.length = imgs.length;
      anywhere = false;
      let everywhere = true;
      for (let i = 0; i < imgs.length; i++) {
        const name = imgs[i]!.name;
        const x = total > 0 ? (imageNodeCount.get(name) ?? 0) / total : 0;
        spread[i] = x;
        holders[i] = handle.cluster.nodesWithImage(name);
        if (x > 0) anywhere = true;
        if (x !== 1) everywhere = false;
      }
      // No node holds any of the images, or every node holds all of them: every node scores the same,
      // which changes no ranking and no tie.
      if (!anywhere || everywhere) return SKIP;
      // A node holding every image scores highest (the sum only grows with the images held); when even that
      // node scores 0 (images small or rare: the sum stays below the 23 MB threshold), so does every node.
      let most = 0;
      for (let i = 0; i < imgs.length; i++) most += Math.trunc(imgs[i]!.sizeBytes * spread[i]!);
      return imageLocalityScore(most, imgs.length) > 0 ? null : SKIP;
    },
    score(_s, pod, node: Node) {
      return score(pod.template.images, node.index);
    },
    scoreAll(_s, pod, _nodes, n, out, index) {
      const imgs = pod.template.images;
      // No node has any of the images: every node scores imageLocalityScore(0) = 0.
      if (!anywhere) out.fill(0, 0, n);
      // (By the nodes' indices: reading each node's object costs a cache miss.)
      else for (let i = 0; i < n; i++) out[i] = score(imgs, index[i]!);
    },
  };
}
