import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFleetStore, FLEETS_FILE } from '../../../main/core/fleet/fleet-store.ts';
import { FleetPlanInput } from '../../../shared/api/fleet-schemas.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'sy-fleet-store-'));

describe('saved fleets', () => {
  it('saves, replaces, lists by name and deletes; a new store reads them back from the file', async () => {
    const d = dir();
    const store = createFleetStore(d);
    expect(await store.list()).toEqual([]);
    await store.save({ name: 'prod', contexts: ['kube:eu', 'kube:us'] });
    await store.save({ name: 'staging', contexts: ['kube:stg'] });
    expect(await store.save({ name: 'prod', contexts: ['kube:eu', 'kube:us', 'kube:ap'] })).toEqual([
      { name: 'prod', contexts: ['kube:eu', 'kube:us', 'kube:ap'] },
      { name: 'staging', contexts: ['kube:stg'] },
    ]);
    expect(statSync(join(d, FLEETS_FILE)).mode & 0o777).toBe(0o600);
    expect(await createFleetStore(d).list()).toEqual(await store.list());
    expect(await store.remove('staging')).toEqual([
      { name: 'prod', contexts: ['kube:eu', 'kube:us', 'kube:ap'] },
    ]);
    await expect(store.remove('staging')).rejects.toThrow("no saved fleet 'staging'");
  });

  it('refuses a fleet listing a context twice, and changes nothing', async () => {
    const d = dir();
    const store = createFleetStore(d);
    await expect(store.save({ name: 'x', contexts: ['kube:a', 'kube:a'] })).rejects.toThrow(
      "fleet 'x' lists kube:a twice",
    );
    expect(readdirSync(d)).toEqual([]);
  });

  it('sets an unreadable file aside and starts empty, saying so', async () => {
    const d = dir();
    writeFileSync(join(d, FLEETS_FILE), '{ not json');
    const problems: string[] = [];
    const store = createFleetStore(d, { onProblem: (p) => problems.push(p) });
    expect(await store.list()).toEqual([]);
    expect(problems[0]).toMatch(/^fleets\.json could not be read; set aside as fleets\.json\.corrupt-/);
    const aside = readdirSync(d).find((f) => f.startsWith(`${FLEETS_FILE}.corrupt-`));
    expect(aside && readFileSync(join(d, aside), 'utf8')).toBe('{ not json');
    await store.save({ name: 'a', contexts: ['kube:a'] });
    expect(await createFleetStore(d).list()).toEqual([{ name: 'a', contexts: ['kube:a'] }]);
  });
});

describe('the fleet plan request', () => {
  const ok = {
    contexts: ['kube:a'],
    namespace: 'bookinfo',
    host: 'reviews.bookinfo.svc.cluster.local',
    change: { kind: 'cutover', version: 'v2' },
  };
  it('takes a well-formed request and refuses bad ones with the field named', () => {
    expect(FleetPlanInput.safeParse(ok).success).toBe(true);
    const bad = (over: object) => FleetPlanInput.safeParse({ ...ok, ...over }).error?.issues[0];
    expect(bad({ contexts: [] })?.message).toBe('a fleet needs at least one context');
    expect(bad({ holdSeconds: -1 })?.path).toEqual(['holdSeconds']);
    expect(bad({ maxParallel: 0 })?.path).toEqual(['maxParallel']);
    expect(bad({ namespace: '../x' })?.path).toEqual(['namespace']);
    expect(bad({ change: { kind: 'split', split: [] } })?.path).toEqual(['change', 'split']);
  });
});
