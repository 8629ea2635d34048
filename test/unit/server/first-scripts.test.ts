import { describe, expect, it, vi } from 'vitest';
import { firstScriptPaths, firstScriptsTracker } from '../../../main/server/first-scripts.ts';

const built = `<!doctype html><html><head>
<script type="module" crossorigin src="./assets/index-C6Wu4rDR.js"></script>
<link rel="modulepreload" crossorigin href="./assets/rolldown-runtime-XKyaHtl9.js">
<link rel="modulepreload" crossorigin href="./assets/jsx-runtime-C3cWAN_r.js">
<link rel="stylesheet" crossorigin href="./assets/index-abc.css">
<link rel="modulepreload" href="https://cdn.example/x.js">
</head><body></body></html>`;

describe('the first scripts of a built page', () => {
  it('are its module entry and the chunks it preloads, as request paths, never a stylesheet or another host', () => {
    expect(firstScriptPaths(built)).toEqual([
      '/assets/index-C6Wu4rDR.js',
      '/assets/rolldown-runtime-XKyaHtl9.js',
      '/assets/jsx-runtime-C3cWAN_r.js',
    ]);
  });

  it('are none in a page without scripts', () => {
    expect(firstScriptPaths('<!doctype html><p>hi</p>')).toEqual([]);
  });
});

describe('waiting for the first scripts', () => {
  it('tells once, when every first script has been served, whatever the order', () => {
    const all = vi.fn();
    const t = firstScriptsTracker(all);
    t.pageRead(built);
    t.scriptServed('/assets/jsx-runtime-C3cWAN_r.js');
    t.scriptServed('/assets/index-C6Wu4rDR.js');
    expect(all).not.toHaveBeenCalled();
    t.scriptServed('/assets/rolldown-runtime-XKyaHtl9.js');
    expect(all).toHaveBeenCalledTimes(1);
    t.scriptServed('/assets/lazy-screen.js');
    t.pageRead(built);
    expect(all).toHaveBeenCalledTimes(1);
  });

  it('takes the first script served when no page was read, or the page names none', () => {
    const early = vi.fn();
    firstScriptsTracker(early).scriptServed('/assets/a.js');
    expect(early).toHaveBeenCalledTimes(1);
    const none = vi.fn();
    const t = firstScriptsTracker(none);
    t.pageRead('<!doctype html>');
    expect(none).not.toHaveBeenCalled();
    t.scriptServed('/assets/a.js');
    expect(none).toHaveBeenCalledTimes(1);
  });

  it('tells a later script (a lazy chunk) from a first one, once the first ones were served', () => {
    const tracker = firstScriptsTracker(() => {});
    tracker.pageRead(
      '<script type="module" src="./assets/a.js"></script><link rel="modulepreload" href="./assets/b.js">',
    );
    expect(tracker.isLater('/assets/lazy.js')).toBe(false); // the first ones are still on their way
    tracker.scriptServed('/assets/a.js');
    tracker.scriptServed('/assets/b.js');
    expect(tracker.isLater('/assets/a.js')).toBe(false);
    expect(tracker.isLater('/assets/lazy.js')).toBe(true);
    const noPage = firstScriptsTracker(() => {});
    noPage.scriptServed('/assets/a.js');
    expect(noPage.isLater('/assets/lazy.js')).toBe(false); // without the page's HTML, it cannot tell
  });
});
