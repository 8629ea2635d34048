import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { routingWorkdir, runCommand } from '../../helpers/routing-command-runner.ts';

const workdir = routingWorkdir;
const run = runCommand;

describe('switchyard cutover', () => {
  it('sends all traffic to the target and keeps the others at 0', async () => {
    const dir = workdir('12-several-hosts.yaml');
    const r = await run(
      ['cutover', '-f', '12-several-hosts.yaml', '--host', 'bookstore.example.com', '--to', 'v2'],
      dir,
    );
    expect(r.code).toBe(0);
    expect(r.out).toContain('subset: v1\n      weight: 0\n');
    expect(r.out).toContain('subset: v2\n      weight: 100\n');
  });

  it('adds the weight keys when the route had a single destination without weight', async () => {
    const dir = workdir('19-no-weights-single.yaml');
    const r = await run(
      ['cutover', '-f', '19-no-weights-single.yaml', '--host', 'profile', '--to', 'v2'],
      dir,
    );
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      '        subset: v1\n      weight: 0\n    - destination:\n        host: profile\n        subset: v2\n      weight: 100\n',
    );
  });

  it('refuses a version that only a Deployment label knows, naming what to add', async () => {
    const dir = workdir('29-deployments-and-services.yaml');
    const r = await run(
      ['cutover', '-f', '29-deployments-and-services.yaml', '--host', 'inventory', '--to', 'v2'],
      dir,
    );
    expect(r.code).toBe(1);
    expect(r.err).toContain("version 'v2' is only a Deployment label; add a DestinationRule subset first");
  });

  it('requires --to', async () => {
    const r = await run(['cutover', '-f', 'x.yaml', '--host', 'h'], tmpdir());
    expect(r.code).toBe(2);
    expect(r.err).toContain('give the version with --to VERSION');
  });
});
