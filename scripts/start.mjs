#!/usr/bin/env node
// `npm start`: build, then open the desktop app. Where no Electron binary can be had (a machine
// without access to Electron's download server), fall back to browser mode and say so.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const build = spawnSync('npx', ['electron-vite', 'build'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

let electronPath;
try {
  electronPath = createRequire(import.meta.url)('electron');
} catch {
  electronPath = undefined;
}
const args = process.argv.slice(2);
if (typeof electronPath === 'string' && existsSync(electronPath)) {
  const child = spawn(electronPath, ['.', ...args], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log('No Electron binary is available here; starting browser mode instead (open the URL below).');
  const child = spawn(process.execPath, ['bin/switchyard.mjs', 'web', ...args], { stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code) => process.exit(code ?? 0));
}
