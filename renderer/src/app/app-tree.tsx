import { type ReactElement, StrictMode } from 'react';
import { HydratedMarker } from '../ssr/hydrated-marker.tsx';
import { App, type AppStores } from './app.tsx';

/**
 * The app's element tree over its stores: what the page renders (main.tsx) and what the server
 * renders as the first screen (ssr/first-screen-html.tsx). One tree for both, so the page hydrates
 * the server's markup (and useId gives the same ids) rather than finding a mismatch.
 */
export function appTree(stores: AppStores): ReactElement {
  return (
    <StrictMode>
      <HydratedMarker>
        <App {...stores} />
      </HydratedMarker>
    </StrictMode>
  );
}
