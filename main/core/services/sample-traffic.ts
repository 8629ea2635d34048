import { ApiFailure } from '../../../shared/api/errors.ts';
import { MAX_SAMPLE_REQUESTS } from '../../../shared/api/limits.ts';
import type { MeshRequest } from '../../../shared/mesh/evaluate/index.ts';

// Sample requests for the live rule preview: the demo mesh's visitor population (the same users
// and headers the simulated traffic sends; the entry point gives it to the core, see
// main/demo/embedded-demo.ts), or the operator's own JSONL sample, read here.

/** How many requests of the demo visitor population an estimate routes. */
export const DEMO_SAMPLE_SIZE = 2000;

/** Draws `count` requests of the demo's visitor population (given by the entry point). */
export type DemoRequests = (count: number) => Promise<MeshRequest[]>;
const STRING_FIELDS = ['method', 'path', 'authority', 'scheme', 'sourceNamespace', 'gateway'] as const;
const MAP_FIELDS = ['headers', 'query', 'sourceLabels'] as const;

function bad(line: number, message: string): never {
  throw new ApiFailure('invalid-request', `sample traffic, line ${line}: ${message}`);
}

function checkRequest(value: unknown, line: number): MeshRequest {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    bad(line, 'expected a JSON object like {"path":"/","headers":{"user-agent":"…"}}');
  const o = value as Record<string, unknown>;
  for (const f of STRING_FIELDS)
    if (o[f] !== undefined && typeof o[f] !== 'string') bad(line, `field '${f}' must be a string`);
  for (const f of MAP_FIELDS) {
    const m = o[f];
    if (m === undefined) continue;
    if (!m || typeof m !== 'object' || Array.isArray(m)) bad(line, `field '${f}' must be an object`);
    for (const [k, v] of Object.entries(m))
      if (typeof v !== 'string') bad(line, `field '${f}.${k}' must be a string, not ${JSON.stringify(v)}`);
  }
  if (o.port !== undefined && (typeof o.port !== 'number' || !Number.isInteger(o.port)))
    bad(line, `field 'port' must be a whole number`);
  if (typeof o.path === 'string' && !o.path.startsWith('/')) bad(line, `field 'path' must start with '/'`);
  return o as MeshRequest;
}

/** One request per non-empty line; the first bad line fails the whole sample, naming the line. */
export function parseSampleJsonl(text: string): MeshRequest[] {
  const out: MeshRequest[] = [];
  const lines = text.split(/\r?\n/);
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    if (out.length >= MAX_SAMPLE_REQUESTS)
      bad(i + 1, `the sample holds more than ${MAX_SAMPLE_REQUESTS} requests; use a smaller one`);
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      bad(i + 1, `not valid JSON (${(err as Error).message})`);
    }
    out.push(checkRequest(value, i + 1));
  }
  if (out.length === 0)
    throw new ApiFailure(
      'invalid-request',
      'sample traffic: the file holds no requests (one JSON object a line)',
    );
  return out;
}
