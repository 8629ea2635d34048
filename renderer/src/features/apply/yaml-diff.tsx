import { useMemo } from 'react';
import { diffLines, foldDiff } from '../../../../shared/text/line-diff.ts';

/** Before → after of one object as a unified diff, unchanged stretches folded. */
export function YamlDiff({ before, after, label }: { before: string; after: string; label: string }) {
  const hunks = useMemo(() => foldDiff(diffLines(before, after)), [before, after]);
  return (
    <figure aria-label={label} className="diff-figure">
      {/* Scrolls when long: focusable, so the keyboard can scroll it too. */}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard */}
      <pre className="yaml-diff" tabIndex={0}>
        {hunks.map((h, i) =>
          'folded' in h ? (
            // biome-ignore lint/suspicious/noArrayIndexKey: hunks are positional
            <div key={i} className="diff-fold">
              ⋯ {h.folded} unchanged line{h.folded === 1 ? '' : 's'}
            </div>
          ) : (
            h.map((l, k) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: lines are positional
              <div key={`${i}-${k}`} className={`diff-${l.kind}`}>
                {l.kind === 'added' ? '+ ' : l.kind === 'removed' ? '- ' : '  '}
                {l.text}
              </div>
            ))
          ),
        )}
      </pre>
    </figure>
  );
}
