import { describe, expect, it } from 'vitest';
import { fieldOf, ReleaseEditError, sameObject, sourceRefOf } from '../../../../shared/mesh/model/index.ts';
import { firstLabel, resolveHost, versionLabelOf } from '../../../../shared/mesh/read/index.ts';

describe('release model helpers', () => {
  it('turns a JSON pointer into the field path operators read in errors', () => {
    expect(fieldOf('/spec/http/1/route/0/weight')).toBe('spec.http[1].route[0].weight');
    expect(fieldOf('/metadata/annotations/switchyard.io~1disabled-rules')).toBe(
      'metadata.annotations.switchyard.io/disabled-rules',
    );
  });

  it('builds a source ref with the default namespace and the write guards', () => {
    expect(
      sourceRefOf({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'a', resourceVersion: '5', uid: 'u' },
      }),
    ).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      namespace: 'default',
      name: 'a',
      resourceVersion: '5',
      uid: 'u',
    });
  });

  it('compares objects by kind, namespace and name', () => {
    const a = { kind: 'VirtualService', namespace: 'x', name: 'r' };
    expect(sameObject(a, { ...a })).toBe(true);
    expect(sameObject(a, { ...a, namespace: 'y' })).toBe(false);
  });

  it('carries the object and field of an edit error', () => {
    const target = { apiVersion: 'v1', kind: 'VirtualService', namespace: 'd', name: 'r' };
    const err = new ReleaseEditError('bad', target, 'spec.http[0]');
    expect([err.name, err.target, err.field]).toEqual(['ReleaseEditError', target, 'spec.http[0]']);
  });

  it('resolves short hosts against a namespace and leaves dotted or wildcard hosts alone', () => {
    expect(resolveHost('reviews', 'default')).toBe('reviews.default.svc.cluster.local');
    expect(resolveHost('reviews.prod.svc.cluster.local', 'default')).toBe('reviews.prod.svc.cluster.local');
    expect(resolveHost('*', 'default')).toBe('*');
    expect(firstLabel('reviews.prod.svc.cluster.local')).toBe('reviews');
  });

  it('prefers the canonical revision label over app.kubernetes.io/version and version', () => {
    expect(versionLabelOf({ version: 'a', 'service.istio.io/canonical-revision': 'b' })).toEqual({
      key: 'service.istio.io/canonical-revision',
      value: 'b',
    });
    expect(versionLabelOf({ 'app.kubernetes.io/version': '1.2', version: 'x' })?.value).toBe('1.2');
    expect(versionLabelOf({ app: 'x' })).toBeNull();
  });
});
