// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import {
  type PreviewSample,
  RulePreview,
  type RulePreviewState,
  readSampleFile,
} from '../../../renderer/src/features/rules/rule-preview.tsx';
import { MAX_SAMPLE_JSONL_BYTES } from '../../../shared/api/limits.ts';
import { freshDomHost } from './dom-host.ts';

const dom = freshDomHost();

/** A file of `size` bytes whose text is never meant to be read (it throws when it is). */
function hugeFile(name: string, size: number): File {
  const file = new File(['x'], name);
  Object.defineProperty(file, 'size', { value: size });
  Object.defineProperty(file, 'text', {
    value: () => Promise.reject(new Error('a file over the limit must not be read')),
  });
  return file;
}

async function choose(file: File) {
  const input = dom.host.querySelector(
    'input[aria-label="Import sample traffic (JSONL)"]',
  ) as HTMLInputElement;
  Object.defineProperty(input, 'files', { value: [file], configurable: true });
  await act(async () => {
    input.dispatchEvent(new Event('change', { bubbles: true }));
  });
}

async function renderPreview(): Promise<PreviewSample[]> {
  const chosen: PreviewSample[] = [];
  const state: RulePreviewState = { sample: 'demo', setSample: (s) => chosen.push(s), byRule: undefined };
  await act(async () => dom.root.render(<RulePreview state={state} />));
  return chosen;
}

describe('importing sample traffic', () => {
  it('refuses a file over the limit before reading it, naming the limit', async () => {
    const chosen = await renderPreview();
    await choose(hugeFile('big.jsonl', 3.8 * 1024 * 1024 * 2));
    expect(chosen).toEqual([]);
    expect(dom.host.querySelector('[role="alert"]')?.textContent).toBe(
      'Cannot preview big.jsonl: sample traffic is 7.6 MiB; a preview takes at most 6 MiB of JSONL.',
    );
  });

  it('takes a file within the limit, and clears an earlier refusal', async () => {
    const chosen = await renderPreview();
    await choose(hugeFile('big.jsonl', MAX_SAMPLE_JSONL_BYTES + 1));
    expect(dom.host.querySelector('[role="alert"]')).not.toBeNull();
    const jsonl = '{"path":"/","headers":{"x-canary":"true"}}\n';
    await choose(new File([jsonl], 'small.jsonl'));
    expect(chosen).toEqual([{ jsonl, fileName: 'small.jsonl' }]);
    expect(dom.host.querySelector('[role="alert"]')).toBeNull();
  });

  it('counts the text as it travels: a file within the limit whose escapes take it over is refused', async () => {
    // Control characters travel as \u00XX: six bytes each.
    const text = '\u0001'.repeat(Math.ceil(MAX_SAMPLE_JSONL_BYTES / 6) + 1);
    const file = { name: 'escapes.jsonl', size: text.length, text: async () => text };
    expect(file.size).toBeLessThan(MAX_SAMPLE_JSONL_BYTES);
    expect(await readSampleFile(file)).toEqual({
      refused: expect.stringMatching(
        /^Cannot preview escapes\.jsonl: sample traffic is 6,291,4\d\d bytes; a preview takes at most 6,291,456 bytes \(6 MiB\)/,
      ),
    });
  });
});
