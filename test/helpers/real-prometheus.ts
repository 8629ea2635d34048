import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DemoMesh } from '../../main/demo/demo-mesh.ts';

// A real Prometheus (Debian's package) scraping the demo mesh's text exposition through the API
// server's service proxy with the admin token and the demo CA, every second.
// Used by the demo-sim and metrics integration tests.

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';
export const havePrometheus = existsSync(PROMETHEUS_BIN);
const TELEMETRY = '/api/v1/namespaces/istio-system/services/mesh-telemetry:15090/proxy/stats/prometheus';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface RealPrometheus {
  url: string;
  log(): string;
  stop(): Promise<void>;
}

export async function startRealPrometheus(mesh: DemoMesh): Promise<RealPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'sy-metrics-prom-'));
  writeFileSync(join(dir, 'ca.pem'), mesh.caCert ?? '');
  writeFileSync(join(dir, 'token'), mesh.tokens.admin);
  writeFileSync(
    join(dir, 'prometheus.yml'),
    [
      'global:',
      '  scrape_interval: 1s',
      '  evaluation_interval: 1s',
      'scrape_configs:',
      '  - job_name: demo-mesh',
      '    scheme: https',
      `    metrics_path: ${TELEMETRY}`,
      '    authorization:',
      '      type: Bearer',
      `      credentials_file: ${join(dir, 'token')}`,
      '    tls_config:',
      `      ca_file: ${join(dir, 'ca.pem')}`,
      '    static_configs:',
      `      - targets: ['127.0.0.1:${mesh.port}']`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let log = '';
  const child: ChildProcess = spawn(
    PROMETHEUS_BIN,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr?.on('data', (c: Buffer) => {
    log = (log + c.toString()).slice(-4000);
  });
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      await stop();
      throw new Error(`Prometheus did not become ready within 15 s: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return { url, log: () => log, stop };
}
