// The screens the first screen (the cluster list) does not show, in their own chunks: the first
// bundle the browser parses holds the shell, the stores and the cluster list only. Each loads when
// first shown (or when `loadScreens` is awaited, as tests do before rendering).
import { lazy } from 'react';

const loaders = {
  ServiceView: () => import('../features/release/service-view.tsx').then((m) => ({ default: m.ServiceView })),
  FleetScreen: () => import('../features/fleet/fleet-screen.tsx').then((m) => ({ default: m.FleetScreen })),
  DraftEditor: () => import('../features/drafts/draft-editor.tsx').then((m) => ({ default: m.DraftEditor })),
  DraftsPanel: () => import('../features/drafts/drafts-panel.tsx').then((m) => ({ default: m.DraftsPanel })),
  ShortcutsSheet: () =>
    import('../features/help/shortcuts-sheet.tsx').then((m) => ({ default: m.ShortcutsSheet })),
};

export const ServiceView = lazy(loaders.ServiceView);
export const FleetScreen = lazy(loaders.FleetScreen);
export const DraftEditor = lazy(loaders.DraftEditor);
export const DraftsPanel = lazy(loaders.DraftsPanel);
export const ShortcutsSheet = lazy(loaders.ShortcutsSheet);

/** Loads every lazy screen; after it, they render at once. */
export async function loadScreens(): Promise<void> {
  await Promise.all(Object.values(loaders).map((load) => load()));
}
