import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../renderer/src/api/api-client.ts';
import { shortcutFor } from '../../../renderer/src/features/help/shortcuts.ts';
import { orderContexts } from '../../../renderer/src/stores/clusters-store.ts';
import {
  createReleaseStore,
  desiredInput,
  editChanged,
  editKey,
  rulesText,
} from '../../../renderer/src/stores/release-store.ts';
import { filterServices } from '../../../renderer/src/stores/services-store.ts';
import type { ReleaseView, ServiceSummary } from '../../../shared/api/console-schemas.ts';
import type { ContextSummary } from '../../../shared/api/contract.ts';
import { diffLines, foldDiff } from '../../../shared/text/line-diff.ts';
import { releaseViewFixture } from './drafts-fixtures.ts';

const quietApi = {
  on: () => () => {},
  call: async () => ({ ok: false, error: { code: 'unavailable', message: 'test' } }),
} as unknown as ApiClient;

function view(weights: Record<string, number>): ReleaseView {
  return releaseViewFixture(weights, {
    releaseId: 'istio:shop/payment',
    contextId: 'demo',
    namespace: 'shop',
    host: 'payment.shop.svc.cluster.local',
    name: 'payment',
  });
}

describe('the release store', () => {
  const key = editKey('demo', 'istio:shop/payment');

  it('keeps edits local and marks them unapplied until the cluster confirms the same split', () => {
    const store = createReleaseStore(quietApi);
    store.getState().received(view({ v1: 90, v2: 10 }));
    expect(editChanged(store.getState().edits[key])).toBe(false);
    store.getState().move(key, 'v2', 30);
    const draft = store.getState().edits[key];
    expect(editChanged(draft)).toBe(true);
    expect(draft && desiredInput(draft).split).toEqual([
      { version: 'v1', weight: 70 },
      { version: 'v2', weight: 30 },
    ]);
    store.getState().received(view({ v1: 70, v2: 30 }));
    expect(editChanged(store.getState().edits[key])).toBe(false);
    expect(store.getState().edits[key]?.confirmed).toBe(true);
  });

  it('shows both sides when the cluster changes under an unapplied edit, and can take theirs', () => {
    const store = createReleaseStore(quietApi);
    store.getState().received(view({ v1: 90, v2: 10 }));
    store.getState().move(key, 'v2', 20);
    store.getState().received(view({ v1: 50, v2: 50 }));
    const conflict = store.getState().edits[key]?.conflict;
    expect(conflict?.theirs.map((v) => v.weight)).toEqual([50, 50]);
    expect(store.getState().edits[key]?.split.map((v) => v.weight)).toEqual([80, 20]);
    store.getState().resolve(key, 'theirs');
    expect(store.getState().edits[key]?.split.map((v) => v.weight)).toEqual([50, 50]);
    expect(store.getState().edits[key]?.conflict).toBeUndefined();
  });

  describe('keeping my changes over someone else’s content rule', () => {
    const hotfix = {
      id: 'http:0',
      name: 'ops-hotfix',
      version: 'v2',
      enabled: true,
      conditions: [[{ kind: 'header' as const, name: 'x-ops', op: 'exact' as const, value: '1' }]],
      matchYaml: '',
    };
    const withHotfix = () => ({ ...view({ v1: 90, v2: 10 }), rules: [hotfix] });

    it('keeps their new rule under my weights (it was planned away before)', () => {
      const store = createReleaseStore(quietApi);
      store.getState().received(view({ v1: 90, v2: 10 }));
      store.getState().move(key, 'v2', 20);
      store.getState().received(withHotfix());
      const conflict = store.getState().edits[key]?.conflict;
      expect(conflict?.theirsRules.map((r) => r.name)).toEqual(['ops-hotfix']);
      expect(rulesText(conflict?.theirsRules ?? [])).toBe('ops-hotfix → v2');
      store.getState().resolve(key, 'mine');
      const d = store.getState().edits[key];
      if (!d) throw new Error('no edit');
      expect(d.conflict).toBeUndefined();
      expect(desiredInput(d).split).toEqual([
        { version: 'v1', weight: 80 },
        { version: 'v2', weight: 20 },
      ]);
      expect(desiredInput(d).rules).toEqual([
        { id: 'http:0', name: 'ops-hotfix', version: 'v2', enabled: true },
      ]);
      expect(d.notice).toBeUndefined();
    });

    it('keeps my weights but not my rule edits when theirs changed the rules too, and says so', () => {
      const store = createReleaseStore(quietApi);
      store.getState().received(view({ v1: 90, v2: 10 }));
      store.getState().move(key, 'v2', 30);
      store.getState().addRule(key, 'v2');
      store.getState().received(withHotfix());
      store.getState().resolve(key, 'mine');
      const d = store.getState().edits[key];
      if (!d) throw new Error('no edit');
      expect(d.rules.map((r) => r.name)).toEqual(['ops-hotfix']);
      expect(d.split.map((v) => v.weight)).toEqual([70, 30]);
      expect(d.notice).toMatch(/your content rule changes are not/);
    });

    it('keeps my rule edits when only the weights changed in the cluster', () => {
      const store = createReleaseStore(quietApi);
      store.getState().received(view({ v1: 90, v2: 10 }));
      store.getState().addRule(key, 'v2');
      store.getState().received(view({ v1: 50, v2: 50 }));
      store.getState().resolve(key, 'mine');
      const d = store.getState().edits[key];
      expect(d?.rules.map((r) => r.version)).toEqual(['v2']);
      expect(d?.rules[0]?.edited).toBe(true);
    });
  });

  it('takes the same split in another order (backendRefs reordered with kubectl) as no change, and a landed edit as confirmed', () => {
    const store = createReleaseStore(quietApi);
    store.getState().received(view({ v1: 90, v2: 10 }));
    store.getState().move(key, 'v2', 20);
    store.getState().received(view({ v2: 10, v1: 90 }));
    expect(store.getState().edits[key]?.conflict).toBeUndefined();
    expect(store.getState().edits[key]?.split.map((v) => [v.version, v.weight])).toEqual([
      ['v1', 80],
      ['v2', 20],
    ]);
    store.getState().received(view({ v2: 20, v1: 80 }));
    expect(editChanged(store.getState().edits[key])).toBe(false);
    expect(store.getState().edits[key]?.confirmed).toBe(true);
  });

  it('takes a new rule named by the planner as landed, not as someone else’s change', () => {
    const store = createReleaseStore(quietApi);
    store.getState().received(view({ v1: 90, v2: 10 }));
    store.getState().addRule(key, 'v2');
    expect(editChanged(store.getState().edits[key])).toBe(true);
    const named = {
      id: 'http:0',
      name: 'v2-header-x-canary',
      version: 'v2',
      enabled: true,
      conditions: [[{ kind: 'header' as const, name: 'x-canary', op: 'exact' as const, value: 'true' }]],
      matchYaml: '',
    };
    store.getState().received({ ...view({ v1: 90, v2: 10 }), rules: [named] });
    const edit = store.getState().edits[key];
    expect(edit?.conflict).toBeUndefined();
    expect(edit?.confirmed).toBe(true);
    expect(edit?.rules.map((r) => r.name)).toEqual(['v2-header-x-canary']);
  });

  it('sends edited rules with their conditions and untouched ones by id only', () => {
    const store = createReleaseStore(quietApi);
    store.getState().received({
      ...view({ v1: 100, v2: 0 }),
      rules: [
        {
          id: 'http:0',
          version: 'v2',
          enabled: true,
          conditions: [[{ kind: 'os', os: 'ios' }]],
          matchYaml: '',
        },
      ],
    });
    store.getState().addRule(key, 'v2');
    const d = store.getState().edits[key];
    if (!d) throw new Error('no draft');
    const rules = desiredInput(d).rules;
    expect(rules[0]).toEqual({ id: 'http:0', version: 'v2', enabled: true });
    expect(rules[1]?.conditions?.[0]?.[0]).toMatchObject({ kind: 'header' });
    store.getState().moveRule(key, rules.length > 1 ? (d.rules[1]?.key ?? '') : '', -1);
    expect(store.getState().edits[key]?.rules[0]?.id).toBeUndefined();
  });
});

describe('service filtering', () => {
  const s = (namespace: string, name: string): ServiceSummary => ({
    releaseId: `istio:${namespace}/${name}`,
    namespace,
    name,
    host: `${name}.${namespace}.svc.cluster.local`,
    flavor: 'istio',
    versionCount: 1,
    releaseInProgress: false,
    contentRuleCount: 0,
    readOnly: false,
    lintErrors: 0,
  });
  const list = [
    s('bookinfo', 'reviews'),
    s('bookinfo', 'ratings'),
    s('shop', 'payment'),
    s('shop', 'reviews-proxy'),
  ];

  it('matches every word against name, namespace or host, and filters by namespace', () => {
    expect(filterServices(list, 'rev', '').map((x) => x.name)).toEqual(['reviews', 'reviews-proxy']);
    expect(filterServices(list, 'rev shop', '').map((x) => x.name)).toEqual(['reviews-proxy']);
    expect(filterServices(list, '', 'shop').map((x) => x.name)).toEqual(['payment', 'reviews-proxy']);
    expect(filterServices(list, '', '')).toBe(list);
  });

  it('filters 5,000 services by name and namespace together', () => {
    const many = Array.from({ length: 5000 }, (_, i) => s(`ns-${i % 40}`, `svc-${i}`));
    const hits = filterServices(many, 'svc-49', 'ns-9');
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((h) => h.namespace === 'ns-9' && h.name.includes('svc-49'))).toBe(true);
  });
});

describe('the cluster order', () => {
  const c = (id: string, lastUsed?: string, isDemo = false): ContextSummary => ({
    id,
    name: id,
    cluster: 'c',
    user: 'u',
    source: 'f',
    isDemo,
    status: 'not-connected',
    ...(lastUsed ? { lastUsed } : {}),
  });
  it('puts recently used contexts first, then the demo, then the kubeconfig order', () => {
    const ordered = orderContexts([
      c('kube:a'),
      c('demo', undefined, true),
      c('kube:b', '2024-01-01T00:00:00Z'),
      c('kube:c', '2024-02-01T00:00:00Z'),
    ]);
    expect(ordered.map((x) => x.id)).toEqual(['kube:c', 'kube:b', 'demo', 'kube:a']);
  });
});

describe('the YAML diff', () => {
  it('marks removed and added lines and folds long unchanged runs', () => {
    const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'weight: 90'].join('\n');
    const after = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'weight: 70'].join('\n');
    const lines = diffLines(before, after);
    expect(lines.filter((l) => l.kind === 'removed').map((l) => l.text)).toEqual(['weight: 90']);
    expect(lines.filter((l) => l.kind === 'added').map((l) => l.text)).toEqual(['weight: 70']);
    expect(foldDiff(lines, 2)[0]).toEqual({ folded: 6 });
  });

  it('shows a created object as all added', () => {
    expect(diffLines('', 'x\ny').map((l) => l.kind)).toEqual(['added', 'added']);
  });
});

describe('keyboard shortcuts', () => {
  const key = (k: string, target: unknown = { tagName: 'BODY' }) => ({
    key: k,
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    target,
  });
  it('answers the help sheet to ? but leaves typing in fields and sliders alone', () => {
    expect(shortcutFor(key('?'))).toBe('help');
    expect(shortcutFor(key('/'))).toBe('search');
    expect(shortcutFor(key('?', { tagName: 'INPUT' }))).toBeNull();
    expect(shortcutFor(key('e', { tagName: 'DIV', getAttribute: () => 'slider' }))).toBeNull();
    expect(shortcutFor({ ...key('r'), ctrlKey: true })).toBeNull();
  });
});
