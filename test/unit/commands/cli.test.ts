import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../main/cli.ts';
import { captureIO } from '../../helpers/capture-io.ts';
import { repoRoot } from '../../helpers/shared-reference.ts';

describe('the switchyard command', () => {
  it('lists its subcommands with --help', async () => {
    const c = captureIO();
    expect(await main(['--help'], c.io)).toBe(0);
    expect(c.stdout()).toContain('Usage: switchyard <command>');
    expect(c.stdout()).toContain('  web');
  });

  it('says how to get help for an unknown command and exits 2', async () => {
    const c = captureIO();
    expect(await main(['deploy-everything'], c.io)).toBe(2);
    expect(c.stderr()).toBe(
      "switchyard: unknown command 'deploy-everything'. Run 'switchyard --help' for the list.\n",
    );
  });

  it('prints the help of web', async () => {
    const c = captureIO();
    expect(await main(['web', '--help'], c.io)).toBe(0);
    expect(c.stdout()).toContain(
      'Usage: switchyard web [--port N] [--demo [--clusters N] [--kubeconfig FILE]]',
    );
    expect(c.stdout()).toContain('--clusters N    with --demo: run the demo fleet instead');
  });

  it('rejects a bad port and an unknown option with one line each', async () => {
    const bad = captureIO();
    expect(await main(['web', '--port', 'eighty'], bad.io)).toBe(2);
    expect(bad.stderr()).toContain("--port must be a whole number from 0 to 65535, not 'eighty'");
    const unknown = captureIO();
    expect(await main(['web', '--colour'], unknown.io)).toBe(2);
    expect(unknown.stderr()).toMatch(/Unknown option '--colour'/);
  });

  it('rejects a short SWITCHYARD_TOKEN', async () => {
    const c = captureIO({ env: { SWITCHYARD_TOKEN: 'short' } });
    expect(await main(['web'], c.io)).toBe(2);
    expect(c.stderr()).toContain('SWITCHYARD_TOKEN must be at least 16 characters');
  });

  it('runs as a real process through bin/switchyard.mjs', () => {
    const run = spawnSync(process.execPath, [join(repoRoot, 'bin/switchyard.mjs'), '--help'], {
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('switchyard — grayscale releases on Istio service meshes');
  });
});
