// The simulated visitors' cookie jars: a browser keeps the cookie a response set (a sticky
// canary's version cookie) and sends it back with its next requests. Max-Age is not counted down:
// a demo visitor's visits are minutes apart, well within any sticky cookie's lifetime.

export class VisitorCookies {
  private readonly jars = new Map<string, Map<string, string>>();

  /** The Cookie header a visitor sends: the page's own cookies plus what responses set. */
  header(sessionId: string, base: string): string {
    const jar = this.jars.get(sessionId);
    if (!jar || jar.size === 0) return base;
    return [base, ...[...jar].map(([k, v]) => `${k}=${v}`)].join('; ');
  }

  /** Keeps a Set-Cookie value (`name=value; Path=/; Max-Age=…`); Max-Age=0 deletes the cookie. */
  keep(sessionId: string, setCookie: string): void {
    const [pair = '', ...attrs] = setCookie.split(';').map((s) => s.trim());
    const eq = pair.indexOf('=');
    if (eq <= 0) return;
    const jar = this.jars.get(sessionId) ?? new Map<string, string>();
    this.jars.set(sessionId, jar);
    if (attrs.some((a) => /^max-age=0$/i.test(a))) jar.delete(pair.slice(0, eq));
    else jar.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
}
