import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../renderer/src/api/api-client.ts';
import { narrowingFilter, searchKeyOf } from '../../../renderer/src/stores/service-search.ts';
import {
  applyServiceChanges,
  serviceOrder,
  sortedServices,
} from '../../../renderer/src/stores/services-sorted.ts';
import { createServicesStore, filterServices } from '../../../renderer/src/stores/services-store.ts';
import type { ServiceSummary } from '../../../shared/api/console-schemas.ts';

const summary = (namespace: string, name: string, extra: Partial<ServiceSummary> = {}): ServiceSummary => ({
  releaseId: `istio:${namespace}/${name}.${namespace}.svc.cluster.local`,
  namespace,
  name,
  host: `${name}.${namespace}.svc.cluster.local`,
  flavor: 'istio',
  versionCount: 1,
  releaseInProgress: false,
  contentRuleCount: 0,
  readOnly: false,
  lintErrors: 0,
  ...extra,
});

/** A small alphabet so that namespaces, names and ids collide often (ties, moves, re-upserts). */
const arbSummary = fc
  .record({
    ns: fc.constantFrom('a', 'b', 'B', 'shop', 'bookinfo'),
    name: fc.constantFrom('x', 'y', 'reviews', 'Ratings', 'svc-1'),
    id: fc.integer({ min: 0, max: 12 }),
    versions: fc.integer({ min: 1, max: 3 }),
  })
  .map(({ ns, name, id, versions }) => summary(ns, name, { releaseId: `r${id}`, versionCount: versions }));

const arbDelta = fc.record({
  upserts: fc.array(arbSummary, { maxLength: 6 }),
  removed: fc.array(
    fc.integer({ min: 0, max: 14 }).map((i) => `r${i}`),
    { maxLength: 4 },
  ),
});

/** What the store did before: the whole set sorted again after each delta. */
function fullSort(set: Map<string, ServiceSummary>) {
  const list = [...set.values()].sort(serviceOrder);
  return { list, namespaces: [...new Set(list.map((s) => s.namespace))] };
}

describe('the sorted service list under deltas', () => {
  // Both ways a delta is taken in: spliced by binary search (small) and sorted again (big).
  it.each([
    ['spliced', 64],
    ['sorted again', 0],
  ])(
    'lists the same services in the same order as a full sort after random upserts and removals (%s)',
    (_way, limit) => {
      fc.assert(
        fc.property(
          fc.array(arbSummary, { maxLength: 10 }),
          fc.array(arbDelta, { maxLength: 8 }),
          (first, deltas) => {
            const truth = new Map(first.map((s) => [s.releaseId, s]));
            let sorted = sortedServices(first);
            for (const d of deltas) {
              sorted = applyServiceChanges(sorted, d.upserts, d.removed, limit);
              for (const id of d.removed) truth.delete(id);
              for (const u of d.upserts) truth.set(u.releaseId, u);
              const expected = fullSort(truth);
              expect(sorted.list).toEqual(expected.list);
              expect(sorted.namespaces).toEqual(expected.namespaces);
              expect([...sorted.byId.entries()].sort()).toEqual([...truth.entries()].sort());
            }
          },
        ),
        { numRuns: 300 },
      );
    },
  );

  it('puts an upsert whose content changed in place of the old entry, not beside it', () => {
    const a = summary('shop', 'payment');
    const b = summary('shop', 'reviews');
    const next = applyServiceChanges(sortedServices([a, b]), [{ ...a, versionCount: 3 }], []);
    expect(next.list.map((s) => [s.name, s.versionCount])).toEqual([
      ['payment', 3],
      ['reviews', 1],
    ]);
  });

  it('keeps the namespaces array while its set is unchanged, and answers the same state for a no-op delta', () => {
    const start = sortedServices([summary('shop', 'payment'), summary('bookinfo', 'reviews')]);
    const grown = applyServiceChanges(start, [summary('shop', 'cart')], []);
    expect(grown.namespaces).toBe(start.namespaces);
    expect(applyServiceChanges(grown, [], ['istio:nowhere/x'])).toBe(grown);
    const fewer = applyServiceChanges(grown, [], [summary('bookinfo', 'reviews').releaseId]);
    expect(fewer.namespaces).toEqual(['shop']);
  });

  it('does not change the list, namespaces or counts of the state it was given', () => {
    const start = sortedServices([summary('shop', 'payment'), summary('bookinfo', 'reviews')]);
    const list = start.list.slice();
    applyServiceChanges(start, [summary('a', 'first')], [summary('shop', 'payment').releaseId]);
    expect(start.list).toEqual(list);
    expect(start.namespaceCounts.get('shop')).toBe(1);
  });
});

describe('the services store', () => {
  it('merges services.changed deltas into the listed services in order', async () => {
    let emit: ((payload: unknown) => void) | undefined;
    const api = {
      on: (_event: string, listener: (payload: unknown) => void) => {
        emit = listener;
        return () => {};
      },
      call: async () => ({
        ok: true,
        value: { services: [summary('shop', 'payment'), summary('bookinfo', 'reviews')] },
      }),
    } as unknown as ApiClient;
    const store = createServicesStore(api);
    await store.getState().load('demo');
    emit?.({
      contextId: 'demo',
      upserts: [summary('bookinfo', 'details'), summary('zoo', 'lion')],
      removed: [summary('shop', 'payment').releaseId],
    });
    const data = store.getState().byContext.demo;
    expect(data?.list.map((s) => `${s.namespace}/${s.name}`)).toEqual([
      'bookinfo/details',
      'bookinfo/reviews',
      'zoo/lion',
    ]);
    expect(data?.namespaces).toEqual(['bookinfo', 'zoo']);
  });
});

/** The filter as it was, lowercasing per service per keystroke: the reference for the search key. */
function filterBefore(list: readonly ServiceSummary[], search: string, namespace: string) {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0 && namespace === '') return list as ServiceSummary[];
  return list.filter(
    (s) =>
      (namespace === '' || s.namespace === namespace) &&
      words.every(
        (w) =>
          s.name.toLowerCase().includes(w) || s.namespace.toLowerCase().includes(w) || s.host.includes(w),
      ),
  );
}

describe('the service search', () => {
  const word = fc.constantFrom('rev', 'REV', 'shop', 'Sh', 'svc', '.local', 'a', 'x', 'HOST', 'p\nb', '');
  const arbListed = fc
    .record({
      ns: fc.constantFrom('shop', 'Shop', 'bookinfo', 'a'),
      name: fc.constantFrom('reviews', 'Reviews-Proxy', 'svc-1', 'payment'),
      host: fc.constantFrom('reviews.shop.svc.cluster.local', 'HOST.example', 'x'),
    })
    .map(({ ns, name, host }) => summary(ns, name, { host, releaseId: `${ns}/${name}/${host}` }));

  it('finds the same services as the filter that lowercased per keystroke', () => {
    fc.assert(
      fc.property(
        fc.array(arbListed, { maxLength: 12 }),
        fc.array(word, { maxLength: 3 }).map((ws) => ws.join(' ')),
        fc.constantFrom('', 'shop', 'Shop'),
        (list, search, namespace) => {
          expect(filterServices(list, search, namespace)).toEqual(filterBefore(list, search, namespace));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('matches a host as written (not lowercased) and never across two fields', () => {
    const s = summary('shop', 'payment', { host: 'Pay.Example' });
    expect(searchKeyOf(s)).toBe('payment\nshop\nPay.Example');
    expect(filterServices([s], 'pay.example', '')).toEqual([]);
    expect(filterServices([s], 'Pay.Example', '')).toEqual([]);
    expect(filterServices([s], 'example', '')).toEqual([]);
    expect(filterServices([s], 'paymentshop', '')).toEqual([]);
    expect(filterServices([s], 'PAY', '')).toEqual([s]);
  });

  it('narrows from its last answer while typing on, with the same result as a full filter', () => {
    const step = fc.oneof(
      fc.record({ type: fc.constantFrom('r', 'e', 'v', ' ', 's', 'H', '-', '1', 'x') }),
      fc.record({ back: fc.constant(true) }),
      fc.record({ namespace: fc.constantFrom('', 'shop', 'a') }),
      fc.record({ relist: fc.constant(true) }),
    );
    fc.assert(
      fc.property(
        fc.array(arbListed, { maxLength: 12 }),
        fc.array(step, { maxLength: 20 }),
        (first, steps) => {
          const filter = narrowingFilter(filterServices);
          let list = first;
          let search = '';
          let namespace = '';
          for (const st of steps) {
            if ('type' in st) search += st.type;
            else if ('back' in st) search = search.slice(0, -1);
            else if ('namespace' in st) namespace = st.namespace;
            else list = list.slice(1);
            expect(filter(list, search, namespace)).toEqual(filterBefore(list, search, namespace));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
