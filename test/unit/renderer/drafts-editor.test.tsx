// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import { DraftEditor } from '../../../renderer/src/features/drafts/draft-editor.tsx';
import { createApplyStore } from '../../../renderer/src/stores/apply-store.ts';
import { createClustersStore } from '../../../renderer/src/stores/clusters-store.ts';
import { createDraftsStore } from '../../../renderer/src/stores/drafts-store.ts';
import { createReleaseStore } from '../../../renderer/src/stores/release-store.ts';
import { buttonIn, freshDomHost } from './dom-host.ts';
import { draftView, fakeApi, ok } from './drafts-fixtures.ts';

const dom = freshDomHost();

const button = (name: string) => buttonIn(dom.host, name);

async function mounted() {
  const fake = fakeApi({
    'drafts.get': (r: { id: string }) =>
      ok(
        draftView(
          r.id,
          { v1: 90, v2: 10 },
          {
            diff: [
              {
                kind: 'VirtualService',
                namespace: 'bookinfo',
                name: 'reviews',
                action: 'change',
                beforeYaml: 'weight: 100',
                afterYaml: 'weight: 90',
              },
            ],
          },
        ),
      ),
    'drafts.export': (r: { format: string; file?: { name: string; text: string } }) =>
      ok(
        r.format === 'file-edit'
          ? {
              text: `${r.file?.text}# edited\n`,
              fileName: r.file?.name ?? '',
              edited: ['VirtualService reviews'],
            }
          : { text: 'kind: VirtualService\n', fileName: 'reviews-draft.yaml' },
      ),
  });
  const releases = createReleaseStore(fake.api);
  const apply = createApplyStore(fake.api, () => {});
  const drafts = createDraftsStore(fake.api, { releases, apply });
  const clusters = createClustersStore({ ...fake.api, transport: { onStatus: () => () => {} } } as never);
  await drafts.getState().openDraft('d1');
  await act(async () =>
    dom.root.render(<DraftEditor drafts={drafts} releases={releases} clusters={clusters} />),
  );
  return { ...fake, drafts, releases };
}

describe('the draft editor', () => {
  it('shows the saved draft’s diff per object, and offers an export as a download and as text', async () => {
    const t = await mounted();
    const changes = dom.host.querySelector('section[aria-label="Draft changes"]');
    expect(
      changes?.querySelector('figure[aria-label="Draft diff of VirtualService reviews"]')?.textContent,
    ).toContain('+ weight: 90');
    await act(async () => button('Export kubectl YAML').click());
    const link = [...dom.host.querySelectorAll('a')].find(
      (a) => a.textContent === 'Download reviews-draft.yaml',
    );
    expect(link?.getAttribute('download')).toBe('reviews-draft.yaml');
    expect(link?.getAttribute('href')).toMatch(/^blob:/);
    const text = dom.host.querySelector('textarea[aria-label="Exported text"]') as HTMLTextAreaElement;
    expect(text.readOnly).toBe(true);
    expect(text.value).toBe('kind: VirtualService\n');
    expect(t.sent('drafts.export')).toEqual([{ id: 'd1', format: 'kubectl-yaml' }]);
  });

  it('edits the operator’s own YAML file on export', async () => {
    const t = await mounted();
    const input = dom.host.querySelector('input[aria-label="Edit my YAML file"]') as HTMLInputElement;
    const file = new File(['# mine\nkind: VirtualService\n'], 'routing.yaml', { type: 'text/yaml' });
    Object.defineProperty(input, 'files', { value: [file], configurable: true });
    await act(async () => {
      input.dispatchEvent(new Event('change', { bubbles: true }));
      await new Promise((r) => setTimeout(r, 0));
    });
    expect(t.sent('drafts.export')).toEqual([
      {
        id: 'd1',
        format: 'file-edit',
        file: { name: 'routing.yaml', text: '# mine\nkind: VirtualService\n' },
      },
    ]);
    expect(dom.host.textContent).toContain('Download routing.yaml');
    expect(dom.host.textContent).toContain('Edited in the file: VirtualService reviews.');
  });

  it('asks before closing with unsaved changes', async () => {
    const t = await mounted();
    expect(button('Save draft').disabled).toBe(true);
    await act(async () => t.releases.getState().even('draft:d1|istio:bookinfo/reviews'));
    expect(button('Save draft').disabled).toBe(false);
    await act(async () => button('Close draft').click());
    expect(dom.host.querySelector('[role="alertdialog"]')?.getAttribute('aria-label')).toBe(
      'Close the draft without saving?',
    );
    await act(async () => button('Close without saving').click());
    expect(t.drafts.getState().open).toBeUndefined();
    expect(dom.host.textContent).toBe('');
  });
});
