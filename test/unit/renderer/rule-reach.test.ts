import { describe, expect, it } from 'vitest';
import { readsHeaders } from '../../../renderer/src/features/rules/rule-reach.tsx';

const rule = (conditions: unknown, matchYaml = '') =>
  ({ id: 'http:0', version: 'v2', enabled: true, conditions, matchYaml }) as Parameters<
    typeof readsHeaders
  >[0];

describe('which rules can travel downstream', () => {
  it('counts header, cookie, OS and browser conditions, which all ride on request headers', () => {
    expect(readsHeaders(rule([[{ kind: 'header', name: 'x-canary', op: 'exact', value: '1' }]]))).toBe(true);
    expect(readsHeaders(rule([[{ kind: 'cookie', name: 'beta', op: 'exact', value: '1' }]]))).toBe(true);
    expect(readsHeaders(rule([[{ kind: 'os', os: 'ios' }]]))).toBe(true);
  });

  it('leaves out rules on a query or the caller’s labels, and reads a hand-written match by its YAML', () => {
    expect(readsHeaders(rule([[{ kind: 'query', name: 'beta', op: 'exact', value: '1' }]]))).toBe(false);
    expect(readsHeaders(rule([[{ kind: 'sourceLabel', name: 'app', value: 'web' }]]))).toBe(false);
    expect(readsHeaders(rule(null, '- headers:\n    x-a: {exact: "1"}\n'))).toBe(true);
    expect(readsHeaders(rule(null, '- uri: {prefix: /a}\n'))).toBe(false);
  });
});
