import { UAParser } from 'ua-parser-js';
import { describe, expect, it } from 'vitest';
import {
  POPULATION_SIZE,
  propagatedHeaders,
  requestPopulation,
  visitorHeaders,
} from '../../../main/demo/sim/request-population.ts';

function shares(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 100 / values.length;
  return out;
}

describe('request population', () => {
  it('is the same for the same seed and differs for another seed', () => {
    expect(requestPopulation(11)).toEqual(requestPopulation(11));
    expect(requestPopulation(11).map((u) => u.sessionId)).not.toEqual(
      requestPopulation(12).map((u) => u.sessionId),
    );
    expect(requestPopulation(11)).toHaveLength(POPULATION_SIZE);
  });

  it('draws real browser user agents with plausible operating system and browser shares', () => {
    const users = requestPopulation(1);
    const parsed = users.map((u) => new UAParser(u.userAgent).getResult());
    const os = shares(parsed.map((p) => p.os.name ?? 'other'));
    const browsers = shares(parsed.map((p) => p.browser.name ?? 'other'));
    // Desktop Windows, macOS and mobile all appear; no single OS takes everything.
    expect(os.Windows ?? 0).toBeGreaterThan(15);
    expect((os['Mac OS'] ?? 0) + (os.macOS ?? 0)).toBeGreaterThan(3);
    expect((os.iOS ?? 0) + (os.Android ?? 0)).toBeGreaterThan(3);
    expect(Math.max(...Object.values(os))).toBeLessThan(85);
    // Chrome leads, as in every real browser-share report; others still show up.
    const chrome = (browsers.Chrome ?? 0) + (browsers['Mobile Chrome'] ?? 0);
    expect(chrome).toBeGreaterThan(30);
    expect(Object.keys(browsers).length).toBeGreaterThan(2);
    expect(new Set(users.map((u) => u.userAgent)).size).toBeGreaterThan(50);
  });

  it('puts users in cookie groups and gives a few the jason login and the canary header', () => {
    const users = requestPopulation(1);
    const groups = shares(users.map((u) => u.group));
    expect(groups.public).toBeGreaterThan(75);
    expect(groups.beta).toBeGreaterThan(4);
    expect(groups.internal).toBeGreaterThan(1);
    const jason = users.filter((u) => u.endUser === 'jason').length;
    expect(jason).toBeGreaterThan(0);
    expect(jason).toBeLessThan(POPULATION_SIZE * 0.05);
  });

  it('sends session and group cookies and propagates only what the app forwards', () => {
    const user = {
      userAgent: 'UA',
      group: 'beta' as const,
      sessionId: 'abc',
      endUser: 'jason',
      canaryTester: true,
    };
    const headers = visitorHeaders(user, 'req-1');
    expect(headers).toMatchObject({
      'user-agent': 'UA',
      cookie: 'session_id=abc; group=beta',
      'end-user': 'jason',
      'x-canary': 'always',
    });
    expect(propagatedHeaders(headers, false).cookie).toBeUndefined();
    expect(propagatedHeaders(headers, false)['end-user']).toBe('jason');
    expect(propagatedHeaders(headers, true).cookie).toBe('session_id=abc; group=beta');
  });
});
