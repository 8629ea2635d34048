import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAppProtocolHandler } from '../../../main/electron/app-protocol.ts';
import { electronContentSecurityPolicy } from '../../../main/electron/content-security-policy.ts';

// A real renderer folder beside a secret the handler must never serve.
const base = realpathSync(mkdtempSync(join(tmpdir(), 'sy-app-protocol-')));
const root = join(base, 'renderer');
const secret = 'SECRET-kubeconfig-token';

beforeAll(() => {
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Switchyard</title>');
  writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(join(root, 'assets', 'index-abc.css'), 'body{}');
  writeFileSync(join(base, 'secret.txt'), secret);
  symlinkSync(join(base, 'secret.txt'), join(root, 'assets', 'link-out.js'));
  symlinkSync(join(root, 'assets', 'index-abc.js'), join(root, 'assets', 'link-in.js'));
});

const handler = createAppProtocolHandler(root);
const get = (url: string, method = 'GET') => handler(new Request(url, { method }));

describe('the app:// handler', () => {
  it('serves the page and its assets with their types and the desktop CSP', async () => {
    const page = await get('app://switchyard/index.html');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Switchyard</title>');
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(electronContentSecurityPolicy);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');

    const script = await get('app://switchyard/assets/index-abc.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toBe('console.log(1)');
    expect((await get('app://switchyard/assets/index-abc.css')).headers.get('content-type')).toBe(
      'text/css; charset=utf-8',
    );
    expect((await get('app://switchyard/')).status).toBe(200);
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await get('app://switchyard/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const post = await get('app://switchyard/index.html', 'POST');
    expect(post.status).toBe(405);
  });

  it('follows a symbolic link that stays inside, and refuses one that leads out', async () => {
    expect(await (await get('app://switchyard/assets/link-in.js')).text()).toBe('console.log(1)');
    const out = await get('app://switchyard/assets/link-out.js');
    expect(out.status).toBe(403);
    expect(await out.text()).not.toContain(secret);
  });

  it('never serves a file outside the folder, and says why', async () => {
    for (const url of [
      'app://switchyard/..%2fsecret.txt',
      'app://switchyard/assets/..%5c..%5csecret.txt',
      'app://switchyard/../secret.txt',
      'app://switchyard/%2e%2e/secret.txt',
      'app://other/secret.txt',
    ]) {
      const res = await get(url);
      expect(res.status, url).toBeGreaterThanOrEqual(400);
      expect(await res.text(), url).not.toContain(secret);
      expect(res.headers.get('content-security-policy')).toBe(electronContentSecurityPolicy);
    }
    expect(await (await get('app://switchyard/..%2fsecret.txt')).text()).toMatch(/encoded separators/);
  });

  it('answers 404 for a missing file, a folder or a FIFO', async () => {
    expect((await get('app://switchyard/missing.js')).status).toBe(404);
    expect((await get('app://switchyard/assets')).status).toBe(404);
    if (spawnSync('mkfifo', [join(root, 'pipe.js')]).status === 0) {
      expect((await get('app://switchyard/pipe.js')).status).toBe(404);
    }
  });
});
