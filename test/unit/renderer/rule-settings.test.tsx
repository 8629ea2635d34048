// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import { checkRules } from '../../../renderer/src/features/rules/rule-checks.ts';
import { RulesEditor } from '../../../renderer/src/features/rules/rules-editor.tsx';
import { createReleaseStore, desiredInput, editKey } from '../../../renderer/src/stores/release-store.ts';
import { freshDomHost } from './dom-host.ts';
import { fakeApi, releaseViewFixture } from './drafts-fixtures.ts';

// A new rule keeps the catch-all route's timeout and retries unless the operator types its own;
// what is typed goes to main with the rule, and a timeout that is not a duration is marked.

const at = {
  releaseId: 'istio:shop/payment',
  contextId: 'demo',
  namespace: 'shop',
  host: 'payment.shop.svc.cluster.local',
  name: 'payment',
};
const key = editKey(at.contextId, at.releaseId);
const versions = ['v1', 'v2'];
const dom = freshDomHost();

function setup() {
  const store = createReleaseStore(fakeApi({}).api);
  store.getState().received(releaseViewFixture({ v1: 100, v2: 0 }, at));
  store.getState().addRule(key, 'v2');
  const render = () =>
    dom.root.render(
      <RulesEditor
        editKey={key}
        rules={store.getState().edits[key]?.rules ?? []}
        versions={versions}
        editable
        lint={[]}
        store={store}
      />,
    );
  return { store, render };
}

async function type(input: HTMLInputElement, value: string, rerender: () => void) {
  await act(async () => {
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
    setter.call(input, value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await act(async () => rerender());
}

describe('a new rule’s timeout and retries', () => {
  it('inherit by default, send what is typed, and mark a timeout that is not a duration', async () => {
    const { store, render } = setup();
    await act(async () => render());
    const edit = () => store.getState().edits[key]!;
    expect(desiredInput(edit()).rules[0]).not.toHaveProperty('timeout');
    expect(desiredInput(edit()).rules[0]).not.toHaveProperty('retries');
    const timeout = dom.host.querySelector('input[aria-label="Timeout"]') as HTMLInputElement;
    const retries = dom.host.querySelector('input[aria-label="Retry attempts"]') as HTMLInputElement;
    expect(
      dom.host.querySelector(`[id="${retries.getAttribute('aria-describedby')}"]`)?.textContent,
    ).toContain('catch-all route’s timeout and retries');

    await type(timeout, '3s', render);
    await type(retries, '0', render);
    expect(desiredInput(edit()).rules[0]).toMatchObject({ timeout: '3s', retries: null });
    await type(retries, '2', render);
    await type(timeout, 'none', render);
    expect(desiredInput(edit()).rules[0]).toMatchObject({ timeout: null, retries: { attempts: 2 } });

    await type(timeout, 'soon', render);
    expect(timeout.getAttribute('aria-invalid')).toBe('true');
    const ids = timeout.getAttribute('aria-describedby')!.split(' ');
    expect(ids.map((id) => dom.host.querySelector(`[id="${id}"]`)?.textContent).join(' ')).toContain(
      'Timeout: a duration such as 10s',
    );
    expect(checkRules(edit().rules, versions, () => null).firstBroken).toMatch(/^Rule 1: Timeout: /);
  });

  it('are not offered for rules already in the cluster', async () => {
    const store = createReleaseStore(fakeApi({}).api);
    store.getState().received({
      ...releaseViewFixture({ v1: 100, v2: 0 }, at),
      rules: [
        {
          id: 'http:0',
          name: 'beta',
          version: 'v2',
          enabled: true,
          conditions: [[{ kind: 'header', name: 'x-beta', op: 'exact', value: '1' }]],
          matchYaml: '',
        },
      ],
    });
    const rules = store.getState().edits[key]?.rules ?? [];
    expect(rules).toHaveLength(1);
    await act(async () =>
      dom.root.render(
        <RulesEditor editKey={key} rules={rules} versions={versions} editable lint={[]} store={store} />,
      ),
    );
    expect(dom.host.querySelector('input[aria-label="Timeout"]')).toBeNull();
  });
});
