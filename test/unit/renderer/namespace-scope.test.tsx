// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import {
  describeScope,
  NamespaceScope,
  parseNamespaceList,
} from '../../../renderer/src/features/clusters/namespace-scope.tsx';
import type { NamespaceSettingsView } from '../../../shared/api/session-schemas.ts';
import { buttonIn, freshDomHost } from './dom-host.ts';
import { fakeApi, ok } from './drafts-fixtures.ts';

const dom = freshDomHost();

describe('choosing the namespaces a session watches', () => {
  it('reads a list separated by commas or spaces, without repeats', () => {
    expect(parseNamespaceList(' shop, bookinfo  payments,shop,, ')).toEqual(['shop', 'bookinfo', 'payments']);
    expect(parseNamespaceList('')).toEqual([]);
  });

  it('says what is watched', () => {
    expect(describeScope({ mode: 'all', namespaces: [], effective: 'all' })).toBe('Watching all namespaces.');
    expect(describeScope({ mode: 'all', namespaces: [], effective: ['shop'] })).toBe(
      'Watching namespaces shop.',
    );
  });

  it('shows the fallback reason, and saves a chosen set then tells the app to list services again', async () => {
    const fallback: NamespaceSettingsView = {
      mode: 'all',
      namespaces: [],
      effective: ['shop'],
      reason: 'cluster-wide listing is forbidden; watching namespaces shop',
    };
    const fake = fakeApi({
      'sessions.namespaces.get': () => ok(fallback),
      'sessions.namespaces.set': (req: { namespaces: string[] }) =>
        ok({ mode: 'chosen', namespaces: req.namespaces, effective: req.namespaces }),
    });
    let changed = 0;
    await act(async () =>
      dom.root.render(
        <NamespaceScope
          api={fake.api}
          contextId="kube:team"
          contextName="team"
          sessionState="connected|"
          onChanged={() => changed++}
        />,
      ),
    );
    const status = dom.host.querySelector('[aria-label="Watched namespaces"]');
    expect(status?.textContent).toContain('Watching namespaces shop.');
    expect(status?.textContent).toContain('cluster-wide listing is forbidden');
    const save = buttonIn(dom.host, 'Save namespaces');
    expect(save.disabled).toBe(true);

    const only = [...dom.host.querySelectorAll('label')].find((l) => l.textContent?.includes('Only these'));
    await act(async () => only?.querySelector('input')?.click());
    const input = dom.host.querySelector('input[aria-label="Namespaces to watch"]') as HTMLInputElement;
    expect(input.disabled).toBe(false);
    await act(async () => {
      const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
      setter?.call(input, 'shop, bookinfo shop');
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect(save.disabled).toBe(false);
    await act(async () => save.click());
    expect(fake.sent('sessions.namespaces.set')).toEqual([
      { contextId: 'kube:team', mode: 'chosen', namespaces: ['shop', 'bookinfo'] },
    ]);
    expect(changed).toBe(1);
    expect(status?.textContent).toContain('Watching namespaces shop, bookinfo.');
  });
});
