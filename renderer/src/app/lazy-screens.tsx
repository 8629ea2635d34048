import { type ComponentType, lazy, type ReactNode, Suspense } from 'react';
import { useOnClient } from '../ssr/use-on-client.ts';
import { type ScreenModule, screenModule, screenPreload } from './screen-preload.ts';

// The screens the first screen (the clusters and the service list) does not show, each its own
// chunk: the first bundle is what the first paint waits for. screen-preload.ts says when they load.

const serviceView = screenModule(() => import('../features/release/service-view.tsx'));
const fleetScreen = screenModule(() => import('../features/fleet/fleet-screen.tsx'));
const draftEditor = screenModule(() => import('../features/drafts/draft-editor.tsx'));
const draftsPanel = screenModule(() => import('../features/drafts/drafts-panel.tsx'));
const historyPanel = screenModule(() => import('../features/history/history-panel.tsx'));
const reviewDialog = screenModule(() => import('../features/apply/review-dialog.tsx'));
const shortcutsSheet = screenModule(() => import('../features/help/shortcuts-sheet.tsx'));

/**
 * React.lazy over a screen module. Once the module is there (preloaded), the component is handed
 * to React synchronously, so a preloaded screen renders at once instead of showing its fallback
 * for a frame.
 */
export function lazyScreen<M, P extends object>(module: ScreenModule<M>, pick: (m: M) => ComponentType<P>) {
  return lazy(() => {
    const done = module.loaded();
    if (done === undefined) return module.load().then((m) => ({ default: pick(m) }));
    const value = { default: pick(done) };
    // A thenable that answers at once: React.lazy then resolves without suspending.
    // biome-ignore lint/suspicious/noThenProperty: React.lazy reads a synchronous thenable at once
    return { then: (resolve: (v: typeof value) => void) => resolve(value) } as Promise<typeof value>;
  });
}

export const ServiceView = lazyScreen(serviceView, (m) => m.ServiceView);
export const FleetScreen = lazyScreen(fleetScreen, (m) => m.FleetScreen);
export const DraftEditor = lazyScreen(draftEditor, (m) => m.DraftEditor);
export const DraftsPanel = lazyScreen(draftsPanel, (m) => m.DraftsPanel);
export const HistoryPanel = lazyScreen(historyPanel, (m) => m.HistoryPanel);
export const ReviewDialog = lazyScreen(reviewDialog, (m) => m.ReviewDialog);
export const ShortcutsSheet = lazyScreen(shortcutsSheet, (m) => m.ShortcutsSheet);

const likeliestFirst = [
  serviceView,
  reviewDialog,
  historyPanel,
  draftsPanel,
  draftEditor,
  fleetScreen,
  shortcutsSheet,
];

/** Starts loading every lazy screen, the likeliest first; called once the first screen painted. */
export const preloadScreens = screenPreload(likeliestFirst);

/** Every lazy screen, loaded now (a test that renders the whole app awaits it first). */
export async function loadAllScreens(): Promise<void> {
  await Promise.all(likeliestFirst.map((m) => m.load()));
}

const loading = (
  <p role="status" className="muted">
    Loading…
  </p>
);

/**
 * Where a lazy screen goes: "Loading…", announced politely, until its chunk is there. In the
 * server's render of the first screen, and while the page hydrates it, a slot shows "Loading…"
 * without asking for its screen: the server's bundle has none of them, and a screen that suspends
 * there would be rendered again on the client with a hydration error. Right after hydration (and at
 * once in a page rendered on the client) the screen comes.
 */
export function ScreenSlot({ children }: { children: ReactNode }) {
  if (!useOnClient()) return loading;
  return <Suspense fallback={loading}>{children}</Suspense>;
}
