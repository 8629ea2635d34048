import { describe, expect, it } from 'vitest';
import { downloadFailure, fallbackMessage } from '../../../scripts/start-fallback.mjs';

// `npm start` on a machine cut off from Electron's download server: what the electron package
// prints when it fails (recorded here), and the one clean line Switchyard shows instead.
const failedDownload = `TypeError: fetch failed
    at node:internal/deps/undici/undici:14976:13
    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)
    at async FetchDownloader.download (file:///x/node_modules/@electron/get/dist/FetchDownloader.js:46:30)
/x/node_modules/electron/index.js:43
      throw new Error(
      ^

Error: Electron failed to install correctly. Please delete \`node_modules/electron\` and run "npx install-electron --no" manually.
    at getElectronPath (/x/node_modules/electron/index.js:43:13)

Node.js v20.20.2
`;

describe('npm start falling back to browser mode', () => {
  it('names the cause of a failed download in one line, without the stack trace', () => {
    const why = downloadFailure({
      status: 1,
      stdout: 'Downloading Electron binary...\n',
      stderr: failedDownload,
    });
    expect(why).toBe('fetch failed');
    const message = fallbackMessage('node_modules/electron/path.txt is missing', why);
    expect(message).toBe(
      'No Electron binary is available here (node_modules/electron/path.txt is missing; downloading it failed: fetch failed).\nStarting browser mode instead: open the URL printed below.',
    );
    expect(message).not.toMatch(/\n\s+at |index\.js|Node\.js v/);
  });

  it('says so when the download hangs, or exits without a word', () => {
    const timedOut = Object.assign(new Error('spawnSync node ETIMEDOUT'), { code: 'ETIMEDOUT' });
    expect(downloadFailure({ status: null, error: timedOut })).toBe('it took over 5 minutes');
    expect(downloadFailure({ status: 3, stderr: '' })).toBe('it exited with code 3');
  });

  it('without a download attempt, only the reason', () => {
    expect(fallbackMessage('ELECTRON_OVERRIDE_DIST_PATH has no binary at /opt/e/electron')).toBe(
      'No Electron binary is available here (ELECTRON_OVERRIDE_DIST_PATH has no binary at /opt/e/electron).\nStarting browser mode instead: open the URL printed below.',
    );
  });
});
