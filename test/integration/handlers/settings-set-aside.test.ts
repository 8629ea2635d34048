// A namespace settings file with a bad entry must not block the context: the demo context opens
// (watching every namespace, the default), and the context list reports what was set aside.

import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleHandlers } from '../../../main/core/handlers/console-handlers.ts';
import { NAMESPACE_SETTINGS_FILE } from '../../../main/core/services/namespace-settings-store.ts';
import type { DemoMesh } from '../../../main/demo/demo-mesh.ts';
import { startDemoMesh } from '../../../main/demo/demo-mesh.ts';

let mesh: DemoMesh;
let handlers: ReturnType<typeof createConsoleHandlers>;
let dataDir: string;

beforeAll(async () => {
  mesh = await startDemoMesh({ podReadyDelayMs: 0, requestsPerSecond: 0 });
  dataDir = mkdtempSync(join(tmpdir(), 'sy-settings-aside-'));
  writeFileSync(
    join(dataDir, NAMESPACE_SETTINGS_FILE),
    JSON.stringify({ version: 1, contexts: { demo: { mode: 'chosen', namespaces: ['Not_A_Namespace'] } } }),
  );
  handlers = createConsoleHandlers({
    dataDir,
    env: { KUBECONFIG: join(dataDir, 'none') },
    emit: () => {},
    demoKubeconfig: () => mesh.kubeconfigPath,
    pauseMs: 10,
  });
});
afterAll(async () => {
  await handlers?.dispose();
  await mesh?.stop();
});

describe('a bad namespace settings entry', () => {
  it('is set aside and reported, and the context opens on every namespace', async () => {
    const summary = await handlers['sessions.open']({ contextId: 'demo' });
    expect(summary.status).toBe('connected');
    const { services } = await handlers['services.list']({ contextId: 'demo' });
    expect(new Set(services.map((s) => s.namespace)).size).toBeGreaterThan(1);
    const list = await handlers.listContexts();
    const aside = readdirSync(dataDir).find((n) => n.startsWith(`${NAMESPACE_SETTINGS_FILE}.corrupt-`));
    expect(aside).toBeDefined();
    expect(list.problems).toContainEqual({
      file: join(dataDir, aside ?? ''),
      message: expect.stringMatching(/context 'demo': namespaces\.0: .*choose namespaces again$/),
    });
  });
});
