// @vitest-environment happy-dom
import { act, useState } from 'react';
import { describe, expect, it } from 'vitest';
import { ConditionEditor } from '../../../renderer/src/features/rules/condition-editor.tsx';
import type { ConditionView } from '../../../shared/api/console-schemas.ts';
import { freshDomHost } from './dom-host.ts';

// Each OS and browser preset says beside its picker what it catches and what it cannot, tied to
// the picker with aria-describedby so a screen reader reads it with the choice.

function Harness({ initial }: { initial: ConditionView }) {
  const [c, setC] = useState(initial);
  return <ConditionEditor condition={c} disabled={false} onChange={setC} onRemove={() => {}} />;
}

const dom = freshDomHost();

function describedText(select: HTMLSelectElement): string {
  const id = select.getAttribute('aria-describedby');
  return id ? (dom.host.querySelector(`[id="${id}"]`)?.textContent ?? '') : '';
}

async function choose(select: HTMLSelectElement, value: string) {
  await act(async () => {
    select.value = value;
    select.dispatchEvent(new Event('change', { bubbles: true }));
  });
}

describe('preset notes in the rules editor', () => {
  it('describes the chosen OS preset, and follows the choice', async () => {
    await act(async () => dom.root.render(<Harness initial={{ kind: 'os', os: 'ipados' }} />));
    const picker = dom.host.querySelector('select[aria-label="Operating system"]') as HTMLSelectElement;
    expect(describedText(picker)).toContain('Catches:');
    expect(describedText(picker)).toContain('iPadOS 13 and later presents itself as a Mac');
    expect([...picker.options].map((o) => o.textContent)).toContain('iPadOS');

    await choose(picker, 'android');
    expect(describedText(picker)).toContain('okhttp');
    expect(describedText(picker)).toContain('Cannot catch:');

    await choose(picker, 'windows');
    expect(describedText(picker)).toContain('Xbox');
  });

  it('describes the chosen browser preset', async () => {
    await act(async () => dom.root.render(<Harness initial={{ kind: 'browser', browser: 'chrome' }} />));
    const picker = dom.host.querySelector('select[aria-label="Browser"]') as HTMLSelectElement;
    expect(describedText(picker)).toMatch(/Catches: .*Chrome.* Cannot catch: .*Edge/);
  });

  it('adds no note to header conditions', async () => {
    await act(async () =>
      dom.root.render(<Harness initial={{ kind: 'header', name: 'x-canary', op: 'exact', value: '1' }} />),
    );
    expect(dom.host.querySelector('.preset-note')).toBeNull();
  });
});
