import type { DemoMesh } from '../../../main/demo/demo-mesh.ts';

/** API answers as tests read them: loosely, field by field, asserted with toMatchObject. */
// biome-ignore lint/suspicious/noExplicitAny: response bodies in tests are navigated freely and checked by assertions
export type LooseJson = any;

/** A tiny fetch wrapper for the plain-HTTP demo server, as admin or viewer. */
export function apiClient(mesh: DemoMesh, who: 'admin' | 'viewer' = 'admin') {
  const token = who === 'admin' ? mesh.tokens.admin : mesh.tokens.viewer;
  return async (method: string, path: string, body?: unknown, contentType = 'application/json') => {
    const res = await fetch(`${mesh.url}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'Content-Type': contentType } : {}),
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let json: LooseJson;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  };
}

/** Reads a watch stream until `count` events arrived (or the stream ended). */
export async function readWatch(
  mesh: DemoMesh,
  path: string,
  count: number,
  timeoutMs = 3000,
): Promise<LooseJson[]> {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), timeoutMs);
  const events: LooseJson[] = [];
  try {
    const res = await fetch(`${mesh.url}${path}`, {
      headers: { Authorization: `Bearer ${mesh.tokens.admin}` },
      signal: ctrl.signal,
    });
    const reader = res.body!.getReader();
    let buf = '';
    while (events.length < count) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += new TextDecoder().decode(value);
      let nl = buf.indexOf('\n');
      while (nl >= 0) {
        events.push(JSON.parse(buf.slice(0, nl)));
        buf = buf.slice(nl + 1);
        nl = buf.indexOf('\n');
      }
    }
    ctrl.abort();
  } catch (err) {
    if ((err as Error).name !== 'AbortError') throw err;
  } finally {
    clearTimeout(timer);
  }
  return events;
}
