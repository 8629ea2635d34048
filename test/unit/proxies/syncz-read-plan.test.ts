import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FULL_READ_MAX_AGE_MS,
  planSynczRead,
  readOutcome,
  type SynczReadMemory,
  wholeReadDue,
} from '../../../shared/proxies/syncz-read-plan.ts';

const NOW = 1_000_000;
const recent = (gatewayNamespaces: string[], age = 1000): SynczReadMemory => ({
  lastFull: { at: NOW - age, gatewayNamespaces },
});

const namespace = fc.constantFrom('bookinfo', 'shop', 'istio-system', 'ledger', 'gen-7', 'edge');
const memory: fc.Arbitrary<SynczReadMemory> = fc.record(
  {
    lastFull: fc.record({
      at: fc.integer({ min: NOW - 3 * FULL_READ_MAX_AGE_MS, max: NOW }),
      gatewayNamespaces: fc.uniqueArray(namespace),
    }),
    filterIgnored: fc.boolean(),
  },
  { requiredKeys: [] },
);

describe('planSynczRead', () => {
  it('reads the whole mesh when there was no whole read, or it is 30 s old', () => {
    expect(planSynczRead({}, { now: NOW, namespace: 'bookinfo' })).toEqual({ kind: 'full' });
    expect(
      planSynczRead(recent(['istio-system'], FULL_READ_MAX_AGE_MS), { now: NOW, namespace: 'bookinfo' }),
    ).toEqual({ kind: 'full' });
    expect(
      planSynczRead(recent(['istio-system'], FULL_READ_MAX_AGE_MS - 1), { now: NOW, namespace: 'bookinfo' }),
    ).toEqual({ kind: 'namespaces', namespaces: ['bookinfo', 'istio-system'] });
  });

  it("reads the release's namespace and every namespace the last whole read found gateways in", () => {
    expect(
      planSynczRead(recent(['ledger', 'istio-system', 'bookinfo']), { now: NOW, namespace: 'bookinfo' }),
    ).toEqual({ kind: 'namespaces', namespaces: ['bookinfo', 'istio-system', 'ledger'] });
    expect(planSynczRead(recent([]), { now: NOW, namespace: 'shop' })).toEqual({
      kind: 'namespaces',
      namespaces: ['shop'],
    });
  });

  it("reads what a change's baseline covered, however old the whole read is", () => {
    const covering = ['istio-system', 'bookinfo', 'istio-system'];
    expect(planSynczRead({}, { now: NOW, namespace: 'bookinfo', covering })).toEqual({
      kind: 'namespaces',
      namespaces: ['bookinfo', 'istio-system'],
    });
  });

  it('reads the whole mesh at once from an istiod that ignores the namespace filter', () => {
    const ignoring = { ...recent(['istio-system']), filterIgnored: true };
    expect(planSynczRead(ignoring, { now: NOW, namespace: 'bookinfo' })).toEqual({ kind: 'full' });
    expect(planSynczRead(ignoring, { now: NOW, namespace: 'bookinfo', covering: ['bookinfo'] })).toEqual({
      kind: 'full',
    });
  });

  it('a namespaced read always covers the release and every gateway namespace known (any memory)', () => {
    fc.assert(
      fc.property(
        memory,
        namespace,
        fc.integer({ min: 0, max: 2 * FULL_READ_MAX_AGE_MS }),
        (m, ns, maxAgeMs) => {
          const plan = planSynczRead(m, { now: NOW, namespace: ns, maxAgeMs });
          if (plan.kind === 'full') return;
          expect(m.filterIgnored).not.toBe(true);
          expect(NOW - (m.lastFull?.at ?? Number.NEGATIVE_INFINITY)).toBeLessThan(maxAgeMs);
          expect(plan.namespaces).toContain(ns);
          for (const g of m.lastFull?.gatewayNamespaces ?? []) expect(plan.namespaces).toContain(g);
          expect(plan.namespaces).toEqual([...new Set(plan.namespaces)].sort());
        },
      ),
    );
  });
});

describe('wholeReadDue', () => {
  it('is due with no whole read, or past half its age, and never for an istiod ignoring the filter', () => {
    expect(wholeReadDue({}, NOW)).toBe(true);
    expect(wholeReadDue(recent([], FULL_READ_MAX_AGE_MS / 2 - 1), NOW)).toBe(false);
    expect(wholeReadDue(recent([], FULL_READ_MAX_AGE_MS / 2), NOW)).toBe(true);
    expect(wholeReadDue({ filterIgnored: true }, NOW)).toBe(false);
  });

  it('when not due, the read planned within the next half age is a namespaced one', () => {
    fc.assert(
      fc.property(
        memory,
        namespace,
        fc.integer({ min: 0, max: FULL_READ_MAX_AGE_MS / 2 }),
        (m, ns, later) => {
          if (wholeReadDue(m, NOW) || m.filterIgnored) return;
          expect(planSynczRead(m, { now: NOW + later, namespace: ns }).kind).toBe('namespaces');
        },
      ),
    );
  });
});

describe('readOutcome', () => {
  const plan = { kind: 'namespaces' as const, namespaces: ['bookinfo', 'istio-system'] };

  it('a namespaced answer covers the namespaces asked, and renews nothing', () => {
    const m = recent(['istio-system']);
    const answer = [
      { namespace: 'bookinfo', gateway: false },
      { namespace: 'istio-system', gateway: true },
    ];
    expect(readOutcome(m, plan, answer, NOW)).toEqual({ covered: ['bookinfo', 'istio-system'], memory: m });
    expect(readOutcome(m, plan, [], NOW)).toEqual({ covered: ['bookinfo', 'istio-system'], memory: m });
  });

  it('a namespaced read answered with other namespaces is a whole read from an istiod ignoring the filter', () => {
    const answer = [
      { namespace: 'bookinfo', gateway: false },
      { namespace: 'shop', gateway: false },
      { namespace: 'edge', gateway: true },
    ];
    expect(readOutcome(recent(['istio-system'], 5000), plan, answer, NOW)).toEqual({
      memory: { filterIgnored: true, lastFull: { at: NOW, gatewayNamespaces: ['edge'] } },
    });
  });

  it('a whole read renews where the gateways are, unless a newer whole read is remembered', () => {
    const answer = [
      { namespace: 'ledger', gateway: true },
      { namespace: 'istio-system', gateway: true },
      { namespace: 'istio-system', gateway: true },
      { namespace: 'shop', gateway: false },
    ];
    expect(readOutcome({}, { kind: 'full' }, answer, NOW)).toEqual({
      memory: { lastFull: { at: NOW, gatewayNamespaces: ['istio-system', 'ledger'] } },
    });
    const newer = recent(['istio-system'], 0);
    expect(readOutcome(newer, { kind: 'full' }, answer, NOW - 10)).toEqual({ memory: newer });
  });
});
