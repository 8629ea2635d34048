import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from './command.ts';
import { parseCommandArgs, UsageError } from './command.ts';

const usage = `Usage: switchyard demo [--port N] [--kubeconfig FILE] [--seed S] [--services N] [--http]

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
  -h, --help        show this help

Prints one line when ready, e.g.
  demo mesh ready: https://127.0.0.1:PORT kubeconfig=/path contexts=demo-admin,demo-viewer,demo-team
and stops on Ctrl-C (SIGINT) or SIGTERM. Tokens are new on every run.

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
      },
      strict: true,
      allowPositionals: false,
    });
    const port = wholeNumber('port', values.port, 0, 65535);
    const seed = wholeNumber('seed', values.seed, 0, 2 ** 31 - 1);
    const services = wholeNumber('services', values.services, 0, 100_000);
    const kubeconfigPath = values.kubeconfig
      ? resolve(io.cwd, values.kubeconfig)
      : join(tmpdir(), 'switchyard-demo', 'kubeconfig');

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
