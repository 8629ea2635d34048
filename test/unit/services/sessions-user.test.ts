import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SessionManager } from '../../../main/core/cluster/session-manager.ts';
import { createConsoleSessions } from '../../../main/core/services/console-sessions.ts';

// Who applies a change (its history line's user) is read before the write: from the kubeconfig
// contexts the managers keep loaded, not by also reading the offline snapshots' files, which only
// add a time to the context list. An unknown context is refused as the summary refuses it.

function sessionsWith(snapshotReads: string[]) {
  const manager = {
    listContexts: async () => ({
      contexts: [
        {
          id: 'kube:prod',
          name: 'prod',
          cluster: 'prod',
          user: 'alice',
          source: '/k',
          isDemo: false,
          status: 'connected',
        },
      ],
      problems: [],
    }),
    onContextsChanged: () => () => {},
    onSessionChanged: () => () => {},
    dispose: async () => {},
  } as Partial<SessionManager> as SessionManager;
  return createConsoleSessions({
    env: {},
    dataDir: mkdtempSync(join(tmpdir(), 'sy-sessions-user-')),
    watchKubeconfigs: false,
    demoKubeconfig: () => undefined,
    createManager: () => manager,
    snapshots: {
      // Never answers: a read of who applies that waited for it would never resolve.
      times: () => {
        snapshotReads.push('times');
        return new Promise(() => {});
      },
      problems: async () => [],
    },
  });
}

describe('who applies in a context', () => {
  it('is its kubeconfig user, read without the offline snapshots', async () => {
    const reads: string[] = [];
    const sessions = sessionsWith(reads);
    await expect(sessions.user('kube:prod')).resolves.toBe('alice');
    expect(reads).toEqual([]);
  });

  it('is refused for a context that is not in the kubeconfig files, as the summary is', async () => {
    const sessions = sessionsWith([]);
    await expect(sessions.user('kube:gone')).rejects.toThrow(
      /no context 'kube:gone' in the kubeconfig files/,
    );
  });
});
