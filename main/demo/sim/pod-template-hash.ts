import { hashString, KUBE_SUFFIX_ALPHABET } from '../seed/seeded-random.ts';

export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

/** JSON with object keys sorted, so equal templates hash equally whatever their key order. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
}

/**
 * The value of the `pod-template-hash` label, shaped like Kubernetes' (FNV-32a of the template,
 * its decimal digits mapped onto the safe alphabet): a template edit gives a new ReplicaSet name,
 * and going back to an earlier template finds the earlier ReplicaSet again.
 */
export function podTemplateHash(template: unknown, collisionCount = 0): string {
  return hashSuffixOf(podTemplateText(template) + (collisionCount ? `#${collisionCount}` : ''));
}

/** The text podTemplateHash hashes: the template without its pod-template-hash label, keys sorted. */
export function podTemplateText(template: unknown): string {
  const copy = structuredClone(template ?? {}) as { metadata?: { labels?: Record<string, string> } };
  if (copy.metadata?.labels) delete copy.metadata.labels[POD_TEMPLATE_HASH_LABEL];
  return stableStringify(copy);
}

/** FNV-32a of the text, its decimal digits mapped onto the safe alphabet. */
export function hashSuffixOf(text: string): string {
  const digits = String(hashString(text));
  let out = '';
  for (const ch of digits) out += KUBE_SUFFIX_ALPHABET[ch.charCodeAt(0) % KUBE_SUFFIX_ALPHABET.length];
  return out;
}
