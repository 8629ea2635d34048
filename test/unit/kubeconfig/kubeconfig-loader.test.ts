import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createKubeconfigLoader,
  kubeconfigSources,
} from '../../../main/core/kubeconfig/kubeconfig-loader.ts';

function write(path: string, contexts: string[], server = 'https://x.example'): string {
  const lines = ['apiVersion: v1', 'kind: Config', 'clusters:'];
  for (const c of contexts) lines.push(`- name: ${c}`, '  cluster:', `    server: ${server}`);
  lines.push('users:');
  for (const c of contexts) lines.push(`- name: ${c}`, '  user:', `    token: secret-${c}`);
  lines.push('contexts:');
  for (const c of contexts) lines.push(`- name: ${c}`, '  context:', `    cluster: ${c}`, `    user: ${c}`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

describe('kubeconfig sources', () => {
  it('reads every KUBECONFIG entry in order, then what the operator added, without duplicates', () => {
    const env = { KUBECONFIG: ['/a', '', '/b', '/a'].join(delimiter) };
    expect(kubeconfigSources(env, '/home/op', ['/home/op/.kube/config.d', '/b'])).toEqual([
      { path: '/a', origin: 'KUBECONFIG' },
      { path: '/b', origin: 'KUBECONFIG' },
      { path: '/home/op/.kube/config.d', origin: 'added' },
    ]);
  });

  it('falls back to ~/.kube/config when KUBECONFIG is unset or empty', () => {
    expect(kubeconfigSources({ KUBECONFIG: '' }, '/home/op')).toEqual([
      { path: '/home/op/.kube/config', origin: 'default' },
    ]);
  });
});

describe('kubeconfig loader', () => {
  it('expands an added folder into its kubeconfig files in name order, skipping hidden files and READMEs', async () => {
    const home = mkdtempSync(join(tmpdir(), 'sy-loader-'));
    const folder = join(home, '.kube', 'config.d');
    mkdirSync(folder, { recursive: true });
    write(join(folder, 'b-staging.yaml'), ['staging']);
    write(join(folder, 'a-prod'), ['prod']);
    write(join(folder, '.hidden.yaml'), ['hidden']);
    writeFileSync(join(folder, 'README.md'), '# notes\n');
    write(join(home, '.kube', 'config'), ['local']);
    const loader = createKubeconfigLoader({ env: {}, home, addedPaths: () => [folder] });
    const snapshot = await loader.load();
    expect(snapshot.contexts.map((c) => c.name)).toEqual(['local', 'prod', 'staging']);
    expect(snapshot.contexts.map((c) => c.source)).toEqual([
      join(home, '.kube', 'config'),
      join(folder, 'a-prod'),
      join(folder, 'b-staging.yaml'),
    ]);
    expect(snapshot.problems).toEqual([]);
  });

  it('reports a malformed file on its own and still lists the contexts of the others', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-loader-'));
    const good = write(join(dir, 'good'), ['dev']);
    const bad = join(dir, 'bad');
    writeFileSync(bad, 'clusters: [oops\n');
    const snapshot = await createKubeconfigLoader({
      env: { KUBECONFIG: [bad, good].join(delimiter) },
      home: dir,
    }).load();
    expect(snapshot.contexts.map((c) => c.name)).toEqual(['dev']);
    expect(snapshot.problems).toHaveLength(1);
    expect(snapshot.problems[0]).toMatchObject({
      file: bad,
      message: expect.stringMatching(/^not a valid kubeconfig: /),
    });
  });

  it('refuses a FIFO and a device in KUBECONFIG with a reason, without waiting on them', async () => {
    if (process.platform === 'win32') return; // no FIFOs or /dev there
    const dir = mkdtempSync(join(tmpdir(), 'sy-loader-'));
    const good = write(join(dir, 'good'), ['dev']);
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    // Nobody ever writes to the FIFO: reading it would wait forever; /dev/zero would never end.
    const snapshot = await createKubeconfigLoader({
      env: { KUBECONFIG: [fifo, '/dev/zero', good].join(delimiter) },
      home: dir,
    }).load();
    expect(snapshot.contexts.map((c) => c.name)).toEqual(['dev']);
    expect(snapshot.problems).toEqual([
      {
        file: fifo,
        message: `cannot read: ${fifo} is a named pipe (FIFO), not a regular file: refused (reading it could block or never end)`,
      },
      {
        file: '/dev/zero',
        message:
          'cannot read: /dev/zero is a character device, not a regular file: refused (reading it could block or never end)',
      },
    ]);
  });

  it('lists 100 contexts (some broken) from several files in under 200 ms without contacting any cluster', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-loader-'));
    const files: string[] = [];
    for (let f = 0; f < 10; f++) {
      // Port 1 on loopback: any attempt to contact it would fail loudly or hang the test.
      files.push(
        write(
          join(dir, `f${f}.yaml`),
          Array.from({ length: 10 }, (_, i) => `ctx-${f}-${i}`),
          'https://127.0.0.1:1',
        ),
      );
    }
    writeFileSync(join(dir, 'broken.yaml'), 'contexts: {not: a list}\nclusters: [\n');
    writeFileSync(
      join(dir, 'dangling.yaml'),
      'contexts:\n- name: ctx-dangling\n  context: {cluster: nowhere}\n',
    );
    files.push(join(dir, 'broken.yaml'), join(dir, 'dangling.yaml'));
    const loader = createKubeconfigLoader({ env: { KUBECONFIG: files.join(delimiter) }, home: dir });
    const snapshot = await loader.load();
    expect(snapshot.contexts).toHaveLength(101);
    expect(snapshot.contexts.filter((c) => c.status === 'error').map((c) => c.name)).toEqual([
      'ctx-dangling',
    ]);
    expect(snapshot.contexts.every((c) => c.status !== 'connected' && c.status !== 'connecting')).toBe(true);
    expect(snapshot.problems.map((p) => p.file)).toEqual([join(dir, 'broken.yaml')]);
  });

  it('resolves a context to its cluster and user across files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-loader-'));
    const a = write(join(dir, 'a'), ['one']);
    const snapshot = await createKubeconfigLoader({ env: { KUBECONFIG: a }, home: dir }).load();
    const r = snapshot.resolve('one');
    expect(r.ok && r.resolved.user.token).toBe('secret-one');
    expect(JSON.stringify(snapshot.contexts)).not.toContain('secret-');
  });
});
