import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DemoFleetOptions } from '../demo/fleet/demo-fleet.ts';
import type { Command, CommandIO } from './command.ts';
import { parseCommandArgs, UsageError } from './command.ts';

const usage = `Usage: switchyard demo [--port N] [--kubeconfig FILE] [--seed S] [--services N] [--http] [--clusters N]

Runs the demo mesh standalone: a Kubernetes API server on 127.0.0.1 with a simulated Istio mesh
(Bookinfo and a shop, live traffic, a Prometheus API through the service proxy). kubectl and the
app talk to it through the kubeconfig it writes, which has three contexts:
  demo-admin   every right (the current context)
  demo-viewer  read only: every write is 403 Forbidden
  demo-team    reads and writes the shop namespace only (cluster-wide requests are 403)

Options:
  --port N          listen on port N (default: a free port)
  --kubeconfig FILE write the kubeconfig here (default: switchyard-demo/kubeconfig in the OS temp folder)
  --seed S          seed for the simulation (default: 1)
  --services N      add N generated services, for scale tests (default: 0)
  --http            serve plain HTTP instead of HTTPS with a generated CA
  --clusters N      run a fleet of N demo meshes, 1 to 12 (default 1: the single mesh above)
  -h, --help        show this help

Prints one line when ready, e.g.
  demo mesh ready: https://127.0.0.1:PORT kubeconfig=/path contexts=demo-admin,demo-viewer,demo-team
and stops on Ctrl-C (SIGINT) or SIGTERM. Tokens are new on every run.

With --clusters N (2 to 12), N meshes run in this process, one port each (--port P: P, P+1, …),
named demo-eu-1, demo-us-1, demo-ap-1, demo-eu-2, … and each cluster i starts as variation i mod 4:
  the demo seed (reviews 80/10/10, payment 90/10)
  reviews' catch-all split is v1 50%, v2 40%, v3 10%
  payment is already on v2 (catch-all v1 0%, v2 100%)
  reviews v3 is not deployed (catch-all v1 80%, v2 20%)
The kubeconfig has per cluster the contexts <cluster>-admin (the first cluster's is current),
<cluster>-viewer and <cluster>-team, e.g. demo-us-1-admin. The first line printed is e.g.
  demo fleet ready: clusters=demo-eu-1,demo-us-1 kubeconfig=/path contexts=demo-eu-1-admin,…
followed by one line per cluster with its URL and how it differs.

Fault injection for tests: POST ${'/switchyard.io/demo/faults'} with the admin token, e.g.
  {"failNext": {"verb": "patch", "resource": "virtualservices", "code": 500}}
  {"set": {"latencyMs": 200, "errorRate": 0.1, "errorCode": 429}}
  {"dropWatches": true}   {"reset": true}
  {"set": {"staleProxies": ["reviews-v2"]}}   (those proxies acknowledge no further push from istiod)
  {"set": {"proxyStatusHidden": true}}        (istiod's /debug/syncz answers 404)
`;

function wholeNumber(name: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, not '${text}'`);
  }
  return n;
}

/** `--clusters N` above 1: the demo fleet, one ready line, one line per cluster, until stopped. */
async function runFleet(io: CommandIO, options: DemoFleetOptions): Promise<number> {
  const { startDemoFleet } = await import('../demo/fleet/demo-fleet.ts');
  const fleet = await startDemoFleet(options);
  const lines = [
    `demo fleet ready: clusters=${fleet.clusters.map((c) => c.name).join(',')} kubeconfig=${fleet.kubeconfigPath} contexts=${fleet.contexts.join(',')}`,
    ...fleet.clusters.map((c) => `  ${c.name} ${c.mesh.url} ${c.variation.words}`),
  ];
  io.stdout(`${lines.join('\n')}\n`);
  const signal = await io.stopSignal;
  io.stderr(`demo fleet stopping (${signal})\n`);
  await fleet.stop();
  return 0;
}

export const demoCommand: Command = {
  name: 'demo',
  summary: 'run the demo mesh (a Kubernetes API with a simulated Istio mesh) on 127.0.0.1',
  usage,
  async run(args, io) {
    const { values } = parseCommandArgs({
      args,
      options: {
        port: { type: 'string' },
        kubeconfig: { type: 'string' },
        seed: { type: 'string' },
        services: { type: 'string' },
        http: { type: 'boolean', default: false },
        clusters: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    });
    const port = wholeNumber('port', values.port, 0, 65535);
    const seed = wholeNumber('seed', values.seed, 0, 2 ** 31 - 1);
    const services = wholeNumber('services', values.services, 0, 100_000);
    const clusters = wholeNumber('clusters', values.clusters, 1, 12);
    if (port !== undefined && port > 0 && clusters !== undefined && port + clusters - 1 > 65535) {
      throw new UsageError(
        `--port ${port} leaves no room for ${clusters} clusters (ports ${port} to ${port + clusters - 1})`,
      );
    }
    const kubeconfigPath = values.kubeconfig
      ? resolve(io.cwd, values.kubeconfig)
      : join(tmpdir(), 'switchyard-demo', 'kubeconfig');

    if (clusters !== undefined && clusters > 1) {
      return runFleet(io, {
        clusters,
        kubeconfigPath: values.kubeconfig
          ? kubeconfigPath
          : join(tmpdir(), 'switchyard-demo', 'fleet-kubeconfig'),
        http: values.http,
        ...(port !== undefined ? { port } : {}),
        ...(seed !== undefined ? { seed } : {}),
        ...(services !== undefined ? { services } : {}),
      });
    }
    const { startDemoMesh } = await import('../demo/demo-mesh.ts');
    const mesh = await startDemoMesh({
      kubeconfigPath,
      http: values.http,
      ...(port !== undefined ? { port } : {}),
      ...(seed !== undefined ? { seed } : {}),
      ...(services !== undefined ? { services } : {}),
    });
    io.stdout(
      `demo mesh ready: ${mesh.url} kubeconfig=${mesh.kubeconfigPath} contexts=demo-admin,demo-viewer,demo-team\n`,
    );
    const signal = await io.stopSignal;
    io.stderr(`demo mesh stopping (${signal})\n`);
    await mesh.stop();
    return 0;
  },
};
