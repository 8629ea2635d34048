import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClusterSession, SessionInfo } from '../../../main/core/cluster/cluster-session.ts';
import { namespaceView, normalizeSetting } from '../../../main/core/handlers/session-namespaces.ts';
import {
  createNamespaceSettingsStore,
  NAMESPACE_SETTINGS_FILE,
} from '../../../main/core/services/namespace-settings-store.ts';
import { calls } from '../../../shared/api/contract.ts';
import { diskFullAfter } from '../local-files/disk-full.ts';

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

  it('sets aside a bad entry and keeps the other contexts’ settings, reporting it', async () => {
    const data = dir();
    const path = join(data, NAMESPACE_SETTINGS_FILE);
    const original =
      '{"version":1,"contexts":{"demo":{"mode":"some"},"kube:prod":{"mode":"chosen","namespaces":["payments"]}}}';
    writeFileSync(path, original);
    const now = new Date('2026-05-06T07:08:09.010Z');
    const store = createNamespaceSettingsStore(data, { now: () => now, onProblem: () => {} });
    expect(await store.get('demo')).toEqual({ mode: 'all', namespaces: [] });
    expect(await store.get('kube:prod')).toEqual({ mode: 'chosen', namespaces: ['payments'] });
    const problems = await store.problems();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      file: path,
      setAsideAs: `${NAMESPACE_SETTINGS_FILE}.corrupt-2026-05-06T07-08-09-010Z`,
      reason: expect.stringMatching(
        /context 'demo': mode: .*falls back to the default; choose namespaces again$/,
      ),
    });
    // The whole file is kept aside as it was; the file itself now holds the good entries only.
    expect(readFileSync(join(data, problems[0]?.setAsideAs ?? ''), 'utf8')).toBe(original);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      version: 1,
      contexts: { 'kube:prod': { mode: 'chosen', namespaces: ['payments'] } },
    });
    await store.set('demo', { mode: 'chosen', namespaces: ['bookinfo'] });
    expect(await createNamespaceSettingsStore(data).get('demo')).toEqual({
      mode: 'chosen',
      namespaces: ['bookinfo'],
    });
  });

  it('sets aside a file that is not JSON, or not a file, and every context falls back to all namespaces', async () => {
    const data = dir();
    const path = join(data, NAMESPACE_SETTINGS_FILE);
    writeFileSync(path, '{"version":1,"contexts":{');
    const store = createNamespaceSettingsStore(data, { onProblem: () => {} });
    expect(await store.get('demo')).toEqual({ mode: 'all', namespaces: [] });
    expect((await store.problems())[0]?.reason).toMatch(
      /not valid JSON .*: set aside; choose namespaces again$/,
    );
    expect(readdirSync(data).filter((n) => n.includes('.corrupt-'))).toHaveLength(1);

    const other = dir();
    mkdirSync(join(other, NAMESPACE_SETTINGS_FILE));
    const onFolder = createNamespaceSettingsStore(other, { onProblem: () => {} });
    expect(await onFolder.get('demo')).toEqual({ mode: 'all', namespaces: [] });
    await onFolder.set('demo', { mode: 'chosen', namespaces: ['shop'] });
    expect(await createNamespaceSettingsStore(other).get('demo')).toEqual({
      mode: 'chosen',
      namespaces: ['shop'],
    });
  });

  it('keeps a file made by a newer Switchyard untouched and refuses to change it', async () => {
    const data = dir();
    const path = join(data, NAMESPACE_SETTINGS_FILE);
    const newer = '{"version":2,"contexts":{"demo":{"mode":"chosen","namespaces":["x"],"labels":{}}}}';
    writeFileSync(path, newer);
    const store = createNamespaceSettingsStore(data, { onProblem: () => {} });
    expect(await store.get('demo')).toEqual({ mode: 'all', namespaces: [] });
    expect(await store.problems()).toEqual([
      {
        file: path,
        newer: true,
        reason: `${path}: made by a newer Switchyard (schema 2; this one reads up to 1): kept as it is, update Switchyard to use it`,
      },
    ]);
    await expect(store.set('demo', { mode: 'chosen', namespaces: ['y'] })).rejects.toThrow(
      /made by a newer Switchyard/,
    );
    expect(readFileSync(path, 'utf8')).toBe(newer);
    expect(readdirSync(data)).toEqual([NAMESPACE_SETTINGS_FILE]);
  });

  it('writes the file 0600 and leaves no temp file when the disk is full', async () => {
    const data = dir();
    const store = createNamespaceSettingsStore(data);
    await store.set('demo', { mode: 'chosen', namespaces: ['bookinfo'] });
    if (process.platform !== 'win32')
      expect(statSync(join(data, NAMESPACE_SETTINGS_FILE)).mode & 0o777).toBe(0o600);
    const full = createNamespaceSettingsStore(data, { writeOptions: { writeData: diskFullAfter(5) } });
    await expect(full.set('demo', { mode: 'chosen', namespaces: ['shop'] })).rejects.toThrow('ENOSPC');
    expect(await full.get('demo')).toEqual({ mode: 'chosen', namespaces: ['bookinfo'] });
    expect(readdirSync(data)).toEqual([NAMESPACE_SETTINGS_FILE]);
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
