import { z } from 'zod';
import { lazySchema } from './lazy-schema.ts';

// Kubernetes names as they enter the contract. A namespace or object name ends up in API paths
// (`/namespaces/<ns>/…/<name>`) and file names, so `../../x` or a name holding a newline is refused
// where it arrives, with the rule it breaks, never passed on.

/** An RFC 1123 label (namespaces): lower-case letters, digits and '-', at most 63, alphanumeric ends. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** An RFC 1123 subdomain (most object names): dot-separated labels, at most 253 characters. */
export const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export const NAMESPACE_RULE =
  'not a namespace name (lower-case letters, digits and "-", at most 63, starting and ending with a letter or digit)';
export const OBJECT_NAME_RULE =
  'not an object name (lower-case letters, digits, "-" and ".", at most 253, starting and ending with a letter or digit)';

export function isNamespaceName(name: string): boolean {
  return DNS_LABEL.test(name);
}

export function isObjectName(name: string): boolean {
  return name.length <= 253 && DNS_SUBDOMAIN.test(name);
}

export const NamespaceName = lazySchema(() => z.string().regex(DNS_LABEL, NAMESPACE_RULE));
export const ObjectName = lazySchema(() =>
  z.string().max(253, OBJECT_NAME_RULE).regex(DNS_SUBDOMAIN, OBJECT_NAME_RULE),
);
