// Pod names in Kubernetes' shape ("frontend-7d4b9c6f8d-x2k4p"), generated deterministically.

// k8s.io/apimachinery/pkg/util/rand: the alphabet of generated name suffixes (no vowels, no 0/1/3).
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** FNV-1a, 32 bits. */
export function fnv1a(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export function suffix(key: string, length: number): string {
  let h = fnv1a(key);
  let out = '';
  for (let i = 0; i < length; i++) {
    if (i % 5 === 4) h = fnv1a(key, h);
    out += ALPHABET[h % ALPHABET.length];
    h = Math.floor(h / ALPHABET.length);
  }
  return out;
}

/** The pod-template-hash a Deployment gives its ReplicaSet (10 characters here). */
export function templateHash(owner: string): string {
  return suffix(`template:${owner}`, 10);
}

/** A generated pod name: <base>-<5 characters>, unique per (base, ordinal). */
export function podName(base: string, ordinal: number): string {
  return `${base}-${suffix(`${base}#${ordinal}`, 5)}`;
}
