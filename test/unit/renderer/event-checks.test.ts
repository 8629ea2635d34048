import { describe, expect, it } from 'vitest';
import { createApiClient } from '../../../renderer/src/api/api-client.ts';
import type { Transport } from '../../../renderer/src/api/transport.ts';
import type { EventName } from '../../../shared/api/contract.ts';

/** A transport whose events the test pushes by hand. */
function fakeTransport() {
  const listeners = new Map<string, (payload: unknown) => void>();
  const transport: Transport = {
    call: async () => ({ ok: false, error: { code: 'unavailable', message: 'test' } }),
    on: (event: EventName, listener) => {
      listeners.set(event, listener);
      return () => listeners.delete(event);
    },
    onStatus: () => () => {},
  };
  return { transport, push: (event: string, payload: unknown) => listeners.get(event)?.(payload) };
}

const service = {
  releaseId: 'istio:shop/payment',
  namespace: 'shop',
  name: 'payment',
  host: 'payment.shop.svc.cluster.local',
  flavor: 'istio',
  versionCount: 2,
  releaseInProgress: false,
  contentRuleCount: 0,
  readOnly: false,
  lintErrors: 0,
};

describe('the contract client checks events before a store sees them', () => {
  // Each test first waits for the schemas (event-gate.test.ts covers the events before them).
  it('passes a well-formed services.changed through as it came, the same object', async () => {
    const { transport, push } = fakeTransport();
    const seen: unknown[] = [];
    const client = createApiClient(transport);
    await client.loadEventChecks();
    client.on('services.changed', (e) => seen.push(e));
    const payload = { contextId: 'demo', upserts: [service], removed: ['istio:shop/cart'] };
    push('services.changed', payload);
    expect(seen).toEqual([payload]);
    expect(seen[0]).toBe(payload);
  });

  it('drops a services.changed whose listed fields are not strings, or whose lists are missing', async () => {
    const { transport, push } = fakeTransport();
    const seen: unknown[] = [];
    const client = createApiClient(transport);
    await client.loadEventChecks();
    client.on('services.changed', (e) => seen.push(e));
    push('services.changed', { contextId: 'demo', upserts: [{ ...service, name: 7 }], removed: [] });
    push('services.changed', { contextId: 'demo', upserts: [{ ...service, host: undefined }], removed: [] });
    push('services.changed', { contextId: 'demo', upserts: [null], removed: [] });
    push('services.changed', { contextId: 'demo', upserts: [service], removed: [1] });
    push('services.changed', { contextId: 'demo', upserts: [service] });
    push('services.changed', { upserts: [], removed: [] });
    push('services.changed', null);
    expect(seen).toEqual([]);
  });

  it('still checks other events against their zod schema', async () => {
    const { transport, push } = fakeTransport();
    const seen: unknown[] = [];
    const client = createApiClient(transport);
    await client.loadEventChecks();
    client.on('apply.progress', (e) => seen.push(e));
    push('apply.progress', { planId: 'p1', stepId: 's1', state: 'not-a-state' });
    push('apply.progress', { planId: 'p1', stepId: 's1', state: 'done', extra: 1 });
    // zod's copy: the key the schema does not know is left out.
    expect(seen).toEqual([{ planId: 'p1', stepId: 's1', state: 'done' }]);
  });
});
