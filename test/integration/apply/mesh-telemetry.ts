// Reads the demo sidecars' counters (mesh-telemetry:15090 through the API server's service proxy)
// to count the 503s a change causes: routing to a subset that does not exist (NC) or to a version
// without ready pods (UH). A version's own 5xx answers carry no flag and are not counted.

import { request } from 'node:https';
import type { DemoMesh } from '../../../main/demo/demo-mesh.ts';

export function fetchExposition(demo: DemoMesh): Promise<string> {
  const url = new URL(
    `${demo.url}/api/v1/namespaces/istio-system/services/mesh-telemetry:15090/proxy/stats/prometheus`,
  );
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        headers: { Authorization: `Bearer ${demo.tokens.admin}` },
        ...(demo.caCert ? { ca: demo.caCert } : {}),
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(text)
            : reject(new Error(`mesh-telemetry answered ${res.statusCode}: ${text.slice(0, 200)}`)),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function labelsOf(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) out[m[1] as string] = m[2] as string;
  return out;
}

export interface RequestCounts {
  total: number;
  /** 503 answered by the mesh itself: no subset (NC) or no healthy upstream (UH). */
  meshUnavailable: number;
}

/** Requests reported by the callers (reporter="source") to one service. */
export function countRequests(exposition: string, service: string, namespace: string): RequestCounts {
  let total = 0;
  let meshUnavailable = 0;
  for (const line of exposition.split('\n')) {
    if (!line.startsWith('istio_requests_total{')) continue;
    const close = line.lastIndexOf('}');
    const l = labelsOf(line.slice(line.indexOf('{') + 1, close));
    if (
      l.reporter !== 'source' ||
      l.destination_service_name !== service ||
      l.destination_service_namespace !== namespace
    )
      continue;
    const value = Number(line.slice(close + 1).trim());
    total += value;
    if (l.response_code === '503' && (l.response_flags === 'NC' || l.response_flags === 'UH'))
      meshUnavailable += value;
  }
  return { total, meshUnavailable };
}
