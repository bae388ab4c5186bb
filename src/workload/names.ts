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

/** k8s.io/apimachinery/pkg/util/rand SafeEncodeString: each byte of s mapped into the alphabet. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += ALPHABET[s.charCodeAt(i) % ALPHABET.length];
  return out;
}

/** A stable text of a value: object keys sorted, Maps as sorted pairs, typed arrays as lists. */
function canonical(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : JSON.stringify(String(v));
  if (typeof v === 'string' || typeof v === 'boolean') return JSON.stringify(v);
  if (ArrayBuffer.isView(v)) return `[${Array.from(v as unknown as ArrayLike<number>).join(',')}]`;
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v instanceof Map)
    return `{${[...v]
      .map(([k, x]) => [String(k), canonical(x)])
      .sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0))
      .map(([k, x]) => `${JSON.stringify(k)}:${x}`)
      .join(',')}}`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(String(v));
}

/**
 * pkg/controller/controller_utils.go ComputeHash: the pod-template-hash label a Deployment gives the
 * ReplicaSet of a template (and the suffix of its name): FNV-32a of the template, plus the
 * collisionCount when set, written in decimal and encoded with SafeEncodeString. Upstream hashes Go's
 * dump of the PodTemplateSpec; kubesim hashes a canonical text of its own template (every field but the
 * owner's name), so the value is a function of the template as upstream's is, but not the same string.
 */
export function computeHash(template: object, collisionCount: number | null = null): string {
  let h = templateFnv.get(template);
  if (h === undefined) {
    const { owner: _owner, ...fields } = template as Record<string, unknown>;
    h = fnv1a(canonical(fields));
    templateFnv.set(template, h);
  }
  if (collisionCount !== null) {
    // binary.LittleEndian.PutUint32 into an 8-byte buffer: the count's four bytes, then four zero bytes.
    const c = collisionCount >>> 0;
    h = fnv1a(String.fromCharCode(c & 0xff, (c >>> 8) & 0xff, (c >>> 16) & 0xff, c >>> 24, 0, 0, 0, 0), h);
  }
  return safeEncodeString(String(h));
}

/** FNV-32a of each template's canonical text (templates are immutable values). */
const templateFnv = new WeakMap<object, number>();

/**
 * A generated pod name: <base>-<5 characters> from (base, ordinal). Two ordinals may meet on one name, as
 * two random suffixes may upstream; `attempt` > 0 draws another (the API server's generateName retry).
 */
export function podName(base: string, ordinal: number, attempt = 0): string {
  return `${base}-${suffix(attempt === 0 ? `${base}#${ordinal}` : `${base}#${ordinal}#${attempt}`, 5)}`;
}
