// intstr.IntOrString (staging/src/k8s.io/apimachinery/pkg/util/intstr/intstr.go): a count or a percentage, and
// GetScaledValueFromIntOrPercent with strconv.Atoi's parsing and upstream's error messages.

/** An intstr.IntOrString: a count, or a percentage such as "25%". */
export type IntOrString = number | string;

/** Go's %q for the ASCII strings these messages quote. */
function quote(s: string): string {
  return JSON.stringify(s);
}

const DECIMAL = /^[+-]?[0-9]+$/;

function atoiError(s: string, whole: string, why: string): Error {
  return new Error(`invalid value for IntOrString: invalid value ${quote(whole)}: strconv.Atoi: parsing ${quote(s)}: ${why}`);
}

/** strconv.Atoi on a 64-bit platform; the error is wrapped as intstr's getIntOrPercentValueSafely does. */
function atoi(s: string, whole: string): number {
  if (!DECIMAL.test(s)) throw atoiError(s, whole, 'invalid syntax');
  // Up to 15 digits a double holds the value exactly and no range check is needed (every sync reads "25%").
  if (s.length <= 15) return Number(s) + 0;
  const n = BigInt(s);
  if (n > 9223372036854775807n || n < -9223372036854775808n) throw atoiError(s, whole, 'value out of range');
  return Number(n);
}

/** The last percentage parsed and its value (controllers read the same few, "25%" above all, at every sync). */
let lastPercent = '';
let lastValue = 0;

/**
 * intstr.GetScaledValueFromIntOrPercent (staging/src/k8s.io/apimachinery/pkg/util/intstr/intstr.go): a number is
 * returned as is; "N%" is N * total / 100 rounded up or down; any other string throws upstream's error.
 */
export function getScaledValueFromIntOrPercent(v: IntOrString | null | undefined, total: number, roundUp: boolean): number {
  if (v === null || v === undefined) throw new Error('nil value for IntOrString');
  if (typeof v === 'number') return v;
  let value: number;
  if (v === lastPercent) value = lastValue;
  else {
    if (!v.endsWith('%')) throw new Error('invalid value for IntOrString: invalid type: string is not a percentage');
    value = atoi(v.slice(0, -1), v);
    lastPercent = v;
    lastValue = value;
  }
  const scaled = (value * total) / 100;
  return (roundUp ? Math.ceil(scaled) : Math.floor(scaled)) + 0;
}
