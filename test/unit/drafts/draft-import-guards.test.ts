// Hostile or broken YAML handed to drafts.import and drafts.export: each is refused as the
// operator's input (invalid-request, naming the file), never an internal error.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DraftCalls } from '../../../main/core/handlers/drafts.ts';
import { billionLaughs } from '../../helpers/billion-laughs.ts';
import { fixtureText, ROUTING_FILE } from './draft-fixtures.ts';
import type { FakeConsole } from './drafts-service-fakes.ts';
import { failure, fakeConsole } from './drafts-service-fakes.ts';

let f: FakeConsole;
let drafts: DraftCalls;
beforeEach(async () => {
  f = await fakeConsole();
  drafts = f.service();
});
afterEach(() => f.dispose());

const routeHead = 'apiVersion: networking.istio.io/v1\nkind: VirtualService\n';
const importOne = (name: string, text: string, namespace = 'shop') =>
  failure(drafts['drafts.import']({ contextId: 'prod', namespace, files: [{ name, text }] }));

describe('YAML a draft is imported from', () => {
  it('refuses a billion-laughs file as invalid input, naming the file', async () => {
    const err = await importOne('lol.yaml', billionLaughs(`${routeHead}metadata: {name: reviews}\n`));
    expect(err.code).toBe('invalid-request');
    expect(err.message).toMatch(/^lol\.yaml:doc#1: its aliases expand too far .*billion laughs/);
  });

  it('refuses an alias to an anchor that is never set, naming it', async () => {
    const err = await importOne('alias.yaml', `${routeHead}metadata: {name: *nowhere}\n`);
    expect(err.code).toBe('invalid-request');
    expect(err.message).toMatch(/^alias\.yaml:doc#1: .*nowhere/);
  });

  it('refuses object names and namespaces that are not Kubernetes names', async () => {
    const route = fixtureText(ROUTING_FILE);
    const traversal = await importOne('up.yaml', route.replace(/name: reviews\n/, 'name: ../../x\n'));
    expect(traversal.code).toBe('invalid-request');
    expect(traversal.message).toMatch(
      /^up\.yaml:doc#\d+: VirtualService "\.\.\/\.\.\/x": metadata\.name is not/,
    );
    const newline = await importOne(
      'nl.yaml',
      `${routeHead}metadata: {name: reviews, namespace: "shop\\nevil"}\nspec: {hosts: [reviews]}\n`,
    );
    expect(newline.code).toBe('invalid-request');
    expect(newline.message).toContain('metadata.namespace "shop\\nevil" is not a namespace name');
  });

  it('refuses a namespace outside the contract even when called past it', async () => {
    const err = await importOne(ROUTING_FILE, fixtureText(ROUTING_FILE), '../../x');
    expect(err.code).toBe('invalid-request');
    expect(err.message).toBe('namespace "../../x" is not a namespace name');
  });

  it('refuses a billion-laughs file to edit on export as invalid input', async () => {
    const { id } = await drafts['drafts.import']({
      contextId: 'prod',
      namespace: 'shop',
      files: [{ name: ROUTING_FILE, text: fixtureText(ROUTING_FILE) }],
    });
    const text = `${fixtureText(ROUTING_FILE)}\n---\n${billionLaughs()}`;
    const err = await failure(
      drafts['drafts.export']({ id, format: 'file-edit', file: { name: 'lol.yaml', text } }),
    );
    expect(err.code).toBe('invalid-request');
    expect(err.message).toMatch(/^lol\.yaml:doc#\d+: its aliases expand too far/);
  });
});
