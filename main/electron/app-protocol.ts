// The handler behind app://switchyard: serves the packaged renderer's files, and nothing else,
// with the desktop CSP on every response. No Electron import: it takes and returns Fetch API
// objects, so it is tested under plain Node against a real folder.
import fs from 'node:fs';
import { extname } from 'node:path';
import { promisify } from 'node:util';
import { isWithin, resolveAppPath } from './app-protocol-path.ts';
import { electronContentSecurityPolicy } from './content-security-policy.ts';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

const securityHeaders = {
  'Content-Security-Policy': electronContentSecurityPolicy,
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
};

// Looked up on each call: inside Electron these are the asar-aware versions of fs.
const realpath = (p: string) => promisify(fs.realpath)(p);
const stat = (p: string) => promisify(fs.stat)(p);
const readFile = (p: string) => promisify(fs.readFile)(p);

function refuse(status: number, reason: string): Response {
  return new Response(`${reason}\n`, {
    status,
    headers: { ...securityHeaders, 'Content-Type': 'text/plain; charset=utf-8' },
  });
}

/** Builds the app:// handler for one renderer folder (an absolute path). */
export function createAppProtocolHandler(rendererRoot: string): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405, 'only GET and HEAD');
    const resolved = resolveAppPath(rendererRoot, request.url);
    if (!resolved.ok) return refuse(resolved.status, resolved.reason);
    try {
      // A symbolic link inside the folder must not lead out of it.
      const real = await realpath(resolved.file);
      if (!isWithin(await realpath(rendererRoot), real)) return refuse(403, 'outside the renderer folder');
      if (!(await stat(real)).isFile()) return refuse(404, 'not found');
      const body = request.method === 'HEAD' ? null : new Uint8Array(await readFile(real));
      return new Response(body, {
        status: 200,
        headers: {
          ...securityHeaders,
          'Content-Type': contentTypes[extname(real).toLowerCase()] ?? 'application/octet-stream',
        },
      });
    } catch {
      return refuse(404, 'not found');
    }
  };
}
