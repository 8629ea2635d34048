import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { main } from '../../../main/cli.ts';
import type { CommandIO } from '../../../main/commands/command.ts';
import { hasKubectl, kubectl, kubectlSkipReason } from './kubectl-runner.ts';

// `switchyard demo --clusters 3` in this process (HTTPS, each cluster its own port), then kubectl
// through the one kubeconfig it writes: each context answers with its own cluster's state.

const kubeconfig = join(tmpdir(), `switchyard-demo-fleet-test-${process.pid}`, 'kubeconfig');
const clusters = ['demo-eu-1', 'demo-us-1', 'demo-ap-1'];
let stop: (s: string) => void = () => {};
let exit: Promise<number>;
const out: string[] = [];
const err: string[] = [];

beforeAll(async () => {
  const io: CommandIO = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    cwd: process.cwd(),
    env: {},
    stopSignal: new Promise((r) => {
      stop = r;
    }),
  };
  exit = main(['demo', '--clusters', '3', '--kubeconfig', kubeconfig, '--seed', '5'], io);
  const started = Date.now();
  while (out.length === 0 && Date.now() - started < 45_000) {
    if (err.length) throw new Error(err.join(''));
    await new Promise((r) => setTimeout(r, 50));
  }
});

afterAll(async () => {
  stop('SIGTERM');
  expect(await exit).toBe(0);
});

const urls = () =>
  Object.fromEntries([...out.join('').matchAll(/^ {2}(\S+) (\S+) /gm)].map((m) => [m[1], m[2]]));

describe('switchyard demo --clusters 3', () => {
  it('prints one ready line naming the clusters, the kubeconfig and every context, then a line per cluster', () => {
    const [ready, ...lines] = out.join('').trimEnd().split('\n');
    expect(ready).toBe(
      `demo fleet ready: clusters=${clusters.join(',')} kubeconfig=${kubeconfig} contexts=${clusters
        .flatMap((c) => [`${c}-admin`, `${c}-viewer`, `${c}-team`])
        .join(',')}`,
    );
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^ {2}demo-eu-1 https:\/\/127\.0\.0\.1:\d+ the demo seed$/);
    expect(lines[1]).toMatch(
      /^ {2}demo-us-1 https:\/\/127\.0\.0\.1:\d+ reviews' catch-all split is v1 50%, v2 40%, v3 10%$/,
    );
    expect(lines[2]).toMatch(/^ {2}demo-ap-1 https:\/\/127\.0\.0\.1:\d+ payment is already on v2/);
    expect(new Set(Object.values(urls())).size).toBe(3);
  });

  it('writes one kubeconfig (owner-only) with a cluster per mesh, each with its own server and tokens', async () => {
    const yaml = await readFile(kubeconfig, 'utf8');
    const config = parse(yaml) as {
      clusters: Array<{ name: string; cluster: { server: string; 'certificate-authority-data'?: string } }>;
      users: Array<{ name: string; user: { token: string } }>;
      'current-context': string;
    };
    expect(config['current-context']).toBe('demo-eu-1-admin');
    expect(config.clusters.map((c) => [c.name, c.cluster.server])).toEqual(
      clusters.map((c) => [c, urls()[c]]),
    );
    expect(config.clusters.every((c) => c.cluster['certificate-authority-data'])).toBe(true);
    expect(new Set(config.users.map((u) => u.user.token)).size).toBe(9);
  });
});

describe.skipIf(!hasKubectl)(
  `kubectl against the demo fleet (${hasKubectl ? 'kubectl found' : kubectlSkipReason})`,
  () => {
    const get = async (context: string, namespace: string, name: string) => {
      const r = await kubectl(kubeconfig, [
        '--context',
        context,
        '-n',
        namespace,
        'get',
        'virtualservice',
        name,
        '-o',
        'json',
      ]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      return JSON.parse(r.stdout) as {
        spec: {
          http: Array<{ name?: string; route: Array<{ destination: { subset: string }; weight?: number }> }>;
        };
      };
    };
    const catchAll = (vs: Awaited<ReturnType<typeof get>>) =>
      (vs.spec.http.find((r) => r.name === 'default')?.route ?? [])
        .map((d) => `${d.destination.subset}=${d.weight ?? 100}`)
        .join(',');

    it('lists every context of the fleet', async () => {
      const r = await kubectl(kubeconfig, ['config', 'get-contexts', '-o', 'name']);
      // kubectl prints context names sorted (byte order), not in the kubeconfig's order.
      expect(r.stdout.trim().split('\n')).toEqual(
        clusters.flatMap((c) => [`${c}-admin`, `${c}-viewer`, `${c}-team`]).sort(),
      );
    });

    it('answers reviews per context: demo-us-1 has its own catch-all split, the others the seed’s', async () => {
      const eu = await get('demo-eu-1-admin', 'bookinfo', 'reviews');
      const us = await get('demo-us-1-admin', 'bookinfo', 'reviews');
      const ap = await get('demo-ap-1-admin', 'bookinfo', 'reviews');
      expect(catchAll(eu)).toBe('v1=80,v2=10,v3=10');
      expect(catchAll(us)).toBe('v1=50,v2=40,v3=10');
      expect(catchAll(ap)).toBe('v1=80,v2=10,v3=10');
      expect(us.spec.http.map((r) => r.name)).toEqual(eu.spec.http.map((r) => r.name));
    });

    it('answers payment per context: demo-ap-1 is already on v2', async () => {
      expect(catchAll(await get('demo-eu-1-admin', 'shop', 'payment'))).toBe('v1=90,v2=10');
      expect(catchAll(await get('demo-us-1-admin', 'shop', 'payment'))).toBe('v1=90,v2=10');
      expect(catchAll(await get('demo-ap-1-team', 'shop', 'payment'))).toBe('v1=0,v2=100');
    });

    it('keeps the clusters apart: a write through one context changes only that cluster', async () => {
      const patch = [
        { op: 'replace', path: '/spec/http/2/route/0/weight', value: 70 },
        { op: 'replace', path: '/spec/http/2/route/1/weight', value: 20 },
      ];
      const r = await kubectl(kubeconfig, [
        '--context',
        'demo-ap-1-admin',
        '-n',
        'bookinfo',
        'patch',
        'virtualservice',
        'reviews',
        '--type',
        'json',
        '-p',
        JSON.stringify(patch),
      ]);
      expect(r.stderr).toBe('');
      expect(catchAll(await get('demo-ap-1-admin', 'bookinfo', 'reviews'))).toBe('v1=70,v2=20,v3=10');
      expect(catchAll(await get('demo-eu-1-admin', 'bookinfo', 'reviews'))).toBe('v1=80,v2=10,v3=10');
    });

    it('keeps each cluster’s viewer read-only', async () => {
      const r = await kubectl(kubeconfig, [
        '--context',
        'demo-us-1-viewer',
        '-n',
        'shop',
        'patch',
        'virtualservice',
        'payment',
        '--type',
        'merge',
        '-p',
        '{"metadata":{"labels":{"x":"y"}}}',
      ]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('Forbidden');
    });
  },
);

describe('switchyard demo --clusters, refused', () => {
  const io = (err: string[]): CommandIO => ({
    stdout: () => {},
    stderr: (t) => err.push(t),
    cwd: '.',
    env: {},
    stopSignal: new Promise(() => {}),
  });
  it('takes 1 to 12 clusters', async () => {
    const err: string[] = [];
    expect(await main(['demo', '--clusters', '13'], io(err))).toBe(2);
    expect(err.join('')).toContain("--clusters must be a whole number from 1 to 12, not '13'");
  });
  it('needs room for a port per cluster', async () => {
    const err: string[] = [];
    expect(await main(['demo', '--clusters', '3', '--port', '65534'], io(err))).toBe(2);
    expect(err.join('')).toContain('--port 65534 leaves no room for 3 clusters');
  });
});
