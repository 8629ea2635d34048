// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import { UndeliveredNote, undeliveredNow } from '../../../renderer/src/features/metrics/undelivered-note.tsx';
import { freshDomHost } from './dom-host.ts';
import { snapshotWithLatest } from './metrics-snapshot-fixture.ts';

const dom = freshDomHost();

const snapshot = (rows: Array<[string, number, number | null]>) =>
  snapshotWithLatest(rows.map(([version, rps, successRate]) => ({ version, rps, successRate })));

describe('requests that reach no version', () => {
  it('are told as an alert with their rate and share of the service', () => {
    const s = snapshot([
      ['v1', 2.8, 100],
      ['v2', 0, null],
      ['not delivered', 7.2, 0],
    ]);
    expect(undeliveredNow(s)).toEqual({ rps: 7.2, share: 72 });
    act(() => dom.root.render(<UndeliveredNote snapshot={s} />));
    const alert = dom.host.querySelector('[role="alert"]');
    expect(alert?.getAttribute('aria-label')).toBe('Requests reaching no version');
    expect(alert?.textContent).toMatch(/^7\.2 req\/s \(72% of this service's requests\) reach no version\./);
  });

  it('say nothing when there are none, or none fail', () => {
    expect(undeliveredNow(snapshot([['v1', 10, 100]]))).toBeNull();
    expect(
      undeliveredNow(
        snapshot([
          ['v1', 10, 100],
          ['not delivered', 0, null],
        ]),
      ),
    ).toBeNull();
    expect(
      undeliveredNow(
        snapshot([
          ['v1', 10, 100],
          ['not delivered', 1, 100],
        ]),
      ),
    ).toBeNull();
    act(() => dom.root.render(<UndeliveredNote snapshot={snapshot([['v1', 10, 100]])} />));
    expect(dom.host.textContent).toBe('');
  });
});
