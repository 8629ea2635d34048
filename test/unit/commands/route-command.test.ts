import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { routingWorkdir, runCommand } from '../../helpers/routing-command-runner.ts';

const workdir = routingWorkdir;
const run = runCommand;

describe('switchyard route', () => {
  it('adds an ANDed rule just before the catch-all route, leaving the other lines as they were', async () => {
    const dir = workdir('06-rewrite-and-matches.yaml');
    const before = readFileSync(join(dir, '06-rewrite-and-matches.yaml'), 'utf8');
    const r = await run(
      [
        'route',
        '-f',
        '06-rewrite-and-matches.yaml',
        '--host',
        'catalog',
        '--to',
        'v2',
        '--when',
        'header:x-canary=true',
        '--when',
        'query:debug=1',
        '--name',
        'canary',
      ],
      dir,
    );
    expect(r.code).toBe(0);
    const vs = (parseAllDocuments(r.out) as Array<{ toJS(): unknown }>)[0]!.toJS() as {
      spec: { http: Array<Record<string, unknown>> };
    };
    expect(vs.spec.http.map((h) => h.name)).toEqual(['legacy-path', 'beta-users', 'canary', 'default']);
    expect(vs.spec.http[2]).toEqual({
      name: 'canary',
      match: [{ headers: { 'x-canary': { exact: 'true' } }, queryParams: { debug: { exact: '1' } } }],
      route: [{ destination: { host: 'catalog', subset: 'v2' } }],
    });
    const kept = before.split('\n');
    const lines = r.out.split('\n');
    let j = 0;
    for (const line of lines) if (line === kept[j]) j++;
    expect(j).toBe(kept.length);
  });

  it('compiles os: presets to user-agent regexes', async () => {
    const dir = workdir('24-user-agent-regex.yaml');
    const r = await run(
      [
        'route',
        '-f',
        '24-user-agent-regex.yaml',
        '--host',
        'recommendation',
        '--to',
        'v2',
        '--when',
        'os:android',
      ],
      dir,
    );
    expect(r.code).toBe(0);
    expect(r.out).toContain('user-agent:');
  });

  it('refuses a target subset that does not exist', async () => {
    const dir = workdir('06-rewrite-and-matches.yaml');
    const r = await run(
      [
        'route',
        '-f',
        '06-rewrite-and-matches.yaml',
        '--host',
        'catalog',
        '--to',
        'v9',
        '--when',
        'header:a=b',
      ],
      dir,
    );
    expect(r.code).toBe(1);
    expect(r.err).toContain("unknown version 'v9' (known: v1, v2)");
  });

  it('refuses a regex RE2 rejects, naming the condition', async () => {
    const dir = workdir('06-rewrite-and-matches.yaml');
    const r = await run(
      [
        'route',
        '-f',
        '06-rewrite-and-matches.yaml',
        '--host',
        'catalog',
        '--to',
        'v2',
        '--when',
        'header:x~(?=a)',
      ],
      dir,
    );
    expect(r.code).toBe(1);
    expect(r.err.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.err).toMatch(/--when/);
  });

  it('refuses a malformed condition', async () => {
    const dir = workdir('06-rewrite-and-matches.yaml');
    const r = await run(
      [
        'route',
        '-f',
        '06-rewrite-and-matches.yaml',
        '--host',
        'catalog',
        '--to',
        'v2',
        '--when',
        'planet:mars',
      ],
      dir,
    );
    expect(r.code).toBe(1);
    expect(r.err).toContain("--when 'planet:mars'");
  });

  it('adds a rule to an HTTPRoute as Gateway API matches', async () => {
    const dir = workdir('25-gateway-api-split.yaml');
    const r = await run(
      [
        'route',
        '-f',
        '25-gateway-api-split.yaml',
        '--host',
        'checkout.example.com',
        '--to',
        'checkout-v2',
        '--when',
        'header:x-beta=1',
      ],
      dir,
    );
    expect(r.code).toBe(0);
    const hr = (parseAllDocuments(r.out) as Array<{ toJS(): unknown }>)[0]!.toJS() as {
      spec: { rules: unknown[] };
    };
    expect(hr.spec.rules[1]).toEqual({
      matches: [{ headers: [{ name: 'x-beta', type: 'Exact', value: '1' }] }],
      backendRefs: [{ name: 'checkout-v2', port: 8080 }],
    });
  });

  it('requires at least one --when', async () => {
    const r = await run(['route', '-f', 'x.yaml', '--host', 'h', '--to', 'v2'], tmpdir());
    expect(r.code).toBe(2);
  });
});
