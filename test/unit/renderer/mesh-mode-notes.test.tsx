// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import { MeshModeNotes } from '../../../renderer/src/features/release/mesh-mode-notes.tsx';
import type { LintFindingView } from '../../../shared/api/console-schemas.ts';
import { freshDomHost } from './dom-host.ts';

const dom = freshDomHost();

const finding = (code: string, severity: LintFindingView['severity'], message: string): LintFindingView => ({
  code,
  severity,
  object: { kind: 'HTTPRoute', namespace: 'storefront', name: 'catalog' },
  path: 'spec.parentRefs',
  message,
  hint: 'route one service with one kind',
});

describe('MeshModeNotes', () => {
  it('shows the mixed and ambient mesh findings under the "Mesh mode" region, and no other lint', () => {
    act(() =>
      dom.root.render(
        <MeshModeNotes
          lint={[
            finding('SY170', 'warning', 'host catalog.storefront.svc.cluster.local is routed by both'),
            finding('SY120', 'warning', 'rule unreachable'),
          ]}
        />,
      ),
    );
    const region = dom.host.querySelector('section[aria-label="Mesh mode"]');
    expect(region?.textContent).toContain(
      'SY170 HTTPRoute storefront/catalog: host catalog.storefront.svc.cluster.local is routed by both.',
    );
    expect(region?.textContent).not.toContain('SY120');
    expect(region?.querySelector('li')?.className).toBe('lint lint-warning');
  });

  it('shows that an older HTTPRoute on the same Service takes this catch-all first (SY174)', () => {
    act(() =>
      dom.root.render(
        <MeshModeNotes lint={[finding('SY174', 'warning', 'this catch-all never takes a request')]} />,
      ),
    );
    expect(dom.host.querySelector('section[aria-label="Mesh mode"]')?.textContent).toContain(
      'SY174 HTTPRoute storefront/catalog: this catch-all never takes a request.',
    );
  });

  it('renders nothing without such findings', () => {
    act(() => dom.root.render(<MeshModeNotes lint={[finding('SY120', 'warning', 'x')]} />));
    expect(dom.host.querySelector('section')).toBeNull();
  });
});
