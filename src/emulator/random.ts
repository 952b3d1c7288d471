/**
 * Deterministic randomness for the emulated MAX world. Every draw is a pure function of its key (seed,
 * channel index, day, salt…), so any property of any channel can be recomputed on demand without storing it:
 * that is what lets the world hold 250,000 channels in a few typed arrays.
 */

const TWO_32 = 4_294_967_296;

/** murmur3 finaliser: a good 32-bit avalanche. */
export function mix32(value: number): number {
  let x = value | 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

const NONE = 0x7fffffff;

function step(h: number, part: number): number {
  return mix32((h ^ (part >>> 0)) + 0x9e3779b9 + ((h << 6) | 0) + (h >>> 2));
}

/**
 * Hash of a key of up to five small integers (each below 2^31 − 1). Fixed arity rather than rest
 * parameters: this runs millions of times and must not allocate.
 */
export function hashKey(seed: number, a: number, b = NONE, c = NONE, d = NONE, e = NONE): number {
  let h = step(mix32(seed ^ 0x9e3779b9), a);
  if (b === NONE) return h;
  h = step(h, b);
  if (c === NONE) return h;
  h = step(h, c);
  if (d === NONE) return h;
  h = step(h, d);
  return e === NONE ? h : step(h, e);
}

/** Uniform in [0, 1). */
export function uniform(seed: number, a: number, b = NONE, c = NONE, d = NONE, e = NONE): number {
  return hashKey(seed, a, b, c, d, e) / TWO_32;
}

/** Standard normal (Box–Muller over two independent uniforms of the same key). */
export function normal(seed: number, a: number, b = NONE, c = NONE, d = NONE): number {
  const u1 = (hashKey(seed ^ 0x51ed, a, b, c, d) + 1) / (TWO_32 + 1);
  const u2 = hashKey(seed ^ 0x2f1b2f1b, a, b, c, d) / TWO_32;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** Log-normal with the given median and σ of the underlying normal. */
export function logNormal(median: number, sigma: number, seed: number, a: number, b?: number): number {
  return median * Math.exp(sigma * normal(seed, a, b));
}

/** Poisson variate by inversion of the CDF from one uniform (small means only), capped at `max`. */
export function poisson(mean: number, u: number, max = 50): number {
  if (mean <= 0) return 0;
  let p = Math.exp(-mean);
  let cdf = p;
  let k = 0;
  while (u > cdf && k < max) {
    k += 1;
    p *= mean / k;
    cdf += p;
  }
  return k;
}

/** Index into a cumulative weight table (last entry = total) for a uniform `u`. */
export function pickCumulative(cumulative: ArrayLike<number>, u: number): number {
  const target = u * cumulative[cumulative.length - 1]!;
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid]! > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function cumulativeOf(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => {
    sum += w;
    out[i] = sum;
  });
  return out;
}

/** A sequential generator (mulberry32) for streams such as fault injection: same seed, same sequence. */
export class SequenceRandom {
  private state: number;
  constructor(seed: number) {
    this.state = mix32(seed) || 1;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / TWO_32;
  }
}

/** A seeded Fisher–Yates shuffle (a new array; the input is untouched). */
export function shuffled<T>(items: readonly T[], seed: number, a: number, b: number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(uniform(seed, a, b, i) * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
