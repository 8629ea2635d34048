// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../renderer/src/api/api-client.ts';
import { useRuleChecks } from '../../../renderer/src/features/rules/rule-checks.ts';
import { RulePreview, useRulePreview } from '../../../renderer/src/features/rules/rule-preview.tsx';
import { RulesEditor } from '../../../renderer/src/features/rules/rules-editor.tsx';
import {
  createReleaseStore,
  editKey,
  type ReleaseStore,
} from '../../../renderer/src/stores/release-store.ts';
import type { PreviewView } from '../../../shared/api/console-schemas.ts';
import { freshDomHost } from './dom-host.ts';
import { fakeApi, ok, releaseViewFixture } from './drafts-fixtures.ts';

// The message sits under the field as the operator types, in words; the preview claims no share
// while a rule cannot compile; fixing the field clears the message.

const at = {
  releaseId: 'istio:shop/payment',
  contextId: 'demo',
  namespace: 'shop',
  host: 'payment.shop.svc.cluster.local',
  name: 'payment',
};
const key = editKey(at.contextId, at.releaseId);
const versions = ['v1', 'v2'];

const preview: PreviewView = {
  total: 100,
  source: 'demo',
  rules: [{ position: 0, count: 25, share: 0.25 }],
  unmatched: { count: 75, share: 0.75 },
  versions: [
    { version: 'v1', count: 75, share: 0.75 },
    { version: 'v2', count: 25, share: 0.25 },
  ],
  other: [],
};

function Harness({ api, store }: { api: ApiClient; store: ReleaseStore }) {
  const draft = store((s) => s.edits[key]);
  const rules = draft?.rules ?? [];
  const checks = useRuleChecks(api, rules, versions);
  const state = useRulePreview(api, at.contextId, at.releaseId, draft, checks);
  return (
    <>
      <RulesEditor
        editKey={key}
        rules={rules}
        versions={versions}
        editable
        lint={[]}
        store={store}
        preview={state.byRule}
        checks={checks}
      />
      <RulePreview state={state} />
    </>
  );
}

const dom = freshDomHost();

async function until(what: string, test: () => boolean, ms = 5000) {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await act(async () => new Promise((r) => setTimeout(r, 25)));
  }
}

describe('rule errors at the field', () => {
  it('shows an invalid regex under the Value as it is typed, holds the preview, and clears when fixed', async () => {
    const fake = fakeApi({
      'rules.check': (req: { patterns: string[] }) =>
        ok({
          results: req.patterns.map((pattern) => ({
            pattern,
            error: pattern.includes('(') && !pattern.includes(')') ? `missing ): ${pattern}` : null,
          })),
        }),
      'release.preview': () => ok(preview),
    });
    const store = createReleaseStore(fake.api);
    store.getState().received(releaseViewFixture({ v1: 100, v2: 0 }, at));
    store.getState().addRule(key, 'v2');
    const ruleKey = store.getState().edits[key]?.rules[0]?.key ?? '';
    await act(async () => dom.root.render(<Harness api={fake.api} store={store} />));

    const typeRegex = async (value: string) =>
      act(async () =>
        store.getState().updateRule(key, ruleKey, {
          conditions: [[{ kind: 'header', name: 'x-user', op: 'regex', value }]],
          edited: true,
        }),
      );
    const valueBox = () => dom.host.querySelector('input[aria-label="Value"]') as HTMLInputElement;
    const description = () => {
      const id = valueBox().getAttribute('aria-describedby');
      return id ? (dom.host.querySelector(`[id="${id}"]`)?.textContent ?? '') : '';
    };

    await until('a first preview', () => dom.host.textContent?.includes('catches 25.0%') === true);

    await typeRegex('beta(');
    await until('the message under the field', () => description() !== '');
    expect(description()).toBe('Value: Not a valid RE2 pattern: missing ): beta(.');
    expect(valueBox().getAttribute('aria-invalid')).toBe('true');
    // No share is claimed for a rule that cannot compile, and the preview says why, by rule number.
    expect(dom.host.textContent).not.toContain('catches 25.0%');
    expect(dom.host.textContent).toContain(
      'No preview until every rule can compile. Rule 1: Not a valid RE2 pattern: missing ): beta(.',
    );
    expect(dom.host.textContent).not.toMatch(/rules\.\d|conditions\.\d/);
    const previewsWhileBroken = fake.sent('release.preview').length;

    await typeRegex('beta(1)');
    await until('the message to go', () => valueBox().getAttribute('aria-describedby') === null);
    expect(dom.host.querySelector('.field-error')).toBeNull();
    await until('the preview to return', () => dom.host.textContent?.includes('catches 25.0%') === true);
    expect(fake.sent('release.preview').length).toBeGreaterThan(previewsWhileBroken);

    // Each pattern is asked about once: going back to a known bad pattern asks nothing new.
    const asked = fake.sent('rules.check').flatMap((r) => r.patterns);
    expect(new Set(asked).size).toBe(asked.length);
    await typeRegex('beta(');
    await until('the known message', () => description() !== '');
    expect(fake.sent('rules.check').flatMap((r) => r.patterns)).toEqual(asked);
  });

  it('shows an empty header name under the Name without asking main, and an unknown target version', async () => {
    const fake = fakeApi({ 'release.preview': () => ok(preview) });
    const store = createReleaseStore(fake.api);
    store.getState().received(releaseViewFixture({ v1: 100, v2: 0 }, at));
    store.getState().addRule(key, 'v2');
    const ruleKey = store.getState().edits[key]?.rules[0]?.key ?? '';
    store.getState().updateRule(key, ruleKey, {
      version: 'v7',
      conditions: [[{ kind: 'header', name: '', op: 'exact', value: '1' }]],
      edited: true,
    });
    await act(async () => dom.root.render(<Harness api={fake.api} store={store} />));
    const nameBox = dom.host.querySelector('input[aria-label="Name"]') as HTMLInputElement;
    const nameId = nameBox.getAttribute('aria-describedby');
    expect(dom.host.querySelector(`[id="${nameId}"]`)?.textContent).toBe(
      'Name: The header name is empty: type the name to match on.',
    );
    const target = dom.host.querySelector('select[aria-label="Target version"]') as HTMLSelectElement;
    expect(target.value).toBe('v7');
    const targetId = target.getAttribute('aria-describedby');
    expect(dom.host.querySelector(`[id="${targetId}"]`)?.textContent).toBe(
      "Target version: 'v7' is not a version of this service (it has v1, v2).",
    );
    await act(async () => new Promise((r) => setTimeout(r, 400)));
    expect(fake.sent('release.preview')).toEqual([]);
    expect(fake.sent('rules.check')).toEqual([]);
  });
});
