// The drafts service over a fake console: importing the operator's YAML and exporting drafts.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DraftCalls } from '../../../main/core/handlers/drafts.ts';
import { fixtureText, ROUTING_FILE } from './draft-fixtures.ts';
import type { FakeConsole } from './drafts-service-fakes.ts';
import { failure, fakeConsole, RELEASE, split } from './drafts-service-fakes.ts';

let f: FakeConsole;
let drafts: DraftCalls;
beforeEach(async () => {
  f = await fakeConsole();
  drafts = f.service();
});
afterEach(() => f.dispose());

describe('importing and exporting', () => {
  const file = () => ({ name: ROUTING_FILE, text: fixtureText(ROUTING_FILE) });

  it('imports the operator’s YAML, and names the file and line of a syntax error', async () => {
    const view = await drafts['drafts.import']({ contextId: 'prod', namespace: 'shop', files: [file()] });
    expect(view).toMatchObject({
      baseSource: 'yaml',
      name: `reviews from ${ROUTING_FILE}`,
      releaseId: RELEASE,
    });
    const err = await failure(
      drafts['drafts.import']({
        contextId: 'prod',
        namespace: 'shop',
        files: [{ name: 'bad.yaml', text: 'kind: VirtualService\nspec: [\n' }],
      }),
    );
    expect(err.code).toBe('invalid-request');
    expect(err.message).toMatch(/^bad\.yaml:\d+: YAML syntax error/);
  });

  it('saves nothing and announces nothing when an import is refused for its content', async () => {
    const announced = f.events.length;
    const text = file().text.replace(/weight: (\d+)/, 'weight: "$1"');
    expect(text).not.toBe(file().text);
    const err = await failure(
      drafts['drafts.import']({
        contextId: 'prod',
        namespace: 'shop',
        files: [{ name: 'quoted.yaml', text }],
      }),
    );
    expect(err.code).toBe('invalid-request');
    expect(err.message).toMatch(/read-only: .*weight is not a whole number/);
    expect(await drafts['drafts.list']({})).toEqual({ drafts: [], problems: [] });
    expect(f.events.length).toBe(announced);
  });

  it('asks which host when the files route several, listing them', async () => {
    const other = file().text.replaceAll('reviews', 'ratings');
    const files = [file(), { name: 'ratings.yaml', text: other }];
    const err = await failure(drafts['drafts.import']({ contextId: 'prod', namespace: 'shop', files }));
    expect(err.message).toMatch(
      /route 2 hosts .*reviews\.shop\.svc\.cluster\.local, ratings\.shop\.svc\.cluster\.local/,
    );
    const picked = await drafts['drafts.import']({
      contextId: 'prod',
      namespace: 'shop',
      host: 'ratings',
      files,
    });
    expect(picked.host).toBe('ratings.shop.svc.cluster.local');
    const none = await failure(
      drafts['drafts.import']({ contextId: 'prod', namespace: 'shop', host: 'cart', files }),
    );
    expect(none.message).toMatch(/no route for host 'cart'/);
  });

  it('exports kubectl YAML that imports again, JSON Patches, and an edit of the file that keeps its comments', async () => {
    const { id } = await drafts['drafts.import']({ contextId: 'prod', namespace: 'shop', files: [file()] });
    await drafts['drafts.update']({ id, desired: split(70, 30), name: 'Reviews 70/30' });
    const yaml = await drafts['drafts.export']({ id, format: 'kubectl-yaml' });
    expect(yaml.fileName).toBe('reviews-70-30.yaml');
    const again = await drafts['drafts.import']({
      contextId: 'prod',
      namespace: 'shop',
      files: [{ name: yaml.fileName, text: yaml.text }],
    });
    expect(again.summary).toBe('v1 70%, v2 30%; 1 rule');
    const patches = await drafts['drafts.export']({ id, format: 'json-patch' });
    expect(JSON.parse(patches.text)).toEqual([
      expect.objectContaining({ target: expect.objectContaining({ kind: 'VirtualService' }) }),
    ]);
    const edit = await drafts['drafts.export']({ id, format: 'file-edit', file: file() });
    expect(edit.text).toContain('weight: 70 # stable');
    expect(edit.text).toContain('# Do not reorder the routes');
    expect(edit).toMatchObject({
      fileName: ROUTING_FILE,
      edited: ['VirtualService shop/reviews'],
      notInFile: [],
    });
    const missing = await failure(drafts['drafts.export']({ id, format: 'file-edit' }));
    expect(missing.code).toBe('invalid-request');
  });
});
