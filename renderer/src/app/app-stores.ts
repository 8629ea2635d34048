import type { ApiClient } from '../api/api-client.ts';
import { createApplyStore } from '../stores/apply-store.ts';
import { createClustersStore } from '../stores/clusters-store.ts';
import { createDraftsStore } from '../stores/drafts-store.ts';
import { createReleaseStore, editKey } from '../stores/release-store.ts';
import { createServicesStore } from '../stores/services-store.ts';
import { createWizardStore } from '../stores/wizard-store.ts';
import type { AppStores } from './app.tsx';
import type { FirstAnswers } from './first-answers.ts';

/**
 * The app's stores over one client: the page's (main.tsx) and the server's render of the first
 * screen (ssr/first-screen-html.tsx) make them the same way, so both render the same first screen.
 */
export function createAppStores(api: ApiClient, first?: FirstAnswers): AppStores {
  const clusters = createClustersStore(api, first);
  const services = createServicesStore(api);
  const releases = createReleaseStore(api);
  const apply = createApplyStore(api, (contextId, releaseId) =>
    releases.getState().markApplied(editKey(contextId, releaseId)),
  );
  const wizard = createWizardStore(api);
  const drafts = createDraftsStore(api, { releases, apply });
  return { api, clusters, services, releases, apply, wizard, drafts };
}
