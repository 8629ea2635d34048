import { describe, expect, it } from 'vitest';
import { KubeStatusError } from '../../../main/demo/store/kube-status-error.ts';
import { parseFieldSelector, parseLabelSelector } from '../../../main/demo/store/label-selector.ts';

const labels = { app: 'reviews', version: 'v2', tier: 'backend' };
const matches = (selector: string, l: Record<string, string> | undefined = labels) =>
  parseLabelSelector(selector)?.(l);

describe('label selectors', () => {
  it('matches equality with =, == and !=', () => {
    expect(matches('app=reviews')).toBe(true);
    expect(matches('app==reviews')).toBe(true);
    expect(matches('app!=reviews')).toBe(false);
    expect(matches('app!=ratings')).toBe(true);
  });

  it('treats a missing key as not equal for != (like the API server)', () => {
    expect(matches('zone!=eu')).toBe(true);
  });

  it('matches set membership with in and notin, keeping commas inside the parentheses', () => {
    expect(matches('version in (v1, v2)')).toBe(true);
    expect(matches('version in (v1,v3)')).toBe(false);
    expect(matches('version notin (v1,v3),app=reviews')).toBe(true);
    expect(matches('zone notin (eu)')).toBe(true);
  });

  it('matches existence and non-existence', () => {
    expect(matches('tier')).toBe(true);
    expect(matches('!tier')).toBe(false);
    expect(matches('!zone')).toBe(true);
    expect(parseLabelSelector('tier')?.(undefined)).toBe(false);
  });

  it('requires every requirement to hold', () => {
    expect(matches('app=reviews,version=v1')).toBe(false);
    expect(matches('app=reviews,version=v2,tier')).toBe(true);
  });

  it('returns no selector for an empty string, and a 400 for a malformed one', () => {
    expect(parseLabelSelector('')).toBeUndefined();
    expect(() => parseLabelSelector('app in v1')).toThrow(KubeStatusError);
    try {
      parseLabelSelector('bad key=1');
    } catch (err) {
      expect((err as KubeStatusError).code).toBe(400);
    }
  });
});

describe('field selectors', () => {
  const obj = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'a', namespace: 'x' },
    status: { phase: 'Running' },
  };
  it('matches metadata.name and metadata.namespace with = and !=', () => {
    expect(parseFieldSelector('metadata.name=a')?.(obj)).toBe(true);
    expect(parseFieldSelector('metadata.name!=a')?.(obj)).toBe(false);
    expect(parseFieldSelector('metadata.namespace==x,status.phase=Running')?.(obj)).toBe(true);
  });

  it('refuses fields the server does not index', () => {
    expect(() => parseFieldSelector('spec.hosts=a')).toThrow(/field label not supported: spec.hosts/);
  });
});
