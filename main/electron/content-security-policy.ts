// The Content-Security-Policy of the desktop app's page, sent by the app:// handler with every
// response. Unlike browser mode (which talks to its server over a loopback WebSocket), the desktop
// page talks to main over IPC only: no sockets, no remote hosts, and no inline styles or scripts.
// React and echarts set styles through the CSSOM (element.style), which style-src does not govern.

export const electronCspDirectives: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['default-src', ["'none'"]],
  ['script-src', ["'self'"]],
  ['style-src', ["'self'"]],
  ['img-src', ["'self'", 'data:']],
  ['font-src', ["'self'"]],
  ['connect-src', ["'self'"]],
  ['object-src', ["'none'"]],
  ['base-uri', ["'none'"]],
  ['form-action', ["'none'"]],
  ['frame-ancestors', ["'none'"]],
];

export function serializeCsp(directives: ReadonlyArray<readonly [string, readonly string[]]>): string {
  return directives.map(([name, sources]) => [name, ...sources].join(' ')).join('; ');
}

export const electronContentSecurityPolicy = serializeCsp(electronCspDirectives);

/** Splits a policy into its directives (lower-cased names, sources in order). */
export function parseCsp(policy: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name && !out.has(name.toLowerCase())) out.set(name.toLowerCase(), sources);
  }
  return out;
}
