import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeHandlers } from '../../helpers/fake-handlers.ts';

// The contract's schemas are built at their first use (shared/api/lazy-schema.ts), so that loading
// the web core builds none of them and the page's first calls build only their own (issue 13).
// Each test loads the contract afresh, with zod's builders counted.

let built = 0;
let builtByContract = 0;

/** Modules load afresh from here on, with zod's builders counted in `built`. */
function countZodBuilders() {
  vi.resetModules();
  built = 0;
  vi.doMock('zod', async (importOriginal) => {
    const actual = await importOriginal<typeof import('zod')>();
    const counted: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(actual.z)) {
      counted[name] =
        typeof value === 'function' && /^[a-z]/.test(name)
          ? (...args: unknown[]) => {
              built++;
              return (value as (...a: unknown[]) => unknown)(...args);
            }
          : value;
    }
    return { ...actual, z: counted };
  });
}

async function freshContract() {
  countZodBuilders();
  const contract = await import('../../../shared/api/contract.ts');
  const { lazySchemaState } = await import('../../../shared/api/lazy-schema.ts');
  builtByContract = built;
  const dispatch = await import('../../../main/core/api-dispatch.ts');
  return { ...contract, lazySchemaState, dispatchCall: dispatch.dispatchCall };
}

/** Builds counted while `load` imports modules afresh, with zod's builders counted. */
async function builtWhile(load: () => Promise<unknown>): Promise<number> {
  countZodBuilders();
  await load();
  return built;
}

afterEach(() => {
  vi.doUnmock('zod');
  vi.resetModules();
});

describe('the lazy contract', () => {
  it('builds no schema when its modules load', async () => {
    const { calls, events, callNames, eventNames, lazySchemaState } = await freshContract();
    expect(builtByContract).toBe(0);
    for (const name of callNames) {
      expect(lazySchemaState(calls[name].request), `${name} request`).toBe('unbuilt');
      expect(lazySchemaState(calls[name].response), `${name} response`).toBe('unbuilt');
    }
    for (const name of eventNames) expect(lazySchemaState(events[name]), name).toBe('unbuilt');
  });

  it('leaves every schema of the web core unbuilt when the core loads (the socket layer and stores too)', async () => {
    const count = await builtWhile(() => import('../../../main/commands/web-core.ts'));
    expect(count).toBe(0);
  });

  it("builds a channel's own schemas at its first call, and no other channel's", async () => {
    const { calls, callNames, lazySchemaState, dispatchCall } = await freshContract();
    const handlers = fakeHandlers({ 'demo.status': async () => ({ running: false }) });
    expect(await dispatchCall(handlers, 'demo.status', {})).toEqual({ ok: true, value: { running: false } });
    expect(built).toBeGreaterThan(0);
    expect(lazySchemaState(calls['demo.status'].request)).toBe('built');
    expect(lazySchemaState(calls['demo.status'].response)).toBe('built');
    // Other channels may share a schema with it (the empty request): those are built, no others.
    const used = new Set<unknown>([calls['demo.status'].request, calls['demo.status'].response]);
    for (const name of callNames) {
      for (const [part, schema] of Object.entries(calls[name])) {
        if (!used.has(schema)) expect(lazySchemaState(schema), `${name} ${part}`).toBe('unbuilt');
      }
    }
  });

  it('still refuses a bad request on every channel whose schemas were never built', async () => {
    const { callNames, dispatchCall } = await freshContract();
    const handlers = fakeHandlers({});
    for (const name of callNames) {
      const result = await dispatchCall(handlers, name, 'not an object');
      expect(result.ok ? undefined : result.error.code, name).toBe('invalid-request');
    }
  });

  it('still refuses an unknown field in a strict request and an answer outside the contract', async () => {
    const { dispatchCall } = await freshContract();
    const handlers = fakeHandlers({
      // Missing fields and one of the wrong type.
      'app.info': async () => ({ name: 'Switchyard', version: 1 }) as never,
      'contexts.list': async () => ({ contexts: [{ id: 'x' }], problems: [] }) as never,
    });
    const extra = await dispatchCall(handlers, 'sessions.open', { contextId: 'c', extra: true });
    expect(extra.ok ? undefined : extra.error.code).toBe('invalid-request');
    const info = await dispatchCall(handlers, 'app.info', {});
    expect(info.ok ? undefined : info.error).toMatchObject({
      code: 'invalid-response',
      message: expect.stringContaining('version'),
    });
    const list = await dispatchCall(handlers, 'contexts.list', {});
    expect(list.ok ? undefined : list.error).toMatchObject({
      code: 'invalid-response',
      message: expect.stringContaining('contexts.0.name'),
    });
  });
});
