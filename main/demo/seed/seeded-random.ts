/**
 * A small seeded PRNG (mulberry32) so the demo mesh is reproducible: the same seed gives the same
 * pod names, the same user population and the same sequence of routing and latency draws.
 */
export interface SeededRandom {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
  /** A standard normal draw (Box-Muller). */
  normal(): number;
  /** `n` characters from Kubernetes' name-suffix alphabet (no vowels, no look-alike digits). */
  suffix(n: number): string;
  /** An independent stream derived from this seed and a label, so adding draws in one place does not shift another. */
  fork(label: string): SeededRandom;
}

/** The alphabet Kubernetes uses for generated name suffixes (k8s.io/apimachinery/pkg/util/rand). */
export const KUBE_SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function hashString(text: string, basis = 0x811c9dc5): number {
  let h = basis >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function createSeededRandom(seed: number): SeededRandom {
  let state = (seed | 0) ^ 0x9e3779b9;
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return {
    next,
    int,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new Error('cannot pick from an empty list');
      return items[int(items.length)] as T;
    },
    normal(): number {
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    suffix(n: number): string {
      let out = '';
      for (let i = 0; i < n; i++) out += KUBE_SUFFIX_ALPHABET[int(KUBE_SUFFIX_ALPHABET.length)];
      return out;
    },
    fork(label: string): SeededRandom {
      return createSeededRandom(hashString(label, (seed ^ 0x5bd1e995) >>> 0));
    },
  };
}
