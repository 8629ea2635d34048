import { useSyncExternalStore } from 'react';

// False in the server's render of the first screen and while the page hydrates that markup; true
// right after (React renders again) and at once in a page rendered on the client. For what the
// server's HTML must not hold: an inline style (the page's CSP, style-src 'self', blocks a style
// attribute, and React does not set on hydration what the server left out), or a lazy screen the
// server's bundle does not have.

const noChanges = () => () => {};

export function useOnClient(): boolean {
  return useSyncExternalStore(
    noChanges,
    () => true,
    () => false,
  );
}
