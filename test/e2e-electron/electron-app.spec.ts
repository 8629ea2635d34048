import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { electronContentSecurityPolicy } from '../../main/electron/content-security-policy.ts';
import { findElectronBinary } from '../../scripts/electron-binary.mjs';

const binary = findElectronBinary();
const built = existsSync('out/main/index.js');
const skipReason = !binary.path
  ? `Skipping the Electron e2e spec: ${binary.reason}. Browser mode covers the same UI and contract.`
  : !built
    ? 'Skipping the Electron e2e spec: out/main/index.js is missing; run `npm run build` first.'
    : undefined;
if (skipReason) console.log(skipReason);

test.describe('the desktop app', () => {
  test.skip(skipReason !== undefined, skipReason);

  test('opens a sandboxed window from app://switchyard on the demo mesh, locked down', async () => {
    const userData = mkdtempSync(join(tmpdir(), 'sy-electron-'));
    const app = await electron.launch({
      executablePath: binary.path,
      args: ['out/main/index.js', `--user-data-dir=${userData}`, '--no-sandbox'],
      env: {
        ...process.env,
        KUBECONFIG: join(userData, 'none'),
        SWITCHYARD_SKIP_SHELL_ENV: '1',
        ELECTRON_RENDERER_URL: '',
      },
    });
    const page = await app.firstWindow();
    await expect(page.getByRole('heading', { name: 'Switchyard', level: 1 })).toBeVisible();
    await expect(page.getByRole('listitem', { name: 'Demo mesh' })).toContainText('Connected');
    // The renderer has no Node: the contract bridge is all it sees.
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    expect(
      await page.evaluate(() => Object.keys((window as unknown as { switchyard: object }).switchyard).sort()),
    ).toEqual(['calls', 'on']);
    // The page comes from app://switchyard, with the desktop CSP, and nothing outside its folder.
    expect(page.url()).toBe('app://switchyard/index.html');
    const served = await page.evaluate(async () => {
      const index = await fetch('app://switchyard/index.html');
      const outside = await fetch('app://switchyard/..%2fmain/index.js');
      return { csp: index.headers.get('content-security-policy'), outside: outside.status };
    });
    expect(served).toEqual({ csp: electronContentSecurityPolicy, outside: 400 });
    // No sockets, no new windows, no permissions.
    const socket = await page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          document.addEventListener('securitypolicyviolation', (e) => resolve(e.effectiveDirective), {
            once: true,
          });
          try {
            new WebSocket('ws://127.0.0.1:9/');
          } catch {
            resolve('threw');
          }
        }),
    );
    expect(['connect-src', 'threw']).toContain(socket);
    expect(await page.evaluate(() => window.open('https://example.com/') === null)).toBe(true);
    expect(app.windows()).toHaveLength(1);
    expect(await page.evaluate(() => Notification.requestPermission())).toBe('denied');
    mkdirSync('test/artifacts', { recursive: true });
    await page.screenshot({ path: 'test/artifacts/electron-first-screen.png' });
    await app.close();
  });
});
