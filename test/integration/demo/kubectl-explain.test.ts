// The demo's OpenAPI v3 documents describe the Istio and Gateway API kinds with their CRDs' full
// structural schemas, as a real API server does: real kubectl (v1.32) explains nested fields.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoMesh, startDemoMesh } from '../../../main/demo/demo-mesh.ts';
import { hasKubectl, kubectl, kubectlSkipReason } from './kubectl-runner.ts';

describe.skipIf(!hasKubectl)(
  `kubectl explain against the demo mesh (${hasKubectl ? 'kubectl found' : kubectlSkipReason})`,
  () => {
    let mesh: DemoMesh;
    const explain = (path: string, ...more: string[]) =>
      kubectl(mesh.kubeconfigPath, ['explain', path, '--context', 'demo-admin', ...more]);

    beforeAll(async () => {
      mesh = await startDemoMesh({ simulation: false });
    });
    afterAll(async () => {
      await mesh?.stop();
    });

    it('explains virtualservice.spec.http.route.weight, a field three levels down', async () => {
      const r = await explain('virtualservice.spec.http.route.weight');
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/GROUP:\s+networking\.istio\.io/);
      expect(r.stdout).toMatch(/FIELD: weight <integer>/);
      expect(r.stdout).toMatch(/Weight specifies the relative proportion of traffic/);
    });

    it('lists the fields of a destination of a route, in the version asked for', async () => {
      const r = await explain(
        'virtualservices.spec.http.route.destination',
        '--api-version',
        'networking.istio.io/v1beta1',
      );
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/VERSION:\s+v1beta1/);
      for (const field of ['host', 'port', 'subset'])
        expect(r.stdout).toMatch(new RegExp(`^\\s+${field}\\s+<`, 'm'));
    });

    it('explains destination rule subsets and Gateway API route weights too', async () => {
      const dr = await explain('destinationrule.spec.subsets.labels');
      expect(dr.code, dr.stderr).toBe(0);
      expect(dr.stdout).toMatch(/FIELD: labels <map\[string\]string>/);
      const hr = await explain('httproute.spec.rules.backendRefs.weight');
      expect(hr.code, hr.stderr).toBe(0);
      expect(hr.stdout).toMatch(/GROUP:\s+gateway\.networking\.k8s\.io/);
      expect(hr.stdout).toMatch(/FIELD: weight <integer>/);
    });

    it('says a field does not exist, as kubectl does against a real server', async () => {
      const r = await explain('virtualservice.spec.http.route.percent');
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/field "percent" does not exist/);
    });
  },
);
