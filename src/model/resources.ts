// Resource vectors. Index 0 is CPU in millicores, 1 memory in bytes, 2 ephemeral storage in bytes,
// 3 the pod count; extended resources (nvidia.com/gpu, …) get the next indices, per scenario.
import { parseMilliQuantity, parseQuantity } from './quantity.js';

export const CPU = 0;
export const MEMORY = 1;
export const EPHEMERAL = 2;
export const PODS = 3;
export const BASE_RESOURCES = ['cpu', 'memory', 'ephemeral-storage', 'pods'] as const;

/** The resource names of one scenario, mapped to vector indices. */
export class ResourceSpace {
  readonly names: string[] = [...BASE_RESOURCES];
  private readonly index = new Map<string, number>(BASE_RESOURCES.map((n, i) => [n, i]));

  indexOf(name: string): number | undefined {
    return this.index.get(name);
  }

  /** Adds an extended resource name (e.g. nvidia.com/gpu) and returns its index. */
  intern(name: string): number {
    let i = this.index.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.names.push(name);
      this.index.set(name, i);
    }
    return i;
  }

  get size(): number {
    return this.names.length;
  }

  vector(): Float64Array {
    return new Float64Array(this.size);
  }

  /** Parses one quantity for a named resource into the vector's unit (millicores for cpu). */
  static parse(name: string, value: string | number): number {
    return name === 'cpu' ? parseMilliQuantity(value) : parseQuantity(value);
  }
}

/** Is the resource name one Kubernetes accepts in requests? (native names or domain-prefixed extended names) */
export function isValidResourceName(name: string): boolean {
  if ((BASE_RESOURCES as readonly string[]).includes(name)) return true;
  if (name.startsWith('hugepages-')) return true;
  // Extended resources must be fully qualified: <domain>/<name>, outside kubernetes.io (except requests.*).
  return /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(name);
}

/** Grows a vector to the space's current size (extended resources can be interned after a node is built). */
export function widen(v: Float64Array, size: number): Float64Array {
  if (v.length >= size) return v;
  const w = new Float64Array(size);
  w.set(v);
  return w;
}
