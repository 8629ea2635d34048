import { describe, expect, it } from 'vitest';
import { serverSideApply } from '../../../main/demo/server/server-side-apply.ts';
import { KubeStatusError } from '../../../main/demo/store/kube-status-error.ts';
import { fieldSetOf, fromFieldsV1, toFieldsV1 } from '../../../main/demo/store/managed-fields.ts';
import type { KubeObject } from '../../../main/demo/store/object-store.ts';
import { findResource } from '../../../main/demo/store/resource-types.ts';

const vsType = findResource('networking.istio.io', 'v1', 'virtualservices')!;
const depType = findResource('apps', 'v1', 'deployments')!;
const applied = (spec: Record<string, unknown>, labels?: Record<string, string>): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'r', namespace: 'ns', ...(labels ? { labels } : {}) },
  spec,
});

describe('field sets (FieldsV1)', () => {
  it('round-trips through the FieldsV1 tree, with keyed list items in built-in kinds', () => {
    const obj = {
      metadata: { name: 'x', labels: { a: '1' } },
      spec: { template: { spec: { containers: [{ name: 'app', image: 'i' }] } } },
    };
    const set = fieldSetOf(obj, { keyedLists: true });
    const tree = toFieldsV1(set);
    expect(tree).toEqual({
      'f:metadata': { 'f:labels': { 'f:a': {} } },
      'f:spec': {
        'f:template': {
          'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:name': {}, 'f:image': {} } } },
        },
      },
    });
    expect(fromFieldsV1(tree)).toEqual(set);
  });

  it('treats lists in custom resources as atomic', () => {
    expect([...fieldSetOf({ spec: { http: [{ route: [] }] } }, { keyedLists: false })]).toEqual([
      'f:spec\nf:http',
    ]);
  });
});

describe('server-side apply', () => {
  it('creates ownership for the applying manager', () => {
    const r = serverSideApply({
      type: vsType,
      live: undefined,
      applied: applied({ hosts: ['r'] }),
      manager: 'a',
      force: false,
    });
    expect(r.managedFields).toEqual([
      expect.objectContaining({
        manager: 'a',
        operation: 'Apply',
        fieldsV1: { 'f:spec': { 'f:hosts': {} } },
      }),
    ]);
  });

  it('shares a field when another manager applies the same value, and conflicts on a different one', () => {
    const first = serverSideApply({
      type: vsType,
      live: undefined,
      applied: applied({ hosts: ['r'] }),
      manager: 'a',
      force: false,
    });
    const live = {
      ...first.object,
      metadata: { ...first.object.metadata, managedFields: first.managedFields },
    } as KubeObject;
    const shared = serverSideApply({
      type: vsType,
      live,
      applied: applied({ hosts: ['r'] }),
      manager: 'b',
      force: false,
    });
    expect(shared.managedFields.map((e) => e.manager)).toEqual(['a', 'b']);
    let err: unknown;
    try {
      serverSideApply({
        type: vsType,
        live,
        applied: applied({ hosts: ['other'] }),
        manager: 'b',
        force: false,
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KubeStatusError);
    expect((err as KubeStatusError).code).toBe(409);
    expect((err as KubeStatusError).message).toBe(
      'Apply failed with 1 conflict: conflict with "a" using networking.istio.io/v1: .spec.hosts',
    );
  });

  it('with force takes the field from the other manager', () => {
    const first = serverSideApply({
      type: vsType,
      live: undefined,
      applied: applied({ hosts: ['r'], gateways: ['g'] }),
      manager: 'a',
      force: false,
    });
    const live = {
      ...first.object,
      metadata: { ...first.object.metadata, managedFields: first.managedFields },
    } as KubeObject;
    const forced = serverSideApply({
      type: vsType,
      live,
      applied: applied({ hosts: ['x'] }),
      manager: 'b',
      force: true,
    });
    expect((forced.object.spec as { hosts: string[] }).hosts).toEqual(['x']);
    expect(forced.managedFields.find((e) => e.manager === 'a')?.fieldsV1).toEqual({
      'f:spec': { 'f:gateways': {} },
    });
  });

  it('removes a field the manager stops applying when nobody else owns it', () => {
    const first = serverSideApply({
      type: vsType,
      live: undefined,
      applied: applied({ hosts: ['r'] }, { keep: 'no' }),
      manager: 'a',
      force: false,
    });
    const live = {
      ...first.object,
      metadata: { ...first.object.metadata, managedFields: first.managedFields },
    } as KubeObject;
    const second = serverSideApply({
      type: vsType,
      live,
      applied: applied({ hosts: ['r'] }),
      manager: 'a',
      force: false,
    });
    expect(second.object.metadata.labels).toEqual({});
  });

  it('merges keyed lists of built-in kinds item by item', () => {
    const dep = (containers: unknown[]): KubeObject => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', namespace: 'ns' },
      spec: { template: { spec: { containers } } },
    });
    const live = {
      ...dep([
        { name: 'app', image: 'a:1' },
        { name: 'proxy', image: 'p:1' },
      ]),
      metadata: { name: 'd', namespace: 'ns', managedFields: [] },
    } as KubeObject;
    const r = serverSideApply({
      type: depType,
      live,
      applied: dep([{ name: 'app', image: 'a:2' }]),
      manager: 'a',
      force: false,
    });
    const containers = (
      r.object.spec as { template: { spec: { containers: Array<{ name: string; image: string }> } } }
    ).template.spec.containers;
    expect(containers.map((c) => `${c.name}=${c.image}`)).toEqual(['app=a:2', 'proxy=p:1']);
  });
});
