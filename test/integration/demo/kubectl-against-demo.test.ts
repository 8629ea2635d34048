import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoMesh, startDemoMesh } from '../../../main/demo/demo-mesh.ts';
import { hasKubectl, kubectl, kubectlSkipReason } from './kubectl-runner.ts';

const vsYaml = (name: string, v1: number | string, v2: number | string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ${name}
  namespace: bookinfo
spec:
  hosts: [${name}]
  http:
  - route:
    - destination: {host: reviews, subset: v1}
      weight: ${v1}
    - destination: {host: reviews, subset: v2}
      weight: ${v2}
`;

describe.skipIf(!hasKubectl)(
  `kubectl against the demo mesh (${hasKubectl ? 'kubectl found' : kubectlSkipReason})`,
  () => {
    let mesh: DemoMesh;
    const k = (args: string[], stdin?: string) => kubectl(mesh.kubeconfigPath, args, stdin);
    const weights = async (name: string) =>
      (
        await k(['get', 'vs', name, '-n', 'bookinfo', '-o', 'jsonpath={.spec.http[0].route[*].weight}'])
      ).stdout.trim();

    beforeAll(async () => {
      mesh = await startDemoMesh({ podReadyDelayMs: 200, requestsPerSecond: 5 });
    });
    afterAll(async () => {
      await mesh?.stop();
    });

    it('lists virtual services and destination rules across namespaces with the CRD printer columns', async () => {
      const r = await k(['get', 'vs,dr', '-A']);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/NAMESPACE\s+NAME\s+GATEWAYS\s+HOSTS\s+AGE/);
      expect(r.stdout).toContain('virtualservice.networking.istio.io/reviews');
      expect(r.stdout).toContain('destinationrule.networking.istio.io/reviews');
    });

    it('lists deployments and pods of a namespace with READY columns', async () => {
      const r = await k(['get', 'deploy,pods', '-n', 'bookinfo']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/deployment\.apps\/reviews-v1\s+\d+\/\d+/);
      expect(r.stdout).toMatch(/pod\/reviews-v1-\S+\s+\d\/\d\s+\w+/);
    });

    it('applies a new virtual service, then applies it again with a changed weight', async () => {
      const created = await k(['apply', '-f', '-'], vsYaml('kc-apply', 90, 10));
      expect(created.stdout.trim()).toBe('virtualservice.networking.istio.io/kc-apply created');
      const configured = await k(['apply', '-f', '-'], vsYaml('kc-apply', 75, 25));
      expect(configured.stdout.trim()).toBe('virtualservice.networking.istio.io/kc-apply configured');
      expect(await weights('kc-apply')).toBe('75 25');
      const again = await k(['apply', '-f', '-'], vsYaml('kc-apply', 75, 25));
      expect(again.stdout.trim()).toBe('virtualservice.networking.istio.io/kc-apply unchanged');
    });

    it('applies server-side and records the kubectl field manager as an Apply entry', async () => {
      const r = await k(['apply', '--server-side', '-f', '-'], vsYaml('kc-ssa', 60, 40));
      expect(r.stdout.trim()).toBe('virtualservice.networking.istio.io/kc-ssa serverside-applied');
      const fields = await k([
        'get',
        'vs',
        'kc-ssa',
        '-n',
        'bookinfo',
        '--show-managed-fields',
        '-o',
        'jsonpath={.metadata.managedFields[*].manager}/{.metadata.managedFields[*].operation}',
      ]);
      expect(fields.stdout).toBe('kubectl/Apply');
      expect(await weights('kc-ssa')).toBe('60 40');
    });

    it('patches with --type merge and --type json', async () => {
      await k(['apply', '-f', '-'], vsYaml('kc-patch', 50, 50));
      const merge = await k([
        'patch',
        'vs',
        'kc-patch',
        '-n',
        'bookinfo',
        '--type',
        'merge',
        '-p',
        '{"spec":{"hosts":["kc-patch","kc-patch.bookinfo"]}}',
      ]);
      expect(merge.stdout.trim()).toBe('virtualservice.networking.istio.io/kc-patch patched');
      const json = await k([
        'patch',
        'vs',
        'kc-patch',
        '-n',
        'bookinfo',
        '--type',
        'json',
        '-p',
        '[{"op":"test","path":"/spec/http/0/route/0/weight","value":50},{"op":"replace","path":"/spec/http/0/route/0/weight","value":30},{"op":"replace","path":"/spec/http/0/route/1/weight","value":70}]',
      ]);
      expect(json.code).toBe(0);
      expect(await weights('kc-patch')).toBe('30 70');
      const failing = await k([
        'patch',
        'vs',
        'kc-patch',
        '-n',
        'bookinfo',
        '--type',
        'json',
        '-p',
        '[{"op":"test","path":"/spec/http/0/route/0/weight","value":99}]',
      ]);
      expect(failing.code).not.toBe(0);
      expect(failing.stderr).toContain('test failed');
    });

    it('deletes an object and then reports it not found', async () => {
      await k(['apply', '-f', '-'], vsYaml('kc-delete', 100, 0));
      const del = await k(['delete', 'vs', 'kc-delete', '-n', 'bookinfo']);
      expect(del.stdout.trim()).toBe('virtualservice.networking.istio.io "kc-delete" deleted');
      const get = await k(['get', 'vs', 'kc-delete', '-n', 'bookinfo']);
      expect(get.code).not.toBe(0);
      expect(get.stderr).toContain('virtualservices.networking.istio.io "kc-delete" not found');
    });

    it('get -w sees a change made by another client', async () => {
      await k(['apply', '-f', '-'], vsYaml('kc-watch', 50, 50));
      const watching = k([
        'get',
        'vs',
        'kc-watch',
        '-n',
        'bookinfo',
        '-w',
        '--request-timeout=3s',
        '-o',
        'jsonpath={.spec.hosts}{"\\n"}',
      ]);
      await new Promise((r) => setTimeout(r, 1200));
      const vs = mesh.store.get(
        mesh.store.typeFor('networking.istio.io/v1', 'VirtualService')!,
        'bookinfo',
        'kc-watch',
      )!;
      mesh.store.update(
        {
          ...structuredClone(vs),
          spec: { ...(vs.spec as object), hosts: ['kc-watch', 'changed-elsewhere'] },
        },
        { manager: 'other-client' },
      );
      const r = await watching;
      expect(r.stdout).toContain('["kc-watch","changed-elsewhere"]');
    });

    it('auth can-i patch virtualservices: yes for demo-admin, no for demo-viewer', async () => {
      const admin = await k(['auth', 'can-i', 'patch', 'virtualservices', '-n', 'bookinfo']);
      expect(admin.stdout.trim()).toBe('yes');
      const viewer = await k([
        '--context',
        'demo-viewer',
        'auth',
        'can-i',
        'patch',
        'virtualservices',
        '-n',
        'bookinfo',
      ]);
      expect(viewer.stdout.trim()).toBe('no');
      expect(viewer.code).toBe(1);
    });

    it('refuses a write by demo-viewer with a message naming verb, resource, group and namespace', async () => {
      const r = await k(['--context', 'demo-viewer', 'delete', 'vs', 'reviews', '-n', 'bookinfo']);
      expect(r.stderr).toContain('Error from server (Forbidden)');
      expect(r.stderr).toContain(
        'User "demo-viewer" cannot delete resource "virtualservices" in API group "networking.istio.io" in the namespace "bookinfo"',
      );
    });

    it('apply --dry-run=server changes nothing', async () => {
      await k(['apply', '-f', '-'], vsYaml('kc-dry', 80, 20));
      const r = await k(['apply', '--dry-run=server', '-f', '-'], vsYaml('kc-dry', 10, 90));
      expect(r.stdout.trim()).toBe('virtualservice.networking.istio.io/kc-dry configured (server dry run)');
      expect(await weights('kc-dry')).toBe('80 20');
      const created = await k(['apply', '--dry-run=server', '-f', '-'], vsYaml('kc-dry-new', 10, 90));
      expect(created.stdout).toContain('created (server dry run)');
      expect((await k(['get', 'vs', 'kc-dry-new', '-n', 'bookinfo'])).code).not.toBe(0);
    });

    it('replace with a stale resourceVersion gets a Conflict', async () => {
      await k(['apply', '-f', '-'], vsYaml('kc-stale', 50, 50));
      const yaml = (await k(['get', 'vs', 'kc-stale', '-n', 'bookinfo', '-o', 'yaml'])).stdout;
      await k([
        'patch',
        'vs',
        'kc-stale',
        '-n',
        'bookinfo',
        '--type',
        'merge',
        '-p',
        '{"metadata":{"labels":{"touched":"yes"}}}',
      ]);
      const r = await k(['replace', '-f', '-'], yaml);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('Error from server (Conflict)');
      expect(r.stderr).toContain('the object has been modified');
    });

    it('rejects a weight of "ten" with a message naming the field and the expected type', async () => {
      const r = await k(['apply', '-f', '-'], vsYaml('kc-invalid', 'ten', 90));
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('spec.http[0].route[0].weight');
      expect(r.stderr).toContain('must be of type integer');
      expect((await k(['get', 'vs', 'kc-invalid', '-n', 'bookinfo'])).code).not.toBe(0);
    });

    it('prints a virtual service as YAML in the requested version', async () => {
      const r = await k([
        'get',
        'virtualservices.v1beta1.networking.istio.io',
        'reviews',
        '-n',
        'bookinfo',
        '-o',
        'yaml',
      ]);
      expect(r.stdout).toMatch(/^apiVersion: networking.istio.io\/v1beta1\nkind: VirtualService\n/);
      expect(r.stdout).toMatch(/resourceVersion: "\d+"/);
    });

    it('scales a deployment and waits for the rollout', async () => {
      const scaled = await k(['scale', 'deploy', 'reviews-v3', '-n', 'bookinfo', '--replicas=3']);
      expect(scaled.stdout.trim()).toBe('deployment.apps/reviews-v3 scaled');
      const rollout = await k(['rollout', 'status', 'deploy/reviews-v3', '-n', 'bookinfo', '--timeout=25s']);
      expect(rollout.stdout).toContain('successfully rolled out');
      const ready = await k([
        'get',
        'deploy',
        'reviews-v3',
        '-n',
        'bookinfo',
        '-o',
        'jsonpath={.status.readyReplicas}',
      ]);
      expect(ready.stdout).toBe('3');
    });

    it('applies a changed Deployment as a strategic merge patch (containers and env merge by name)', async () => {
      const dep = (image: string, env: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: kc-web, namespace: bookinfo}
spec:
  replicas: 1
  selector: {matchLabels: {app: kc-web}}
  template:
    metadata: {labels: {app: kc-web, version: v1}}
    spec:
      containers:
      - {name: web, image: ${image}, env: [${env}]}
`;
      await k(['apply', '-f', '-'], dep('nginx:1', '{name: A, value: "1"}, {name: B, value: "2"}'));
      const r = await k(['apply', '-f', '-'], dep('nginx:2', '{name: A, value: "1"}, {name: C, value: "3"}'));
      expect(r.stdout.trim()).toBe('deployment.apps/kc-web configured');
      const got = await k([
        'get',
        'deploy',
        'kc-web',
        '-n',
        'bookinfo',
        '-o',
        'jsonpath={.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].env[*].name}',
      ]);
      expect(got.stdout).toBe('nginx:2 A C');
    });

    it('rejects unknown fields under the default strict validation', async () => {
      const yaml =
        'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: kc-typo, namespace: bookinfo}\nspec:\n  hosts: [a]\n  htp: []\n';
      const r = await k(['apply', '-f', '-'], yaml);
      expect(r.stderr).toContain('strict decoding error: unknown field "spec.htp"');
    });
  },
);
