import { createRoot, hydrateRoot } from 'react-dom/client';
import { connectFromEnvironment } from './api/api-client.ts';
import { createAppStores } from './app/app-stores.ts';
import { appTree } from './app/app-tree.tsx';
import { readFirstAnswers } from './app/first-answers.ts';
import { whenIdle } from './app/screen-preload.ts';
import './styles.css';

const api = connectFromEnvironment();
// Browser mode: the page came with the first calls' answers and the first screen rendered from
// them (first-answers.ts): the stores start from those answers and React takes that markup over.
const first = readFirstAnswers(document);
const stores = createAppStores(api, first);
const { clusters } = stores;
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
const app = appTree(stores);
if (first && root.firstElementChild) hydrateRoot(root, app);
else createRoot(root).render(app);
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
