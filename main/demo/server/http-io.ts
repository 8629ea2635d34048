import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { KubeStatusError } from '../store/kube-status-error.ts';

const maxBody = 8 * 1024 * 1024;

export function readBody(req: IncomingMessage): Promise<string>;
export function readBody(req: IncomingMessage, binary: true): Promise<Buffer>;
export function readBody(req: IncomingMessage, binary?: boolean): Promise<string | Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBody) {
        reject(
          new KubeStatusError(
            413,
            'RequestEntityTooLarge',
            `the request body is larger than ${maxBody} bytes`,
          ),
        );
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      const all = Buffer.concat(chunks);
      resolve(binary ? all : all.toString('utf8'));
    });
    req.on('error', reject);
  });
}

/** Parses a request body as JSON (or YAML for apply patches), with a 400 Status on bad input. */
export function parseBody(text: string, contentType: string): unknown {
  if (text.trim() === '') throw new KubeStatusError(400, 'BadRequest', 'the request body is empty');
  try {
    if (contentType.includes('yaml')) return parseYaml(text);
    return JSON.parse(text);
  } catch (err) {
    throw new KubeStatusError(
      400,
      'BadRequest',
      `the request body is not valid ${contentType.includes('yaml') ? 'YAML' : 'JSON'}: ${(err as Error).message}`,
    );
  }
}

export function sendRaw(
  res: ServerResponse,
  code: number,
  body: string,
  contentType = 'application/json',
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(code, {
    'Content-Type': contentType,
    'Cache-Control': 'no-cache, private',
    'Content-Length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

export function sendJson(
  res: ServerResponse,
  code: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  sendRaw(res, code, JSON.stringify(value), 'application/json', headers);
}

export function sendStatus(
  res: ServerResponse,
  err: KubeStatusError,
  headers: Record<string, string> = {},
): void {
  const extra = { ...headers };
  const retry = err.details?.retryAfterSeconds;
  if (retry !== undefined) extra['Retry-After'] = String(retry);
  sendJson(res, err.code, err.toStatus(), extra);
}

/** The media type a client asked for, minus parameters. */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** True when the Accept header asks for server-side printing (meta.k8s.io Table). */
export function wantsTable(accept: string | undefined): boolean {
  return /as=Table/.test(accept ?? '');
}
