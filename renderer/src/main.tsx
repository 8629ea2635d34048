import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectFromEnvironment } from './api/api-client.ts';
import { App } from './app/app.tsx';
import { whenIdle } from './app/screen-preload.ts';
import { createApplyStore } from './stores/apply-store.ts';
import { createClustersStore } from './stores/clusters-store.ts';
import { createDraftsStore } from './stores/drafts-store.ts';
import { createReleaseStore, editKey } from './stores/release-store.ts';
import { createServicesStore } from './stores/services-store.ts';
import { createWizardStore } from './stores/wizard-store.ts';
import './styles.css';

const api = connectFromEnvironment();
const clusters = createClustersStore(api);
const services = createServicesStore(api);
const releases = createReleaseStore(api);
const apply = createApplyStore(api, (contextId, releaseId) =>
  releases.getState().markApplied(editKey(contextId, releaseId)),
);
const wizard = createWizardStore(api);
const drafts = createDraftsStore(api, { releases, apply });
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App
      api={api}
      clusters={clusters}
      services={services}
      releases={releases}
      apply={apply}
      wizard={wizard}
      drafts={drafts}
    />
  </StrictMode>,
);
// The event schemas (zod, ~70 ms to evaluate) load in an idle slot once the first screen has its
// cluster list, even an empty one while the demo starts (or the connection failed, and no list
// comes): not before it, nor between the first paint and the list (event-gate.ts); and before
// the demo's first events, which would otherwise wait for them. An earlier event loads them at once.
const firstScreenShown = () => {
  const { loading, connection } = clusters.getState();
  return !loading || connection === 'closed';
};
// whenIdle alone could run before the frame that shows the list: the frame comes first (a hidden
// page has no frames; its first event loads them then).
const loadEventChecksWhenIdle = () =>
  requestAnimationFrame(() => setTimeout(() => whenIdle(() => void api.loadEventChecks()), 0));
if (firstScreenShown()) loadEventChecksWhenIdle();
else {
  const off = clusters.subscribe(() => {
    if (!firstScreenShown()) return;
    off();
    loadEventChecksWhenIdle();
  });
}
