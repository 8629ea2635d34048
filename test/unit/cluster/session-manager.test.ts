import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../../main/core/cluster/clock.ts';
import type {
  ClusterSession,
  ClusterSessionDependencies,
  SessionInfo,
} from '../../../main/core/cluster/cluster-session.ts';
import { createSessionManager } from '../../../main/core/cluster/session-manager.ts';
import { createKubeconfigLoader } from '../../../main/core/kubeconfig/kubeconfig-loader.ts';

function kubeconfig(dir: string, names: string[]): string {
  const file = join(dir, 'config');
  const lines = [
    'clusters:',
    ...names.map((n) => `- name: ${n}\n  cluster: {server: "https://${n}.example"}`),
  ];
  lines.push(
    'users: [{name: u, user: {token: t}}]',
    'contexts:',
    ...names.map((n) => `- name: ${n}\n  context: {cluster: ${n}, user: u}`),
  );
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** Sessions that record being opened instead of contacting anything. */
function fakeSessions() {
  const opened: string[] = [];
  const create = (deps: ClusterSessionDependencies): ClusterSession => {
    let info: SessionInfo = {
      contextName: deps.contextName,
      status: 'not-connected',
      istioVersions: [],
      gatewayVersions: [],
    };
    const listeners = new Set<(i: SessionInfo) => void>();
    const set = (next: SessionInfo) => {
      info = next;
      for (const l of listeners) l(info);
    };
    return {
      contextName: deps.contextName,
      info: () => info,
      async open() {
        opened.push(deps.contextName);
        const r = deps.resolve();
        set(
          r.ok
            ? { ...info, status: 'connected', server: r.resolved.cluster.server }
            : { ...info, status: 'error', statusReason: r.reason },
        );
        return info;
      },
      async close() {
        set({ ...info, status: 'not-connected' });
      },
      ping: async () => info,
      client: undefined,
      credentials: undefined,
      cache: undefined,
      releases: undefined,
      onInfo(l) {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    };
  };
  return { opened, create };
}

function setup(names = ['prod', 'staging', 'dev']) {
  const dir = mkdtempSync(join(tmpdir(), 'sy-manager-'));
  const file = kubeconfig(dir, names);
  const fake = fakeSessions();
  const make = () =>
    createSessionManager({
      loader: createKubeconfigLoader({ env: { KUBECONFIG: file }, home: dir }),
      clock: systemClock,
      dataDir: join(dir, 'data'),
      execEnv: () => ({}),
      readReleases: () => [],
      createSession: fake.create,
    });
  return { dir, file, fake, make };
}

describe('session manager', () => {
  it('lists contexts without opening any', async () => {
    const { fake, make } = setup();
    const list = await make().listContexts();
    expect(list.contexts.map((c) => [c.name, c.status])).toEqual([
      ['prod', 'not-connected'],
      ['staging', 'not-connected'],
      ['dev', 'not-connected'],
    ]);
    expect(fake.opened).toEqual([]);
  });

  it('opens only the context asked for and shows its status and last use in the list', async () => {
    const { fake, make } = setup();
    const manager = make();
    expect((await manager.open('staging')).status).toBe('connected');
    expect(fake.opened).toEqual(['staging']);
    const staging = (await manager.listContexts()).contexts.find((c) => c.name === 'staging');
    expect(staging?.status).toBe('connected');
    expect(staging?.lastUsed).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('keeps several sessions open and switches between them without reopening', async () => {
    const { fake, make } = setup();
    const manager = make();
    await manager.open('prod');
    await manager.open('dev');
    expect(manager.select('prod').status).toBe('connected');
    expect(manager.active()?.contextName).toBe('prod');
    expect(manager.select('dev').status).toBe('connected');
    expect(fake.opened).toEqual(['prod', 'dev']);
    expect(() => manager.select('staging')).toThrow('context "staging" is not open; open it first');
  });

  it('reopens the recently used contexts at the next start, most recent first', async () => {
    const { fake, make } = setup();
    const first = make();
    await first.open('dev');
    await first.open('prod');
    await first.dispose();
    fake.opened.length = 0;
    const second = make();
    const infos = await second.reopenRecent();
    expect(infos.map((i) => i.contextName)).toEqual(['prod', 'dev']);
    expect(second.active()?.contextName).toBe('prod');
    expect(fake.opened.sort()).toEqual(['dev', 'prod']);
  });

  it('forgets a closed context for the next start', async () => {
    const { make } = setup();
    const first = make();
    await first.open('dev');
    await first.open('prod');
    await first.close('dev');
    expect((await make().reopenRecent()).map((i) => i.contextName)).toEqual(['prod']);
  });

  it('closes a session whose context disappeared from the kubeconfig on reload', async () => {
    const { dir, make } = setup(['prod', 'old']);
    const manager = make();
    await manager.open('old');
    kubeconfig(dir, ['prod']);
    const list = await manager.reload();
    expect(list.contexts.map((c) => c.name)).toEqual(['prod']);
    expect(manager.session('old')).toBeUndefined();
  });

  it('reloads and announces the context list when a kubeconfig file changes on disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-manager-'));
    const file = kubeconfig(dir, ['prod']);
    const manager = createSessionManager({
      loader: createKubeconfigLoader({ env: { KUBECONFIG: file }, home: dir }),
      clock: systemClock,
      dataDir: join(dir, 'data'),
      execEnv: () => ({}),
      readReleases: () => [],
      createSession: fakeSessions().create,
      watchKubeconfigs: true,
      watchDebounceMs: 30,
    });
    try {
      await manager.listContexts();
      const announced: string[][] = [];
      manager.onContextsChanged((l) => announced.push(l.contexts.map((c) => c.name)));
      await new Promise((r) => setTimeout(r, 50));
      kubeconfig(dir, ['prod', 'added-later']);
      await vi.waitFor(() => expect(announced.at(-1)).toEqual(['prod', 'added-later']), { timeout: 3000 });
    } finally {
      await manager.dispose();
    }
  });

  it('reports an unresolvable context as an error on open, with the reason', async () => {
    const { dir, make } = setup();
    writeFileSync(join(dir, 'config'), 'contexts:\n- name: lost\n  context: {cluster: gone}\n');
    const info = await make().open('lost');
    expect(info).toMatchObject({
      status: 'error',
      statusReason: 'context "lost" uses cluster "gone", which no kubeconfig file defines',
    });
  });
});
