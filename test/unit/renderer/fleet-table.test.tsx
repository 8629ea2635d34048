// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import { FleetPanel } from '../../../renderer/src/features/fleet/fleet-table.tsx';
import type { FleetView } from '../../../shared/api/fleet-schemas.ts';
import { freshDomHost } from './dom-host.ts';
import { fakeApi, ok } from './drafts-fixtures.ts';

const dom = freshDomHost();
const HOST = 'reviews.bookinfo.svc.cluster.local';
const row = (
  contextId: string,
  split: Array<[string, number]>,
  drift: FleetView['services'][0]['rows'][0]['drift'] = [],
) => ({
  contextId,
  releaseId: `istio:bookinfo/${HOST}`,
  present: true,
  versions: ['v1', 'v2', 'v3'],
  split: split.map(([version, weight]) => ({ version, weight })),
  rules: [{ name: 'jason', version: 'v2', match: 'headers.end-user exact "jason"' }],
  drift,
});
const view: FleetView = {
  clusters: [
    { contextId: 'kube:eu', reachable: true },
    { contextId: 'kube:us', reachable: true },
    { contextId: 'kube:ap', reachable: false, reason: 'connect ECONNREFUSED 127.0.0.1:1' },
  ],
  services: [
    {
      key: `bookinfo/${HOST}`,
      namespace: 'bookinfo',
      host: HOST,
      rows: [
        row('kube:eu', [
          ['v1', 80],
          ['v2', 10],
          ['v3', 10],
        ]),
        row(
          'kube:us',
          [
            ['v1', 50],
            ['v2', 40],
            ['v3', 10],
          ],
          [{ aspect: 'split', words: "kube:us: reviews's catch-all split is v1 50%, v2 40%, v3 10%" }],
        ),
      ],
    },
  ],
};

describe('the fleet table', () => {
  it('shows a row per cluster, marks the drifted cell with its sentence, and an unreachable cluster with why', async () => {
    const fake = fakeApi({ 'fleet.view': () => ok(view) });
    await act(async () =>
      dom.root.render(
        <FleetPanel
          api={fake.api}
          contexts={['kube:eu', 'kube:us', 'kube:ap']}
          namespace="bookinfo"
          host={HOST}
        />,
      ),
    );
    expect(fake.calls).toEqual([
      {
        channel: 'fleet.view',
        request: { contexts: ['kube:eu', 'kube:us', 'kube:ap'], namespace: 'bookinfo', host: HOST },
      },
    ]);
    const table = dom.host.querySelector(`table[aria-label="${HOST} across the fleet"]`);
    const rows = [...(table?.querySelectorAll('tbody tr') ?? [])];
    expect(rows.map((r) => r.getAttribute('aria-label'))).toEqual(['kube:eu', 'kube:us', 'kube:ap']);
    expect(rows[0]?.querySelectorAll('td.drift')).toHaveLength(0);
    const drifted = [...(rows[1]?.querySelectorAll('td.drift') ?? [])];
    expect(drifted.map((c) => c.textContent)).toEqual([
      "v1 50%, v2 40%, v3 10%kube:us: reviews's catch-all split is v1 50%, v2 40%, v3 10%",
    ]);
    const described = dom.host.querySelector(`[id="${drifted[0]?.getAttribute('aria-describedby')}"]`);
    expect(described?.textContent).toContain('v1 50%, v2 40%, v3 10%');
    expect(rows[2]?.textContent).toBe('kube:apunreachable: connect ECONNREFUSED 127.0.0.1:1');
  });

  it('says why when the fleet cannot be read', async () => {
    const fake = fakeApi({
      'fleet.view': () => ({
        ok: false,
        error: { code: 'invalid-request', message: 'a fleet needs at least one context' },
      }),
    });
    await act(async () =>
      dom.root.render(<FleetPanel api={fake.api} contexts={[]} namespace="bookinfo" host={HOST} />),
    );
    expect(dom.host.querySelector('[role="alert"]')?.textContent).toBe(
      'The fleet could not be read: a fleet needs at least one context',
    );
  });
});
