// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import { lazyScreen, ScreenSlot } from '../../../renderer/src/app/lazy-screens.tsx';
import { screenModule, screenPreload } from '../../../renderer/src/app/screen-preload.ts';
import { freshDomHost } from './dom-host.ts';

/** A module whose import is settled by the test; counts its imports. */
function controlledModule(name: string) {
  const imports: Array<{ resolve: (m: { name: string }) => void; reject: (e: Error) => void }> = [];
  const module = screenModule(
    () =>
      new Promise<{ name: string }>((resolve, reject) => {
        imports.push({ resolve, reject });
      }),
  );
  return { module, imports, settle: (i = 0) => imports[i]?.resolve({ name }) };
}

/** A scheduler that runs tasks only when the test says so. */
function manualScheduler() {
  const tasks: Array<() => void> = [];
  return {
    schedule: (task: () => void) => void tasks.push(task),
    tasks,
    runNext: () => tasks.shift()?.(),
  };
}

const settled = () => act(async () => {});

const Hello = ({ who }: { who: string }) => <p>Hello {who}</p>;

describe('screenModule', () => {
  it('imports once however often it is asked, and keeps the module once there', async () => {
    const a = controlledModule('a');
    const first = a.module.load();
    const second = a.module.load();
    expect(a.imports).toHaveLength(1);
    expect(a.module.loaded()).toBeUndefined();
    a.settle();
    expect(await first).toEqual({ name: 'a' });
    expect(await second).toBe(await first);
    expect(a.module.loaded()).toEqual({ name: 'a' });
    await a.module.load();
    expect(a.imports).toHaveLength(1);
  });

  it('imports again after a failed import', async () => {
    const a = controlledModule('a');
    const failed = a.module.load();
    a.imports[0]?.reject(new Error('chunk gone'));
    await expect(failed).rejects.toThrow('chunk gone');
    expect(a.module.loaded()).toBeUndefined();
    const retried = a.module.load();
    expect(a.imports).toHaveLength(2);
    a.settle(1);
    expect(await retried).toEqual({ name: 'a' });
  });
});

describe('screenPreload', () => {
  it('loads nothing before it is started, then each module in its own scheduled task, in order', async () => {
    const a = controlledModule('a');
    const b = controlledModule('b');
    const s = manualScheduler();
    const start = screenPreload([a.module, b.module], s.schedule);
    expect(s.tasks).toHaveLength(0);
    start();
    expect(s.tasks).toHaveLength(1);
    expect(a.imports).toHaveLength(0);
    s.runNext();
    expect(a.imports).toHaveLength(1);
    expect(b.imports).toHaveLength(0);
    // The next module waits until this one is there.
    await settled();
    expect(s.tasks).toHaveLength(0);
    a.settle();
    await settled();
    expect(s.tasks).toHaveLength(1);
    s.runNext();
    expect(b.imports).toHaveLength(1);
    b.settle();
    await settled();
    expect(s.tasks).toHaveLength(0);
    expect(a.module.loaded()).toEqual({ name: 'a' });
    expect(b.module.loaded()).toEqual({ name: 'b' });
  });

  it('starts once, however often the first screen paints', () => {
    const a = controlledModule('a');
    const s = manualScheduler();
    const start = screenPreload([a.module], s.schedule);
    start();
    start();
    expect(s.tasks).toHaveLength(1);
  });

  it('goes on to the next module when one fails to load', async () => {
    const a = controlledModule('a');
    const b = controlledModule('b');
    const s = manualScheduler();
    screenPreload([a.module, b.module], s.schedule)();
    s.runNext();
    a.imports[0]?.reject(new Error('chunk gone'));
    await settled();
    s.runNext();
    expect(b.imports).toHaveLength(1);
  });
});

describe('lazyScreen', () => {
  const dom = freshDomHost();

  it('shows an announced "Loading…" until the screen is there', async () => {
    let resolve: (m: { Hello: typeof Hello }) => void = () => {};
    const module = screenModule(() => new Promise<{ Hello: typeof Hello }>((r) => (resolve = r)));
    const Screen = lazyScreen(module, (m) => m.Hello);
    act(() =>
      dom.root.render(
        <ScreenSlot>
          <Screen who="operator" />
        </ScreenSlot>,
      ),
    );
    expect(dom.host.querySelector('[role="status"]')?.textContent).toBe('Loading…');
    resolve({ Hello });
    await settled();
    expect(dom.host.querySelector('[role="status"]')).toBeNull();
    expect(dom.host.textContent).toBe('Hello operator');
  });

  it('renders a preloaded screen in the same render, without the fallback', async () => {
    const module = screenModule(() => Promise.resolve({ Hello }));
    await module.load();
    const Screen = lazyScreen(module, (m) => m.Hello);
    act(() =>
      dom.root.render(
        <ScreenSlot>
          <Screen who="operator" />
        </ScreenSlot>,
      ),
    );
    expect(dom.host.querySelector('[role="status"]')).toBeNull();
    expect(dom.host.textContent).toBe('Hello operator');
  });
});
