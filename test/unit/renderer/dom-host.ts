import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach } from 'vitest';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

export interface DomHost {
  /** The element components render into (fresh for every test). */
  host: HTMLDivElement;
  root: Root;
}

/** A fresh element and React root per test, unmounted and removed after it. */
export function freshDomHost(): DomHost {
  const dom = {} as DomHost;
  beforeEach(() => {
    dom.host = document.createElement('div');
    document.body.append(dom.host);
    dom.root = createRoot(dom.host);
  });
  afterEach(() => {
    act(() => dom.root.unmount());
    dom.host.remove();
  });
  return dom;
}

/** The button whose text is `name`, in the host. */
export function buttonIn(host: HTMLElement, name: string): HTMLButtonElement {
  return [...host.querySelectorAll('button')].find(
    (b) => b.textContent?.trim() === name,
  ) as HTMLButtonElement;
}
