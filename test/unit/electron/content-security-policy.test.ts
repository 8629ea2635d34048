import { describe, expect, it } from 'vitest';
import { electronContentSecurityPolicy, parseCsp } from '../../../main/electron/content-security-policy.ts';

const csp = parseCsp(electronContentSecurityPolicy);

describe("the desktop page's Content-Security-Policy", () => {
  it('allows no sockets and no remote hosts: every source is self, none or data: images', () => {
    const sources = [...csp.values()].flat();
    expect(sources.filter((s) => /^(ws|wss|http|https):/i.test(s) || s.includes('*'))).toEqual([]);
    expect(new Set(sources)).toEqual(new Set(["'self'", "'none'", 'data:']));
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('img-src')).toEqual(["'self'", 'data:']);
  });

  it('allows no inline styles or scripts and no eval', () => {
    expect(csp.get('style-src')).toEqual(["'self'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(electronContentSecurityPolicy).not.toMatch(/unsafe-|nonce-|sha256-/);
  });

  it('denies by default and closes the usual side doors', () => {
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
  });

  it('parses the first occurrence of a directive, case-insensitively', () => {
    expect(parseCsp("Script-Src 'self'; script-src *; ;").get('script-src')).toEqual(["'self'"]);
  });
});
