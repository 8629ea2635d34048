import { describe, expect, it } from 'vitest';
import { KubeconfigFileError, parseKubeconfigFile } from '../../../main/core/kubeconfig/kubeconfig-parse.ts';
import { expandedSizeWithin } from '../../../shared/mesh/plan/index.ts';
import { billionLaughs } from '../../helpers/billion-laughs.ts';

describe('a kubeconfig whose aliases expand without end', () => {
  it('is refused as a whole file, with the reason, before anything walks it', () => {
    const text = billionLaughs('apiVersion: v1\nkind: Config\nclusters: *l8\n');
    expect(() => parseKubeconfigFile('/k/lol', text)).toThrow(KubeconfigFileError);
    expect(() => parseKubeconfigFile('/k/lol', text)).toThrow(/aliases expand to over 1,000,000 values/);
  });

  it('still loads when aliases are used as people use them (a shared user or cluster)', () => {
    const text = [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: a',
      '  cluster: &c {server: "https://a.example"}',
      '- name: b',
      '  cluster: *c',
      '',
    ].join('\n');
    expect(parseKubeconfigFile('/k/ok', text).clusters.map((c) => c.server)).toEqual([
      'https://a.example',
      'https://a.example',
    ]);
  });

  it('counts shared nodes as copies and stops on a cycle', () => {
    const leaf = ['x', 'y'];
    expect(expandedSizeWithin({ a: leaf, b: leaf }, 7)).toBe(true);
    expect(expandedSizeWithin({ a: leaf, b: leaf }, 6)).toBe(false);
    const cycle: unknown[] = [];
    cycle.push(cycle);
    expect(expandedSizeWithin(cycle, 1000)).toBe(false);
  });
});
