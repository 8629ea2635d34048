// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import { SplitBar } from '../../../renderer/src/features/release/split-bar.tsx';
import { VersionCard } from '../../../renderer/src/features/release/version-card.tsx';
import {
  estimatedFigures,
  estimatedForSplit,
  measuredFigures,
} from '../../../renderer/src/features/traffic/traffic-figures.ts';
import { worseWarning } from '../../../renderer/src/features/traffic/worse-warning.ts';
import type { PreviewView } from '../../../shared/api/console-schemas.ts';
import type { MetricsSnapshot } from '../../../shared/api/metrics-schemas.ts';
import { freshDomHost } from './dom-host.ts';
import { releaseViewFixture } from './drafts-fixtures.ts';
import { snapshotWithLatest } from './metrics-snapshot-fixture.ts';

const dom = freshDomHost();

// reviews after "catch-all to v1" with the jason → v2 and x-canary → v3 rules still in place.
const preview: PreviewView = {
  total: 2000,
  source: 'demo',
  rules: [
    { position: 0, count: 200, share: 0.1 },
    { position: 1, count: 100, share: 0.05 },
  ],
  unmatched: { count: 1700, share: 0.85 },
  versions: [
    { version: 'v2', count: 200, share: 0.1, viaRules: 0.1, viaCatchAll: 0 },
    { version: 'v3', count: 100, share: 0.05, viaRules: 0.05, viaCatchAll: 0 },
    { version: 'v1', count: 1700, share: 0.85, viaRules: 0, viaCatchAll: 0.85 },
  ],
  other: [],
};

const snapshot = (rps: Record<string, number | null>, state: MetricsSnapshot['state'] = 'live') =>
  snapshotWithLatest(
    Object.entries(rps).map(([version, r]) => ({ version, rps: r })),
    state,
  );

describe('traffic figures', () => {
  it('estimates from the preview with rules counted, in whole percents adding up to 100', () => {
    const f = estimatedFigures(preview)!;
    expect(f.source).toBe('estimated');
    expect(f.percent).toEqual({ v1: 85, v2: 10, v3: 5 });
    expect(f.basis).toMatch(/2,000 requests of the demo visitor population/);
  });

  it('re-divides only the catch-all part while a slider moves', () => {
    const f = estimatedForSplit(preview, [
      { version: 'v1', weight: 50 },
      { version: 'v2', weight: 50 },
      { version: 'v3', weight: 0 },
    ])!;
    expect(f.share.v1).toBeCloseTo(0.425, 9);
    expect(f.share.v2).toBeCloseTo(0.1 + 0.425, 9);
    expect(f.share.v3).toBeCloseTo(0.05, 9);
  });

  it('measures from live request rates, and not from a paused or empty snapshot', () => {
    expect(measuredFigures(snapshot({ v1: 9, v2: 1, v3: null }))?.percent).toEqual({ v1: 90, v2: 10, v3: 0 });
    expect(measuredFigures(snapshot({ v1: 9 }, 'paused'))).toBeUndefined();
    expect(measuredFigures(snapshot({ v1: 0 }))).toBeUndefined();
    expect(measuredFigures(undefined)).toBeUndefined();
  });

  it('counts requests that reached no version as unrouted, not as a version', () => {
    const f = measuredFigures(snapshot({ v1: 2.4, v2: 0.3, 'not delivered': 7.3 }));
    expect(f?.percent).toEqual({ v1: 24, v2: 3 });
    expect(f?.unrouted).toBe(73);
  });
});

describe('the version card and split bar show the effective share', () => {
  const view = releaseViewFixture(
    { v1: 100, v2: 0, v3: 0 },
    { releaseId: 'r', contextId: 'c', namespace: 'bookinfo', host: 'reviews', name: 'reviews' },
  );

  it('says v2 still gets 10% (estimated) beside its 0% catch-all weight, and offers the switch', () => {
    const f = estimatedFigures(preview);
    act(() =>
      dom.root.render(
        <VersionCard
          version={view.versions[1]!}
          color="#000"
          desiredWeight={0}
          isRollbackTarget={false}
          editable
          traffic={f}
          routeNow={f}
          onCutOver={() => {}}
        />,
      ),
    );
    const text = dom.host.textContent ?? '';
    expect(text).toContain('10% estimated');
    expect(text).toContain('Catch-all weight0%');
    expect(dom.host.querySelector('.share')?.getAttribute('title')).toMatch(/estimated by routing/);
  });

  it('keeps the same rows whatever the slider says, so dragging never grows the card above the editor', () => {
    const rowsWith = (desiredWeight: number, measured: boolean) => {
      const estimated = estimatedForSplit(preview, [
        { version: 'v1', weight: 100 - desiredWeight },
        { version: 'v2', weight: desiredWeight },
        { version: 'v3', weight: 0 },
      ]);
      act(() =>
        dom.root.render(
          <VersionCard
            version={view.versions[1]!}
            color="#000"
            desiredWeight={desiredWeight}
            isRollbackTarget={false}
            editable
            traffic={
              measured ? measuredFigures(snapshot({ v1: 9, v2: 1, v3: null })) : estimatedFigures(preview)
            }
            routeNow={estimated}
            onCutOver={() => {}}
          />,
        ),
      );
      return [...dom.host.querySelectorAll('dt')].map((dt) => dt.textContent);
    };
    for (const measured of [false, true]) {
      const still = rowsWith(0, measured);
      expect(still).toContain('Catch-all weight');
      for (const w of [10, 40, 90]) expect(rowsWith(w, measured)).toEqual(still);
    }
    expect(rowsWith(40, true)).toContain('Route now');
  });

  it('offers "Switch all traffic" to a version at 100% catch-all while rules send requests elsewhere', () => {
    const f = estimatedFigures(preview);
    act(() =>
      dom.root.render(
        <VersionCard
          version={view.versions[0]!}
          color="#000"
          desiredWeight={100}
          isRollbackTarget={false}
          editable
          traffic={f}
          routeNow={f}
          onCutOver={() => {}}
        />,
      ),
    );
    expect(dom.host.textContent).toContain('85% estimated');
    expect(dom.host.textContent).toContain('Switch all traffic to v1');
  });

  it("shows an HTTPRoute version's relative backend weight beside its percentage", () => {
    act(() =>
      dom.root.render(
        <VersionCard
          version={{ ...view.versions[0]!, name: 'catalog-v1', weight: 90, rawWeight: 9 }}
          color="#000"
          desiredWeight={90}
          isRollbackTarget={false}
          editable
          onCutOver={() => {}}
        />,
      ),
    );
    expect(dom.host.textContent).toContain('Backend weight90% (weight 9)');
    act(() =>
      dom.root.render(
        <VersionCard
          version={view.versions[0]!}
          color="#000"
          desiredWeight={100}
          isRollbackTarget={false}
          editable
          onCutOver={() => {}}
        />,
      ),
    );
    expect(dom.host.textContent).not.toContain('Backend weight');
  });

  it('labels the bar with the source and the catch-all weights where they differ', () => {
    act(() =>
      dom.root.render(
        <SplitBar
          split={[
            { version: 'v1', weight: 100 },
            { version: 'v2', weight: 0 },
            { version: 'v3', weight: 0 },
          ]}
          colors={() => '#000'}
          traffic={estimatedFigures(preview)}
        />,
      ),
    );
    expect(dom.host.querySelector('[role="img"]')?.getAttribute('aria-label')).toBe(
      'Traffic by version, estimated: v1 85% (catch-all weight 100%), v2 10% (catch-all weight 0%), v3 5% (catch-all weight 0%)',
    );
  });
});

describe('worseWarning', () => {
  it('names what is worse about the version all traffic would move to, and nothing for others', () => {
    const s = {
      ...snapshot({ v1: 9, v3: 1 }),
      verdicts: [
        {
          status: 'worse' as const,
          canary: 'v3',
          baseline: 'v1',
          windowSeconds: 300,
          canaryRequests: 500,
          baselineRequests: 5000,
          findings: [
            {
              metric: 'success-rate' as const,
              canary: 97.9,
              baseline: 99.9,
              worse: true,
              text: 'success rate 97.9% against 99.9%',
            },
            {
              metric: 'p95-latency' as const,
              canary: 40,
              baseline: 38,
              worse: false,
              text: 'p95 40 ms against 38 ms',
            },
          ],
          summary: 'v3 fails more often than v1.',
        },
      ],
    };
    expect(worseWarning(s, 'v3')).toEqual({
      version: 'v3',
      findings: ['success rate 97.9% against 99.9%'],
      summary: 'v3 fails more often than v1.',
    });
    expect(worseWarning(s, 'v1')).toBeUndefined();
    expect(worseWarning(undefined, 'v3')).toBeUndefined();
  });
});
