// The generated filler (`--services N`) is served from templates until first written: kubectl must
// see it as ordinary objects, before and after it is written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoMesh, startDemoMesh } from '../../../main/demo/demo-mesh.ts';
import { hasKubectl, kubectl, kubectlSkipReason } from './kubectl-runner.ts';

describe.skipIf(!hasKubectl)(
  `kubectl against template-backed generated services (${hasKubectl ? 'kubectl found' : kubectlSkipReason})`,
  () => {
    let mesh: DemoMesh;
    const k = (args: string[], stdin?: string) => kubectl(mesh.kubeconfigPath, args, stdin);
    const raw = async (path: string) => (await k(['get', '--raw', path])).stdout;
    const api = async (path: string) =>
      JSON.parse(await raw(path)) as {
        metadata: Record<string, unknown>;
        items: Array<{ metadata: { name: string } }>;
      };

    beforeAll(async () => {
      mesh = await startDemoMesh({ services: 250, podReadyDelayMs: 200, requestsPerSecond: 5 });
    });
    afterAll(async () => {
      await mesh?.stop();
    });

    it('lists, pages and selects generated objects as stored ones', async () => {
      expect(mesh.store.templateCount).toBe(250);
      const all = await k(['get', 'vs', '-A', '-o', 'name', '--chunk-size=0']);
      const chunked = await k(['get', 'vs', '-A', '-o', 'name', '--chunk-size=7']);
      expect(all.stderr).toBe('');
      expect(chunked.stdout).toBe(all.stdout);
      expect(all.stdout).toContain('virtualservice.networking.istio.io/svc-0249');
      const page = await api('/api/v1/namespaces/gen-1/pods?limit=30');
      expect(page.items).toHaveLength(30);
      expect(page.metadata.remainingItemCount).toBe(70);
      const selected = await k(['get', 'pods', '-A', '-l', 'app in (svc-0007,svc-0123)', '-o', 'name']);
      expect(selected.stdout.trim().split('\n')).toHaveLength(2);
      const ready = await k(['get', 'deploy', 'svc-0042-v1', '-n', 'gen-0']);
      expect(ready.stdout).toMatch(/svc-0042-v1\s+1\/1\s+1\s+1/);
      const described = await k(['describe', 'deploy', 'svc-0042-v1', '-n', 'gen-0']);
      expect(described.stdout).toMatch(/NewReplicaSet:\s+svc-0042-v1-\S+ \(1\/1 replicas created\)/);
      const uid1 = await k(['get', 'svc', 'svc-0100', '-n', 'gen-1', '-o', 'jsonpath={.metadata.uid}']);
      const uid2 = await k(['get', 'svc', 'svc-0100', '-n', 'gen-1', '-o', 'jsonpath={.metadata.uid}']);
      expect(uid1.stdout).toMatch(/^[0-9a-f-]{36}$/);
      expect(uid2.stdout).toBe(uid1.stdout);
    });

    it('a write makes the service an ordinary stored object: patch, server-side apply, scale, delete', async () => {
      const before = await api('/apis/networking.istio.io/v1/virtualservices');
      const rv = Number(before.metadata.resourceVersion);
      const patched = await k([
        'patch',
        'vs',
        'svc-0101',
        '-n',
        'gen-1',
        '--type=merge',
        '-p',
        '{"metadata":{"labels":{"team":"a"}}}',
      ]);
      expect(patched.stderr).toBe('');
      expect(mesh.store.templateCount).toBe(249);
      const watched = await raw(
        `/apis/networking.istio.io/v1/namespaces/gen-1/virtualservices?watch=true&resourceVersion=${rv}&timeoutSeconds=1`,
      );
      const events = watched
        .trim()
        .split('\n')
        .map(
          (l) =>
            JSON.parse(l) as {
              type: string;
              object: { metadata: { name: string; labels?: Record<string, string> } };
            },
        );
      expect(events.map((e) => [e.type, e.object.metadata.name, e.object.metadata.labels?.team])).toEqual([
        ['MODIFIED', 'svc-0101', 'a'],
      ]);
      const applied = await k(
        ['apply', '--server-side', '--field-manager=me', '-f', '-'],
        `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: svc-0102, namespace: gen-1, labels: {owner: me}}
spec: {host: svc-0102}
`,
      );
      expect(applied.stderr).toMatch(/conflict|^$/i);
      const managers = await k([
        'get',
        'dr',
        'svc-0102',
        '-n',
        'gen-1',
        '--show-managed-fields',
        '-o',
        'jsonpath={.metadata.managedFields[*].manager}',
      ]);
      expect(managers.stdout).toContain('switchyard-demo');
      const scaled = await k(['scale', 'deploy', 'svc-0103-v1', '-n', 'gen-1', '--replicas=2']);
      expect(scaled.code).toBe(0);
      await expect
        .poll(
          async () =>
            (await k(['get', 'pods', '-n', 'gen-1', '-l', 'app=svc-0103', '-o', 'name'])).stdout
              .trim()
              .split('\n').length,
          { timeout: 10_000 },
        )
        .toBe(2);
      const deleted = await k(['delete', 'deploy', 'svc-0104-v1', '-n', 'gen-1', '--wait=false']);
      expect(deleted.code).toBe(0);
      await expect
        .poll(
          async () =>
            (await k(['get', 'rs,pods', '-n', 'gen-1', '-l', 'app=svc-0104', '-o', 'name'])).stdout.trim(),
          { timeout: 10_000 },
        )
        .toBe('');
      const gone = await k(['get', 'deploy', 'svc-0104-v1', '-n', 'gen-1']);
      expect(gone.stderr).toMatch(/NotFound/);
    });
  },
);
