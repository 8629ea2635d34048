import { describe, expect, it } from 'vitest';
import { type ApiHandlers, checkEvent, dispatchCall } from '../../../main/core/api-dispatch.ts';
import { callNames, calls, eventNames, events } from '../../../shared/api/contract.ts';
import { ApiFailure } from '../../../shared/api/errors.ts';
import { fakeHandlers } from '../../helpers/fake-handlers.ts';

function handlers(overrides: Partial<ApiHandlers> = {}): ApiHandlers {
  return fakeHandlers({
    'app.info': async () => ({
      name: 'Switchyard',
      version: '1.2.3',
      mode: 'web',
      platform: 'linux',
      node: '20',
      dataDir: '/tmp/x',
    }),
    'contexts.list': async () => ({ contexts: [], problems: [] }),
    'demo.open': async () => ({ running: true, url: 'https://127.0.0.1:1', contextId: 'demo' }),
    'demo.status': async () => ({ running: false }),
    ...overrides,
  });
}

describe('dispatchCall', () => {
  it('answers a valid call with the handler value', async () => {
    const result = await dispatchCall(handlers(), 'app.info', {});
    expect(result).toEqual({ ok: true, value: expect.objectContaining({ version: '1.2.3' }) });
  });

  it('rejects a channel that is not in the contract with a typed error', async () => {
    const result = await dispatchCall(handlers(), 'shell.exec', { cmd: 'rm -rf /' });
    expect(result).toEqual({
      ok: false,
      error: { code: 'unknown-channel', message: "'shell.exec' is not a call in the Switchyard contract" },
    });
  });

  it('does not treat Object.prototype names as channels', async () => {
    const result = await dispatchCall(handlers(), 'constructor', {});
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('unknown-channel');
  });

  it('rejects a payload that fails its schema, naming the field', async () => {
    const result = await dispatchCall(handlers(), 'contexts.list', { unexpected: true });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid-request');
    expect(result.error.message).toContain('contexts.list');
    expect(result.error.message).toContain('unexpected');
  });

  it('turns an ApiFailure thrown by a handler into its typed error', async () => {
    const result = await dispatchCall(
      handlers({
        'demo.open': async () => {
          throw new ApiFailure('unavailable', 'port in use', { port: 6443 });
        },
      }),
      'demo.open',
      {},
    );
    expect(result).toEqual({
      ok: false,
      error: { code: 'unavailable', message: 'port in use', details: { port: 6443 } },
    });
  });

  it('turns any other exception into an internal error, never a thrown string', async () => {
    const result = await dispatchCall(
      handlers({
        'demo.status': async () => {
          throw new Error('boom');
        },
      }),
      'demo.status',
      {},
    );
    expect(result).toEqual({ ok: false, error: { code: 'internal', message: 'demo.status failed: boom' } });
  });

  it('refuses a response that main produced outside the contract', async () => {
    const result = await dispatchCall(
      handlers({ 'demo.status': async () => ({ running: 'yes' }) as never }),
      'demo.status',
      {},
    );
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('invalid-response');
  });
});

describe('the contract', () => {
  it('lists every call and event by name', () => {
    expect(callNames.sort()).toEqual(Object.keys(calls).sort());
    expect(eventNames.sort()).toEqual(Object.keys(events).sort());
  });

  it('checks events before they leave main', () => {
    expect(() => checkEvent('demo.changed', { running: 'no' } as never)).toThrow();
    expect(checkEvent('demo.changed', { running: false })).toEqual({ running: false });
  });
});
