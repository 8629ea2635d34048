import { mkdirSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createKubeconfigWatcher } from '../../../main/core/kubeconfig/kubeconfig-watcher.ts';

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('kubeconfig watcher', () => {
  it('calls onChange once for a burst of writes to a watched file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-watch-'));
    const file = join(dir, 'config');
    writeFileSync(file, 'a');
    const onChange = vi.fn();
    const watcher = createKubeconfigWatcher({ paths: () => [file], onChange, debounceMs: 80 });
    try {
      await settle(50);
      for (let i = 0; i < 5; i++) writeFileSync(file, `v${i}`);
      await vi.waitFor(() => expect(onChange).toHaveBeenCalled(), { timeout: 2000 });
      await settle(200);
      expect(onChange).toHaveBeenCalledTimes(1);
    } finally {
      watcher.close();
    }
  });

  it('notices a file replaced by rename, as editors and cloud CLIs save', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-watch-'));
    const file = join(dir, 'config');
    writeFileSync(file, 'a');
    const onChange = vi.fn();
    const watcher = createKubeconfigWatcher({ paths: () => [file], onChange, debounceMs: 30 });
    try {
      await settle(50);
      writeFileSync(join(dir, 'config.tmp'), 'b');
      renameSync(join(dir, 'config.tmp'), file);
      await vi.waitFor(() => expect(onChange).toHaveBeenCalled(), { timeout: 2000 });
    } finally {
      watcher.close();
    }
  });

  it('notices a file that appears in a folder that did not exist when watching began', async () => {
    const home = mkdtempSync(join(tmpdir(), 'sy-watch-'));
    const file = join(home, '.kube', 'config');
    const onChange = vi.fn();
    const watcher = createKubeconfigWatcher({ paths: () => [file], onChange, debounceMs: 30 });
    try {
      await settle(50);
      mkdirSync(join(home, '.kube'));
      await vi.waitFor(() => expect(onChange).toHaveBeenCalled(), { timeout: 2000 });
      watcher.rearm();
      onChange.mockClear();
      await settle(50);
      writeFileSync(file, 'apiVersion: v1\n');
      await vi.waitFor(() => expect(onChange).toHaveBeenCalled(), { timeout: 2000 });
    } finally {
      watcher.close();
    }
  });

  it('ignores changes to unrelated files beside a watched file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-watch-'));
    const file = join(dir, 'config');
    writeFileSync(file, 'a');
    const onChange = vi.fn();
    const watcher = createKubeconfigWatcher({ paths: () => [file], onChange, debounceMs: 20 });
    try {
      await settle(50);
      writeFileSync(join(dir, 'cache.json'), '{}');
      await settle(250);
      expect(onChange).not.toHaveBeenCalled();
    } finally {
      watcher.close();
    }
  });

  it('follows every file in a watched folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-watch-'));
    const folder = join(dir, 'config.d');
    mkdirSync(folder);
    const onChange = vi.fn();
    const watcher = createKubeconfigWatcher({ paths: () => [folder], onChange, debounceMs: 20 });
    try {
      await settle(50);
      writeFileSync(join(folder, 'new-cluster.yaml'), 'x');
      await vi.waitFor(() => expect(onChange).toHaveBeenCalled(), { timeout: 2000 });
    } finally {
      watcher.close();
    }
  });
});
