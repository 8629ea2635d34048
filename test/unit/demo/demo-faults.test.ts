import { describe, expect, it } from 'vitest';
import { DemoFaults } from '../../../main/demo/faults.ts';

describe('demo fault knobs', () => {
  it('keeps chosen proxies stale and hides the proxy status until reset, refusing malformed values', () => {
    const f = new DemoFaults();
    expect(f.staleProxies()).toEqual([]);
    f.set({ staleProxies: ['reviews-v2', 'istio-ingressgateway'], proxyStatusHidden: true });
    expect(f.staleProxies()).toEqual(['reviews-v2', 'istio-ingressgateway']);
    expect(f.debugHidden()).toBe(true);
    expect(f.current()).toMatchObject({
      staleProxies: ['reviews-v2', 'istio-ingressgateway'],
      proxyStatusHidden: true,
    });
    expect(() => f.set({ staleProxies: 'reviews-v2' as never })).toThrow(/staleProxies must be a list/);
    expect(() => f.set({ staleProxies: [''] })).toThrow(/staleProxies must be a list/);
    expect(() => f.set({ proxyStatusHidden: 'yes' as never })).toThrow(
      /proxyStatusHidden must be true or false/,
    );
    f.reset();
    expect(f.staleProxies()).toEqual([]);
    expect(f.debugHidden()).toBe(false);
  });

  it('fails exactly the next matching request, then passes again', () => {
    const f = new DemoFaults();
    f.failNext({ verb: 'patch', resource: 'virtualservices', code: 503 });
    expect(f.decide({ verb: 'get', resource: 'virtualservices' }).kind).toBe('pass');
    expect(f.decide({ verb: 'patch', resource: 'destinationrules' }).kind).toBe('pass');
    expect(f.decide({ verb: 'patch', resource: 'virtualservices' })).toMatchObject({
      kind: 'fail',
      code: 503,
      retryAfterSeconds: 1,
    });
    expect(f.decide({ verb: 'patch', resource: 'virtualservices' }).kind).toBe('pass');
  });

  it('fails a deterministic share of matching requests', () => {
    const f = new DemoFaults();
    f.set({ errorRate: 0.25, errorCode: 429, retryAfterSeconds: 7, filter: { verb: ['list', 'get'] } });
    const kinds = Array.from({ length: 8 }, () => f.decide({ verb: 'list', resource: 'pods' }));
    expect(kinds.filter((d) => d.kind === 'fail')).toEqual([
      { kind: 'fail', latencyMs: 0, code: 429, retryAfterSeconds: 7 },
      { kind: 'fail', latencyMs: 0, code: 429, retryAfterSeconds: 7 },
    ]);
    expect(f.decide({ verb: 'create', resource: 'pods' }).kind).toBe('pass');
  });

  it('adds latency only to requests its filter matches and closes connections on demand', () => {
    const f = new DemoFaults();
    f.set({ latencyMs: 40, filter: { resource: 'virtualservices' } });
    expect(f.decide({ verb: 'get', resource: 'virtualservices' }).latencyMs).toBe(40);
    expect(f.decide({ verb: 'get', resource: 'pods' }).latencyMs).toBe(0);
    f.closeNext({ verb: 'get', count: 2 });
    expect([
      f.decide({ verb: 'get', resource: 'pods' }).kind,
      f.decide({ verb: 'get', resource: 'x' }).kind,
      f.decide({ verb: 'get', resource: 'x' }).kind,
    ]).toEqual(['close', 'close', 'pass']);
  });

  it('drops every registered watch, and rejects nonsense settings with a clear message', () => {
    const f = new DemoFaults();
    let dropped = 0;
    f.onDropWatches(() => dropped++);
    const off = f.onDropWatches(() => dropped++);
    off();
    f.dropWatches();
    expect(dropped).toBe(1);
    expect(() => f.set({ errorRate: 2 })).toThrow('faults: errorRate must be a number from 0 to 1, not 2');
    expect(() => f.failNext({ code: 200 })).toThrow(
      'faults: code must be an HTTP error status from 400 to 599, not 200',
    );
  });
});
