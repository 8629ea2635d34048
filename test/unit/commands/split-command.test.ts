import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseWeights } from '../../../main/commands/split-command.ts';
import { routingFixture, routingWorkdir, runCommand } from '../../helpers/routing-command-runner.ts';

const _fixture = routingFixture;

const workdir = routingWorkdir;
const run = runCommand;

describe('switchyard split', () => {
  it('prints the file with only the weight lines changed', async () => {
    const dir = workdir('16-comments-everywhere.yaml');
    const before = readFileSync(join(dir, '16-comments-everywhere.yaml'), 'utf8');
    const r = await run(
      ['split', '-f', '16-comments-everywhere.yaml', '--host', 'search', '--set', 'v1=60,v2=40'],
      dir,
    );
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      before
        .replace(
          'weight: 85 # keep the comment after the weight',
          'weight: 60 # keep the comment after the weight',
        )
        .replace('weight: 15', 'weight: 40'),
    );
    expect(readFileSync(join(dir, '16-comments-everywhere.yaml'), 'utf8')).toBe(before);
  });

  it('rewrites the file with --write through a temp file, leaving no temp file behind', async () => {
    const dir = workdir('01-retries-timeout.yaml');
    const r = await run(
      [
        'split',
        '-f',
        '01-retries-timeout.yaml',
        '--host',
        'ratings',
        '-n',
        'shop',
        '--set',
        'v1=50',
        '--set',
        'v2=50',
        '--write',
      ],
      dir,
    );
    expect(r.code).toBe(0);
    expect(r.err).toBe('wrote 01-retries-timeout.yaml\n');
    const text = readFileSync(join(dir, '01-retries-timeout.yaml'), 'utf8');
    expect(text).toContain('weight: 50   # stable');
    expect(text).toContain('weight: 50   # canary');
    expect(readdirSync(dir)).toEqual(['01-retries-timeout.yaml']);
  });

  it('adds a destination for a listed version whose subset exists', async () => {
    const dir = workdir('01-retries-timeout.yaml');
    const r = await run(
      ['split', '-f', '01-retries-timeout.yaml', '--host', 'ratings', '--set', 'v1=80,v2=10,v3=10'],
      dir,
    );
    expect(r.code).toBe(0);
    expect(r.out).toContain('        host: ratings\n        subset: v3\n      weight: 10\n    timeout: 10s');
  });

  it('gives versions that are not listed 0', async () => {
    const dir = workdir('01-retries-timeout.yaml');
    const r = await run(
      ['split', '-f', '01-retries-timeout.yaml', '--host', 'ratings', '--set', 'v2=100'],
      dir,
    );
    expect(r.out).toContain('weight: 0   # stable');
    expect(r.out).toContain('weight: 100   # canary');
  });

  it('edits HTTPRoute backendRefs weights by Service name', async () => {
    const dir = workdir('25-gateway-api-split.yaml');
    const r = await run(
      [
        'split',
        '-f',
        '25-gateway-api-split.yaml',
        '--host',
        'checkout.example.com',
        '--set',
        'checkout-v1=50,checkout-v2=50',
      ],
      dir,
    );
    expect(r.code).toBe(0);
    expect(r.out.match(/weight: 50/g)).toHaveLength(2);
  });

  it('refuses weights that do not add up to 100 as a mistake of the arguments, not of the file', async () => {
    const dir = workdir('06-rewrite-and-matches.yaml');
    const r = await run(
      ['split', '-f', '06-rewrite-and-matches.yaml', '--host', 'catalog', '--set', 'v1=50,v2=40'],
      dir,
    );
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      "switchyard split: --set: weights add up to 90, not 100\nRun 'switchyard split --help' for usage.\n",
    );
  });

  it('names an unknown version and lists the known ones', async () => {
    const dir = workdir('06-rewrite-and-matches.yaml');
    const r = await run(
      ['split', '-f', '06-rewrite-and-matches.yaml', '--host', 'catalog', '--set', 'v1=50,v7=50'],
      dir,
    );
    expect(r.code).toBe(1);
    expect(r.err).toContain("unknown version 'v7' (known: v1, v2)");
  });

  it('says which hosts exist when the host is unknown', async () => {
    const dir = workdir('06-rewrite-and-matches.yaml');
    const r = await run(
      ['split', '-f', '06-rewrite-and-matches.yaml', '--host', 'nope', '--set', 'v1=100'],
      dir,
    );
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      "switchyard split: 06-rewrite-and-matches.yaml: no VirtualService or HTTPRoute for host 'nope' (hosts found: catalog)\n",
    );
  });

  it('refuses a read-only route with its reason', async () => {
    const dir = workdir('13-several-vs-one-host.yaml');
    const r = await run(
      ['split', '-f', '13-several-vs-one-host.yaml', '--host', 'reviews', '--set', 'v1=100'],
      dir,
    );
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/several objects|several VirtualServices/);
  });

  it('reports malformed YAML with the file and line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-split-'));
    writeFileSync(
      join(dir, 'bad.yaml'),
      'kind: VirtualService\napiVersion: networking.istio.io/v1\nspec: [\n',
    );
    const r = await run(['split', '-f', 'bad.yaml', '--host', 'x', '--set', 'v1=100'], dir);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^switchyard split: bad\.yaml:\d+: YAML syntax error in document #1/);
  });

  it('rejects a malformed --set as a usage error', async () => {
    expect(() => parseWeights(['v1=ninety'])).toThrow(/expected VERSION=WEIGHT/);
    expect(() => parseWeights(['v1=10', 'v1=90'])).toThrow(/given twice/);
    expect(() => parseWeights(['v1=90,v2=20'])).toThrow('--set: weights add up to 110, not 100');
    expect(() => parseWeights(['v1=90'])).toThrow(/add up to 90, not 100/);
    expect(parseWeights(['v1=90, v2=10'])).toEqual([
      { version: 'v1', weight: 90 },
      { version: 'v2', weight: 10 },
    ]);
    // A version may be named like an Object property: it is a name, not a key lookup.
    expect(parseWeights(['constructor=100'])).toEqual([{ version: 'constructor', weight: 100 }]);
    const r = await run(['split', '-f', 'x.yaml', '--host', 'h', '--set', 'v1=9.5'], tmpdir());
    expect(r.code).toBe(2);
  });

  it('prints its help', async () => {
    const r = await run(['split', '--help'], tmpdir());
    expect(r.out).toContain('Usage: switchyard split -f PATH [-f PATH]... --host HOST --set');
  });
});
