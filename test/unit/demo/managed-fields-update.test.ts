import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fieldsTreeOf } from '../../../main/demo/store/field-paths.ts';
import {
  fieldSetOf,
  type ManagedFieldsEntry,
  recordUpdate,
  toFieldsV1,
} from '../../../main/demo/store/managed-fields.ts';
import { MemoryObjectStore } from '../../../main/demo/store/memory-object-store.ts';
import type { KubeObject } from '../../../main/demo/store/object-store.ts';
import { deepFreeze, normalized } from '../../../main/demo/store/stored-object.ts';

type Json = Record<string, unknown>;

const leafValue = fc.oneof(fc.constantFrom('a', 'b', 1, 2, true, null), fc.constant({}), fc.constant([]));
const key = fc.constantFrom('name', 'port', 'containerPort', 'protocol', 'x', 'y', 'status', 'labels');
const { value } = fc.letrec<{ value: unknown; map: Json; list: unknown[] }>((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leafValue, tie('map'), tie('list')),
  map: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  list: fc.array(
    fc.oneof(
      fc.record({ name: fc.constantFrom('a', 'b', 'c'), x: tie('value') }, { requiredKeys: ['name'] }),
      fc.record({ port: fc.constantFrom(80, 81), protocol: fc.constantFrom('TCP', 'UDP') }),
      tie('value'),
    ),
    { maxLength: 3 },
  ),
}));
const object = fc.record(
  {
    apiVersion: fc.constant('v1'),
    kind: fc.constant('Pod'),
    metadata: fc.record(
      {
        name: fc.constant('p'),
        labels: fc.dictionary(fc.constantFrom('a', 'b'), fc.constantFrom('1', '2')),
        annotations: value,
      },
      { requiredKeys: ['name'] },
    ),
    spec: value,
    status: value,
    extra: value,
  },
  { requiredKeys: ['apiVersion', 'kind', 'metadata'] },
);

/** The next version shares some top-level and metadata members with the stored one, as real writes do. */
function sharing(stored: Json, proposed: Json, picks: boolean[]): Json {
  const out: Json = {};
  let i = 0;
  const pick = () => picks[i++ % picks.length] === true;
  for (const k of Object.keys(proposed)) {
    if (k === 'metadata') {
      const meta: Json = { ...(proposed.metadata as Json) };
      const old = stored.metadata as Json;
      for (const mk of Object.keys(meta)) if (mk in old && pick()) meta[mk] = old[mk];
      out.metadata = meta;
    } else out[k] = k in stored && pick() ? stored[k] : proposed[k];
  }
  return out;
}

const step = fc.record({
  proposed: object,
  picks: fc.array(fc.boolean(), { minLength: 1, maxLength: 6 }),
  manager: fc.constantFrom('first', 'second'),
  status: fc.boolean(),
});

const withoutTimes = (entries: ManagedFieldsEntry[]) =>
  JSON.stringify(entries.map((e) => ({ ...e, time: '' })));

describe('ownership after an update', () => {
  it('builds the ownership of a new object as the tree of its field set', () => {
    fc.assert(
      fc.property(object, fc.boolean(), (obj, keyedLists) => {
        const opts = { keyedLists, includeStatus: true };
        const shaped = normalized(obj as KubeObject) as Json;
        expect(JSON.stringify(fieldsTreeOf(shaped, opts))).toBe(
          JSON.stringify(toFieldsV1(fieldSetOf(shaped, opts))),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same entries when only the changed subtrees are examined as when everything is', () => {
    fc.assert(
      fc.property(object, fc.array(step, { maxLength: 5 }), fc.boolean(), (first, steps, keyedLists) => {
        const created = normalized(first as KubeObject) as Json;
        const entries = recordUpdate([], 'creator', 'v1', undefined, created, {
          keyedLists,
          includeStatus: true,
        });
        let stored = deepFreeze(
          normalized({
            ...created,
            metadata: { ...(created.metadata as Json), managedFields: entries },
          } as unknown as KubeObject),
        ) as Json;
        for (const s of steps) {
          const next = normalized(sharing(stored, s.proposed as Json, s.picks) as KubeObject) as Json;
          const opts = {
            keyedLists,
            includeStatus: s.status,
            ...(s.status ? { subresource: 'status' } : {}),
          };
          const current = ((stored.metadata as Json).managedFields ?? []) as ManagedFieldsEntry[];
          const everything = recordUpdate(current, s.manager, 'v1', stored, next, opts);
          const changedOnly = recordUpdate(current, s.manager, 'v1', stored, next, {
            ...opts,
            entriesMatchBefore: true,
          });
          expect(withoutTimes(changedOnly)).toBe(withoutTimes(everything));
          stored = deepFreeze(
            normalized({
              ...next,
              metadata: { ...(next.metadata as Json), managedFields: changedOnly },
            } as unknown as KubeObject),
          ) as Json;
        }
      }),
      { numRuns: 400 },
    );
  });

  it('keeps untouched entries as they are and moves a changed field to its new manager', () => {
    const store = new MemoryObjectStore();
    store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns' } });
    const pod = store.create(
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p', namespace: 'ns', labels: { app: 'x' } },
        spec: { containers: [{ name: 'app', image: 'nginx:1' }] },
        status: { phase: 'Pending' },
      },
      { manager: 'creator' },
    );
    const running = store.update(
      { ...pod, status: { phase: 'Running', podIP: '10.0.0.1' } },
      { manager: 'kubelet', subresource: 'status' },
    );
    const [creator, kubelet] = (running.metadata.managedFields ?? []) as ManagedFieldsEntry[];
    expect(creator?.manager).toBe('creator');
    expect(JSON.stringify(creator?.fieldsV1)).not.toContain('f:phase');
    expect(kubelet).toMatchObject({
      manager: 'kubelet',
      subresource: 'status',
      fieldsV1: { 'f:status': { 'f:phase': {}, 'f:podIP': {} } },
    });
    const relabeled = store.update(
      { ...running, metadata: { ...running.metadata, labels: { app: 'y' } } },
      { manager: 'creator' },
    );
    const after = (relabeled.metadata.managedFields ?? []) as ManagedFieldsEntry[];
    // The kubelet's entry is untouched by a label change: the very same object is kept.
    expect(after.find((e) => e.manager === 'kubelet')).toBe(kubelet);
  });

  it('shares the repeated parts of ownership trees between objects without changing their JSON', () => {
    const store = new MemoryObjectStore();
    store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns' } });
    const make = (name: string) =>
      store.create({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, namespace: 'ns', labels: { app: name, tier: 'web' } },
        spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] },
      });
    const a = make('a');
    const b = make('b');
    const labelsOf = (o: KubeObject) => {
      const [entry] = (o.metadata.managedFields ?? []) as ManagedFieldsEntry[];
      return (entry?.fieldsV1['f:metadata'] as Json | undefined)?.['f:labels'];
    };
    expect(labelsOf(a)).toBe(labelsOf(b));
    expect(labelsOf(a)).toEqual({ 'f:app': {}, 'f:tier': {} });
  });
});
