// What a credential plugin printed may hold a credential (a plugin that failed half-way, or one that
// prints its token in a format we do not read), so it never reaches the page whole. The excerpt an
// error carries is:
// - at most `max` characters (80 for stdout, 200 for the end of stderr), cut with an ellipsis;
// - without control characters or terminal escape sequences (a plugin's colours, a bell, a `\r`
//   that would hide what came before), whitespace runs collapsed to one space;
// - with every secret-looking token replaced by `[redacted]`: JWTs (`eyJ…`), values after
//   `Bearer`/`Basic`, values of keys named like token, secret, password, key or credential (in
//   `key=value`, `key: value` and `"key": "value"` forms), PEM blocks, and any run of 24 or more
//   base64/hex/URL-safe characters holding both letters and digits (access keys, session tokens,
//   certificate data; a long hyphenated word stays).
// Redaction runs before the cut, so half a secret is never shown either.

// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escapes are what this removes
const ESCAPES = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b./g;
// C0 and C1 control characters and DEL (tabs and newlines become spaces below).
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
const PEM = /-----BEGIN [A-Z ]+-----[\s\S]*?(?:-----END [A-Z ]+-----|$)/g;
const JWT = /\beyJ[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*){1,2}/g;
const AUTH_SCHEME = /\b(Bearer|Basic)\s+[^\s"',;]+/gi;
const SECRET_KEY_VALUE =
  /("?[\w.-]*(?:token|secret|password|passwd|pwd|key|credential|auth)[\w.-]*"?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,;}]+)/gi;
const LONG_OPAQUE = /[A-Za-z0-9+/_=-]{24,}/g;

export const REDACTED = '[redacted]';

export function sanitizedExcerpt(text: string, max: number): string {
  const clean = text
    .replace(ESCAPES, '')
    .replace(PEM, REDACTED)
    .replace(CONTROLS, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(JWT, REDACTED)
    .replace(AUTH_SCHEME, (_m, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(SECRET_KEY_VALUE, (m, key: string, value: string) =>
      // `Authorization: Bearer …`: the scheme stays, its token was redacted just above.
      /^(Bearer|Basic)$/i.test(value) || value === REDACTED ? m : `${key}${REDACTED}`,
    )
    .replace(LONG_OPAQUE, (m) => (/\d/.test(m) && /[A-Za-z]/.test(m) ? REDACTED : m));
  const chars = [...clean];
  return chars.length <= max ? clean : `${chars.slice(0, max - 1).join('')}…`;
}
