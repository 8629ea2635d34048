#!/usr/bin/env node
// `npm start`: build, then open the desktop app. Where no Electron binary can be had (a machine
// without access to Electron's download server), fall back to browser mode and say so.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findElectronBinary } from './electron-binary.mjs';

const build = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

let electron = findElectronBinary();
if (!electron.path) {
  // First run on a machine with internet access: the electron package downloads its binary when
  // first required. Where that server is unreachable, the download fails and we fall back below.
  spawnSync(process.execPath, ['-e', "require('electron')"], { stdio: 'inherit', timeout: 300_000 });
  electron = findElectronBinary();
}
const args = process.argv.slice(2);
if (electron.path && existsSync(electron.path)) {
  const child = spawn(electron.path, ['.', ...args], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log(
    `No Electron binary is available here (${electron.reason}); starting browser mode instead: open the URL below.`,
  );
  const child = spawn(process.execPath, ['bin/switchyard.mjs', 'web', ...args], { stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code) => process.exit(code ?? 0));
}
