#!/usr/bin/env node
// `npm start`: build, then open the desktop app. Where no Electron binary can be had (a machine
// without access to Electron's download server), fall back to browser mode and say so.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findElectronBinary } from './electron-binary.mjs';
import { downloadFailure, fallbackMessage } from './start-fallback.mjs';

const build = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

let electron = findElectronBinary();
let failure;
if (!electron.path) {
  // First run on a machine with internet access: the electron package downloads its binary when
  // first required. Where that server is unreachable, the download fails and we fall back below.
  // Its output is kept back: where the download fails it ends in a stack trace, and all the
  // operator needs is the one line below saying why browser mode starts instead.
  console.log('Fetching the Electron binary (first run only)…');
  const download = spawnSync(process.execPath, ['-e', "require('electron')"], {
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    timeout: 300_000,
  });
  electron = findElectronBinary();
  if (!electron.path) failure = downloadFailure(download);
}
const args = process.argv.slice(2);
if (electron.path && existsSync(electron.path)) {
  const child = spawn(electron.path, ['.', ...args], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log(fallbackMessage(electron.reason, failure));
  const child = spawn(process.execPath, ['bin/switchyard.mjs', 'web', ...args], { stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code) => process.exit(code ?? 0));
}
