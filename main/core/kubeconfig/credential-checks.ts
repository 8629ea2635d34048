// Checks of credential text before it reaches Node's HTTP and TLS layers, whose own errors name
// neither the field nor its owner: a token with a line break failed every request with
// `Invalid character in header content ["Authorization"]`, a client key that is not PEM with
// `error:0480006C:PEM routines::no start line`, and a certificate authority that holds no
// certificate only as "unable to verify the first certificate". Each check throws a sentence that
// names what is wrong and where it came from (never the secret itself).

/** What Node accepts in a header value: tab, visible ASCII, space, and bytes 0x80-0xff. */
const HEADER_UNSAFE = /[^\t\x20-\x7e\x80-\xff]/;

/** Throws when `token` cannot be sent as `Authorization: Bearer <token>`. */
export function checkBearerToken(token: string, what: string): void {
  const bad = HEADER_UNSAFE.exec(token);
  if (!bad) return;
  const code = bad[0].codePointAt(0) ?? 0;
  const which =
    bad[0] === '\n' || bad[0] === '\r'
      ? 'a line break'
      : code < 0x20 || code === 0x7f
        ? `a control character (U+${code.toString(16).toUpperCase().padStart(4, '0')})`
        : `a character outside Latin-1 (U+${code.toString(16).toUpperCase().padStart(4, '0')})`;
  throw new Error(`${what} contains ${which}, which an HTTP Authorization header cannot carry`);
}

export type PemRole = 'certificate-authority' | 'certificate' | 'key';

const PEM_BEGIN: Record<PemRole, RegExp> = {
  'certificate-authority': /-----BEGIN (TRUSTED )?CERTIFICATE-----/,
  certificate: /-----BEGIN CERTIFICATE-----/,
  key: /-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY-----/,
};

const PEM_NOUN: Record<PemRole, string> = {
  'certificate-authority': 'PEM certificate (-----BEGIN CERTIFICATE-----)',
  certificate: 'PEM certificate (-----BEGIN CERTIFICATE-----)',
  key: 'PEM private key (-----BEGIN ... PRIVATE KEY-----)',
};

/**
 * Throws when `bytes` holds no PEM block of its role. `what` names the source, e.g.
 * `client-key-data of user "alice"`; base64 that did not decode to PEM says so.
 */
export function checkPem(bytes: Buffer | string, role: PemRole, what: string): void {
  const text = typeof bytes === 'string' ? bytes : bytes.toString('latin1');
  if (PEM_BEGIN[role].test(text)) return;
  throw new Error(text.trim() === '' ? `${what} is empty` : `${what} holds no ${PEM_NOUN[role]}`);
}

/** OpenSSL's errors ("error:0480006C:PEM routines::no start line", "key values mismatch"). */
export function isTlsSetupError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  return (typeof code === 'string' && code.startsWith('ERR_OSSL')) || /\broutines::/.test(err.message);
}
