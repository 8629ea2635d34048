import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
} from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { extractAll, listPackage } from '@electron/asar';
import { getCurrentFuseWire } from '@electron/fuses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { parse } from 'yaml';
import { findElectronBinary } from '../../../scripts/electron-binary.mjs';
import { repoRoot } from '../../helpers/shared-reference.ts';
import { importedPackages } from './bare-imports.ts';
import { startPackagedCommand, stopPackagedCommands } from './packaged-command.ts';
import { fuseNames, writeStandInElectronDist } from './stand-in-electron.ts';

// The package holds what it runs on: electron-builder packs the built app (--dir), and the
// resulting app.asar is opened, checked, extracted outside the repository and run under plain Node.
// Where no Electron binary exists, a stand-in electronDist carries a fuse wire like a real binary's.

const require = createRequire(import.meta.url);
const work = realpathSync(mkdtempSync(join(tmpdir(), 'sy-package-')));
const rootPackage = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
// Imports that a package never reaches, each with the reason.
const devOnlyImports: Record<string, string> = {
  vite: 'main/server/renderer-build.ts builds a missing renderer; a package always has out/renderer',
};

let appDir = '';
let asarPath = '';
let asarFiles: string[] = [];
let extracted = '';

function run(cmd: string, args: string[], timeout: number) {
  const result = spawnSync(cmd, args, { cwd: repoRoot, encoding: 'utf8', timeout, env: process.env });
  if (result.status !== 0) {
    throw new Error(
      `${[cmd, ...args].join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result;
}

beforeAll(() => {
  const built = ['out/main/index.js', 'out/preload/preload.cjs', 'out/renderer/index.html', 'out/cli/cli.js'];
  if (!built.every((f) => existsSync(join(repoRoot, f)))) run('npm', ['run', 'build'], 120_000);

  const real = findElectronBinary();
  const electronDist =
    real.path && process.platform === 'linux'
      ? dirname(real.path)
      : writeStandInElectronDist(join(work, 'electron-dist'));
  const started = Date.now();
  run(
    process.execPath,
    [
      require.resolve('electron-builder/cli.js'),
      '--dir',
      '--linux',
      '--config',
      'electron-builder.yml',
      `-c.electronDist=${electronDist}`,
      `-c.directories.output=${join(work, 'dist')}`,
    ],
    150_000,
  );
  const unpacked = readdirSync(join(work, 'dist')).find((d) => d.endsWith('-unpacked'));
  if (!unpacked) throw new Error(`electron-builder made no *-unpacked folder in ${join(work, 'dist')}`);
  appDir = join(work, 'dist', unpacked);
  asarPath = join(appDir, 'resources', 'app.asar');
  asarFiles = listPackage(asarPath, { isPack: false }).map((f) => f.replaceAll('\\', '/'));

  extracted = join(work, 'extracted');
  mkdirSync(extracted);
  extractAll(asarPath, extracted);
  console.log(
    JSON.stringify({
      packagingSeconds: (Date.now() - started) / 1000,
      electronDist: real.path ? 'real' : 'stand-in',
      asarBytes: statSync(asarPath).size,
      asarEntries: asarFiles.length,
    }),
  );
}, 240_000);

afterAll(async () => {
  await stopPackagedCommands();
  // About 100 MB per run (the package and its extracted copy): leave nothing behind.
  rmSync(work, { recursive: true, force: true });
});

describe('the packaged app', () => {
  it('has its fuses flipped by electron-builder', async () => {
    const wire = await getCurrentFuseWire(join(appDir, 'switchyard'));
    const state = (name: (typeof fuseNames)[number]) =>
      String.fromCharCode(wire[fuseNames.indexOf(name) as keyof typeof wire] as number);
    expect({
      runAsNode: state('runAsNode'),
      enableNodeOptionsEnvironmentVariable: state('enableNodeOptionsEnvironmentVariable'),
      enableNodeCliInspectArguments: state('enableNodeCliInspectArguments'),
      enableEmbeddedAsarIntegrityValidation: state('enableEmbeddedAsarIntegrityValidation'),
      onlyLoadAppFromAsar: state('onlyLoadAppFromAsar'),
      enableCookieEncryption: state('enableCookieEncryption'),
      grantFileProtocolExtraPrivileges: state('grantFileProtocolExtraPrivileges'),
    }).toEqual({
      runAsNode: '0',
      enableNodeOptionsEnvironmentVariable: '0',
      enableNodeCliInspectArguments: '0',
      enableEmbeddedAsarIntegrityValidation: '1',
      onlyLoadAppFromAsar: '1',
      enableCookieEncryption: '1',
      grantFileProtocolExtraPrivileges: '0',
    });
  });

  it('ships no source maps, TypeScript sources or tests', () => {
    const unpackedFiles = readdirSync(join(appDir, 'resources'), { recursive: true }).map(String);
    const all = [...asarFiles, ...unpackedFiles];
    expect(all.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(all.filter((f) => /\.(ts|tsx|mts|cts)$/.test(f))).toEqual([]);
    expect(all.filter((f) => /\.(test|spec)\.[cm]?js$/.test(f))).toEqual([]);
    expect(all.filter((f) => /\/(test|tests|__tests__)\//.test(f))).toEqual([]);
    const ownFiles = asarFiles.filter((f) => f !== '/node_modules' && !f.startsWith('/node_modules/'));
    expect(ownFiles.filter((f) => !f.startsWith('/out/') && f !== '/out' && f !== '/package.json')).toEqual(
      [],
    );
    expect(asarFiles).toContain('/out/renderer/index.html');
    expect(asarFiles).toContain('/out/main/index.js');
  });

  it('holds every package its code imports, each a runtime dependency', () => {
    const packaged = JSON.parse(readFileSync(join(extracted, 'package.json'), 'utf8'));
    expect(packaged.dependencies).toEqual(rootPackage.dependencies);
    const imports = new Map<string, string[]>();
    for (const dir of ['main', 'preload', 'cli']) {
      for (const [name, files] of importedPackages(join(extracted, 'out', dir))) {
        imports.set(name, [...(imports.get(name) ?? []), ...files]);
      }
    }
    expect(imports.size).toBeGreaterThan(5);
    const problems: string[] = [];
    for (const [name, files] of imports) {
      if (name === 'electron' || name in devOnlyImports) continue;
      const where = files[0]?.slice(extracted.length);
      if (!(name in rootPackage.dependencies)) {
        problems.push(
          `${name} (imported by ${where}) is ${name in rootPackage.devDependencies ? 'a devDependency' : 'not a dependency'}`,
        );
      }
      if (!existsSync(join(extracted, 'node_modules', name, 'package.json'))) {
        problems.push(`${name} (imported by ${where}) is not in app.asar`);
      }
    }
    expect(problems).toEqual([]);
    for (const name of Object.keys(rootPackage.dependencies)) {
      expect(existsSync(join(extracted, 'node_modules', name, 'package.json')), name).toBe(true);
    }
  });

  it('runs `switchyard demo` from the package under plain Node', async () => {
    const kubeconfig = join(work, 'demo-kubeconfig');
    const url = await startPackagedCommand(
      extracted,
      ['demo', '--port', '0', '--kubeconfig', kubeconfig],
      /demo mesh ready: (https:\/\/\S+)/,
      {},
    );
    const config = parse(readFileSync(kubeconfig, 'utf8'));
    const ca = Buffer.from(config.clusters[0].cluster['certificate-authority-data'], 'base64');
    const token = config.users[0].user.token as string;
    const body = await new Promise<string>((resolve, reject) => {
      const req = httpsRequest(`${url}/api/v1/namespaces`, {
        ca,
        headers: { Authorization: `Bearer ${token}` },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () =>
          res.statusCode === 200 ? resolve(text) : reject(new Error(`${res.statusCode} ${text}`)),
        );
      });
      req.on('error', reject);
      req.end();
    });
    expect(JSON.parse(body)).toMatchObject({ kind: 'NamespaceList' });
    expect(JSON.parse(body).items.length).toBeGreaterThan(0);
  }, 90_000);

  it('runs `switchyard web` from the package under plain Node: page, assets and the contract', async () => {
    const dataDir = join(work, 'web-data');
    const pageUrl = await startPackagedCommand(
      extracted,
      ['web', '--port', '0'],
      /Switchyard is ready: (\S+)/,
      {
        SWITCHYARD_DATA_DIR: dataDir,
        KUBECONFIG: join(work, 'no-kubeconfig'),
      },
    );
    const page = await fetch(pageUrl);
    expect(page.status).toBe(200);
    const html = await page.text();
    const script = html.match(/src="\.\/(assets\/[^"]+\.js)"/)?.[1];
    expect(script, html).toBeDefined();
    const asset = await fetch(new URL(script as string, pageUrl));
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);

    const { origin, port, searchParams } = new URL(pageUrl);
    const socket = new WebSocket(`ws://127.0.0.1:${port}/api?token=${searchParams.get('token')}`, { origin });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.once('open', () => resolve());
    });
    let nextId = 1;
    const call = (channel: string) =>
      new Promise<{ ok: boolean; value?: { running?: boolean; starting?: boolean } }>((resolve) => {
        const id = nextId++;
        const onMessage = (data: unknown) => {
          const frame = JSON.parse(String(data));
          if (frame.type === 'result' && frame.id === id) {
            socket.off('message', onMessage);
            resolve(frame.result);
          }
        };
        socket.on('message', onMessage);
        socket.send(JSON.stringify({ type: 'call', id, channel, payload: {} }));
      });
    // The demo mesh starts in the background after the first screen: ask until it runs.
    let answer = await call('demo.status');
    for (let i = 0; i < 120 && answer.ok && answer.value?.running !== true; i++) {
      await new Promise((r) => setTimeout(r, 250));
      answer = await call('demo.status');
    }
    socket.close();
    // No kubeconfig: the packaged core started the embedded demo mesh, all from app.asar's modules.
    expect(answer).toMatchObject({ ok: true, value: { running: true } });
  }, 90_000);
});
