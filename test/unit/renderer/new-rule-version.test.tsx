// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../renderer/src/api/api-client.ts';
import { RulesEditor } from '../../../renderer/src/features/rules/rules-editor.tsx';
import { createReleaseStore, editKey } from '../../../renderer/src/stores/release-store.ts';
import { buttonIn, freshDomHost } from './dom-host.ts';
import { releaseViewFixture } from './drafts-fixtures.ts';

// "Add rule" sends the new rule to the version the editor is given (the last one that can take
// requests), not to the last version listed: after a release is finalized, its old version may be
// only a Deployment label, and main refuses a rule to it.

const quietApi = {
  on: () => () => {},
  call: async () => ({ ok: false, error: { code: 'unavailable', message: 'test' } }),
} as unknown as ApiClient;
const at = { releaseId: 'r', contextId: 'c', namespace: 'shop', host: 'payment', name: 'payment' };
const key = editKey(at.contextId, at.releaseId);
const dom = freshDomHost();

describe('a new content rule', () => {
  it.each([
    ['the version it is given', 'v2', 'v2'],
    ['the last version when given none', undefined, 'v3'],
  ])('goes to %s', (_, given, expected) => {
    const store = createReleaseStore(quietApi);
    store.getState().received(releaseViewFixture({ v1: 100, v2: 0, v3: 0 }, at));
    act(() =>
      dom.root.render(
        <RulesEditor
          editKey={key}
          rules={[]}
          versions={['v1', 'v2', 'v3']}
          newRuleVersion={given}
          editable
          lint={[]}
          store={store}
        />,
      ),
    );
    act(() => buttonIn(dom.host, 'Add rule').click());
    expect(store.getState().edits[key]?.rules.map((r) => r.version)).toEqual([expected]);
  });
});
