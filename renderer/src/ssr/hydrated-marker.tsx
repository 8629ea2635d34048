import { type ReactNode, useEffect } from 'react';

// In browser mode #root comes marked busy and disabled while it holds the server's markup
// (main/server/first-screen-page.ts, NOT_YET_HYDRATED): those controls do nothing until React has
// taken them over. This wrapper, around the app in the server's render and the page's alike (so
// both trees are the same), takes the marks off once the app is committed in the page: its effect
// runs after every effect below it, so the controls work by then. Without the marks (the desktop
// app, a page served without its first screen) it changes nothing.

const MARKS = ['aria-busy', 'aria-disabled'] as const;

/** Takes the not-yet-hydrated marks off the element that holds the app (#root). */
export function clearNotYetHydrated(container: Element | null): void {
  for (const mark of MARKS) container?.removeAttribute(mark);
}

export function HydratedMarker({ children }: { children: ReactNode }) {
  useEffect(() => clearNotYetHydrated(document.getElementById('root')), []);
  return children;
}
