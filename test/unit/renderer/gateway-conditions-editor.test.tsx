// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import { ConditionEditor } from '../../../renderer/src/features/rules/condition-editor.tsx';
import { GATEWAY_REGEX_NOTE, RulesEditor } from '../../../renderer/src/features/rules/rules-editor.tsx';
import { createReleaseStore } from '../../../renderer/src/stores/release-store.ts';
import type { ConditionView } from '../../../shared/api/console-schemas.ts';
import { ruleProblems } from '../../../shared/mesh/policy/index.ts';
import { freshDomHost } from './dom-host.ts';
import { fakeApi } from './drafts-fixtures.ts';

const dom = freshDomHost();

function editor(condition: ConditionView, onChange: (c: ConditionView) => void = () => {}) {
  act(() =>
    dom.root.render(
      <ConditionEditor condition={condition} disabled={false} onChange={onChange} onRemove={() => {}} />,
    ),
  );
}

const byLabel = <T extends Element>(label: string) => dom.host.querySelector<T>(`[aria-label="${label}"]`);

function choose(select: HTMLSelectElement, value: string) {
  act(() => {
    select.value = value;
    select.dispatchEvent(new Event('change', { bubbles: true }));
  });
}

describe('path and method conditions in the rule editor', () => {
  it('offers Path and Method kinds, and edits a path with the Gateway API match types', () => {
    const changes: ConditionView[] = [];
    editor({ kind: 'header', name: 'x-canary', op: 'exact', value: 'always' }, (c) => changes.push(c));
    const kinds = [...byLabel<HTMLSelectElement>('Condition kind')!.options].map((o) => o.textContent);
    expect(kinds).toEqual([
      'Header',
      'Cookie',
      'Query parameter',
      'Path',
      'Method',
      'Operating system',
      'Browser',
    ]);
    choose(byLabel<HTMLSelectElement>('Condition kind')!, 'path');
    expect(changes.at(-1)).toEqual({ kind: 'path', op: 'prefix', value: '/api' });

    editor({ kind: 'path', op: 'prefix', value: '/api' }, (c) => changes.push(c));
    const ops = [...byLabel<HTMLSelectElement>('Path match')!.options].map((o) => o.textContent);
    expect(ops).toEqual(['Exact', 'PathPrefix', 'RegularExpression']);
    expect(byLabel<HTMLInputElement>('Path')?.value).toBe('/api');
    choose(byLabel<HTMLSelectElement>('Path match')!, 'regex');
    expect(changes.at(-1)).toEqual({ kind: 'path', op: 'regex', value: '/api' });
  });

  it('edits a method from the methods Gateway API accepts', () => {
    const changes: ConditionView[] = [];
    editor({ kind: 'method', method: 'GET' }, (c) => changes.push(c));
    const methods = [...byLabel<HTMLSelectElement>('Method')!.options].map((o) => o.value);
    expect(methods).toEqual(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']);
    choose(byLabel<HTMLSelectElement>('Method')!, 'POST');
    expect(changes.at(-1)).toEqual({ kind: 'method', method: 'POST' });
  });

  it('says under the field what is wrong with a path as typed', () => {
    const p = ruleProblems(
      { version: 'v2', conditions: [[{ kind: 'path', op: 'prefix', value: 'api' }]], edited: true },
      ['v2'],
      () => null,
    );
    expect(p.conditions[0]![0]!.value).toBe("The path 'api' must start with '/'.");
  });
});

describe('the rules editor on an HTTPRoute', () => {
  it('notes that RegularExpression matches are implementation-specific (Istio: RE2), only on Gateway API', () => {
    const store = createReleaseStore(fakeApi({}).api);
    const render = (flavor: 'istio' | 'gateway-api') =>
      act(() =>
        dom.root.render(
          <RulesEditor
            editKey="k"
            rules={[]}
            versions={['v1']}
            editable
            lint={[]}
            store={store}
            flavor={flavor}
          />,
        ),
      );
    render('gateway-api');
    expect(byLabel('Regular expressions on Gateway API')?.textContent).toBe(GATEWAY_REGEX_NOTE);
    expect(GATEWAY_REGEX_NOTE).toMatch(/implementation-specific: Istio supports it with RE2 syntax/);
    render('istio');
    expect(byLabel('Regular expressions on Gateway API')).toBeNull();
  });
});
