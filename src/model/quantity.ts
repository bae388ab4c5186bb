// Kubernetes resource quantities, parsed as apimachinery's resource.ParseQuantity does
// (k8s.io/apimachinery/pkg/api/resource/quantity.go): <signed decimal><suffix>, where the suffix is a
// binary SI one (Ki..Ei), a decimal SI one (n, u, m, "", k, M, G, T, P, E) or a decimal exponent (e3, E-2).
// Values are exact: the number is kept as a big integer and a power of ten until the final rounding,
// which, as MilliValue() and Value() do, rounds up.

const BINARY: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const RE = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+|[numkMGTPE])?$/;

export const QUANTITY_EXPECTED =
  'a Kubernetes quantity: a number with an optional suffix Ki, Mi, Gi, Ti, Pi, Ei (powers of 1024), n, u, m, k, M, G, T, P, E (powers of 1000) or an exponent such as 1e3';

export class QuantityError extends Error {
  constructor(
    readonly text: string,
    readonly hint?: string,
    /** Set when the text is a quantity, but beyond the range (MAX_QUANTITY). */
    readonly outOfRange?: string,
  ) {
    super(`'${text}' ${outOfRange ?? `is not ${QUANTITY_EXPECTED}`}${hint ? `; did you mean ${hint}?` : ''}`);
  }
}

/**
 * The largest quantity accepted, in base units (bytes, cores, counts): Kubernetes keeps quantities as
 * int64 (Quantity.Value, MilliValue), so nothing real exceeds 2^63 - 1. Larger values (1e400, 1e999999999)
 * are refused before any big-number arithmetic, which they would make slow.
 */
export const MAX_QUANTITY = 2 ** 63 - 1;
const MAX_DIGITS = 40;
const OUT_OF_RANGE = `is out of range: quantities must be at most 2^63-1 (about 9.22e18) in base units, as Kubernetes keeps them in int64`;

interface Exact {
  negative: boolean;
  mantissa: bigint;
  /** power of ten */
  exp10: number;
  /** power of two */
  exp2: number;
}

function parseExact(input: string | number): Exact {
  // A YAML number such as 1e400 arrives as Infinity.
  if (typeof input === 'number' && !Number.isFinite(input) && !Number.isNaN(input))
    throw new QuantityError(String(input), undefined, OUT_OF_RANGE);
  const text = typeof input === 'number' ? numberText(input) : input.trim();
  const m = RE.exec(text);
  if (!m) throw new QuantityError(String(input), suggest(String(input)));
  const [, sign, num, suffix = ''] = m;
  const [intPart, fracPart = ''] = num!.split('.');
  const digits = ((intPart || '0') + fracPart).replace(/^0+(?=\d)/, '');
  let exp10 = -fracPart.length;
  let exp2 = 0;
  if (suffix in BINARY) exp2 = BINARY[suffix]!;
  else if (suffix in DECIMAL) exp10 += DECIMAL[suffix]!;
  else exp10 += Number(suffix.slice(1));
  // Magnitude before any big-integer work: about digits + exp10 decimal digits (2^60 is 19 digits).
  const zero = /^0+$/.test(digits);
  if (!zero && (digits.length > MAX_DIGITS + 20 || digits.length + exp10 + Math.ceil(exp2 * 0.302) > 20)) {
    throw new QuantityError(String(input), undefined, OUT_OF_RANGE);
  }
  // Far below one thousandth the value only matters as "more than zero" (rounding up): keep it small.
  if (!zero && exp10 < -(digits.length + MAX_DIGITS)) exp10 = -(digits.length + MAX_DIGITS);
  if (zero) return { negative: false, mantissa: 0n, exp10: 0, exp2: 0 };
  const mantissa = BigInt(digits);
  return { negative: sign === '-' && mantissa !== 0n, mantissa, exp10, exp2 };
}

function numberText(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return String(n).replace('e+', 'e');
}

/** Value scaled by 10^scale, rounded up (towards +infinity), as a JS number. */
function scaled(q: Exact, scale: number): number {
  let num = q.mantissa << BigInt(q.exp2);
  const e = q.exp10 + scale;
  let den = 1n;
  if (e >= 0) num *= 10n ** BigInt(e);
  else den = 10n ** BigInt(-e);
  let v = num / den;
  if (num % den !== 0n && !q.negative) v += 1n;
  const out = Number(v);
  return q.negative ? -out : out;
}

/** Parses a quantity to its value rounded up to an integer (bytes, counts). */
export function parseQuantity(input: string | number): number {
  return inRange(input, scaled(parseExact(input), 0), 1);
}

/** Parses a quantity to thousandths rounded up (CPU millicores). */
export function parseMilliQuantity(input: string | number): number {
  return inRange(input, scaled(parseExact(input), 3), 1000);
}

function inRange(input: string | number, v: number, perUnit: number): number {
  if (!Number.isFinite(v) || Math.abs(v) / perUnit > MAX_QUANTITY) throw new QuantityError(String(input), undefined, OUT_OF_RANGE);
  return v;
}

function suggest(text: string): string | undefined {
  // Common slips: "2Gb", "512MB", "1gi", "100 Mi".
  const m = /^\s*([+-]?[\d.]+)\s*([a-zA-Z]+)\s*$/.exec(text);
  if (!m) return undefined;
  const [, num, unit] = m;
  const u = unit!.toLowerCase();
  // prettier-ignore
  const map: Record<string, string[]> = {
    kb: ['Ki', 'k'], mb: ['Mi', 'M'], gb: ['Gi', 'G'], tb: ['Ti', 'T'], pb: ['Pi', 'P'],
    kib: ['Ki'], mib: ['Mi'], gib: ['Gi'], tib: ['Ti'], ki: ['Ki'], mi: ['Mi'], gi: ['Gi'], ti: ['Ti'],
    b: [''], g: ['G'], t: ['T'],
  };
  const fits = Object.hasOwn(map, u) ? map[u] : undefined;
  if (!fits) return undefined;
  return fits.map((s) => `${num}${s}`).join(' or ');
}

/** Formats millicores the way kubectl shows them ("250m", "2"). */
export function formatMilli(milli: number): string {
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

/** Formats bytes with the largest binary suffix that divides them exactly ("1Gi", "1536Mi"). */
export function formatBytes(bytes: number): string {
  for (const [s, p] of [
    ['Ei', 60],
    ['Pi', 50],
    ['Ti', 40],
    ['Gi', 30],
    ['Mi', 20],
    ['Ki', 10],
  ] as const) {
    const unit = 2 ** p;
    if (bytes >= unit && bytes % unit === 0) return `${bytes / unit}${s}`;
  }
  return String(bytes);
}
