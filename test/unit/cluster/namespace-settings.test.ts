import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClusterSession, SessionInfo } from '../../../main/core/cluster/cluster-session.ts';
import { namespaceView, normalizeSetting } from '../../../main/core/console/namespace-handlers.ts';
import {
  createNamespaceSettingsStore,
  NAMESPACE_SETTINGS_FILE,
} from '../../../main/core/console/namespace-settings-store.ts';
import { calls } from '../../../shared/api/contract.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'sy-ns-settings-'));

describe('the namespace settings store', () => {
  it('answers all namespaces for a context it never saw, and keeps a chosen set across instances', async () => {
    const data = dir();
    const store = createNamespaceSettingsStore(data);
    expect(await store.get('demo')).toEqual({ mode: 'all', namespaces: [] });
    await store.set('demo', { mode: 'chosen', namespaces: ['bookinfo'] });
    await store.set('kube:prod', { mode: 'all', namespaces: ['payments'] });
    const again = createNamespaceSettingsStore(data);
    expect(await again.get('demo')).toEqual({ mode: 'chosen', namespaces: ['bookinfo'] });
    expect(await again.get('kube:prod')).toEqual({ mode: 'all', namespaces: ['payments'] });
    await again.set('demo', { mode: 'all', namespaces: [] });
    const file = JSON.parse(readFileSync(join(data, NAMESPACE_SETTINGS_FILE), 'utf8'));
    expect(file).toEqual({
      version: 1,
      contexts: { 'kube:prod': { mode: 'all', namespaces: ['payments'] } },
    });
  });

  it('reports a damaged file with its path instead of guessing', async () => {
    const data = dir();
    writeFileSync(join(data, NAMESPACE_SETTINGS_FILE), '{"version":1,"contexts":{"demo":{"mode":"some"}}}');
    await expect(createNamespaceSettingsStore(data).get('demo')).rejects.toThrow(
      `${join(data, NAMESPACE_SETTINGS_FILE)}: contexts.demo.mode`,
    );
  });
});

describe('namespace settings input', () => {
  it('drops duplicates and blanks around names', () => {
    expect(normalizeSetting('chosen', ['shop', ' shop', 'bookinfo'])).toEqual({
      mode: 'chosen',
      namespaces: ['shop', 'bookinfo'],
    });
  });

  it('refuses a name Kubernetes would refuse and an empty chosen set, with the reason', () => {
    expect(() => normalizeSetting('chosen', ['Shop', 'ok'])).toThrow(/not a namespace name: 'Shop'/);
    expect(() => normalizeSetting('chosen', [])).toThrow(/choose at least one namespace/);
    expect(normalizeSetting('all', [])).toEqual({ mode: 'all', namespaces: [] });
  });

  it('is checked by the contract before it reaches main', () => {
    const request = calls['sessions.namespaces.set'].request;
    expect(request.safeParse({ contextId: 'demo', mode: 'chosen', namespaces: ['bookinfo'] }).success).toBe(
      true,
    );
    expect(request.safeParse({ contextId: 'demo', mode: 'some', namespaces: [] }).success).toBe(false);
    expect(request.safeParse({ contextId: 'demo', mode: 'chosen', namespaces: ['a_b'] }).success).toBe(false);
  });
});

describe('the namespace view', () => {
  const sessionWith = (info: Partial<SessionInfo>) =>
    ({
      info: () => ({
        contextName: 'x',
        status: 'connected',
        istioVersions: [],
        gatewayVersions: [],
        ...info,
      }),
    }) as Pick<ClusterSession, 'info'> as ClusterSession;

  it('without a session, shows what the setting asks for', () => {
    expect(namespaceView({ mode: 'all', namespaces: ['a'] }, undefined)).toEqual({
      mode: 'all',
      namespaces: ['a'],
      effective: 'all',
    });
    expect(namespaceView({ mode: 'chosen', namespaces: ['a'] }, undefined).effective).toEqual(['a']);
  });

  it('with a session, shows what it watches and why', () => {
    const session = sessionWith({
      watchNamespaces: ['shop'],
      scopeReason: 'cluster-wide listing is forbidden; watching namespaces shop',
    });
    expect(namespaceView({ mode: 'all', namespaces: [] }, session)).toEqual({
      mode: 'all',
      namespaces: [],
      effective: ['shop'],
      reason: 'cluster-wide listing is forbidden; watching namespaces shop',
    });
  });
});
