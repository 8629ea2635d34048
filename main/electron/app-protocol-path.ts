// Maps an app://switchyard/… request URL to a file below the packaged renderer folder. Pure
// (string work only); app-protocol.ts does the I/O. Anything that could step outside the folder
// is refused here, before a path is ever built.
import { isAbsolute, join, sep } from 'node:path';
import { APP_HOST, APP_SCHEME } from './renderer-origin.ts';

export type AppPathResult =
  | { ok: true; file: string; relative: string }
  | { ok: false; status: 400 | 403 | 404; reason: string };

/** Longest path we serve; the renderer's own files are far shorter. */
const maxPathLength = 1024;

export function resolveAppPath(rendererRoot: string, requestUrl: string): AppPathResult {
  if (!isAbsolute(rendererRoot))
    throw new Error(`the renderer folder must be absolute, not '${rendererRoot}'`);
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return { ok: false, status: 400, reason: 'not a URL' };
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) {
    return { ok: false, status: 404, reason: `only ${APP_SCHEME}://${APP_HOST}/ is served` };
  }
  const rawPath = url.pathname;
  if (rawPath.length > maxPathLength) return { ok: false, status: 400, reason: 'path too long' };
  // Encoded separators and dots would survive the URL parser's own dot-segment removal.
  if (/%2f|%5c|%2e|%00/i.test(rawPath)) {
    return { ok: false, status: 400, reason: 'encoded separators, dots or NUL in the path' };
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return { ok: false, status: 400, reason: 'malformed percent-encoding' };
  }
  if (decoded.includes('\\') || decoded.includes('\0')) {
    return { ok: false, status: 400, reason: 'backslash or NUL in the path' };
  }
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '.' || s === '..')) {
    return { ok: false, status: 403, reason: 'dot segments are not served' };
  }
  // A drive letter ("C:") or a hidden file has no business in a request for the bundle.
  if (segments.some((s) => s.startsWith('.') || /^[a-z]:$/i.test(s) || s.includes(':'))) {
    return { ok: false, status: 403, reason: 'hidden files and drive-like names are not served' };
  }
  if (segments.length === 0) segments.push('index.html');
  const relative = segments.join('/');
  const file = join(rendererRoot, ...segments);
  const root = rendererRoot.endsWith(sep) ? rendererRoot : rendererRoot + sep;
  if (!file.startsWith(root)) return { ok: false, status: 403, reason: 'outside the renderer folder' };
  return { ok: true, file, relative };
}

/** True when `child` (a real path) is `root` or below it. */
export function isWithin(root: string, child: string): boolean {
  const prefix = root.endsWith(sep) ? root : root + sep;
  return child === root || child.startsWith(prefix);
}
