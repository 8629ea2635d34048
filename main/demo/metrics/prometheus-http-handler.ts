import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServiceProxyHandler } from '../server/service-proxy.ts';
import type { IstioMetricsRegistry } from './istio-metrics-registry.ts';
import { type ApiAnswer, badData, type PrometheusQueryApi } from './prometheus-query-api.ts';

const MAX_BODY = 1 << 20;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, answer: ApiAnswer): void {
  const body = JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** GET parameters from the query string, POST parameters from a form-encoded body, merged as Prometheus does. */
async function paramsOf(req: IncomingMessage, url: URL): Promise<URLSearchParams> {
  const params = new URLSearchParams(url.search);
  if (req.method === 'POST') {
    const type = String(req.headers['content-type'] ?? '');
    const body = await readBody(req);
    if (body !== '' && !type.startsWith('application/x-www-form-urlencoded')) {
      throw new Error(`unsupported Content-Type "${type}": send application/x-www-form-urlencoded`);
    }
    for (const [k, v] of new URLSearchParams(body)) params.append(k, v);
  }
  return params;
}

/** The demo Prometheus' HTTP API, mounted at `prometheus:9090` through the API server's service proxy. */
export function prometheusHttpHandler(api: PrometheusQueryApi): ServiceProxyHandler {
  return async (req, res, subpath) => {
    const url = new URL(subpath || '/', 'http://prometheus.local');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (req.method !== 'GET' && req.method !== 'POST') {
      res.writeHead(405, { Allow: 'GET, POST' }).end();
      return;
    }
    if (path === '/-/ready' || path === '/-/healthy') {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('Prometheus Server is Ready.\n');
      return;
    }
    let params: URLSearchParams;
    try {
      params = await paramsOf(req, url);
    } catch (err) {
      sendJson(res, badData(err instanceof Error ? err.message : String(err)));
      return;
    }
    if (path === '/api/v1/query') sendJson(res, api.query(params));
    else if (path === '/api/v1/query_range') sendJson(res, api.queryRange(params));
    else if (path === '/api/v1/labels') sendJson(res, api.labelNames());
    else if (path.startsWith('/api/v1/label/') && path.endsWith('/values')) {
      sendJson(
        res,
        api.labelValues(decodeURIComponent(path.slice('/api/v1/label/'.length, -'/values'.length))),
      );
    } else if (path === '/api/v1/status/buildinfo') {
      sendJson(res, {
        status: 200,
        body: { status: 'success', data: { version: '2.54.1', revision: 'switchyard-demo', branch: 'demo' } },
      });
    } else {
      sendJson(res, {
        status: 404,
        body: {
          status: 'error',
          errorType: 'not_found',
          error: `the demo Prometheus does not serve ${path}`,
        },
      });
    }
  };
}

/** The simulated sidecars' metrics in the Prometheus text format, at `mesh-telemetry:15090/stats/prometheus`. */
export function meshTelemetryHandler(registry: IstioMetricsRegistry): ServiceProxyHandler {
  return (req, res, subpath) => {
    const path = new URL(subpath || '/', 'http://mesh-telemetry.local').pathname;
    if (path !== '/stats/prometheus' && path !== '/metrics') {
      res
        .writeHead(404, { 'Content-Type': 'text/plain' })
        .end(`mesh-telemetry serves /stats/prometheus, not ${path}\n`);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET' }).end();
      return;
    }
    const body = registry.exposition();
    res.writeHead(200, {
      'Content-Type': 'text/plain; version=0.0.4; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}
