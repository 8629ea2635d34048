import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The sentinel Electron puts before its fuse wire (as @electron/fuses looks for it). */
export const fuseSentinel = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

/** The fuse states of a stock Electron binary, in wire order ('1' on, '0' off). */
export const stockFuses = {
  runAsNode: '1',
  enableCookieEncryption: '0',
  enableNodeOptionsEnvironmentVariable: '1',
  enableNodeCliInspectArguments: '1',
  enableEmbeddedAsarIntegrityValidation: '0',
  onlyLoadAppFromAsar: '0',
  loadBrowserProcessSpecificV8Snapshot: '0',
  grantFileProtocolExtraPrivileges: '1',
} as const;
export const fuseNames = Object.keys(stockFuses) as Array<keyof typeof stockFuses>;

/**
 * An `electronDist` folder for electron-builder where no Electron binary can be downloaded: one
 * `electron` executable that is a shell script, carrying a fuse wire laid out as in a real binary
 * (sentinel, wire version 1, wire length, one byte per fuse), so electron-builder's fuse flipping
 * runs for real on it.
 */
export function writeStandInElectronDist(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const wire = fuseNames.map((name) => stockFuses[name]).join('');
  const script = Buffer.concat([
    Buffer.from('#!/bin/sh\necho "stand-in for the Electron binary (packaging test)"\nexit 0\n# '),
    Buffer.from(fuseSentinel),
    Buffer.from([1, wire.length]),
    Buffer.from(`${wire}\n`),
  ]);
  const file = join(dir, 'electron');
  writeFileSync(file, script);
  chmodSync(file, 0o755);
  writeFileSync(join(dir, 'version'), 'stand-in');
  return dir;
}
