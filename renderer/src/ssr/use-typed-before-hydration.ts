import { type RefObject, useEffect } from 'react';

// In browser mode the first screen is in the page before its scripts run (first-screen-html.tsx),
// so an operator (or a test driver) can type into its text box before React has taken it over.
// React keeps such text on hydration but never tells the component: the box shows "Demo" while
// its state is "" and the list does not open; and an input event that arrives while hydrating is
// lost too, because React's value tracker starts from the text already typed. This hook runs
// once the box is hydrated and hands the component what the box holds and whether it has focus.

/** Calls `adopt` once after mount when the box holds text its state does not, or has the focus. */
export function useTypedBeforeHydration(
  box: RefObject<HTMLInputElement | null>,
  state: string,
  adopt: (typed: string, focused: boolean) => void,
): void {
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, at hydration; later input goes through onChange
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const focused = el.ownerDocument.activeElement === el;
    if (el.value !== state || focused) adopt(el.value, focused);
  }, []);
}
