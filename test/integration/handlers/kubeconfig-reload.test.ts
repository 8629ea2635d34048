// The app follows the operator's kubeconfig: a context added to the file (or a demo mesh that came
// back with new credentials) reaches the renderer as a contexts.changed event, without a restart.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppCore } from '../../../main/core/app-core.ts';
import { createAppCore } from '../../../main/core/app-core.ts';
import type { ContextList } from '../../../shared/api/contract.ts';

const kubeconfig = (contexts: string[]) => `apiVersion: v1
kind: Config
clusters:
- name: c1
  cluster: { server: 'http://127.0.0.1:1', insecure-skip-tls-verify: true }
users:
- name: u1
  user: { token: abc }
contexts:
${contexts.map((n) => `- name: ${n}\n  context: { cluster: c1, user: u1 }`).join('\n')}
current-context: ${contexts[0]}
`;

let dir: string;
let core: AppCore;
const lists: ContextList[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sy-kubeconfig-reload-'));
  await writeFile(join(dir, 'config'), kubeconfig(['first']));
  core = createAppCore({
    mode: 'web',
    version: '0.0.0-test',
    dataDir: join(dir, 'data'),
    env: { KUBECONFIG: join(dir, 'config') },
    startDemo: async () => {
      throw new Error('no demo in this test');
    },
  });
  core.subscribe((event, payload) => {
    if (event === 'contexts.changed') lists.push(payload as ContextList);
  });
});

afterAll(async () => {
  await core?.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('kubeconfig reload', () => {
  it('sends the new context list when the kubeconfig file changes', async () => {
    const first = await core.handlers['contexts.list']({});
    expect(first.contexts.map((c) => c.id)).toContain('kube:first');
    expect(first.contexts.map((c) => c.id)).not.toContain('kube:second');

    await writeFile(join(dir, 'config'), kubeconfig(['first', 'second']));
    await expect
      .poll(() => lists.at(-1)?.contexts.map((c) => c.id) ?? [], { timeout: 10_000 })
      .toContain('kube:second');
  });
});
